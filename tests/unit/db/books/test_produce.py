"""Produce sold for cash and the cash book: the invariants of docs/design.md §4.11."""

from __future__ import annotations

import sqlite3

import pytest
from peewee import IntegrityError

from catalog.messages import Refused
from db.books import produce
from db.books.verify import verify
from db.store.connection import database
from db.store.produce_models import PRODUCE_MODELS, CashMove, ProduceSale
from tests.helpers import snapshot

EGGS = "1012010001"


@pytest.fixture
def eggs(station):
    """张三 brought 30 eggs at 1.50 yuan each."""
    return produce.intake(station.clerk, station.clock, EGGS, "土鸡蛋", "个", 30, 150)


def test_intake_part_sold_payout_pays_exactly_the_sold_part(station, eggs):
    sale = produce.sell(station.clerk, station.clock, eggs.id, 12, "县人社局（消费扶贫）")
    assert (sale.amount_fen, sale.cash_fen, sale.lot.left, sale.lot.owed_fen) == (
        1800,
        1800,
        18,
        1800,
    )
    produce.sell(station.clerk, station.clock, eggs.id, 2)
    slip = produce.payout(station.clerk, station.clock, EGGS)
    assert slip.amount_fen == 14 * 150
    assert [(ln.lot, ln.sold, ln.amount_fen) for ln in slip.lines] == [(eggs.id, 14, 2100)]
    assert produce.cash_balance("451425-03") == 0
    [lot] = produce.lots(EGGS)
    assert (lot.qty, lot.sold, lot.earned_fen, lot.paid_fen, lot.owed_fen) == (
        30,
        14,
        2100,
        2100,
        0,
    )
    produce.sell(station.clerk, station.clock, eggs.id, 1)
    assert produce.payout(station.clerk, station.clock, EGGS).amount_fen == 150
    assert verify().ok


def test_selling_more_than_is_left_is_refused(station, eggs):
    produce.sell(station.clerk, station.clock, eggs.id, 25)
    before = snapshot()
    with pytest.raises(Refused) as refused:
        produce.sell(station.clerk, station.clock, eggs.id, 6)
    assert refused.value.message.fields["left"] == 5
    assert snapshot() == before


def test_paying_twice_is_refused(station, eggs):
    produce.sell(station.clerk, station.clock, eggs.id, 3)
    produce.payout(station.clerk, station.clock, EGGS)
    before = snapshot()
    with pytest.raises(Refused, match="没有待付的代销款"):
        produce.payout(station.clerk, station.clock, EGGS)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((EGGS, "", "个", 1, 100), "品名不能为空"),
        ((EGGS, "蜂蜜", "瓶", 0, 100), "数量应为 1 到 99999 的整数"),
        ((EGGS, "蜂蜜", "瓶", 2, 0), "单价应为正的整数分"),
        ((EGGS, "蜂蜜", "瓶", 2, 1.5), "单价应为正的整数分"),
        (("0000000000", "蜂蜜", "瓶", 2, 100), "户号 0000000000 不存在"),
    ],
)
def test_bad_intakes_refused(station, args, reason):
    before = snapshot()
    with pytest.raises(Refused, match=reason):
        produce.intake(station.clerk, station.clock, *args)
    assert snapshot() == before


def test_cadres_may_not_sell(station, eggs):
    with pytest.raises(Refused, match="无权"):
        produce.sell(station.cadre, station.clock, eggs.id, 1)


def test_the_books_refuse_changes_and_overselling(station, eggs):
    produce.sell(station.clerk, station.clock, eggs.id, 1)
    for sql in (
        "UPDATE produce_lot SET qty = 99",
        "DELETE FROM produce_sale",
        "UPDATE cash_move SET amount_fen = 1",
        "DELETE FROM cash_move",
    ):
        with pytest.raises(IntegrityError, match="immutable"):
            database.execute_sql(sql)
    with pytest.raises(IntegrityError, match="sold above"):
        database.execute_sql(
            "INSERT INTO produce_sale (id, lot_id, qty, price_fen, amount_fen, buyer, operator, "
            "station, time) VALUES (?, ?, 30, 150, 4500, '', 'x', '451425-03', 't')",
            (eggs.id + 100, eggs.id),
        )


def test_a_reversed_sale_goes_back_on_the_lot_and_out_of_the_cash(station, eggs):
    sale = produce.sell(station.clerk, station.clock, eggs.id, 4)
    with pytest.raises(Refused, match="无权"):
        produce.reverse_sale(station.clerk, station.clock, sale.id)
    undo = produce.reverse_sale(station.manager, station.clock, sale.id)
    assert (undo.qty, undo.amount_fen, undo.lot.left, undo.cash_fen) == (-4, -600, 30, 0)
    with pytest.raises(Refused, match="已经冲正过"):
        produce.reverse_sale(station.manager, station.clock, sale.id)
    paid = produce.sell(station.clerk, station.clock, eggs.id, 2)
    produce.payout(station.clerk, station.clock, EGGS)
    with pytest.raises(Refused, match="已付给农户"):
        produce.reverse_sale(station.manager, station.clock, paid.id)
    assert verify().ok


def test_the_cash_close_shows_a_shortfall_and_the_book_follows_the_count(station, eggs):
    produce.sell(station.clerk, station.clock, eggs.id, 10)  # 15.00 in
    sheet = produce.close_day(station.clerk, station.clock, 1450, "少了五毛")
    assert (sheet.opening_fen, sheet.sales_fen, sheet.payouts_fen) == (0, 1500, 0)
    assert (sheet.expected_fen, sheet.counted_fen, sheet.difference_fen) == (1500, 1450, -50)
    assert produce.cash_balance("451425-03") == 1450
    with pytest.raises(Refused, match="已经日结过"):
        produce.close_day(station.clerk, station.clock, 1450)
    station.clock.advance(days=1)
    assert verify().ok


def test_verify_finds_a_cash_book_changed_behind_the_books(station, eggs, tmp_path):
    produce.sell(station.clerk, station.clock, eggs.id, 10)
    produce.close_day(station.clerk, station.clock, 1500)
    path = database.obj.database
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER cash_move_no_update")
    raw.execute("UPDATE cash_move SET amount_fen = 1400 WHERE kind = 'sale'")
    raw.commit()
    raw.close()
    codes = {p.code for p in verify().problems}
    assert {"produce_sale", "cash_close"} <= codes


def test_models_match_the_schema(station):
    for model in PRODUCE_MODELS:
        columns = {c.name for c in database.get_columns(model._meta.table_name)}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, model.__name__
    assert ProduceSale and CashMove
