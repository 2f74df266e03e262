"""The county's monthly totals: caches of its entries and stock moves, for fast reports.

The merge adds each file's new rows to them in the same transaction that inserts the rows
(`add`), and `aixin verify` recomputes them from the rows (`problems`), like a household's
balance. Sums commute, so the totals do not depend on the order files arrive in.
"""

from __future__ import annotations

import sqlite3

from catalog.messages import N_, Finding, Message
from db.store.clock import month_bounds
from db.store.connection import database
from db.store.dialect import insert_all

HOUSEHOLD_COLUMNS = (
    "award",
    "deduction",
    "redemption",
    "reversal",
    "adjustment",
    "entries",
    "redemptions",
)
HOUSEHOLD = (
    "SELECT substr(s.time, 1, 7), s.household_id, "
    "SUM(CASE WHEN s.kind = 'award' THEN s.points ELSE 0 END), "
    "SUM(CASE WHEN s.kind = 'deduction' THEN s.points ELSE 0 END), "
    "SUM(CASE WHEN s.kind = 'redemption' THEN s.points ELSE 0 END), "
    "SUM(CASE WHEN s.kind = 'reversal' THEN s.points ELSE 0 END), "
    "SUM(CASE WHEN s.kind IN ('adjustment', 'base', 'handout') THEN s.points ELSE 0 END), "
    "COUNT(*), SUM(CASE WHEN s.kind = 'redemption' THEN 1 ELSE 0 END) "
    "FROM {src}ledger_entry AS s WHERE {new} "
    "GROUP BY 1, 2"
)
STATION = (
    "SELECT substr(s.time, 1, 7), s.station, COALESCE(s.task_id, ''), s.kind, SUM(s.points), "
    "COUNT(*) FROM {src}ledger_entry AS s WHERE {new} GROUP BY 1, 2, 3, 4"
)
STOCK = (
    "SELECT substr(s.time, 1, 7), s.station, s.item_id, s.kind, SUM(s.qty), COUNT(*) "
    "FROM {src}stock_move AS s WHERE {new} GROUP BY 1, 2, 3, 4"
)
# (table, key columns, summed columns, the query that computes its rows)
TOTALS = (
    ("month_household", ("month", "household_id"), HOUSEHOLD_COLUMNS, HOUSEHOLD, "ledger_entry"),
    (
        "month_station",
        ("month", "station_id", "task_id", "kind"),
        ("points", "entries"),
        STATION,
        "ledger_entry",
    ),
    (
        "month_stock",
        ("month", "station_id", "item_id", "kind"),
        ("qty", "moves"),
        STOCK,
        "stock_move",
    ),
)


def compute(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """A checked file's own totals, summed on its own connection (the checker's thread)."""
    return {
        table: conn.execute(query.format(src="", new="true")).fetchall()
        for table, *_, query, _ in TOTALS
    }


def add_computed(totals: dict[str, list[tuple]]) -> None:
    """Add totals from `compute` (a file none of whose rows the county has yet), and move the
    households' balances by them. Staged in temp tables, then one upsert each."""
    for table, key, sums, _, _ in TOTALS:
        columns = ", ".join(key + sums)
        database.execute_sql(
            f"CREATE TEMP TABLE staged_{table} AS SELECT {columns} FROM {table} LIMIT 0"  # noqa: S608
        )
        insert_all(f"staged_{table}", totals[table])
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
        database.execute_sql(
            f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 - constants
            f"FROM staged_{table} WHERE true "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        )
    database.execute_sql(
        "UPDATE household SET balance = balance + d.points FROM (SELECT household_id, "
        "SUM(award + deduction + redemption + reversal + adjustment) AS points "
        "FROM staged_month_household GROUP BY household_id) AS d "
        "WHERE household.number = d.household_id"
    )
    for table, *_ in TOTALS:
        database.execute_sql(f"DROP TABLE staged_{table}")


def add(src: str, overlapping: set[str]) -> None:
    """Add the rows of attached `src` that main does not have yet. Call before inserting
    them. (`add_computed` does the same for a file with only new rows, and is quicker.)"""
    for table, key, sums, query, rows in TOTALS:
        new = (
            f"NOT EXISTS (SELECT 1 FROM {rows} AS m WHERE m.id = s.id)"  # noqa: S608
            if rows in overlapping
            else "true"
        )
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
        database.execute_sql(
            f"INSERT INTO {table} ({', '.join(key + sums)}) "  # noqa: S608 - constants
            + query.format(src=f"{src}.", new=new)
            + f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
        )


EXTRA = N_("多出")  # a cached row the entries do not give
MISSING = N_("缺少")  # a row the entries give that the cache lacks


def problems(months: list[str] | None = None) -> list[Finding]:
    """Where a cached total disagrees with the rows it sums (empty when all agree): one
    `month_totals` finding per table and direction, naming the first row that differs.
    With `months`, only the totals of those months."""
    found = []
    for table, key, sums, query, _ in TOTALS:
        columns = ", ".join(key + sums)
        fresh = query.format(src="", new="true")
        cached = f"SELECT {columns} FROM {table}"  # noqa: S608 - constants
        params: list[str] = []
        if months is not None:
            if not months:
                return []
            ranges = " OR ".join("(s.time >= ? AND s.time < ?)" for _ in months)
            fresh = query.format(src="", new=f"({ranges})")
            cached += f" WHERE month IN ({', '.join('?' * len(months))})"
            params = [bound for month in months for bound in month_bounds(month)]
        for label, sql, order in (
            (EXTRA, f"{cached} EXCEPT {fresh}", [*(months or ()), *params]),
            (MISSING, f"{fresh} EXCEPT {cached}", [*params, *(months or ())]),
        ):
            row = database.execute_sql(f"SELECT * FROM ({sql}) AS d LIMIT 1", order).fetchone()  # noqa: S608
            if row is not None:
                message = Message(
                    N_("月度汇总 {table} 与明细不符（{label}）：{row}"),
                    table=table,
                    label=Message(label),
                    row=" ".join(map(str, row)),
                )
                found.append(Finding("month_totals", message, subject=(table, tuple(row))))
    return found
