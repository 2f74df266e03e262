"""Generating a big county and one month of files from its stations, set-based.

The county database is a real aixin file (migrations applied, `county init`, 19 stations
enrolled through `db.county.register`) holding `history` months of every station's books:
awards, deductions and redemptions (with their lines and stock moves; see ENTRIES), a
donation a month, the monthly totals the merge keeps, and balances. Its rows come from
`INSERT … SELECT` over a recursive series, with the secondary indexes dropped first and
rebuilt after. The history's hash links are placeholders — only each station's last entry is
linked for real, because that is what the merge checks the next month against.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from db.books.setup import Place, add_places
from db.county import office
from db.store import chain
from db.store.clock import FixedClock, month_bounds
from db.store.connection import close, connect
from tests.helpers import COUNTY_OFFICER

SPAN = 10**10
# A household's n-th entry of a month: every 4th a redemption of one item worth at most 5
# points, one in three of the 6th, 14th, ... a deduction of 3, the others awards of at least 5
# points, each to the task after the one before it. So, whatever the order the hash gives
# households their entries, no household is ever spent below zero and no task's monthly cap
# is broken, as the county's merge checks.
ENTRIES = f"""
WITH RECURSIVE n(k) AS (SELECT :first UNION ALL SELECT k + 1 FROM n WHERE k < :last),
d AS (SELECT k, (k * 2654435761 % 4294967291) % :hh_count AS hh, (k - :first) / :per_month AS mi
    FROM n),
r AS (SELECT k, hh, mi, ROW_NUMBER() OVER (PARTITION BY hh, mi ORDER BY k) AS nth FROM d),
e AS (SELECT k, hh, mi, nth, CASE WHEN nth % 4 = 0 THEN 'redemption'
    WHEN nth % 8 = 6 AND k % 3 = 0 THEN 'deduction' ELSE 'award' END AS kind FROM r)
INSERT INTO {{schema}}ledger_entry (id, household_id, points, kind, task_id, redemption_id,
    reverses_id, qty, note, operator, station, time, prev_hash)
SELECT :number * {SPAN} + n.k,
    printf('%010d', :hh_first + n.hh),
    CASE n.kind WHEN 'redemption' THEN -i.price WHEN 'deduction' THEN -3 ELSE t.points END,
    n.kind,
    CASE n.kind WHEN 'redemption' THEN NULL WHEN 'deduction' THEN 'KF01' ELSE t.code END,
    CASE n.kind WHEN 'redemption' THEN :number * {SPAN} + n.k END,
    NULL, 1, '', 'clerk',
    :station, datetime(m.start, '+' || (((n.k - :first) % :per_month) * :step) || ' seconds'),
    :link
FROM e AS n JOIN temp.g_month AS m ON m.idx = n.mi
JOIN temp.g_task AS t ON t.idx = (n.hh + n.nth) % (SELECT COUNT(*) FROM temp.g_task)
JOIN temp.g_item AS i ON i.idx = n.k % (SELECT COUNT(*) FROM temp.g_item)
ORDER BY n.k
"""
GOODS = f"""
INSERT INTO {{schema}}redemption (id, household_id, total, operator, station, time)
SELECT redemption_id, household_id, -points, operator, station, time
FROM {{schema}}ledger_entry WHERE kind = 'redemption' AND id BETWEEN :low AND :high;
INSERT INTO {{schema}}redemption_line (id, redemption_id, item_id, qty, price, points)
SELECT e.id, e.id, i.code, e.qty, i.price, -e.points FROM {{schema}}ledger_entry AS e
JOIN temp.g_item AS i ON i.idx = (e.id % {SPAN}) % (SELECT COUNT(*) FROM temp.g_item)
WHERE e.kind = 'redemption' AND e.id BETWEEN :low AND :high;
INSERT INTO {{schema}}stock_move (id, item_id, qty, kind, redemption_id, note, operator,
    station, time)
