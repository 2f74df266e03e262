"""The county on a PostgreSQL server (db/store/server.py): the books' SQL as psycopg takes
it, and every fault of the server one refusal in one line, nothing written, no traceback."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from click.testing import CliRunner

from db.store import connection, faults, server
from db.store.connection import close, connect, database, is_postgres
from db.store.faults import StorageRefused
from pos.cli import main
from tests.county_engines import database_url, drop, fresh_postgres


def test_placeholders_and_flags_as_psycopg_takes_them():
    assert server.portable("SELECT a FROM t WHERE b = ? AND c LIKE '50%?'", ("x",)) == (
        "SELECT a FROM t WHERE b = %s AND c LIKE '50%%?'",
        ("x",),
    )
    assert server.portable("SELECT :a, x::text, ':b' FROM t WHERE d = :b", {"a": True, "b": 2}) == (
        "SELECT %(a)s, x::text, ':b' FROM t WHERE d = %(b)s",
        {"a": 1, "b": 2},
    )
    assert server.portable("SELECT '100%'") == ("SELECT '100%%'", ())
    assert server.portable("SELECT ? -- why?\nFROM t", (1,)) == ("SELECT %s -- why?\nFROM t", (1,))
    already = ("SELECT x FROM t WHERE y = %s", (1,))  # peewee's own SQL for the engine
    assert server.portable(*already) == already


def test_a_url_is_shown_without_its_password():
    assert server.shown("postgresql://u:secret@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert server.shown("postgresql://u@h/d") == "postgresql://u@h/d"


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), "unreachable"),
        (psycopg.OperationalError('FATAL: password authentication failed for user "u"'), "denied"),
        (psycopg.OperationalError('FATAL:  role "nobody" does not exist'), "denied"),
        (psycopg.OperationalError('FATAL:  database "x" does not exist'), "nodatabase"),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), "busy"),
        (psycopg.errors.DeadlockDetected("deadlock detected"), "busy"),
        (psycopg.errors.DiskFull("could not extend file"), "full"),
        (psycopg.errors.AdminShutdown("terminating connection"), "lost"),
        (psycopg.errors.InsufficientPrivilege("permission denied for table"), "denied"),
    ],
)
def test_server_faults_are_told_apart(error, fault):
    assert faults.classify(error) == fault
    with pytest.raises(StorageRefused) as caught, faults.storage():
        raise error
    assert caught.value.fault == fault and "\n" not in caught.value.render()


def test_what_is_no_fault_of_the_server_passes_unchanged():
    for error in (psycopg.errors.UniqueViolation("dup"), psycopg.errors.SyntaxError("bug")):
        assert faults.classify(error) is None


def refusal(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"AIXIN_PIN": "1234"})
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_server_that_is_not_there_is_one_line():
    said = refusal("household", "list", "--db", "postgresql://aixin@127.0.0.1:1/county")
    assert "连不上数据库服务器" in said


STATION_COMMANDS = [
    ["award", "--operator", "manager", "--household", "1", "--task", "T"],
    ["export", "--month", "2026-10", "--out", "x", "--operator", "manager"],
    ["init", "--setup", "x.setup"],
    ["demo", "--no-ui"],
    [],  # the till
]


@pytest.mark.parametrize("command", STATION_COMMANDS)
def test_a_station_command_refuses_a_url(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = "postgresql://u:pw@127.0.0.1:1/c"
    args = ["--db", url] if not command else [command[0], "--db", url, *command[1:]]
    said = refusal(*args)
    assert "站点的账本只能是 SQLite 文件" in said and "pw" not in said
    assert list(tmp_path.iterdir()) == []  # nothing made, no folder named like the URL


def test_missing_database_and_user_on_a_live_server(pg_template):
    missing = database_url(f"{pg_template}_not_there")
    assert "数据库服务器上没有这个数据库" in refusal("household", "list", "--db", missing)
    parts = urlsplit(database_url(pg_template))
    host = parts.netloc.rsplit("@", 1)[-1]
    stranger = urlunsplit((parts.scheme, f"nobody_at_all@{host}", parts.path, "", ""))
    assert "数据库服务器拒绝了登录" in refusal("household", "list", "--db", stranger)
    empty = fresh_postgres("template0")
    try:
        said = refusal("household", "list", "--db", database_url(empty))
        assert "还没有县级数据库" in said
    finally:
        drop(empty)


def test_a_writer_that_waits_too_long_is_refused_as_busy(pg_template, monkeypatch):
    """Another program holds the books' write lock: the write waits `BUSY_MS`, then is refused
    as busy, and nothing of it is written."""
    monkeypatch.setattr(connection, "BUSY_MS", 300)
    name = fresh_postgres(pg_template)
    try:
        connect(database_url(name))
        assert is_postgres()
        with psycopg.connect(database_url(name), autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s)", (server.WRITE_LOCK,))
            with pytest.raises(StorageRefused) as caught, database.atomic():
                database.execute_sql("INSERT INTO setting (name, value) VALUES ('x', 'y')")
            assert caught.value.fault == "busy"
            assert caught.value.fields["seconds"] == "0.3"
        assert database.execute_sql("SELECT COUNT(*) FROM setting WHERE name = 'x'").fetchone() == (
            0,
        )
        with database.atomic():  # free again: it goes
            database.execute_sql("INSERT INTO setting (name, value) VALUES ('x', 'y')")
    finally:
        close()
        drop(name)
