"""The county's database on both engines: the `county_db` fixture, SQLite and PostgreSQL.

A county test that takes `county_db` runs twice: once with the path of a SQLite file that does
not exist yet, once with the URL of a fresh PostgreSQL database that holds the books' schema
and no rows (as `county init` finds a database the administrator made for it). Each is
removed after the test.

PostgreSQL is found through `AIXIN_TEST_PG`, a server URL whose user may create databases,
e.g. `postgresql://aixin@127.0.0.1:5432/postgres`. Without it the PostgreSQL half skips and
says so; with `AIXIN_REQUIRE_PG=1` (CI sets it) a missing or unreachable server fails instead.
Fresh databases are quick: each xdist worker migrates one template database per session, and
every test's database is `CREATE DATABASE … TEMPLATE` it. Databases are named
`{AIXIN_TEST_PG_PREFIX or "aixin_test"}_…`, so that several people can share one server.
Import the fixtures in a conftest.py: `from tests.county_engines import county_db, pg_template`.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from db.store.connection import close, connect
from db.store.server import SCHEMA, is_url, portable

ENGINES = ("sqlite", "postgres")


def server_url() -> str | None:
    return os.environ.get("AIXIN_TEST_PG") or None


def required() -> bool:
    return os.environ.get("AIXIN_REQUIRE_PG", "") not in ("", "0")


def prefix() -> str:
    return os.environ.get("AIXIN_TEST_PG_PREFIX") or "aixin_test"


def database_url(name: str) -> str:
    """The URL of database `name` on the test server."""
    base = urlsplit(server_url() or "")
    return urlunsplit((base.scheme, base.netloc, "/" + name, base.query, base.fragment))


def no_server(reason: str) -> None:
    """Skip the PostgreSQL half, or fail it where a server is required (CI)."""
    if required():
        pytest.fail(f"AIXIN_REQUIRE_PG=1 but no PostgreSQL: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL half skipped: {reason}")


def admin(statement: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the server, outside a transaction."""
    import psycopg

    with psycopg.connect(server_url() or "", autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def drop(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_template(worker_id: str) -> Iterator[str]:
    """A database with the books' schema and no rows, this worker's, made once a session."""
    if server_url() is None:
        no_server(
            "set AIXIN_TEST_PG to a server URL, e.g. postgresql://USER@127.0.0.1:5432/postgres"
        )
    name = f"{prefix()}_template_{worker_id}"
    try:
        drop(name)  # what a killed run left
        admin(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    except Exception as exc:  # any failure to reach the server says the same
        no_server(f"cannot use the server at AIXIN_TEST_PG ({str(exc).splitlines()[0]})")
    connect(database_url(name), create=True)
    close()
    yield name
    drop(name)


def fresh_postgres(template: str) -> str:
    """The name of a new database made from `template`."""
    name = f"{prefix()}_{uuid.uuid4().hex[:12]}"
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


@pytest.fixture(params=ENGINES)
def county_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """Where a county's books go: a new SQLite path, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield tmp_path / "county.sqlite"
        close()
        return
    template = request.getfixturevalue("pg_template")
    name = fresh_postgres(template)
    try:
        yield database_url(name)
    finally:
        close()
        drop(name)


def rows(target: str | Path, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of `sql` (SQLite's `?` marks) on the books at `target`, read on a connection
    of its own, whichever the engine."""
    if not is_url(target):
        raw = sqlite3.connect(target)
        try:
            return raw.execute(sql, params).fetchall()
        finally:
            raw.close()
    import psycopg

    text, values = portable(sql, params)
    with psycopg.connect(str(target), autocommit=True, options=f"-c search_path={SCHEMA}") as conn:
        return conn.execute(text, values).fetchall()


def run_sql(target: str | Path, *statements: str) -> None:
    """Run `statements` on the books at `target`, committed, on a connection of its own."""
    if not is_url(target):
        raw = sqlite3.connect(target)
        try:
            for sql in statements:
                raw.execute(sql)
            raw.commit()
        finally:
            raw.close()
        return
    import psycopg

    with psycopg.connect(str(target), options=f"-c search_path={SCHEMA}") as conn:
        for sql in statements:
            conn.execute(portable(sql)[0])
