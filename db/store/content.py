"""What the open books hold, as digests that do not depend on the engine.

A refused merge file must leave the county's books as they were (docs/design.md §6.3). On
SQLite the file's bytes could say so; on PostgreSQL there are no bytes to compare, and even on
SQLite a page may be rewritten with the same rows. So the books' content is compared instead:
every table's rows, in the order of its primary key, its columns by name, each row encoded as
JSON (the books hold only integers, text and NULLs), hashed with SHA-256. The same rows give
the same digest on either engine; text keys order alike because PostgreSQL's columns are
COLLATE "C", SQLite's byte order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from db.store.connection import database

# The schema's own history: when each migration ran differs from one database to the next.
NOT_CONTENT = frozenset({"schema_migration", "sqlite_sequence"})


def tables() -> list[str]:
    """The books' tables (not the schema history), by name."""
    return sorted(name for name in database.get_tables() if name not in NOT_CONTENT)


def rows(table: str) -> Iterator[tuple]:
    """`table`'s rows, its columns by name, in the order of its primary key (of every column
    where it has none)."""
    columns = sorted(c.name for c in database.get_columns(table))
    key = database.get_primary_keys(table) or columns
    names = ", ".join(f'"{c}"' for c in columns)
    order = ", ".join(f'"{c}"' for c in key)
    cursor = database.execute_sql(f'SELECT {names} FROM "{table}" ORDER BY {order}')  # noqa: S608
    yield tuple(columns)
    while batch := cursor.fetchmany(10_000):
        yield from batch


def table_digest(table: str) -> str:
    """SHA-256 of `table`'s column names and rows (see the module's doc)."""
    whole = hashlib.sha256()
    for row in rows(table):
        whole.update(json.dumps(list(row), ensure_ascii=False).encode())
        whole.update(b"\n")
    return whole.hexdigest()


def digests(skip: Iterable[str] = ()) -> dict[str, str]:
    """Every table's digest, by table name, but those in `skip`."""
    left_out = set(skip)
    return {name: table_digest(name) for name in tables() if name not in left_out}
