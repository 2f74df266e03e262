"""A station's own goods reach the county in its month files, with their price changes; the
county takes them only from the station they belong to (docs/design.md §4.13, §14).

A station (the county world's shop) adds 腊肉 in January, takes a donation of it, redeems one
at 3 points, reprices it to 4 and redeems another; its January file merges at the county, whose
catalog then holds the item with its history. Crafted files — the station's key in the wrong
hands — that pass off another station's code, the county's own item, a price change of a
county item or a redemption at the wrong price are refused for their rows, the county
unchanged to the byte.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from catalog.messages import Refused
from db.books import auth, awards, goods, redemptions, stock
from db.county import merge
from db.exchange import export
from db.exchange.month_content import RowsRefused
from db.store.clock import FixedClock
from db.store.connection import close, connect
from tests.county_copies import county_rows, digests
from tests.county_world import MONTHS, SHOP
from tests.crafted import craft, station_key
from tests.helpers import COUNTY_OFFICER, manager_of

# Its module fixture builds the shop's January file: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("county_goods")

FEBRUARY = FixedClock(datetime(2027, 2, 3, 9))
JANUARY = "2027-01"


@pytest.fixture(scope="module")
def january(county_world, tmp_path_factory):
    """The shop's January file, with its own goods in it."""
    root = tmp_path_factory.mktemp("goods")
    path = county_world.copy_station(SHOP, root)
    clock = FixedClock(datetime(2027, 1, 10, 9), timedelta(seconds=5))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        connect(path)
        manager = auth.sign_in("manager", "1234", clock)
        clerk = auth.sign_in("clerk", "1234", clock)
        code = goods.add_local_item(manager, clock, goods.NewItem("腊肉", "斤", "粮油副食", 3))
        assert code.item.code == "L03-0001"
        stock.take_donation(clerk, clock, "农户自产", [("L03-0001", 5, 0)])
        awards.award(manager, clock, "1012010001", "GY02")
        redemptions.redeem(clerk, clock, "1012010001", [("2103000000013", 1)])
        goods.change_price(manager, clock, "L03-0001", 4)
        redemptions.redeem(clerk, clock, "1012010001", [("L03-0001", 1)])
        done = export.export_month(
            manager_of(SHOP), JANUARY, root, FixedClock(datetime(2027, 2, 2))
        )
        close()
    return done.path


def station_after(january, tmp_path):
    """A private copy of the shop's books as they were when its January file left."""
    station = tmp_path / "shop.sqlite"
    station.write_bytes((january.parent / f"{SHOP}.sqlite").read_bytes())
    return station


@pytest.fixture
def county_file(county_world, tmp_path):
    """The county with the shop's months up to December merged, as a SQLite file (the update
    file is written from it)."""
    folder = tmp_path / "merged"
    folder.mkdir()
    path = county_world.copy_county(folder)
    merged(path, [county_world.files[(SHOP, m)] for m in MONTHS])
    return path


@pytest.fixture
def county(county_file, county_from):
    """That county on the test's engine (tests/county_copies.py)."""
    return county_from(county_file)


def merged(county, files):
    connect(county)
    try:
        return merge.merge_files(COUNTY_OFFICER, files, FEBRUARY)
    finally:
        close()


def rows(path, sql):
    """Rows of a SQLite file (a station's books, a month file)."""
    raw = sqlite3.connect(path)
    found = raw.execute(sql).fetchall()
    raw.close()
    return found


def test_the_month_file_carries_the_item_and_its_price_change(january):
    assert rows(january, "SELECT code, price, station FROM item") == [("L03-0001", 4, SHOP)]
    assert rows(january, "SELECT item_id, old_price, price FROM item_price") == [("L03-0001", 3, 4)]
    assert rows(january, "SELECT price FROM redemption_line ORDER BY id") == [(3,), (4,)]


def test_the_county_takes_the_stations_own_goods_with_their_history(county, january):
    [outcome] = merged(county, [january]).outcomes
    assert outcome.status == "merged", outcome.render()
    item = "SELECT code, name, price, station FROM item WHERE code = 'L03-0001'"
    assert county_rows(county, item) == [("L03-0001", "腊肉", 4, SHOP)]
    prices = "SELECT item_id, old_price, price FROM item_price"
    assert county_rows(county, prices) == [("L03-0001", 3, 4)]
    [again] = merged(county, [january]).outcomes
    assert again.status == "unchanged"


def forged(county, january, tmp_path, *statements):
    key = station_key(january.parent / f"{SHOP}.sqlite", SHOP)  # the station's own copy
    return craft(january, tmp_path / "forged.sqlite", key, *statements)


def refused(county, path) -> list[str]:
    before = digests(county)
    [outcome] = merged(county, [path]).outcomes
    assert outcome.status == "refused", outcome.render()
    assert isinstance(outcome.refusal, RowsRefused), outcome.refusal.render()
    assert digests(county) == before
    return [p.code for p in outcome.refusal.problems.shown]


