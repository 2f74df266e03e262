"""The few places where SQL meets its engine: SQLite for every station, SQLite or PostgreSQL
for the county (docs/design.md §6.3, "The merge on PostgreSQL").

The books' SQL is written once, in the subset both engines read alike: `?` and `:name`
parameters, `ON CONFLICT … DO NOTHING/UPDATE` (never `INSERT OR …`), comparisons that are
NULL-safe by `same()`, a derived table always named, integers summed as integers, booleans
as 0/1 integers, and no table qualified by SQLite's `main.`/`temp.` (an unqualified name is
the books' own table or the transaction's temp table on both). What no common text can say —
parameters in psycopg's style, feeding many rows, references off for a merge — is here, the
engine chosen by the one test, `connection.is_postgres`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Any

from db.store.connection import database, is_postgres

# A quoted literal or identifier (kept as it is), a `?`, a `:name`, a `%`, or a `::` cast.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:([A-Za-z_]\w*)|%")


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """`sql` with SQLite-style parameters (`?`, `:name`) in psycopg's style (`%s`,
    `%(name)s`), and a literal `%` doubled so psycopg leaves it alone."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token  # a quoted string, a quoted name or a cast

    return _TOKENS.sub(swap, sql)


def native(sql: str) -> bool:
    """Whether `sql` is already in psycopg's style (peewee's own queries are)."""
    return "%s" in sql or "%(" in sql


def same(a: str, b: str) -> str:
    """SQL: `a` and `b` are equal, NULL equal to NULL (SQLite's `IS`, PostgreSQL's `IS NOT
    DISTINCT FROM`, in a form both read, down to SQLite 3.24)."""
    return f"COALESCE({a} = {b}, {a} IS NULL AND {b} IS NULL)"


def many(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run `sql` (with `?` parameters) once for each of `rows`, inside the caller's
    transaction: SQLite's executemany, psycopg's pipelined one."""
    if is_postgres():
        with database.cursor() as cursor:
            cursor.executemany(to_postgres(sql), list(rows))
    else:
        database.connection().executemany(sql, rows)


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
