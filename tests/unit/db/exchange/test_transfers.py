"""Transfers between stations (docs/design.md §10): sent, received once, all-or-nothing,
crafted files refused in one line."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from catalog.messages import Refused
from db.books import auth, awards, redemptions, verify, visits
from db.exchange import sealed, transfers
from db.exchange.sealed import FileRefused
from db.store.connection import close, connect
from db.store.models import StockMove, TransferReceipt, VisitRedemption
from tests.helpers import Station, snapshot

SHOP, MOBILE = "451425-03", "451425-04"


def as_mobile(station_file: Path, target: Path) -> Path:
    """The tests' station saved again as station 451425-04 (a mobile shop) with no stock."""
    shutil.copy(station_file, target)
    raw = sqlite3.connect(target)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("DROP TRIGGER stock_move_no_delete")
    raw.execute("DELETE FROM stock_move")
    raw.execute("UPDATE item SET stock = 0")
    raw.execute("UPDATE station SET code = ?, kind = 'mobile'", (MOBILE,))
    raw.execute("UPDATE setting SET value = ? WHERE name = 'station'", (MOBILE,))
    raw.commit()
    raw.close()
    return target


def signed_in(clock) -> Station:
    return Station(
        clock=clock,
        manager=auth.sign_in("manager", "1234", clock),
        clerk=auth.sign_in("clerk", "1234", clock),
        cadre=auth.sign_in("cadre", "1234", clock),
    )


def open_books(path: Path, clock) -> Station:
    close()
    connect(path)
    return signed_in(clock)


@pytest.fixture
def two(tmp_path, station_file, clock):
    shop = tmp_path / "shop.sqlite"
    shutil.copy(station_file, shop)
    mobile = as_mobile(station_file, tmp_path / "mobile.sqlite")
    yield shop, mobile
    close()


def stock_of(code: str) -> int:
    from db.store.models import Item

    return Item.get_by_id(code).stock


def test_goods_go_out_on_a_visit_and_the_rest_comes_back(two, tmp_path, clock):
    shop, mobile = two
    books = open_books(shop, clock)
    out = transfers.send(books.manager, clock, MOBILE, [("G007", 8), ("G001", 2)], tmp_path / "t1")
    assert (stock_of("G007"), stock_of("G001")) == (12, 8)
    assert out.status == "sent" and {(x.code, x.qty) for x in out.lines} == {
        ("G007", 8),
        ("G001", 2),
    }
    books = open_books(mobile, clock)
    got = transfers.receive(books.manager, clock, tmp_path / "t1")
    assert got.status == "received" and (stock_of("G007"), stock_of("G001")) == (8, 2)
    before = snapshot()
    again = transfers.receive(books.manager, clock, tmp_path / "t1")
    assert again.status == "unchanged" and snapshot() == before
    # the visit: a redemption on the road
    visit = visits.start(books.clerk, clock, "451425101201")
    awards.award(books.manager, clock, "1012010001", "GY02")
    sale = redemptions.redeem(books.clerk, clock, "1012010001", [("G007", 3)])
    assert VisitRedemption.get_by_id(sale.id).visit_id == visit.id
    visits.close(books.clerk, clock)
    back = transfers.send(books.manager, clock, SHOP, [("G007", 5), ("G001", 2)], tmp_path / "t2")
    assert (stock_of("G007"), stock_of("G001")) == (0, 0)
    assert verify.verify(clock=clock).ok
    books = open_books(shop, clock)
    transfers.receive(books.manager, clock, tmp_path / "t2")
    assert (stock_of("G007"), stock_of("G001")) == (17, 10)
    assert TransferReceipt.get_by_id(back.id).station == SHOP
    assert verify.verify(clock=clock).ok


def test_sending_more_than_there_is_changes_nothing(two, tmp_path, clock):
    shop, _ = two
    books = open_books(shop, clock)
    before = snapshot()
    with pytest.raises(Refused, match="库存"):
        transfers.send(books.manager, clock, MOBILE, [("G001", 3), ("G019", 6)], tmp_path / "t")
    assert snapshot() == before and not (tmp_path / "t").exists()
    for receiver in ("451425-03", "999999-01", "4514"):
        with pytest.raises(Refused):
            transfers.send(books.manager, clock, receiver, [("G001", 1)], tmp_path / "t")
    with pytest.raises(Refused, match="无权"):
        transfers.send(books.clerk, clock, MOBILE, [("G001", 1)], tmp_path / "t")
    assert snapshot() == before


def test_a_file_for_another_station_or_changed_is_refused(two, tmp_path, clock):
    shop, mobile = two
    books = open_books(shop, clock)
    transfers.send(books.manager, clock, MOBILE, [("G007", 4)], tmp_path / "t")
    with pytest.raises(FileRefused, match="不是给本站"):
        transfers.receive(books.manager, clock, tmp_path / "t")  # the sender itself
    books = open_books(mobile, clock)
    before = snapshot()
    crafted = tmp_path / "crafted"
    shutil.copy(tmp_path / "t", crafted)
    raw = sqlite3.connect(crafted)
    raw.execute("UPDATE transfer_line SET qty = 400")
    raw.commit()
    raw.close()
    with pytest.raises(FileRefused) as refused:
        transfers.receive(books.manager, clock, crafted)
    assert "\n" not in refused.value.render()
    assert snapshot() == before
    (tmp_path / "folder").mkdir()
    for path in (tmp_path / "folder", tmp_path / "missing", shop):
        with pytest.raises(FileRefused):
            transfers.receive(books.manager, clock, path)
    assert snapshot() == before


def test_a_crafted_file_sealed_with_the_right_key_is_held_to_its_rows(two, tmp_path, clock):
    """A key holder reseals a file whose rows lie: another sender's ids, a huge quantity."""
    shop, mobile = two
    books = open_books(shop, clock)
    sent = transfers.send(books.manager, clock, MOBILE, [("G007", 4)], tmp_path / "t")
    key = transfers._key()
    for sql in (
        "UPDATE transfer_line SET qty = 1000000",
        "UPDATE transfer_line SET item_id = 'NOPE'",
        "UPDATE transfer SET id = id + 10000000000",
        "UPDATE transfer SET receiver = '451425-09'",
        "INSERT INTO transfer_line SELECT id + 1, transfer_id, item_id, qty FROM transfer_line",
    ):
        crafted = tmp_path / "crafted"
        sealed.create(crafted, "transfer")
        raw = sqlite3.connect(crafted)
        raw.execute("ATTACH DATABASE ? AS t", (str(tmp_path / "t"),))
        raw.execute("INSERT INTO transfer SELECT * FROM t.transfer")
        raw.execute("INSERT INTO transfer_line SELECT * FROM t.transfer_line")
        raw.commit()
        raw.execute(sql)
        raw.commit()
        raw.execute("DETACH DATABASE t")
        raw.close()
        sealed.seal(
            crafted,
            {
                "kind": "transfer",
                "county": "451425",
                "station": SHOP,
                "receiver": MOBILE,
                "transfer": sent.id,
                "schema": "0010_field",
                "made": sent.time,
            },
            key,
        )
        open_books(mobile, clock)
        before = snapshot()
        with pytest.raises(FileRefused):
            transfers.receive(books.manager, clock, crafted)
        assert snapshot() == before, sql
        assert StockMove.select().count() == 0
        open_books(shop, clock)
