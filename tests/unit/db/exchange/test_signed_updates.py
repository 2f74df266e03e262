"""Updates only the county can make, in order (docs/design.md §10): signed with the county's
Ed25519 key, numbered per station; a repeated one changes nothing, an older one is refused, and
one signed by anybody else — a station-key holder included — is refused."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest

from db.books import cards
from db.county import office
from db.exchange import intake, sealed, signing
from db.exchange.sealed import FileRefused
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.ids import id_range
from db.store.models import County, Item, Setting, Station, Task
from tests.county_world import MOBILE, SHOP
from tests.helpers import COUNTY_OFFICER, manager_of, snapshot

JANUARY = FixedClock(datetime(2027, 1, 5, 9))


@pytest.fixture
def world(county_world, county, tmp_path):
    """(the county, on SQLite then on PostgreSQL; a mobile shop copy)."""
    return county, county_world.copy_station(MOBILE, tmp_path)


def write_update(county: Path, out: Path, change=None) -> Path:
    connect(county)
    if change is not None:
        change()
    office.write_update(COUNTY_OFFICER, MOBILE, out, JANUARY)
    close()
    return out


def apply(station: Path, update: Path) -> intake.Applied:
    connect(station)
    try:
        return intake.apply_update(manager_of(MOBILE), update, JANUARY)
    finally:
        close()


def catalog(station: Path) -> tuple:
    connect(station)
    task = Task.get_by_id("GY02")
    item = Item.get_by_id("G007")
    found = (task.points, task.cap, item.price, item.active)
    close()
    return found


def raise_prices() -> None:
    Task.update(points=Task.points + 5, cap=99).where(Task.code == "GY02").execute()
    Item.update(price=Item.price + 1, active=False).where(Item.code == "G007").execute()


def test_updates_are_numbered_per_station(world, tmp_path):
    county, station = world
    first = write_update(county, tmp_path / "1.sqlite")
    second = write_update(county, tmp_path / "2.sqlite")
    assert [json.loads(body(p))["sequence"] for p in (first, second)] == [1, 2]
    assert apply(station, first).sequence == 1
    assert apply(station, second).sequence == 2
    connect(station)
    assert Station.get_by_id(MOBILE).update_seq == 2
    close()


def test_the_same_update_again_changes_nothing_and_says_so(world, tmp_path):
    county, station = world
    update = write_update(county, tmp_path / "1.sqlite")
    apply(station, update)
    connect(station)
    before = snapshot()
    close()
    again = apply(station, update)
    assert (again.status, again.sequence, again.entries) == ("unchanged", 1, 0)
    connect(station)
    assert snapshot() == before  # not even an audit line
    close()


def test_a_replayed_older_update_does_not_turn_the_catalog_back(world, tmp_path):
    county, station = world
    old = write_update(county, tmp_path / "old.sqlite")
    apply(station, old)
    new = write_update(county, tmp_path / "new.sqlite", raise_prices)
    apply(station, new)
    changed = catalog(station)
    assert changed[1:] == (99, changed[2], False)
    connect(station)
    before = snapshot()
    with pytest.raises(FileRefused) as caught:
        intake.apply_update(manager_of(MOBILE), old, JANUARY)
    assert caught.value.check == "更新顺序"
    assert dict(caught.value.fields) == {"sequence": 1, "last": 2}
    assert snapshot() == before
    close()
    assert catalog(station) == changed


def test_an_older_update_never_applied_is_refused_after_a_newer(world, tmp_path):
    county, station = world
    old = write_update(county, tmp_path / "old.sqlite")
    new = write_update(county, tmp_path / "new.sqlite", raise_prices)
    apply(station, new)
    with pytest.raises(FileRefused, match="更新顺序不通过"):
        apply(station, old)


def body(path: Path) -> str:
    raw = sqlite3.connect(path)
    text = raw.execute("SELECT body FROM manifest").fetchone()[0]
    raw.close()
    return text


def forge(path: Path, statements, key: str) -> None:
    """Edit an update file's rows and re-sign it with `key`, as a forger would."""
    raw = sqlite3.connect(path)
    fields = {k: v for k, v in json.loads(body(path)).items() if k not in ("tables", "format")}
    for statement, params in statements:
        raw.execute(statement, params)
    raw.execute("DELETE FROM manifest")
    raw.commit()
    raw.close()
    sealed.seal(path, fields, key)


