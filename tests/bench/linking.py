"""The one sequential step of a bench station, then its caches and audit trail.

Each link of the hash chain needs the link before it, so the staged entries are read in id
order, linked in Python with `db.chain.link` (the very function the ledger uses) and written
to ledger_entry in chunks. Ledger entries are immutable, so they go in once, linked. The
same pass keeps every household's running balance and refuses to go on if one dips below
zero. Balances, stock and the audit trail are then set-based.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from db.store import chain
from db.store.connection import database
from db.store.ids import id_range
from tests.bench.roster import STATION

CHUNK = 50_000
READ = (
    f"SELECT {', '.join(chain.FIELDS[:-1])} FROM temp.bench_entry "  # noqa: S608 - constant names
    "WHERE id > ? ORDER BY id LIMIT ?"
)
WRITE = (
    f"INSERT INTO ledger_entry ({chain.COLUMNS}) "  # noqa: S608 - constant names
    f"VALUES ({', '.join('?' * len(chain.FIELDS))})"
)


@dataclass(frozen=True)
class Linked:
    entries: int
    head: str
    hashing: float  # seconds spent in chain.link


def link_entries() -> Linked:
    """Copy temp.bench_entry into ledger_entry in id order, each entry linked to the last."""
    conn = database.connection()
    head, last, count, hashing = chain.GENESIS, id_range(STATION)[0], 0, 0.0
    balances: dict[str, int] = defaultdict(int)
    while rows := conn.execute(READ, (last, CHUNK)).fetchall():
        tick = time.perf_counter()
        linked = []
        for row in rows:
            entry = (*row, head)
            head = chain.link(entry)
            linked.append(entry)
            balances[row[1]] += row[2]
            if balances[row[1]] < 0:
                raise ValueError(f"entry {row[0]} takes household {row[1]} below zero")
        hashing += time.perf_counter() - tick
        with database.atomic():
            conn.executemany(WRITE, linked)
        last, count = rows[-1][0], count + len(rows)
    return Linked(count, head, hashing)


def finish(head: str, end: str) -> None:
    """Chain head, cached balances and stock, the status changes at `end`, the audit trail."""
    params = {"head": head, "end": end, "station": STATION}
    for sql in CACHES:
        database.execute_sql(sql, params)
    database.execute_sql(
        "CREATE TEMP TABLE bench_audit (time TEXT NOT NULL, ord INTEGER NOT NULL, "
        "operator TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)"
    )
    for sql in AUDIT:
        database.execute_sql(sql, params)
    base = (
        database.execute_sql(
            "SELECT MAX(id) FROM audit WHERE id >= ? AND id < ?", id_range(STATION)
        ).fetchone()[0]
        or id_range(STATION)[0]
    )
    database.execute_sql(
        "INSERT INTO audit (id, time, operator, station, action, detail) "
        "SELECT ? + ROW_NUMBER() OVER (ORDER BY time, ord), time, operator, ?, action, detail "
        "FROM temp.bench_audit ORDER BY time, ord",
        (base, STATION),
    )


CACHES = (
    "UPDATE station SET chain_head = :head WHERE code = :station",
    # The staged entries are the ledger's rows; reading them spares a pass over the big table.
    "UPDATE household SET balance = s.total FROM (SELECT household_id, SUM(points) AS total "
    "FROM temp.bench_entry GROUP BY household_id) AS s WHERE household.number = s.household_id",
    "UPDATE item SET stock = COALESCE((SELECT SUM(qty) FROM stock_move "
    "WHERE item_id = item.code AND station = :station), 0)",
    "UPDATE household SET status = h.status, updated = :end, updated_by = :station "
    "FROM temp.bench_household h WHERE household.number = h.number AND h.status <> 'active'",
)

AUDIT = (
    "INSERT INTO temp.bench_audit SELECT issued, id, operator, "
    "CASE serial WHEN 1 THEN 'card-issue' ELSE 'card-reissue' END, "
    "household_id || ' 第 ' || serial || ' 号卡' FROM card",
    "INSERT INTO temp.bench_audit SELECT time, MIN(id), operator, 'award', "
    "COUNT(*) || ' 行，合计 ' || printf('%+d', SUM(points)) || ' 分，条目 ' || MIN(id) || '–' "
    "|| MAX(id) FROM temp.bench_entry WHERE kind IN ('award', 'deduction') "
    "GROUP BY time, operator",
    "INSERT INTO temp.bench_audit SELECT d.time, d.id, d.operator, 'donation', "
    "o.name || '：' || (SELECT COUNT(*) FROM donation_line l WHERE l.donation_id = d.id) "
    "|| ' 种物品，现金 0 分' FROM donation d JOIN donor o ON o.id = d.donor_id",
    "INSERT INTO temp.bench_audit SELECT time, id, operator, 'redemption', "
    "household_id || ' ' || total || ' 分，' || (SELECT COUNT(*) FROM redemption_line l "
    "WHERE l.redemption_id = redemption.id) || ' 种商品' FROM redemption",
    "INSERT INTO temp.bench_audit SELECT :end, pos, 'manager', 'household-edit', number "
    "FROM temp.bench_household WHERE status <> 'active'",
)
