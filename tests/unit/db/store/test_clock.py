"""The books' clock (docs/design.md §4.7): AIXIN_CLOCK only on books made for trying."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest

from catalog.messages import Refused
from db.books import auth
from db.exchange import formats
from db.store import audit
from db.store.audit import BooksClock
from db.store.clock import FixedClock, SystemClock, env_clock
from db.store.connection import close, connect, database
from tests.county_world import SHOP

FAKE = "2030-01-01T09:00:00"


def books_clock() -> BooksClock:
    return BooksClock(SystemClock(), env_clock())


def test_aixin_clock_is_read_as_a_fixed_clock(monkeypatch):
    monkeypatch.delenv("AIXIN_CLOCK", raising=False)
    assert env_clock() is None
    monkeypatch.setenv("AIXIN_CLOCK", "2026-10-01T08:00:00")
    clock = env_clock()
    assert isinstance(clock, FixedClock) and clock.now() == datetime(2026, 10, 1, 8)
    assert clock.now() == datetime(2026, 10, 1, 8, 0, 1)
    monkeypatch.setenv("AIXIN_CLOCK", "tomorrow")
    with pytest.raises(Refused, match="YYYY-MM-DDTHH:MM:SS") as refused:
        env_clock()
    assert refused.value.fields == {"value": "tomorrow"}


def test_books_made_for_trying_take_their_time_from_aixin_clock(station, monkeypatch):
    monkeypatch.setenv("AIXIN_CLOCK", FAKE)
    clock = books_clock()
    assert audit.is_trial() and not clock.ignores_trial
    assert clock.now() == datetime(2030, 1, 1, 9)


@pytest.fixture
def real_station(station_file, tmp_path):
    """The test station as if made from a setup file: without the mark of books for trying."""
    path = tmp_path / "station.sqlite"
    shutil.copy(station_file, path)
    raw = sqlite3.connect(path)
    raw.execute("DELETE FROM setting WHERE name = 'trial'")
    raw.commit()
    raw.close()
    connect(path)
    yield path
    close()


def pcs_time() -> datetime:
    """What the books' clock reads on the real station: the PC's time, or its last write's."""
    [(last,)] = list(database.execute_sql("SELECT MAX(time) FROM audit"))
    return max(datetime.now().replace(microsecond=0), datetime.fromisoformat(last))


def test_a_station_not_made_for_trying_keeps_the_pcs_time(real_station, monkeypatch):
    monkeypatch.setenv("AIXIN_CLOCK", FAKE)
    clock = books_clock()
    assert not audit.is_trial() and clock.ignores_trial
    assert abs(clock.now() - pcs_time()) <= timedelta(seconds=2)


def test_stepping_aixin_clock_on_lifts_no_pin_lock(real_station, monkeypatch):
    monkeypatch.setenv("AIXIN_CLOCK", FAKE)
    for _ in range(5):
        with pytest.raises(Refused, match="密码错误"):
            auth.sign_in("manager", "0000", books_clock())
    for minutes in (16, 32, 24 * 60):
        later = datetime.fromisoformat(FAKE) + timedelta(minutes=minutes)
        monkeypatch.setenv("AIXIN_CLOCK", later.isoformat())
        with pytest.raises(Refused, match="已锁定到"):
            auth.sign_in("manager", "1234", books_clock())


def test_with_no_books_open_the_pcs_time_is_read(monkeypatch):
    monkeypatch.setenv("AIXIN_CLOCK", FAKE)
    close()
    clock = books_clock()
    assert clock.now().year != 2030 and not clock.ignores_trial


def test_only_new_books_can_be_marked_for_trying(county_world, tmp_path):
    station = county_world.copy_station(SHOP, tmp_path)
    raw = sqlite3.connect(station)  # as a station set up for real: not made for trying
    raw.execute("DELETE FROM setting WHERE name = ?", (audit.TRIAL,))
    raw.commit()
    raw.close()
    connect(station)
    try:
        with pytest.raises(Refused, match="只有新建的演示或测试账本"):
            audit.mark_trial("tests")
        assert not audit.is_trial()
        with pytest.raises(ValueError):
            audit.mark_trial("anyone")
    finally:
        close()


def test_no_file_that_travels_carries_a_setting():
    """Setup, update and month files have no `setting` table: none can mark a station's books
    as made for trying."""
    assert all("setting" not in tables for tables in formats.KINDS.values())


def test_the_books_clock_does_not_stay_at_a_fake_time(real_station, monkeypatch):
    """AIXIN_CLOCK set far ahead on a real station writes nothing at that time, so the books'
    clock, which never runs back before the last write, is not held there afterwards."""
    monkeypatch.setenv("AIXIN_CLOCK", FAKE)
    with pytest.raises(Refused):
        auth.sign_in("manager", "0000", books_clock())
    auth.sign_in("manager", "1234", books_clock())
    monkeypatch.delenv("AIXIN_CLOCK")
    assert abs(books_clock().now() - pcs_time()) <= timedelta(seconds=2)
    times = [t for (t,) in database.execute_sql("SELECT time FROM audit")]
    assert not any(t.startswith("2030") for t in times)