def entry_from_unenrolled_station() -> tuple[str, tuple]:
    low, _ = id_range("451425-77")
    return (
        "INSERT INTO ledger_entry (id, household_id, points, kind, task_id, redemption_id, "
        "reverses_id, qty, note, operator, station, time, prev_hash) "
        "VALUES (?, '1012010001', 50000, 'adjustment', NULL, NULL, NULL, 1, '', 'x', "
        "'451425-77', '2026-12-01 09:00:00', ?)",
        (low + 1, "0" * 32),
    )


@pytest.mark.parametrize(
    "change",
    [
        ("UPDATE county SET card_key = ?", ("ff" * 32,)),
        entry_from_unenrolled_station(),
        ("UPDATE task SET points = 1000 WHERE code = 'GY02'", ()),
    ],
    ids=["swapped card key", "+50,000 from an unenrolled station", "task points"],
)
def test_an_update_signed_by_anybody_but_the_county_is_refused(world, tmp_path, change):
    county, station = world
    update = write_update(county, tmp_path / "update.sqlite")
    forger, _ = signing.new_key_pair()  # a key of their own: the county's never left it
    forge(update, [change], forger)
    connect(station)
    before = snapshot()
    with pytest.raises(FileRefused) as caught:
        intake.apply_update(manager_of(MOBILE), update, JANUARY)
    assert caught.value.check == "县里的签名"
    assert snapshot() == before
    payload = cards.payload(County.get_by_id("451425"), "1012010001", 1)
    assert cards.check(payload).household.number == "1012010001"  # genuine cards still work
    close()


def test_an_update_sealed_with_the_station_key_is_refused(world, tmp_path):
    """Whoever holds the station's key could seal a monthly file, never an update."""
    county, station = world
    update = write_update(county, tmp_path / "update.sqlite")
    connect(station)
    key = Station.get_by_id(MOBILE).key
    close()
    text = body(update).replace('"sequence":1', '"sequence":99')
    raw = sqlite3.connect(update)
    raw.execute("UPDATE manifest SET body = ?, mac = ?", (text, sealed.mac(key, text)))
    raw.commit()
    raw.close()
    with pytest.raises(FileRefused, match="县里的签名不通过"):
        apply(station, update)


def test_the_private_key_never_leaves_the_county(county_world, world, tmp_path):
    county, station = world
    connect(county)
    private = Setting.get_by_id(signing.setting_name("451425")).value
    public = County.get_by_id("451425").public_key
    close()
    update = write_update(county, tmp_path / "update.sqlite")
    travelling = [update, *county_world.setups.values(), *county_world.all_files()]
    for path in travelling:
        data = path.read_bytes()
        assert private.encode() not in data and bytes.fromhex(private) not in data, path
    for path in (station, county_world.stations[SHOP]):
        connect(path)
        assert not Setting.select().where(Setting.name.startswith(signing.SETTING)).exists()
        assert County.get_by_id("451425").public_key == public
        close()


def test_a_station_set_up_without_the_public_key_refuses_updates(world, tmp_path):
    county, station = world
    update = write_update(county, tmp_path / "update.sqlite")
    connect(station)
    County.update(public_key=None).execute()
    close()
    with pytest.raises(intake.Refused, match="没有县里的签名公钥"):
        apply(station, update)


def test_a_county_made_before_signing_gets_its_key_pair_on_first_use(world, tmp_path):
    county, _ = world
    connect(county)
    Setting.delete().where(Setting.name == signing.setting_name("451425")).execute()
    County.update(public_key=None).execute()
    close()
    write_update(county, tmp_path / "update.sqlite")
    connect(county)
    assert County.get_by_id("451425").public_key
    assert Setting.get_by_id(signing.setting_name("451425")).value
    close()


def test_files_that_travel_are_owner_only(county_world, world, tmp_path):
    county, _ = world
    update = write_update(county, tmp_path / "update.sqlite")
    for path in (update, *county_world.setups.values(), *county_world.all_files()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in (county_world.county, *county_world.stations.values()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
