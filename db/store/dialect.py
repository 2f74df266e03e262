"""The few places where SQL meets its engine: SQLite for every station, SQLite or PostgreSQL
for the county (docs/design.md §6.3, "The merge on PostgreSQL").

The books' SQL is written once, in the subset both engines read alike: `?` and `:name`
parameters, `ON CONFLICT … DO NOTHING/UPDATE` (never `INSERT OR …`), comparisons that are
NULL-safe by `same()`, a derived table always named, integers summed as integers, booleans
as 0/1 integers, and no table qualified by SQLite's `main.`/`temp.` (an unqualified name is
the books' own table or the transaction's temp table on both). What no common text can say —
feeding many rows, references off for a merge — is here, the
engine chosen by the one test, `connection.is_postgres` (the parameters themselves are
rewritten for every statement by db/store/server.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from db.store.connection import database, is_postgres


def same(a: str, b: str) -> str:
    """SQL: `a` and `b` are equal, NULL equal to NULL (SQLite's `IS`, PostgreSQL's `IS NOT
    DISTINCT FROM`, in a form both read, down to SQLite 3.24)."""
    return f"COALESCE({a} = {b}, {a} IS NULL AND {b} IS NULL)"


def insert_all(table: str, rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows`, each in `table`'s column order, inside the caller's transaction, in one
    pass: SQLite's executemany, PostgreSQL's COPY — never a statement and a round trip a row
    (300,000 households' rows of a month's merge took 3 s pipelined, a tenth of that by COPY).
    `table` is a constant of the code (a temp table a merge stages its figures in)."""
    rows = list(rows)
    if not rows:
        return
    if is_postgres():
        with database.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as out:
            for row in rows:
                out.write_row(row)
    else:
        marks = ", ".join("?" * len(rows[0]))
        database.connection().executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608


def integers(row: Sequence[Any]) -> list[Any]:
    """A row with PostgreSQL's whole-number `numeric` sums (SUM of a BIGINT column) as the
    ints SQLite gives: the books hold no fractions (invariant 1)."""
    return [int(v) if isinstance(v, Decimal) and v == v.to_integral_value() else v for v in row]


@contextmanager
def references_off() -> Iterator[None]:
    """Foreign keys unchecked while a merge writes: a station's months may arrive in any
    order, so an entry may come before its household's record. SQLite turns them off for the
    connection (outside a transaction); the PostgreSQL county schema declares none on the
    tables a merge fills, so there is nothing to turn off."""
    if is_postgres():
        yield
        return
    database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")
