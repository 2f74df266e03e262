"""A county built once on SQLite, copied for each test onto either engine.

The county tests build their county through the services once a session (tests/county_world.py,
its stations' files signed with the keys that county gave them). The `county` fixture gives each
test that county on SQLite (a copy of the file) or on PostgreSQL (the file's rows copied, in the
order the schema made the tables, into a fresh database from the migrated template of
tests/county_engines.py: the same books, the same keys). Import the fixtures in a conftest.py.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db.store import content
from db.store.connection import close, connect, database
from db.store.ids import sequences_past
from tests.county_engines import ENGINES, admin, database_url, drop, fresh_postgres


def to_server(source: Path, url: str) -> None:
    """Every row of the SQLite books at `source` into the empty books at `url`, by COPY."""
    raw = sqlite3.connect(source)
    try:
        names = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
            )
            if name not in content.NOT_CONTENT and not name.startswith("sqlite_")
        ]
        connect(url)
        with database.atomic(), database.cursor() as cursor:
            for name in names:
                columns = ", ".join(row[1] for row in raw.execute(f"PRAGMA table_info({name})"))
                # By way of a temp table: the server's triggers already wrote some rows (a
                # household's first version) as the rows before them came in.
                cursor.execute(f"CREATE TEMP TABLE incoming (LIKE {name}) ON COMMIT DROP")
                with cursor.copy(f"COPY incoming ({columns}) FROM STDIN") as out:
                    for row in raw.execute(f"SELECT {columns} FROM {name}"):  # noqa: S608
                        out.write_row(row)
                cursor.execute(
                    f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming "  # noqa: S608
                    "ON CONFLICT DO NOTHING"
                )
                cursor.execute("DROP TABLE incoming")
            with_ids = [n for n in names if "id" in {c.name for c in database.get_columns(n)}]
            sequences_past(tuple(with_ids))
        close()
    finally:
        raw.close()


@pytest.fixture(scope="session")
def world_template(county_world, pg_template: str) -> Iterator[str]:
    """The county world's county on PostgreSQL, made once a session (this worker's): a
    template each test's copy is made from in one CREATE DATABASE."""
    name = f"{pg_template}_world"
    drop(name)
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    to_server(county_world.county, database_url(name))
    yield name
    drop(name)


@pytest.fixture(params=ENGINES)
def county_engine(request: pytest.FixtureRequest) -> str:
    """The engine a county test runs on: "sqlite", then "postgres"."""
    return request.param


@pytest.fixture
def county(
    county_engine: str, request: pytest.FixtureRequest, county_world, tmp_path: Path
) -> Iterator[str | Path]:
    """The county world's county for one test: a copy of its file (sqlite), or a fresh
    database with its rows (postgres)."""
    if county_engine == "sqlite":
        yield county_world.copy_county(tmp_path)
        close()
        return
    name = fresh_postgres(request.getfixturevalue("world_template"))
    try:
        yield database_url(name)
    finally:
        close()
        drop(name)


@pytest.fixture
def county_from(
    county_engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[Path], str | Path]]:
    """county_from(path): the SQLite county at `path`, for this test on its engine: a copy of
    the file, or its rows in a fresh database made from the migrated template."""
    made: list[str] = []

    def make(source: Path) -> str | Path:
        if county_engine == "sqlite":
            target = tmp_path / f"county{len(made)}.sqlite"
            made.append(str(target))
            shutil.copy(source, target)
            return target
        made.append(fresh_postgres(request.getfixturevalue("pg_template")))
        url = database_url(made[-1])
        to_server(source, url)
        return url

    try:
        yield make
    finally:
        close()
        if county_engine == "postgres":
            for name in made:
                drop(name)


@pytest.fixture
def county_with(
    county_from: Callable[[Path], str | Path], county_world, tmp_path: Path
) -> Callable[..., str | Path]:
    """county_with(*statements): the world's county with `statements` (SQL, or (SQL,
    parameters)) run on its SQLite file first (a county that lacks a household, say), then
    on the test's engine."""

    def make(*statements: str | tuple[str, tuple]) -> str | Path:
        folder = tmp_path / "edited"
        folder.mkdir(exist_ok=True)
        path = county_world.copy_county(folder)
        raw = sqlite3.connect(path)
        for sql in statements:
            raw.execute(*((sql, ()) if isinstance(sql, str) else sql))
        raw.commit()
        raw.close()
        return county_from(path)

    return make


def file_bytes(county: str | Path) -> bytes | None:
    """The bytes of a SQLite county; None for a database on a server."""
    return county.read_bytes() if isinstance(county, Path) else None


def digests(target: str | Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """The content digest of every table of the books at `target` (db.store.content) but
    those in `skip`."""
    connect(target)
    try:
        return content.digests(skip=skip)
    finally:
        close()


def county_rows(target: str | Path, sql: str) -> list[tuple]:
    """The rows `sql` reads from the books at `target`, on either engine."""
    connect(target)
    try:
        return [tuple(row) for row in database.execute_sql(sql).fetchall()]
    finally:
        close()
