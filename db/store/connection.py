"""Opening a station or county database: one SQLite file, WAL, foreign keys, schema history.

The county's database may instead be a PostgreSQL database, named by a `postgresql://` URL
(db/store/server.py); `is_postgres()` is the one test of which engine the books are on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from peewee import Database, DatabaseError, DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import Runner

from catalog.messages import Refused
from db.store import faults, files
from db.store.server import SCHEMA, CountyServer, is_url, shown

database = DatabaseProxy()

MIGRATIONS = Path(__file__).with_name("migrations")

# How long a writer waits for another's write lock before it says the books are busy: longer
# than any write of the till or a sheet takes, short enough that a clerk is not left waiting.
BUSY_MS = 5000

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: a committed redemption survives a power cut, not only a killed process.
    "synchronous": "full",
    # REPLACE deletes the row it displaces: with this on, that delete meets the triggers
    # that keep entries, moves, slips and the audit trail immutable.
    "recursive_triggers": 1,
    "cache_size": -64_000,
}


class Books(SqliteDatabase):
    """The books' SQLite database: every storage fault is a `faults.StorageRefused`.

    Every statement, BEGIN, COMMIT and ROLLBACK goes through `faults.storage()`, so a busy,
    full, read-only or failing disk is one refusal that says what to do, wherever it happens.
    When SQLite has already rolled a transaction back by itself (it does on a full disk or an
    I/O error), peewee's ROLLBACK has nothing to undo: it is skipped, so that the real fault is
    what the person reads, not "cannot rollback - no transaction is active".
    """

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if sql.lstrip()[:8].upper() == "ROLLBACK" and not self._open_transaction():
            return self.cursor()  # a savepoint's rollback after SQLite rolled back already
        with faults.storage():
            return super().execute_sql(sql, params)

    def begin(self, lock_type: str | None = None) -> None:
        with faults.storage():
            super().begin(lock_type)

    def commit(self) -> None:
        with faults.storage():
            super().commit()

    def rollback(self) -> None:
        if not self._open_transaction():
            return
        with faults.storage():
            super().rollback()

    def _open_transaction(self) -> bool:
        return not self.is_closed() and self.connection().in_transaction


def is_postgres(db: Database | DatabaseProxy | None = None) -> bool:
    """Whether `db` (by default the open books) is a PostgreSQL database."""
    handle = database if db is None else db
    if isinstance(handle, DatabaseProxy):
        handle = handle.obj
    return isinstance(handle, PostgresqlDatabase)


def connect(path: str | Path, *, create: bool = False) -> Database:
    """Bind the models to the SQLite file at `path` and bring its schema up to date.

    Every transaction begins IMMEDIATE: services read a balance or a stock level and then
    write, so they take the write lock before they read. A new file is created readable by
    its owner only, before SQLite first opens it (SQLite gives its -wal and -shm the same mode).
    `path` may be a `postgresql://` URL instead: see `connect_server`.
    """
    if is_url(path):
        return connect_server(str(path), create=create)
    target = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not create and not target.exists():
        raise Refused("数据库文件不存在：{path}。请先运行 aixin init 或 aixin demo", path=path)
    if not memory and target.exists():
        try:
            files.check_regular(target, limit=1 << 62)
        except files.InputRefused as refused:
            raise Refused(
                "{path} 不是 aixin 数据库：{reason}", path=path, reason=refused.message
            ) from None
    elif create and not memory:
        files.prepare_folder(target)
        files.create_empty(target)
    faults.busy_seconds = BUSY_MS / 1000
    handle = Books(
        str(path),
        pragmas={**PRAGMAS, "busy_timeout": BUSY_MS},
        timeout=BUSY_MS / 1000,
        lock_type="IMMEDIATE",
    )
    database.initialize(handle)
    try:
        with faults.storage():
            handle.connect(reuse_if_open=True)
        if not create and "schema_migration" not in handle.get_tables():
            raise Refused("{path} 不是 aixin 数据库", path=path)
        migrate(handle)
    except faults.StorageRefused as refused:
        handle.close()
        if refused.fault == "corrupt":
            raise Refused(
                "{path} 不是 aixin 数据库：{error}", path=path, error=refused.fields["error"]
            ) from refused
        raise
    except Refused:
        handle.close()
        raise
    except DatabaseError as exc:
        handle.close()
        raise Refused("{path} 不是 aixin 数据库：{error}", path=path, error=exc) from exc
    return handle


def connect_server(url: str, *, create: bool = False) -> CountyServer:
    """Bind the models to the PostgreSQL database at `url` and bring its schema up to date.

    The database itself is made by the server's administrator (createdb); `create` lets an
    empty one (no tables at all) receive the schema `main` and the books' tables in it, for
    `county init`. One that has tables but not the books' schema history is not the books,
    and is left alone.
    """
    faults.busy_seconds = BUSY_MS / 1000
    handle = CountyServer(url, lock_ms=BUSY_MS)
    database.initialize(handle)
    try:
        with faults.storage():
            handle.connect(reuse_if_open=True)
        if "schema_migration" not in handle.get_tables(schema=SCHEMA):
            if not create:
                raise Refused(
                    "{path} 里还没有县级数据库：请先运行 aixin county init", path=shown(url)
                )
            tables = handle.get_tables(schema=SCHEMA) + handle.get_tables(schema="public")
            if tables:
                raise Refused(
                    "{path} 不是 aixin 数据库：里面已经有别的表（{table} 等）",
                    path=shown(url),
                    table=tables[0],
                )
            handle.execute_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        migrate(handle)
    except Refused:
        handle.close()
        raise
    except DatabaseError as exc:
        handle.close()
        raise Refused(
            "{path} 不是 aixin 数据库：{error}", path=shown(url), error=faults.first_line(exc)
        ) from exc
    return handle


def migrate(handle: Database) -> list[str]:
    """Apply pending migrations; returns the names applied."""
    runner = Runner(handle, directory=str(MIGRATIONS))
    if not isinstance(handle, CountyServer):
        return runner.up()
    handle.lock_schema()  # another program may be bringing the same schema up
    try:
        return runner.up()
    finally:
        handle.unlock_schema()


def schema_version(handle: Database) -> str:
    """The newest migration applied to this file, e.g. '0001_initial'."""
    applied = Runner(handle, directory=str(MIGRATIONS)).applied()
    return max(applied) if applied else ""


def backup(out: Path) -> None:
    """A whole, consistent copy of the open books at `out`, taken while the till runs.

    Copying the file itself can miss the newest transactions, which live in the `-wal` file
    until SQLite moves them over; SQLite's online backup copies both as one snapshot.
    """
    if out.exists():
        raise Refused("{path} 已经存在：请换一个文件名，免得覆盖旧的备份", path=out)
    if is_postgres():
        raise Refused("县级数据库在 PostgreSQL 服务器上：请用服务器的 pg_dump 备份它")
    with files.output(out) as partial:  # a backup appears whole or not at all, owner-only
        copy = sqlite3.connect(partial)
        try:
            copy.execute("PRAGMA journal_mode = MEMORY")  # no -journal beside it, ever
            database.connection().backup(copy)
        finally:
            copy.close()


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()
