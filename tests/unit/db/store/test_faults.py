"""Storage faults (docs/design.md §9): a busy, full, read-only or broken disk is one
`StorageRefused` that says what to do, raised wherever it happens, and the books are unchanged.

A full disk is simulated two ways: `PRAGMA max_page_count` here (runs everywhere), and a
small tmpfs where one can be mounted (tests/unit/pos/cli/test_fault_commands.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from peewee import IntegrityError, OperationalError

from db.books import awards, redemptions, stock
from db.books.verify import verify
from db.store import connection, faults
from db.store.connection import close, connect, database
from db.store.faults import StorageRefused
from db.store.models import Donation, Household
from tests.disks import write_lock_held
from tests.helpers import snapshot


@pytest.fixture
def quick_busy(monkeypatch):
    """Wait a fraction of a second for the lock, not five."""
    monkeypatch.setattr(connection, "BUSY_MS", 200)


def reopen(path):
    close()
    connect(path)


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (sqlite3.OperationalError("database is locked"), "busy"),
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "readonly"),
        (sqlite3.OperationalError("disk I/O error"), "io"),
        (sqlite3.DatabaseError("file is not a database"), "corrupt"),
        (sqlite3.OperationalError("cannot rollback - no transaction is active"), "lost"),
        (OSError(28, "No space left on device"), "full"),
        (OSError(30, "Read-only file system"), "readonly"),
        (OSError(20, "Not a directory"), "blocked"),
    ],
)
def test_faults_are_told_apart(error, fault):
    assert faults.classify(error) == fault
    wrapped = OperationalError(error, *error.args) if isinstance(error, sqlite3.Error) else error
    assert faults.classify(wrapped) == fault
    with pytest.raises(StorageRefused) as caught, faults.storage("x.sqlite"):
        raise wrapped
    assert caught.value.fault == fault and "\n" not in caught.value.render()


def test_what_is_no_storage_fault_passes_unchanged():
    for error in (IntegrityError("UNIQUE constraint failed"), ValueError("bug")):
        assert faults.classify(error) is None
        with pytest.raises(type(error)), faults.storage():
            raise error


def test_an_award_while_another_process_holds_the_lock(station, tmp_path, quick_busy):
    path = tmp_path / "station.sqlite"
    reopen(path)
    before = snapshot()
    with write_lock_held(path), pytest.raises(StorageRefused) as caught:
        awards.award(station.manager, station.clock, "1012010001", "GY02")
    assert caught.value.fault == "busy"
    assert caught.value.fields["seconds"] == "0.2"
    assert snapshot() == before
    awards.award(station.manager, station.clock, "1012010001", "GY02")  # free again: it goes
    assert verify().ok


def test_a_redemption_on_a_busy_database_books_nothing(station, tmp_path, quick_busy):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    path = tmp_path / "station.sqlite"
    reopen(path)
    before = snapshot()
    with write_lock_held(path), pytest.raises(StorageRefused, match="数据库正忙"):
        redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    assert snapshot() == before


def test_a_full_disk_refuses_each_write_whole(station):
    """Donations until the database may grow no more: each is booked whole or not at all,
    and the fault is the full disk, not peewee's "cannot rollback"."""
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages + 2}")
    booked = 0
    with pytest.raises(StorageRefused) as caught:
        for _ in range(2000):
            stock.take_donation(station.clerk, station.clock, "张三", [("G007", 1, 100)])
            booked += 1
    assert caught.value.fault == "full", caught.value.render()
    assert "磁盘已满" in caught.value.render()
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert Donation.select().count() == booked + 1  # and the fixture's own
    assert verify().ok


def test_a_full_disk_inside_a_savepoint_is_the_full_disk(station):
    """A nested block (a savepoint) whose transaction SQLite rolled back by itself."""
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")
    before = Household.get_by_id("1012010001").balance
    with pytest.raises(StorageRefused) as caught, database.atomic(), database.atomic():
        database.execute_sql("CREATE TABLE filler (x)")
        for _ in range(200):
            database.execute_sql("INSERT INTO filler VALUES (randomblob(4000))")
    assert caught.value.fault == "full"
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert "filler" not in database.get_tables()
    assert Household.get_by_id("1012010001").balance == before


def test_a_read_only_database_is_refused_on_write(station, tmp_path):
    path = tmp_path / "station.sqlite"
    close()
    connect(path)
    database.execute_sql("PRAGMA query_only = ON")  # as a read-only file or mount answers
    with pytest.raises(StorageRefused) as caught:
        awards.award(station.manager, station.clock, "1012010001", "GY02")
    assert caught.value.fault == "readonly"


def test_a_file_that_is_no_database_is_said_so(tmp_path):
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(connection.Refused, match="不是 aixin 数据库"):
        connect(path)


def test_a_device_or_folder_as_the_books_is_refused(tmp_path):
    for path in (tmp_path, "/dev/zero"):
        with pytest.raises(connection.Refused, match="不是普通文件"):
            connect(path)


def test_a_waiting_writer_gets_the_lock_once_it_is_free(station, tmp_path):
    """The busy timeout is a wait, not a refusal: a lock held briefly is waited for."""
    path = tmp_path / "station.sqlite"
    reopen(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(0.5)\n"
            "c.execute('COMMIT')",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    holder.wait()
    assert Household.get_by_id("1012010001").balance > 0
