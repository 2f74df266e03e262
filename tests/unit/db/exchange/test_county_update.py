"""Setup and update files (docs/design.md §6): what the county sends stations, and convergence."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime

import pytest

from catalog.messages import Refused
from db.books import auth, cards, redemptions
from db.books.verify import verify
from db.county import merge, office
from db.county import report as reports
from db.exchange import export, intake
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.models import Household, Station
from tests.county_engines import rows
from tests.county_world import MOBILE, SHOP
from tests.helpers import COUNTY_OFFICER, manager_of, snapshot

JANUARY = FixedClock(datetime(2027, 1, 5, 9))


def balances(path) -> dict[str, int]:
    return dict(rows(path, "SELECT number, balance FROM household"))


@pytest.fixture
def merged_world(county_world, county, tmp_path):
    """The county (every file merged; on SQLite, then on PostgreSQL) and copies of both
    stations; update files for both."""
    county_path = county
    connect(county_path)
    assert not merge.merge_files(COUNTY_OFFICER, county_world.all_files(), JANUARY).refused
    updates = {code: tmp_path / f"update-{code}.sqlite" for code in (SHOP, MOBILE)}
    for code, out in updates.items():
        office.write_update(COUNTY_OFFICER, code, out, JANUARY)
    close()
    stations = {code: county_world.copy_station(code, tmp_path) for code in (SHOP, MOBILE)}
    return county_path, stations, updates


def apply(station_path, update):
    connect(station_path)
    try:
        return intake.apply_update(auth.sign_in("manager", "1234", JANUARY), update, JANUARY)
    finally:
        close()


def test_a_setup_file_makes_a_working_station(county_world):
    connect(county_world.stations[SHOP])
    here = Station.get_by_id(SHOP)
    assert here.kind == "shop" and here.chain_head != "0" * 32
    numbers = {h.number for h in Household.select()}
    assert numbers == {"1012010001", "1012010002", "1012010003", "1012020001"}
    scan = cards.check(cards.payload(here.county, "1012010001", 1))
    assert scan.household.head_name == "张三"
    assert verify().ok
    close()
    raw = sqlite3.connect(county_world.county)
    key = raw.execute("SELECT key FROM station WHERE code = ?", (SHOP,)).fetchone()[0]
    raw.close()
    assert key == here.key


def test_a_changed_setup_file_is_refused(county_world, tmp_path):
    setup = tmp_path / "shop.setup"
    shutil.copy(county_world.setups[SHOP], setup)
    raw = sqlite3.connect(setup)
    raw.execute("UPDATE household_version SET head_name = '张三丰' WHERE number = '1012010001'")
    raw.commit()
    raw.close()
    connect(tmp_path / "new.sqlite", create=True)
    with pytest.raises(Refused, match="清单与内容不通过.*household_version"):
        intake.setup_station(setup, JANUARY)
    close()


def test_updates_bring_every_balance_into_agreement(merged_world):
    county_path, stations, updates = merged_world
    assert balances(stations[SHOP]) != {
        n: b for n, b in balances(county_path).items() if n in balances(stations[SHOP])
    }
    for code in (SHOP, MOBILE):
        done = apply(stations[code], updates[code])
        assert done.entries > 0
    everywhere = balances(county_path)
    for code in (SHOP, MOBILE):
        here = balances(stations[code])
        assert here == {n: everywhere[n] for n in here}, code
        connect(stations[code])
        assert verify().ok
        assert Household.get_by_id("1012010003").phone == "13900000002"
        assert Household.get_by_id("1012020001").status == "moved"
        close()


def test_revoked_cards_reach_the_other_station(merged_world):
    _, stations, updates = merged_world
    apply(stations[MOBILE], updates[MOBILE])
    connect(stations[MOBILE])
    county_row = Station.get_by_id(MOBILE).county
    with pytest.raises(Refused, match="已于 2026-10-10 作废"):
        cards.check(cards.payload(county_row, "1012020001", 1))
    assert cards.live_card("1012020001").serial == 2
    close()


def test_an_update_applied_twice_or_out_of_order_changes_nothing_more(merged_world, tmp_path):
    county_path, stations, updates = merged_world
    older = tmp_path / "older.sqlite"
    shutil.copy(updates[MOBILE], older)
    apply(stations[MOBILE], updates[MOBILE])
    connect(stations[MOBILE])
    before = snapshot()
    close()
    assert apply(stations[MOBILE], updates[MOBILE]).entries == 0
    assert apply(stations[MOBILE], older).entries == 0
    connect(stations[MOBILE])
    after = snapshot()
    close()
    before.pop("audit"), after.pop("audit")
    assert after == before


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("UPDATE manifest SET mac = '00'", "县里的签名不通过"),
        (
            "UPDATE ledger_entry SET note = '改过' WHERE id = (SELECT MIN(id) FROM ledger_entry)",
            "清单与内容不通过",
        ),
    ],
)
def test_a_changed_update_is_refused(merged_world, change, reason):
    _, stations, updates = merged_world
    raw = sqlite3.connect(updates[MOBILE])
    raw.execute(change)
    raw.commit()
    raw.close()
    connect(stations[MOBILE])
    before = snapshot()
    with pytest.raises(Refused, match=reason):
        intake.apply_update(manager_of(MOBILE), updates[MOBILE], JANUARY)
    assert snapshot() == before
    close()


def test_an_update_for_another_station_is_refused(merged_world):
    _, stations, updates = merged_world
    connect(stations[SHOP])
    with pytest.raises(Refused, match=f"发给站点 {MOBILE} 的更新，不是给本站"):
        intake.apply_update(manager_of(MOBILE), updates[MOBILE], JANUARY)
    close()


def test_points_spent_twice_while_apart_are_flagged(merged_world, tmp_path):
    """Both stations spend 1012010002's six points in January, before any update arrives."""
    county_path, stations, updates = merged_world
    for code in (SHOP, MOBILE):
        apply(stations[code], updates[code])
    for code in (SHOP, MOBILE):
        connect(stations[code])
        clock = FixedClock(datetime(2027, 1, 10, 9))
        manager = auth.sign_in("manager", "1234", clock)
        if code == MOBILE:
            from db.books import stock

            stock.adjust(manager, clock, "G019", 5, "purchase", "补货")
        redemptions.redeem(manager, clock, "1012010002", [("G019", 1)])
        close()
    february = FixedClock(datetime(2027, 2, 2, 9))
    files = []
    for code in (SHOP, MOBILE):
        connect(stations[code])
        files.append(
            export.export_month(manager_of(code), "2027-01", tmp_path / "january", february).path
        )
        close()
    connect(county_path)
    assert not merge.merge_files(COUNTY_OFFICER, files, february).refused
    report = reports.county_report(COUNTY_OFFICER, "2027-01", february)
    [row] = report.sheet("透支户").rows
    assert row[0] == "1012010002" and row[4] == -6 and row[6] == (SHOP, MOBILE)
    [notice] = verify().notices
    assert (notice.code, notice.severity, notice.subject) == ("overdrawn", "notice", "1012010002")
    assert dict(notice.fields) == {"number": "1012010002", "name": "李四", "points": 6}
    for code in (SHOP, MOBILE):
        office.write_update(COUNTY_OFFICER, code, updates[code], february)
    close()
    for code in (SHOP, MOBILE):
        apply(stations[code], updates[code])
        assert balances(stations[code])["1012010002"] == -6
