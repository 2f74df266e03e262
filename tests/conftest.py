"""Shared fixtures: a small station in a fresh SQLite file per test, and a fixed clock."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from catalog.loader import default_goods, default_tasks
from db.books import auth, cards, stock
from db.books.households import HouseholdForm, save
from db.books.idnumber import check_char
from db.books.setup import Place, add_county, add_places, add_station, load_catalogs, make_local
from db.store import audit
from db.store.clock import FixedClock
from db.store.connection import close, connect
from pos import i18n
from tests.county_engines import county_db, pg_template  # noqa: F401 - fixtures
from tests.helpers import Station

NOW = datetime(2026, 11, 23, 9, 0, 0)
COUNTY_KEY = "11" * 32


def pytest_xdist_auto_num_workers(config) -> int:
    """Two workers per core for `-n auto`: the screen tests spend half their time waiting for
    the app to go idle between keys, and another worker's tests fill that time."""
    return 2 * (os.cpu_count() or 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Deal the screen tests in among the others, in proportion, each kind in its own order.

    Collected as they lie, the screen tests (tests/tui) all come last: for the final third of
    a run every worker waits on an app going idle and half the CPU stands still. Dealt in,
    the waiting of one worker is another's computing, from the first test to the last."""
    screens = [item for item in items if item.nodeid.startswith("tests/tui/")]
    others = [item for item in items if not item.nodeid.startswith("tests/tui/")]
    if not screens or not others:
        return
    dealt, step = [], len(others) / len(screens)
    for index, screen in enumerate(screens):
        dealt.extend(others[round(index * step) : round((index + 1) * step)])
        dealt.append(screen)
    items[:] = dealt


@pytest.fixture(autouse=True)
def fast_pins(monkeypatch):
    """Tests sign in hundreds of times: hash PINs cheaply (the real cost is tested apart)."""
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)


@pytest.fixture(autouse=True, scope="session")
def chinese_locale():
    """The CLI follows the locale: pin a Chinese one, so tests read the same on any machine.

    Session-wide, so that module and session fixtures that run commands see it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANG", "zh_CN.UTF-8")
        patch.delenv("LC_ALL", raising=False)
        patch.delenv("LC_MESSAGES", raising=False)
        yield


@pytest.fixture(autouse=True)
def chinese_in_use():
    """CliRunner and the apps run in this process, and `aixin --lang en` or
    `make_app(lang="en")` leave English in use: every test starts, and ends, in Chinese."""
    i18n.use("zh")
    yield
    i18n.use("zh")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW, timedelta(seconds=1))


def build_station(path, clock: FixedClock) -> Station:
    """Station 451425-03 with two villages, six households, catalogs, operators, stock."""
    connect(path, create=True)
    audit.mark_trial("tests")
    county = add_county("451425", "天等县", card_key=COUNTY_KEY)
    here = add_station(clock, county, "451425-03", "龙茗镇爱心超市", "shop")
    make_local(here)
    add_places(
        [Place("451425101", "龙茗镇")],
        [
            Place("451425101201", "那造村", "451425101"),
            Place("451425101202", "陇林村", "451425101"),
        ],
        [Place("45142510120101", "一组", "451425101201")],
    )
    load_catalogs(default_tasks(), default_goods())
    for number, name, id17, village in PEOPLE:
        save(
            None,
            clock,
            HouseholdForm(number, name, fix_check(id17), village, "脱贫户"),
            station="451425-03",
        )
        cards.issue(None, clock, number)
    auth.add_operator("manager", "manager", "1234", clock)
    auth.add_operator("clerk", "clerk", "1234", clock)
    auth.add_operator(
        "cadre", "cadre", "1234", clock, villages=("451425101201",), household="1012010003"
    )
    auth.add_operator("county", "county", "1234", clock)
    books = Station(
        clock=clock,
        manager=auth.sign_in("manager", "1234", clock),
        clerk=auth.sign_in("clerk", "1234", clock),
        cadre=auth.sign_in("cadre", "1234", clock),
    )
    stock.take_donation(
        books.clerk,
        clock,
        "天等县供销合作社",
        [("G001", 10, 50000), ("G007", 20, 0), ("G019", 5, 0)],
        donor_kind="company",
    )
    return books


PEOPLE = [
    ("1012010001", "张三", "45142519800101001", "451425101201"),
    ("1012010002", "李四", "45142519850202002", "451425101201"),
    ("1012010003", "王五", "45142519700303003", "451425101201"),
    ("1012020001", "赵六", "45142519900404004", "451425101202"),
    ("1012020002", "黄建华", "45142519650505005", "451425101202"),
    ("1012020003", "农秀英", "45142519770606006", "451425101202"),
]


@pytest.fixture
def station(tmp_path, clock) -> Station:
    """A fresh small station per test (see `build_station`)."""
    books = build_station(tmp_path / "station.sqlite", clock)
    yield books
    close()


@pytest.fixture(scope="session")
def station_file(tmp_path_factory) -> Path:
    """The same station saved once, for tests that start many runs from it."""
    path = tmp_path_factory.mktemp("station") / "station.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        build_station(path, FixedClock(NOW, timedelta(seconds=1)))
        close()
    return path


def fix_check(id_number: str) -> str:
    """The ID number with its right GB 11643 check digit."""
    return id_number[:17] + check_char(id_number[:17])


@pytest.fixture(scope="session")
def county_world(tmp_path_factory):
    """A small county, two stations, four months of files (tests/county_world.py), built once."""
    from tests.county_world import build_world

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        return build_world(tmp_path_factory.mktemp("county"))
