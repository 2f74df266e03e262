"""A SQLite file filled from the open books, on either engine: the county's setup and update
files (db/county/updates.py).

On SQLite the file is ATTACHed as `x` and filled by `INSERT INTO x.t … SELECT … FROM main.t`,
one statement a table, inside the books' own engine. A PostgreSQL server cannot attach a file
on this PC: there the file has a connection of its own, and each table's rows are read from
the server with a server-side cursor and written in chunks of `CHUNK`, set-based both ends
(one SELECT a table, `executemany` into the file). Either way the file is sealed on a
connection that sees it (`connection`, `schema`) and takes its name only when whole
(`files.output` around it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from db.store import faults
from db.store.connection import database, is_postgres
from db.store.server import portable

CHUNK = 5000


class OutFile:
    """The file at `path`, open for filling from the books (see the module's doc)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.own: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        """A sqlite3 connection that sees the file (as `schema`)."""
        return self.own if self.own is not None else database.connection()

    @property
    def schema(self) -> str:
        return "main" if self.own is not None else "x"

    def copy(self, table: str, columns: str, select: str, params: Any = None) -> None:
        """Put the rows of `select` (SQL over the books, giving `columns`) into `table`."""
        if self.own is None:
            database.execute_sql(f"INSERT INTO x.{table} ({columns}) {select}", params)  # noqa: S608
            return
        self.insert(table, columns, self._fetch(select, params))

    def insert(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
        """Put `rows` (values of `columns`) into `table` of the file."""
        marks = ", ".join("?" for _ in columns.split(","))
        sql = f"INSERT INTO {self.schema}.{table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        with faults.storage(self.path):
            for row in rows:
                batch.append(row)
                if len(batch) == CHUNK:
                    self.connection.executemany(sql, batch)
                    batch = []
            if batch:
                self.connection.executemany(sql, batch)

    def _fetch(self, select: str, params: Any) -> Iterator[tuple]:
        sql, values = portable(select, params)
        with faults.storage(), database.connection().cursor(name="aixin_out") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql, values)
            yield from cursor


@contextmanager
def attached(path: Path) -> Iterator[OutFile]:
    """`path` (an empty file of its kind, `sealed.create`) open for filling; committed when
    the block ends (on PostgreSQL; on SQLite with the books' transaction)."""
    out = OutFile(path)
    if is_postgres():
        with faults.storage(path):
            out.own = sqlite3.connect(path)
            out.own.execute("PRAGMA journal_mode = MEMORY")  # no -journal beside it
        try:
            yield out
            with faults.storage(path):
                out.own.commit()
        finally:
            out.own.close()
        return
    database.execute_sql("ATTACH DATABASE ? AS x", (str(path),))
    try:
        database.execute_sql("PRAGMA x.journal_mode = MEMORY")  # no -journal beside it
        yield out
    finally:
        if "x" in [row[1] for row in database.execute_sql("PRAGMA database_list")]:
            database.execute_sql("DETACH DATABASE x")
