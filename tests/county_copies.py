"""A county built once on SQLite, copied for each test onto either engine.

The county tests build their county through the services once a session (tests/county_world.py,
its stations' files signed with the keys that county gave them). `county_copy` gives each test
that county on SQLite (a copy of the file) or on PostgreSQL (the file's rows copied, in the order
the schema made the tables, into a fresh database from the migrated template of
tests/county_engines.py: the same books, the same keys).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from db.store import content
from db.store.connection import close, connect, database
from db.store.ids import sequences_past
from tests.county_engines import database_url, fresh_postgres


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


def county_copy(
    engine: str, world_county: Path, tmp_path: Path, template: str | None
) -> str | Path:
    """The world's county for one test: a file on SQLite, a fresh database on PostgreSQL."""
    if engine == "sqlite":
        target = tmp_path / "county.sqlite"
        shutil.copy(world_county, target)
        return target
    assert template is not None
    url = database_url(fresh_postgres(template))
    to_server(world_county, url)
    return url


def digests(target: str | Path) -> dict[str, str]:
    """The content digests of the books at `target` (db.store.content), the work log aside."""
    connect(target)
    try:
        return content.digests(skip=("audit",))
    finally:
        close()
