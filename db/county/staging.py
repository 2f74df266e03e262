"""A checked month file as schema `f` of the county database, for one merge's transaction.

The merge's checks and writes are one set of SQL texts that read the file's tables as
`f.<table>` beside the county's own (db.county.row_checks, merge_rows, db.exchange.union). How
the file becomes `f` is the one thing that differs by engine (docs/design.md §6.3):

- SQLite: the private copy is ATTACHed as `f` (outside the transaction, as SQLite requires),
  foreign keys off while the months of a station arrive in any order.
- PostgreSQL: inside the merge's transaction, after an advisory lock that queues merges (there
  is one `f`), `CREATE SCHEMA f` with the file's tables typed like the county's columns, each
  table's rows loaded by COPY from the checked SQLite copy (read once, in key order), its
  primary key added and its statistics taken; the schema is dropped before the commit, and a
  refusal's rollback takes it away with everything else.

Either way the transaction is the caller's unit: what it writes inside `staged` commits
together, or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import pathname2url

from db.exchange.formats import KINDS, TABLES, Table
from db.exchange.sealed import FileRefused
from db.store.connection import database, is_postgres
from db.store.dialect import references_off

# pg_advisory_xact_lock's key for "a merge is writing": 'AIXI' 'MERG' as two int4s' bytes.
MERGE_LOCK = 0x41495849_4D455247
ROWS_PER_BATCH = 10_000
BIG = 20_000  # rows: a table keyed after its COPY, its statistics taken
STATISTICS = "SET LOCAL default_statistics_target = 10"


@contextmanager
def staged(copy: Path, kind: str = "month") -> Iterator[None]:
    """The checked file at `copy` readable as `f.<table>` inside one write transaction of the
    open books; the body runs in that transaction, and commits with it."""
    if is_postgres():
        with database.atomic():
            database.execute_sql("SELECT pg_advisory_xact_lock(?)", (MERGE_LOCK,))
            _load(copy, KINDS[kind])
            yield
            database.execute_sql("DROP SCHEMA f CASCADE")  # before the commit
        return
    with references_off():
        database.execute_sql("ATTACH DATABASE ? AS f", (str(copy),))
        try:
            with database.atomic():
                yield
        finally:
            database.execute_sql("DETACH DATABASE f")


def county_types() -> dict[tuple[str, str], str]:
    """(table, column) -> the PostgreSQL type of the county's own column."""
    rows = database.execute_sql(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped"
    ).fetchall()
    return {(table, column): kind for table, column, kind in rows}


def ddl(table: Table, types: dict[tuple[str, str], str], *, keyed: bool) -> str:
    """CREATE TABLE f.<table>: the file's columns in its order, each typed like the county's
    column of that name (BIGINT or TEXT where the county has none); no constraints but the
    primary key, and that only when `keyed` (a big table gets it after its rows)."""
    columns = []
    for name, spec in table.columns:
        fallback = "BIGINT" if spec.startswith("int") else "TEXT"
        columns.append(f"{name} {types.get((table.name, name), fallback)}")
    if keyed:
        columns.append(f"PRIMARY KEY ({', '.join(table.key)})")
    return f"CREATE TABLE f.{table.name} ({', '.join(columns)})"


def _load(copy: Path, names: tuple[str, ...]) -> None:
    """Schema `f`: every table of the file made in one round trip, then the rows of those
    that have any copied in; a big table is keyed and its statistics taken after its rows
    are in (quicker than keeping an index up to date through the COPY, and the planner
    then knows what it joins)."""
    import psycopg

    types = county_types()
    uri = "file:" + pathname2url(str(copy.resolve())) + "?mode=ro"
    source = sqlite3.connect(uri, uri=True)
    try:
        tables = [TABLES[name] for name in names]
        counts = {
            t.name: source.execute(f"SELECT COUNT(*) FROM {t.name}").fetchone()[0]  # noqa: S608
            for t in tables
        }
        big = {name for name, count in counts.items() if count >= BIG}
        made = [ddl(t, types, keyed=t.name not in big) for t in tables]
        with database.cursor() as cursor:
            # The file's statistics from a sample of 3,000 rows, not the default 30,000: what
            # the checks join on is keys, and a month's ANALYZE then costs a tenth (this
            # transaction only; the county's own tables keep theirs).
            cursor.execute("; ".join(["CREATE SCHEMA f", *made, STATISTICS]))
            for table in tables:
                if counts[table.name]:
                    _copy(cursor, source, table)
                if table.name in big:
                    cursor.execute(
                        f"ALTER TABLE f.{table.name} ADD PRIMARY KEY ({', '.join(table.key)})"
                    )
                    cursor.execute(f"ANALYZE f.{table.name}")
    except psycopg.Error as exc:  # a value the county's column cannot hold, or the server
        raise FileRefused("写入县数据库", "{error}", error=exc) from exc
    finally:
        source.close()


def _copy(cursor: Any, source: sqlite3.Connection, table: Table) -> None:
    """The rows of `table` from the SQLite copy into f.<table>, in key order, by COPY."""
    rows = source.execute(
        f"SELECT {table.column_list} FROM {table.name} "  # noqa: S608 - constants
        f"ORDER BY {', '.join(table.key)}"
    )
    with cursor.copy(f"COPY f.{table.name} ({table.column_list}) FROM STDIN") as out:
        while batch := rows.fetchmany(ROWS_PER_BATCH):
            for row in batch:
                out.write_row(row)
