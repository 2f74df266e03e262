"""Roles on every file and county service (DESIGN.md §2): a station's export, update and backup
are a manager's, every county service a county operator's — checked in the services, so a
script calling them is held to the same — and a refused act changes nothing; the county's
on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from catalog.messages import Refused
from catalog.tabular import Row
from db.books import auth, backups, households
from db.books.auth import Actor
from db.county import merge, office
from db.county import report as reports
from db.exchange import export, intake
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.models import Audit
from tests.county_world import MOBILE, SHOP
from tests.helpers import COUNTY_OFFICER, manager_of, snapshot

JANUARY = FixedClock(datetime(2027, 1, 5, 9))
ROSTER = [
    Row(
        2,
        {
            "number": "1012010009",
            "head_name": "韦小红",
            "id_number": "11010519491231002X",
            "village": "451425101201",
            "category": "监测户",
        },
    )
]


def station_refusals(update):
    clerk = Actor("clerk", "clerk", SHOP)
    return {
        "export": lambda tmp: export.export_month(clerk, "2026-10", tmp / "files", JANUARY),
        "update": lambda tmp: intake.apply_update(clerk, update, JANUARY),
        "backup": lambda tmp: backups.backup(clerk, tmp / "b.sqlite", JANUARY),
    }


@pytest.fixture
def update_file(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    connect(county)
    out = tmp_path / "update.sqlite"
    office.write_update(COUNTY_OFFICER, SHOP, out, JANUARY)
    close()
    return out


@pytest.mark.parametrize("act", ["export", "update", "backup"])
def test_a_clerk_may_not_export_update_or_back_up(county_world, update_file, tmp_path, act):
    connect(county_world.copy_station(SHOP, tmp_path))
    try:
        before = snapshot()
        with pytest.raises(Refused, match="店员 clerk 无权") as refused:
            station_refusals(update_file)[act](tmp_path)
        assert refused.value.template == "{role} {name} 无权{what}"
        assert snapshot() == before
        assert not (tmp_path / "files").exists() and not (tmp_path / "b.sqlite").exists()
    finally:
        close()


def test_a_manager_exports_updates_and_backs_up_and_is_recorded(
    county_world, update_file, tmp_path
):
    connect(county_world.copy_station(SHOP, tmp_path))
    try:
        manager = manager_of(SHOP)
        export.export_month(manager, "2026-10", tmp_path / "files", JANUARY)
        intake.apply_update(manager, update_file, JANUARY)
        backups.backup(manager, tmp_path / "b.sqlite", JANUARY)
        done = Audit.select().where(Audit.action.in_(["export", "update", "backup"]))
        assert sorted((a.operator, a.action) for a in done.order_by(Audit.id.desc())[:3]) == [
            ("manager", "backup"),
            ("manager", "export"),
            ("manager", "update"),
        ]
        assert (tmp_path / "b.sqlite").exists()
    finally:
        close()


def county_acts(world, tmp_path):
    return {
        "enroll": lambda actor: office.enroll(
            actor, JANUARY, "451425-08", "x", "shop", tmp_path / "x.setup", manager_pin="1234"
        ),
        "register": lambda actor: office.register(actor, JANUARY, "451425-08", "x", "shop"),
        "merge": lambda actor: merge.merge_files(actor, world.all_files(), JANUARY),
        "report": lambda actor: reports.county_report(actor, "2026-10", JANUARY),
        "update": lambda actor: office.write_update(actor, SHOP, tmp_path / "u.sqlite", JANUARY),
        "roster": lambda actor: households.import_rows(actor, JANUARY, ROSTER, station="451425-00"),
    }


@pytest.mark.parametrize("act", ["enroll", "register", "merge", "report", "update", "roster"])
@pytest.mark.parametrize("role", ["manager", "clerk", "cadre"])
def test_county_work_is_a_county_operators(county_world, county, tmp_path, act, role):
    connect(county)
    try:
        before = snapshot()
        actor = Actor(role, role, "451425-00")
        with pytest.raises(Refused, match="无权县级汇总"):
            county_acts(county_world, tmp_path)[act](actor)
        assert snapshot() == before
        assert list(tmp_path.glob("*.setup")) == [] and not (tmp_path / "u.sqlite").exists()
    finally:
        close()


@pytest.mark.parametrize("act", ["enroll", "merge", "report", "update", "roster"])
def test_a_county_operators_work_is_recorded_with_them(county_world, county, tmp_path, act):
    connect(county)
    try:
        officer = Actor("韦主任", "county", "451425-00")
        county_acts(county_world, tmp_path)[act](officer)
        last = Audit.select().order_by(Audit.id.desc()).first()
        assert last.operator == "韦主任"
    finally:
        close()


def test_the_countys_roster_is_imported_by_a_county_operator(county):
    connect(county)
    try:
        with pytest.raises(Refused, match="--operator county"):
            households.import_rows(None, JANUARY, ROSTER, station="451425-00")
    finally:
        close()


def test_county_init_makes_the_county_operator(county_world, tmp_path):
    connect(county_world.copy_county(tmp_path))
    try:
        officer = auth.sign_in("county", "1234", JANUARY)
        assert (officer.role, officer.station) == ("county", "451425-00")
    finally:
        close()
    connect(tmp_path / "new.sqlite", create=True)
    try:
        with pytest.raises(Refused, match="4 到 8 位数字"):
            office.init_county("451426", "另一县", JANUARY, pin="12")
    finally:
        close()


def test_an_update_for_the_mobile_shop_still_needs_its_manager(county_world, county, tmp_path):
    connect(county)
    out = tmp_path / "u.sqlite"
    office.write_update(COUNTY_OFFICER, MOBILE, out, JANUARY)
    close()
    connect(county_world.copy_station(MOBILE, tmp_path))
    try:
        with pytest.raises(Refused, match="村干部 cadre 无权"):
            intake.apply_update(Actor("cadre", "cadre", MOBILE), out, JANUARY)
    finally:
        close()