def test_another_stations_code_is_refused(county, january, tmp_path):
    """The shop passes its item off as the mobile shop's L06-0001."""
    path = forged(
        county,
        january,
        tmp_path,
        "PRAGMA foreign_keys = OFF",
        "UPDATE item SET code = 'L06-0001'",
        "UPDATE item_price SET item_id = 'L06-0001'",
        "UPDATE redemption_line SET item_id = 'L06-0001'",
        "UPDATE donation_line SET item_id = 'L06-0001'",
        "UPDATE stock_move SET item_id = 'L06-0001'",
    )
    assert "item_code" in refused(county, path)


def test_an_item_claimed_for_another_station_is_not_taken(county, january, tmp_path):
    path = forged(county, january, tmp_path, ("UPDATE item SET station = '451425-06'", ()))
    problems = refused(county, path)
    assert "not_own_item" in problems or "orphan" in problems


def test_the_countys_own_item_passed_off_as_the_stations(county, january, tmp_path):
    """G001 rewritten as the shop's own at a price of 1, with a redemption at that price."""
    path = forged(
        county,
        january,
        tmp_path,
        "INSERT INTO item VALUES ('G001', '大米', '袋', '粮油副食', 1, 0, 1, '', '451425-03')",
        "INSERT INTO item_price VALUES (451425030000000099, 'G001', '2027-01-10 09:00:00', 50, 1,"
        " 'manager', '451425-03')",
    )
    problems = refused(county, path)
    assert "item_code" in problems and "item_taken" in problems


def test_a_redemption_of_a_local_item_at_a_made_up_price(county, january, tmp_path):
    path = forged(
        county,
        january,
        tmp_path,
        "UPDATE redemption_line SET price = 1, points = qty WHERE item_id = 'L03-0001'",
        "UPDATE redemption SET total = (SELECT SUM(points) FROM redemption_line AS l "
        "WHERE l.redemption_id = redemption.id)",
        "UPDATE ledger_entry SET points = -(SELECT total FROM redemption AS r "
        "WHERE r.id = ledger_entry.redemption_id) WHERE kind = 'redemption'",
    )
    assert "wrong_price" in refused(county, path)


def test_a_price_change_outside_the_month_or_of_no_change(county, january, tmp_path):
    path = forged(
        county,
        january,
        tmp_path,
        "PRAGMA ignore_check_constraints = ON",
        "UPDATE item_price SET old_price = price",
    )
    assert "bad_price" in refused(county, path)


def test_an_update_never_overwrites_the_stations_own_goods(county_file, january, tmp_path):
    from db.county import office
    from db.exchange import intake

    county = county_file
    merged(county, [january])
    connect(county)
    update = tmp_path / "shop.update"
    office.write_update(COUNTY_OFFICER, SHOP, update, FEBRUARY)
    close()
    station = station_after(january, tmp_path)
    clock = FixedClock(datetime(2027, 2, 5, 9), timedelta(seconds=5))
    connect(station)
    try:
        manager = auth.sign_in("manager", "1234", clock)
        goods.change_price(manager, clock, "L03-0001", 5)  # after the file left
        intake.apply_update(manager, update, clock)
    finally:
        close()
    assert rows(station, "SELECT price, station FROM item WHERE code = 'L03-0001'") == [(5, SHOP)]
    assert rows(station, "SELECT old_price, price FROM item_price ORDER BY since") == [
        (3, 4),
        (4, 5),
    ]


def test_a_county_price_change_reaches_the_station_with_its_history(county_file, january, tmp_path):
    """The county reprices G007 (明码标分); the update carries the new price and the change;
    the station redeems at the new price, its earlier redemptions keep theirs."""
    from db.county import office
    from db.exchange import intake

    county = county_file
    connect(county)
    try:
        [outcome] = merge.merge_files(COUNTY_OFFICER, [january], FEBRUARY).outcomes
        assert outcome.status == "merged"
        with pytest.raises(
            Refused, match="是站点 451425-03 自有的商品"
        ):  # not the county's to price
            goods.change_price(COUNTY_OFFICER, FEBRUARY, "L03-0001", 9)
        change = goods.change_price(COUNTY_OFFICER, FEBRUARY, "G007", 3)
        assert (change.old_price, change.price) == (2, 3)
        update = tmp_path / "shop.update"
        office.write_update(COUNTY_OFFICER, SHOP, update, FEBRUARY)
    finally:
        close()
    station = station_after(january, tmp_path)
    clock = FixedClock(datetime(2027, 2, 6, 9), timedelta(seconds=5))
    connect(station)
    try:
        manager = auth.sign_in("manager", "1234", clock)
        intake.apply_update(manager, update, clock)
        awards.award(manager, clock, "1012010002", "GY02")
        slip = redemptions.redeem(manager, clock, "1012010002", [("G007", 1)])
        assert slip.total == 3
    finally:
        close()
    assert rows(
        station, "SELECT item_id, old_price, price FROM item_price WHERE item_id = 'G007'"
    ) == [("G007", 2, 3)]
    assert rows(  # October's and November's redemptions of G007 at 2 points stand as they were
        station,
        "SELECT DISTINCT substr(r.time, 1, 7), l.price FROM redemption_line AS l "
        "JOIN redemption AS r ON r.id = l.redemption_id WHERE l.item_id = 'G007' ORDER BY 1",
    ) == [("2026-10", 2), ("2026-11", 2), ("2027-02", 3)]