SELECT e.id, l.item_id, -l.qty, 'redemption', e.id, '', 'clerk', e.station, e.time
FROM {{schema}}ledger_entry AS e JOIN {{schema}}redemption_line AS l ON l.id = e.id
WHERE e.kind = 'redemption' AND e.id BETWEEN :low AND :high
"""


@dataclass(frozen=True)
class Shape:
    stations: int = 19
    households: int = 200_000
    history: int = 13  # months before the benchmark month
    county_entries: int = 20_000_000
    month_entries: int = 1_500_000
    month: str = "2026-11"

    @property
    def per_station(self) -> int:  # households
        return self.households // self.stations

    @property
    def history_months(self) -> list[str]:
        months, month = [], self.month
        for _ in range(self.history):
            year, number = int(month[:4]), int(month[5:])
            month = f"{year - (number == 1)}-{(number - 2) % 12 + 1:02d}"
            months.append(month)
        return months[::-1]


def code(number: int) -> str:
    return f"451425-{number:02d}"


def helpers(conn: sqlite3.Connection, months: list[str]) -> None:
    """Temp tables the generator draws from: months, positive tasks, goods."""
    conn.executescript(
        "CREATE TEMP TABLE IF NOT EXISTS g_month (idx INTEGER PRIMARY KEY, start TEXT);"
        "CREATE TEMP TABLE IF NOT EXISTS g_task (idx INTEGER PRIMARY KEY, code, points);"
        "CREATE TEMP TABLE IF NOT EXISTS g_item (idx INTEGER PRIMARY KEY, code, price);"
        "DELETE FROM g_month; DELETE FROM g_task; DELETE FROM g_item;"
    )
    conn.executemany(
        "INSERT INTO g_month VALUES (?, ?)", [(i, month_bounds(m)[0]) for i, m in enumerate(months)]
    )
    source = "main" if "task" in _tables(conn, "main") else "c"
    conn.execute(
        f"INSERT INTO g_task SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code, "
        f"points FROM {source}.task WHERE points >= 5"
    )
    conn.execute(
        f"INSERT INTO g_item SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code, "
        f"price FROM {source}.item WHERE price <= 5"
    )  # so balances stay positive (ENTRIES)


def _tables(conn: sqlite3.Connection, schema: str) -> set[str]:
    return {r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master")}


def build_county(path: Path, shape: Shape, say=print) -> None:
    """The county database: roster, 19 stations, `shape.history` months of books."""
    start = datetime.fromisoformat(month_bounds(shape.history_months[0])[0])
    clock = FixedClock(start, timedelta(seconds=1))
    connect(path, create=True)
    office.init_county("451425", "天等县", clock, pin="1234")
    towns = [Place(f"451425{100 + n:03d}", f"第{n}镇") for n in range(1, shape.stations + 1)]
    villages = [
        Place(f"{t.code}{200 + v:03d}", f"{t.name}{v}村", t.code)
        for t in towns
        for v in range(1, 21)
    ]
    add_places(towns, villages)
    for n, town in enumerate(towns, start=1):
        office.register(COUNTY_OFFICER, clock, code(n), f"{town.name}爱心超市", "shop", [town.code])
    close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;PRAGMA cache_size = -1000000;"
    )
    _roster(conn, shape)
    helpers(conn, shape.history_months)
    indexes = _drop_indexes(conn, ("ledger_entry", "stock_move", "redemption", "redemption_line"))
    per_month = shape.county_entries // shape.stations // shape.history
    for n in range(1, shape.stations + 1):
        say(f"  {code(n)}: {per_month * shape.history:,} entries")
        station_rows(conn, shape, n, 1, per_month * shape.history, per_month, "main.")
    say("  indexes")
    for sql in indexes:
        conn.execute(sql)
    say("  monthly totals, balances, chain heads, month records")
    _totals(conn, shape, per_month)
    conn.commit()
    conn.close()


def _roster(conn: sqlite3.Connection, shape: Shape) -> None:
    conn.execute(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < :count - 1) "
        "INSERT INTO household (number, head_name, id_number, village_id, group_id, category, "
        "members, phone, status, initials, balance, updated, updated_by) "
        "SELECT printf('%010d', k), '农户' || k, '451425199001011234', "
        "printf('451425%03d%03d', 101 + k / :per, 201 + k % 20), NULL, '脱贫户', 3, '', "
        "'active', '', 0, '2025-09-01 00:00:00', '451425-00' FROM n",
        {"count": shape.per_station * shape.stations, "per": shape.per_station},
    )


def _drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(tables))})",
        tables,
    ).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def station_rows(
    conn: sqlite3.Connection,
    shape: Shape,
    n: int,
    first: int,
    last: int,
    per_month: int,
    schema: str,
    link: str = "x" * 32,
) -> None:
    month_seconds = 27 * 24 * 3600
    params = {
        "first": first,
        "last": last,
        "number": int(code(n).replace("-", "")),
        "hh_first": (n - 1) * shape.per_station,
        "hh_count": shape.per_station,
        "station": code(n),
        "per_month": per_month,
        "step": max(1, month_seconds // per_month),
        "link": link,
    }
    conn.execute(ENTRIES.format(schema=schema), params)
    low = params["number"] * SPAN + first
    for sql in GOODS.format(schema=schema).split(";"):
        conn.execute(sql, {"low": low, "high": params["number"] * SPAN + last})


def _totals(conn: sqlite3.Connection, shape: Shape, per_month: int) -> None:
    from db.books.month_totals import TOTALS

    for table, key, sums, query, _ in TOTALS:
        conn.execute(
            f"INSERT INTO {table} ({', '.join(key + sums)}) " + query.format(src="", new="true")
        )
    conn.execute(
        "UPDATE household SET balance = t.points FROM (SELECT household_id, "
        "SUM(award + deduction + redemption + reversal + adjustment) AS points "
        "FROM month_household GROUP BY household_id) AS t WHERE household.number = t.household_id"
    )
    months = shape.history_months
    for n in range(1, shape.stations + 1):
        number = int(code(n).replace("-", ""))
        last_id = number * SPAN + per_month * shape.history
        row = conn.execute(
            f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id = ?", (last_id,)
        ).fetchone()
        head = chain.link(row)
        conn.execute("UPDATE station SET chain_head = ? WHERE code = ?", (head, code(n)))
        for i, month in enumerate(months):
            before = number * SPAN + per_month * i if i else None
            conn.execute(
                "INSERT INTO monthly_file VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code(n),
                    month,
                    f"history-{month}",
                    per_month,
                    before,
                    number * SPAN + per_month * (i + 1),
                    "x" * 32,
                    head if month == months[-1] else "x" * 32,
                ),
            )
