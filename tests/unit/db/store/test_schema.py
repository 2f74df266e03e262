"""The county's schema is the same on both engines: every migration's POSTGRES text makes the
tables, columns, indexes and immutability triggers its SQLite text makes, and PostgreSQL
holds the books' invariants itself (integers, immutable records, CHECKs)."""

from __future__ import annotations

import sqlite3

import pytest
from peewee import IntegrityError

from db.store.connection import close, connect, database, is_postgres, schema_version
from tests.county_engines import database_url, drop, fresh_postgres


def sqlite_schema(path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        conn.close()


def sqlite_names(path, kind: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = ? AND sql IS NOT NULL", (kind,)
        )
        return {name for (name,) in rows}
    finally:
        conn.close()


def postgres_schema() -> dict[str, list[str]]:
    rows = database.execute_sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ).fetchall()
    schema: dict[str, list[str]] = {}
    for table, column in rows:
        schema.setdefault(table, []).append(column)
    return schema


def postgres_names(kind: str) -> set[str]:
    if kind == "index":
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return {name for (name,) in database.execute_sql(sql).fetchall()}


@pytest.fixture
def both(tmp_path, pg_template):
    """A new SQLite county file's path; the books open on a fresh PostgreSQL database."""
    path = tmp_path / "county.sqlite"
    connect(path, create=True)
    version = schema_version(database.obj)
    close()
    name = fresh_postgres(pg_template)
    try:
        connect(database_url(name))
        yield path
        assert schema_version(database.obj) == version
    finally:
        close()
        drop(name)


def test_the_same_tables_and_columns(both):
    assert is_postgres()
    sqlite, postgres = sqlite_schema(both), postgres_schema()
    assert sorted(postgres) == sorted(sqlite)
    for table, columns in sqlite.items():
        assert sorted(postgres[table]) == sorted(columns), table


def test_the_same_indexes_and_triggers(both):
    indexes = {name for name in sqlite_names(both, "index")}
    # PostgreSQL names every primary key's index (SQLite's are implicit) and an inline UNIQUE.
    made = {n for n in postgres_names("index") if not n.endswith(("_pkey", "_key"))}
    assert made == indexes
    # SQLite's UPDATE and DELETE refusals, and PostgreSQL's TRUNCATE refusal beside them.
    triggers = sqlite_names(both, "trigger")
    refusals = {n for n in postgres_names("trigger") if not n.endswith("_no_truncate")}
    assert refusals == triggers
    assert {
        n[: -len("_no_truncate")] for n in postgres_names("trigger") if n.endswith("_no_truncate")
    } == {n[: -len("_no_update")] for n in triggers if n.endswith("_no_update")}


def immutable_tables(path) -> list[str]:
    return sorted(
        n[: -len("_no_update")] for n in sqlite_names(path, "trigger") if n.endswith("_no_update")
    )


def refused(statement: str, params: tuple = ()) -> str:
    with pytest.raises(IntegrityError) as caught, database.atomic():
        database.execute_sql(statement, params)
    return str(caught.value)


def test_postgres_keeps_the_records_immutable(both):
    """Every table SQLite keeps immutable refuses TRUNCATE on PostgreSQL, and a row of one
    refuses UPDATE and DELETE (the row triggers are the same function)."""
    for table in immutable_tables(both):
        assert f"{table} rows are immutable" in refused(f"TRUNCATE {table} CASCADE")
    database.execute_sql(
        "INSERT INTO audit (id, time, operator, station, action, detail) "
        "VALUES (1, '2026-11-23 09:00:00', 'county', '451425-00', 'test', '')"
    )
    assert "audit rows are immutable" in refused("UPDATE audit SET detail = 'x'")
    assert "immutable" in refused("DELETE FROM audit")
    assert database.execute_sql("SELECT detail FROM audit").fetchall() == [("",)]


def test_postgres_holds_the_checks(both):
    database.execute_sql(
        "INSERT INTO county (code, name, fen_per_point, card_key) VALUES ('451425', 'x', 100, 'k')"
    )
    for statement in (
        "UPDATE county SET posting_days = 31",
        "INSERT INTO task (code, name, category, points, unit, cap, active) "
        "VALUES ('T', 'x', 'c', 0, '次', NULL, 1)",
        "INSERT INTO item (code, name, unit, category, price, reorder_level, active, initials, "
        "stock) VALUES ('I', 'x', '个', 'c', 0, 0, 1, '', 0)",
    ):
        refused(statement)
    assert database.execute_sql("SELECT posting_days FROM county").fetchall() == [(0,)]
