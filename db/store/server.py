"""The county's database on a PostgreSQL server: a `postgresql://` URL, psycopg 3, peewee.

Only the county's database may live there (a station's books stay one SQLite file). What
differs from SQLite is kept here and in the migrations' POSTGRES texts, so that no service
asks which engine it runs on (`db.store.connection.is_postgres` is the one test, for the few
statements that must differ):
- placeholders: the books' SQL is written with SQLite's `?` and `:name`; psycopg takes `%s`
  and `%(name)s`. `portable()` rewrites them outside quoted text, doubles a literal `%`, and
  passes booleans as 0 and 1 (the books keep flags as integers on both engines);
- one writer at a time, as on SQLite: every transaction first takes a transaction-level
  advisory lock, as SQLite's BEGIN IMMEDIATE takes the write lock, so a service that reads,
  checks, then writes (the next id, a balance) writes what it checked. A writer waits at most
  `lock_timeout` for it (the same five seconds as SQLite's busy timeout), then is refused as
  busy, nothing written;
- a schema of its own: the books' tables live in the schema `main` (the search path is that
  schema alone), so that SQL naming `main.household`, as SQLite names its main database,
  reads the same on both, and a staging schema beside it (`f`) can hold a month file;
- faults: every statement, BEGIN, COMMIT and ROLLBACK runs through `faults.storage()`, so a
  server that is down, a wrong password, a missing database or a lock not granted in time is
  one refusal that says what to do.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from peewee import PostgresqlDatabase

from db.store import faults

SCHEMA = "main"  # where the books' tables are, on PostgreSQL as in SQLite

# pg_advisory_xact_lock keys: one for writing the books, one for bringing the schema up.
WRITE_LOCK = 0x4149_5849  # 'AIXI'
SCHEMA_LOCK = 0x4149_584D  # 'AIXM'

URL_SCHEMES = ("postgresql://", "postgres://")

# Outside quotes and comments: `?` and `:name` (not `::type`); quoted text, identifiers and
# comments are kept.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|(?<!:):([A-Za-z_]\w*)(?!:)|\?")


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def shown(url: str) -> str:
    """The URL as a person may read it: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def _value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def portable(sql: str, params: Any = None) -> tuple[str, Any]:
    """SQL written for SQLite's placeholders, as psycopg takes it (see the module's doc).

    peewee's own SQL for this engine already uses `%s` and is left as it is."""
    if "%s" in sql or "%(" in sql:
        return sql, params
    named = isinstance(params, dict)

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if match.group(1) is not None:
            return f"%({match.group(1)})s" if named else token
        return token  # quoted, or a comment

    sql = _TOKENS.sub(one, sql.replace("%", "%%"))  # psycopg reads % everywhere, quotes too
    if named:
        return sql, {key: _value(value) for key, value in params.items()}
    if params:
        return sql, tuple(_value(value) for value in params)
    return sql, ()


class CountyServer(PostgresqlDatabase):
    """The county's books on PostgreSQL: every storage fault is a `faults.StorageRefused`."""

    def __init__(self, url: str, *, lock_ms: int, **kwargs: Any) -> None:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        self.lock_ms = lock_ms
        kwargs.setdefault("connect_timeout", max(1, lock_ms // 1000))
        kwargs.setdefault("application_name", "aixin")
        super().__init__(url, prefer_psycopg3=True, **kwargs)

    def _connect(self) -> Any:
        conn = super()._connect()  # type: ignore[misc]
        with conn.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(self.lock_ms)}")
            cursor.execute(f"SET search_path = {SCHEMA}")
        return conn

    def execute(self, query: Any, **context_options: Any) -> Any:
        ctx = self.get_sql_context(**context_options)
        sql, params = ctx.sql(query).query()
        with faults.storage():
            return super().execute_sql(sql, params)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        sql, params = portable(sql, params)
        with faults.storage():
            return super().execute_sql(sql, params)

    def begin(self, isolation_level: Any = None) -> None:
        with faults.storage():
            super().begin(isolation_level)
            try:
                self.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            except BaseException:
                self._abandon()
                raise

    def commit(self) -> None:
        with faults.storage():
            super().commit()

    def rollback(self) -> None:
        if self._broken():
            return  # the server is gone and the transaction with it: the real fault stands
        with faults.storage():
            super().rollback()

    def _abandon(self) -> None:
        if not self._broken():
            self.connection().execute("ROLLBACK")

    def _broken(self) -> bool:
        conn = None if self.is_closed() else self.connection()
        return conn is None or conn.closed or getattr(conn, "broken", False)

    def lock_schema(self) -> None:
        """Held by this session until `unlock_schema`: two programs bringing one database's
        schema up at once would both apply the same migration."""
        self.execute_sql(f"SELECT pg_advisory_lock({SCHEMA_LOCK})")

    def unlock_schema(self) -> None:
        self.execute_sql(f"SELECT pg_advisory_unlock({SCHEMA_LOCK})")
