"""`aixin export`: a station's month in one signed file (docs/design.md §6)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest

from catalog.messages import Refused
from db.books import awards, cards
from db.exchange import export, sealed
from db.store.clock import FixedClock
from db.store.connection import MIGRATIONS, close, connect
from db.store.ids import id_range
from tests.county_world import MOBILE, SHOP, new_phone
from tests.helpers import manager_of

JANUARY = FixedClock(datetime(2027, 1, 3, 8))


def read(path, query):
    raw = sqlite3.connect(path)
    rows = raw.execute(query).fetchall()
    raw.close()
    return rows


def manifest(path) -> dict:
    return json.loads(read(path, "SELECT body FROM manifest")[0][0])


def test_a_month_file_holds_what_the_station_recorded_that_month(county_world):
    path = county_world.files[(SHOP, "2026-10")]
    station = county_world.stations[SHOP]
    low, high = id_range(SHOP)
    for table, key in (
        ("ledger_entry", "time"),
        ("stock_move", "time"),
        ("redemption", "time"),
        ("donation", "time"),
    ):
        expected = read(
            station,
            f"SELECT id FROM {table} WHERE id >= {low} AND id < {high} "
            f"AND substr({key}, 1, 7) = '2026-10' ORDER BY id",
        )
        assert read(path, f"SELECT id FROM {table} ORDER BY id") == expected, table
    assert read(path, "SELECT number, phone FROM household_version") == [
        ("1012010003", "13800000001")
    ]
    cards_in = read(path, "SELECT household_id, serial, revoked IS NOT NULL FROM card ORDER BY 2")
    assert cards_in == [("1012020001", 1, 1), ("1012020001", 2, 0)]
    assert read(path, "SELECT name FROM donor") == [("天等县供销合作社",)]
    assert {r[0] for r in read(path, "SELECT code FROM village")} == {"451425101201"}


def test_the_manifest_counts_totals_and_chain_ends(county_world):
    path = county_world.files[(SHOP, "2026-10")]
    body = manifest(path)
    assert (body["kind"], body["county"], body["station"], body["month"]) == (
        "month",
        "451425",
        SHOP,
        "2026-10",
    )
    newest = max(p.stem for p in MIGRATIONS.glob("[0-9]*.py"))  # the schema the books are at
    assert body["schema"] == newest and body["format"] == sealed.FORMAT
    assert body["tables"]["ledger_entry"]["rows"] == 8
    assert body["entries"]["points"] == read(path, "SELECT SUM(points) FROM ledger_entry")[0][0]
    assert body["stock"] == read(path, "SELECT SUM(qty) FROM stock_move")[0][0]
    assert body["entries"]["before"] is None and body["entries"]["chain_start"] == "0" * 32
    november = manifest(county_world.files[(SHOP, "2026-11")])
    assert november["entries"]["chain_start"] == body["entries"]["chain_end"]
    assert november["entries"]["before"] == body["entries"]["last"]
    key = read(county_world.county, f"SELECT key FROM station WHERE code = '{SHOP}'")[0][0]
    text, signature = read(path, "SELECT body, mac FROM manifest")[0]
    assert sealed.mac(key, text) == signature


def test_a_month_without_activity_still_yields_a_small_file(county_world):
    path = county_world.files[(MOBILE, "2026-12")]
    body = manifest(path)
    assert all(info["rows"] == 0 for info in body["tables"].values())
    assert body["entries"]["chain_start"] == body["entries"]["chain_end"] != "0" * 32
    # every table and index takes a page or two even when empty: some 60 tables, 4 KiB pages
    assert path.stat().st_size < 300_000


def test_the_same_month_again_gives_the_same_file(county_world, tmp_path):
    connect(county_world.copy_station(SHOP, tmp_path))
    again = export.export_month(manager_of(SHOP), "2026-10", tmp_path / "again", JANUARY).path
    close()
    assert again.read_bytes() == county_world.files[(SHOP, "2026-10")].read_bytes()


def test_later_changes_do_not_change_an_exported_month(county_world, tmp_path, clock):
    """A household edited again and a card revoked in a later month leave October as it was."""
    connect(county_world.copy_station(SHOP, tmp_path))
    from db.books import auth

    manager = auth.sign_in("manager", "1234", clock)
    clock.at = datetime(2027, 1, 4, 9)
    new_phone(manager, clock, "13700000003", station=SHOP)
    cards.reissue(manager, clock, "1012010002")
    again = export.export_month(manager_of(SHOP), "2026-10", tmp_path / "again", JANUARY).path
    close()
    assert again.read_bytes() == county_world.files[(SHOP, "2026-10")].read_bytes()


@pytest.mark.parametrize(
    ("month", "reason"),
    [("2027-01", "还没有结束"), ("2027-13", "YYYY-MM"), ("十月", "YYYY-MM"), ("2026-08", "才登记")],
)
def test_months_that_cannot_be_exported(county_world, tmp_path, month, reason):
    connect(county_world.copy_station(SHOP, tmp_path))
    with pytest.raises(Refused, match=reason):
        export.export_month(manager_of(SHOP), month, tmp_path / "out", JANUARY)
    close()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_county_does_not_export(county_world, tmp_path):
    connect(county_world.copy_county(tmp_path))
    with pytest.raises(Refused, match="县级数据库"):
        export.export_month(manager_of(SHOP), "2026-10", tmp_path / "out", JANUARY)
    close()


def test_a_broken_chain_is_not_exported(county_world, tmp_path):
    path = county_world.copy_station(SHOP, tmp_path)
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER ledger_entry_no_update")
    raw.execute(
        "UPDATE ledger_entry SET points = 99 WHERE id = (SELECT MIN(id) + 2 FROM ledger_entry)"
    )
    raw.commit()
    raw.close()
    connect(path)
    with pytest.raises(Refused, match="账目链有问题"):
        export.export_month(manager_of(SHOP), "2026-10", tmp_path / "out", JANUARY)
    close()


def test_awards_after_the_export_land_in_the_next_month(county_world, tmp_path, clock):
    connect(county_world.copy_station(SHOP, tmp_path))
    from db.books import auth

    manager = auth.sign_in("manager", "1234", clock)
    clock.at = datetime(2027, 1, 4, 9)
    awards.award(manager, clock, "1012010002", "GY02")
    february = FixedClock(datetime(2027, 2, 2, 8))
    january = export.export_month(manager_of(SHOP), "2027-01", tmp_path / "out", february).path
    close()
    body = manifest(january)
    assert body["tables"]["ledger_entry"]["rows"] == 1
    assert (
        body["entries"]["chain_start"]
        == manifest(county_world.files[(SHOP, "2026-12")])["entries"]["chain_end"]
    )
