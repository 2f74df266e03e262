"""Opening a station or county database: one SQLite file, WAL, foreign keys, schema history."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError, DatabaseProxy, SqliteDatabase
from playhouse.migrations import Runner

from catalog.messages import Refused

database = DatabaseProxy()

MIGRATIONS = Path(__file__).with_name("migrations")

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: a committed redemption survives a power cut, not only a killed process.
    "synchronous": "full",
    "busy_timeout": 5000,
    # REPLACE deletes the row it displaces: with this on, that delete meets the triggers
    # that keep entries, moves, slips and the audit trail immutable.
    "recursive_triggers": 1,
    "cache_size": -64_000,
}


def connect(path: str | Path, *, create: bool = False) -> SqliteDatabase:
    """Bind the models to the SQLite file at `path` and bring its schema up to date.

    Every transaction begins IMMEDIATE: services read a balance or a stock level and then
    write, so they take the write lock before they read.
    """
    target = Path(path)
    if str(path) != ":memory:" and not create and not target.exists():
        raise Refused("数据库文件不存在：{path}。请先运行 aixin init 或 aixin demo", path=path)
    if create and str(path) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    handle = SqliteDatabase(str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE")
    database.initialize(handle)
    try:
        handle.connect(reuse_if_open=True)
        if not create and "schema_migration" not in handle.get_tables():
            raise Refused("{path} 不是 aixin 数据库", path=path)
        migrate(handle)
    except Refused:
        handle.close()
        raise
    except DatabaseError as exc:
        handle.close()
        raise Refused("{path} 不是 aixin 数据库：{error}", path=path, error=exc) from exc
    return handle


def migrate(handle: SqliteDatabase) -> list[str]:
    """Apply pending migrations; returns the names applied."""
    return Runner(handle, directory=str(MIGRATIONS)).up()


def schema_version(handle: SqliteDatabase) -> str:
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
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        database.connection().backup(copy)
    finally:
        copy.close()
    os.replace(partial, out)  # a backup appears whole or not at all


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()
