"""The baselines: the same reads, and the same rows written, in bare sqlite3.

No peewee and no checks: each function does only what its result needs (the rows an award
or a redemption leaves in the books, with real ids and a real chain link, so the file stays
valid and `verify` still passes after a benchmark run).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from db.store import chain
from db.store.clock import Clock, stamp
from db.store.connection import PRAGMAS
from db.store.ids import id_range

TABLES = ("ledger_entry", "redemption", "redemption_line", "stock_move", "audit")
LAST_ID = {
    table: f"SELECT MAX(id) FROM {table} WHERE id >= ? AND id < ?"  # noqa: S608 - names above
    for table in TABLES
}
INSERT_ENTRY = (
    f"INSERT INTO ledger_entry ({chain.COLUMNS}) "  # noqa: S608 - constant names
    f"VALUES ({', '.join('?' * len(chain.FIELDS))})"
)
READ_CHAIN = (
    f"SELECT {chain.COLUMNS} FROM ledger_entry "  # noqa: S608 - constant names
    "WHERE id >= ? AND id < ? ORDER BY id"
)
SUMS = (
    "SELECT household_id, SUM(points) FROM ledger_entry GROUP BY household_id",
    "SELECT item_id, SUM(qty) FROM stock_move GROUP BY item_id",
    "SELECT redemption_id, SUM(points) FROM redemption_line GROUP BY redemption_id",
)


def connect(path: str | Path) -> sqlite3.Connection:
    """A plain connection with the same pragmas as the books', in autocommit mode."""
    conn = sqlite3.connect(path, isolation_level=None)
    for name, value in PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {value}")
    return conn


@dataclass
class Bare:
    conn: sqlite3.Connection
    station: str
    clock: Clock

    def household(self, number: str) -> tuple:
        return self.conn.execute("SELECT * FROM household WHERE number = ?", (number,)).fetchone()

    def card(self, scanned: tuple[str, int]) -> tuple:
        number, serial = scanned
        return (
            self.household(number),
            self.conn.execute(
                "SELECT * FROM card WHERE household_id = ? AND serial = ?", (number, serial)
            ).fetchone(),
        )

    def shown(self, scanned: tuple[str, int]) -> tuple:
        number, serial = scanned
        c = self.conn
        return (
            c.execute(
                "SELECT h.*, v.name FROM household h JOIN village v ON v.code = h.village_id "
                "WHERE h.number = ?",
                (number,),
            ).fetchone(),
            c.execute(
                "SELECT * FROM card WHERE household_id = ? AND serial = ?", (number, serial)
            ).fetchone(),
            c.execute(
                "SELECT * FROM ledger_entry WHERE household_id = ? ORDER BY id DESC LIMIT 10",
                (number,),
            ).fetchall(),
        )

    def search(self, text: str) -> list[tuple]:
        return self.conn.execute(
            "SELECT * FROM household WHERE number LIKE ? OR id_number LIKE ? "
            "ORDER BY number LIMIT 20",
            (text + "%", "%" + text),
        ).fetchall()

    def award(self, job: tuple[str, str, int]) -> None:
        """One award entry, the chain head, the balance and an audit line, committed."""
        household, task, points = job
        now = stamp(self.clock.now())
        with self._transaction():
            self._entry(household, points, "award", task, None, 1, "manager", now)
            self._audit(now, "manager", "award", f"1 行，合计 {points:+d} 分")

    def sheet(self, job: tuple[list[str], str, int]) -> None:
        """A sheet's entries (one per household, chained), head, balances, one audit line."""
        households, task, points = job
        now = stamp(self.clock.now())
        with self._transaction():
            for household in households:
                self._entry(household, points, "award", task, None, 1, "manager", now)
            self._audit(now, "manager", "award", f"{len(households)} 行")

    def new_rows(self, after: dict[str, int]) -> None:
        """What verify --since-last reads after a day's work: the entries and moves above
        `after` (the last ids verified), every column."""
        high = id_range(self.station)[1]
        for table in ("ledger_entry", "stock_move"):
            self.conn.execute(
                f"SELECT * FROM {table} WHERE id > ? AND id < ?",  # noqa: S608 - names above
                (after[table], high),
            ).fetchall()

    def redeem(self, job: tuple[str, list[tuple[str, int, int]]]) -> None:
        """Slip, lines, entry, chain head, balance, stock moves and stock, audit, committed."""
        household, lines = job
        total = sum(qty * price for _, qty, price in lines)
        now = stamp(self.clock.now())
        c = self.conn
        with self._transaction():
            slip = self._next("redemption")
            c.execute(
                "INSERT INTO redemption VALUES (?, ?, ?, 'clerk', ?, ?)",
                (slip, household, total, self.station, now),
            )
            first = self._next("redemption_line")
            c.executemany(
                "INSERT INTO redemption_line VALUES (?, ?, ?, ?, ?, ?)",
                [(first + i, slip, code, q, p, q * p) for i, (code, q, p) in enumerate(lines)],
            )
            qty = sum(q for _, q, _ in lines)
            self._entry(household, -total, "redemption", None, slip, qty, "clerk", now)
            first = self._next("stock_move")
            c.executemany(
                "INSERT INTO stock_move (id, item_id, qty, kind, redemption_id, note, operator, "
                "station, time) VALUES (?, ?, ?, 'redemption', ?, '', 'clerk', ?, ?)",
                [
                    (first + i, code, -q, slip, self.station, now)
                    for i, (code, q, _) in enumerate(lines)
                ],
            )
            c.executemany(
                "UPDATE item SET stock = stock - ? WHERE code = ?",
                [(q, code) for code, q, _ in lines],
            )
            self._audit(now, "clerk", "redemption", f"{household} {total} 分，{len(lines)} 种商品")

    def sums(self, _: object = None) -> None:
        """What verify recomputes, as bare scans: SUM … GROUP BY over the same tables."""
        for sql in SUMS:
            self.conn.execute(sql).fetchall()

    def read_chain(self, _: object = None) -> None:
        """The rows verify's chain pass reads, in the same order, without hashing them."""
        for _row in self.conn.execute(READ_CHAIN, id_range(self.station)):
            pass

    def _entry(
        self,
        household: str,
        points: int,
        kind: str,
        task: str | None,
        slip: int | None,
        qty: int,
        operator: str,
        now: str,
    ) -> None:
        c = self.conn
        head = c.execute(
            "SELECT chain_head FROM station WHERE code = ?", (self.station,)
        ).fetchone()[0]
        row = (
            self._next("ledger_entry"),
            household,
            points,
            kind,
            task,
            slip,
            None,
            qty,
            "",
            operator,
            self.station,
            now,
            head,
        )
        c.execute(INSERT_ENTRY, row)
        c.execute(
            "UPDATE station SET chain_head = ? WHERE code = ?", (chain.link(row), self.station)
        )
        c.execute(
            "UPDATE household SET balance = balance + ? WHERE number = ?", (points, household)
        )

    def _audit(self, now: str, operator: str, action: str, detail: str) -> None:
        self.conn.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)",
            (self._next("audit"), now, operator, self.station, action, detail),
        )

    def _next(self, table: str) -> int:
        low, high = id_range(self.station)
        top = self.conn.execute(LAST_ID[table], (low, high)).fetchone()[0]
        return (top or low) + 1

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, as the services' transactions; ROLLBACK on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
