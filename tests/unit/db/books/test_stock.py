"""Donations, stock adjustments and stock counts."""

from __future__ import annotations

import pytest

from catalog.messages import Refused
from db.books import stock
from db.store.models import Audit, Donation, Donor, StockMove
from tests.helpers import snapshot


def test_donation_books_goods_and_cash_with_a_donor(station):
    gift = stock.take_donation(
        station.clerk, station.clock, "李秀英", [("G019", 4, 2400)], cash_fen=20000, note="春节慰问"
    )
    assert station.stock("G019") == 9
    booked = Donation.get_by_id(gift.id)
    assert (booked.donor.name, booked.donor.kind, booked.cash_fen) == ("李秀英", "person", 20000)
    assert (gift.donor, gift.cash_fen) == ("李秀英", 20000)
    again = stock.take_donation(station.clerk, station.clock, "李秀英", [], cash_fen=100)
    # the same donor, not a second one
    assert Donation.get_by_id(again.id).donor_id == booked.donor_id
    assert Donor.select().count() == 2


@pytest.mark.parametrize(
    ("donor", "lines", "cash", "reason"),
    [
        ("", [("G001", 1, 0)], 0, "请填写捐赠人"),
        ("某人", [], 0, "没有物品也没有现金"),
        ("某人", [("NOPE", 1, 0)], 0, "没有条码或编码为 NOPE 的商品"),
        ("某人", [("G001", 0, 0)], 0, "数量应为 1 到 99999 的整数，而不是“0”"),
        ("某人", [("G001", 9999999999, 0)], 0, "数量应为 1 到 99999 的整数，而不是“9999999999”"),
        ("某人", [("G001", 1, -5)], 0, "估价应为不小于 0 的整数"),
        ("某人", [], 12.5, "现金应为不小于 0 的整数"),
    ],
)
def test_bad_donations_are_refused(station, donor, lines, cash, reason):
    count = Donation.select().count()
    with pytest.raises(Refused, match=reason):
        stock.take_donation(station.clerk, station.clock, donor, lines, cash_fen=cash)
    assert Donation.select().count() == count


def test_adjustments_are_for_managers_and_never_below_zero(station):
    with pytest.raises(Refused, match="无权调整库存"):
        stock.adjust(station.clerk, station.clock, "G001", -1, "writeoff", "受潮")
    with pytest.raises(Refused, match="库存只有 10 袋，不够出 11 袋"):
        stock.adjust(station.manager, station.clock, "G001", -11, "writeoff", "受潮")
    with pytest.raises(Refused, match="请写明调整原因"):
        stock.adjust(station.manager, station.clock, "G001", -1, "writeoff", " ")
    with pytest.raises(Refused, match="数量方向不对"):
        stock.adjust(station.manager, station.clock, "G001", 3, "writeoff", "x")
    stock.adjust(station.manager, station.clock, "G001", -2, "writeoff", "受潮发霉")
    stock.adjust(station.manager, station.clock, "G002", 6, "purchase", "镇政府采购")
    assert (station.stock("G001"), station.stock("G002")) == (8, 6)


def test_stock_count_books_only_the_differences_when_finalized(station):
    count = stock.start_count(station.clerk, station.clock)
    stock.record_count(station.clerk, station.clock, count, "G001", 9)
    stock.record_count(station.clerk, station.clock, count, "G007", 20)
    stock.record_count(station.clerk, station.clock, count, "G001", 8)  # recounted
    differences = stock.count_differences(count)
    assert [(d.code, d.expected, d.counted) for d in differences] == [("G001", 10, 8)]
    entered = Audit.select().where(Audit.action == "count-line").order_by(Audit.id)
    assert [(a.operator, a.detail) for a in entered][-1] == (
        "clerk",
        f"{count} G001 账面 10 实盘 8",
    )
    with pytest.raises(Refused, match="无权确认盘点"):
        stock.finalize_count(station.clerk, station.clock, count)
    stock.finalize_count(station.manager, station.clock, count)
    assert station.stock("G001") == 8
    move = StockMove.get(StockMove.count == count)
    assert (move.kind, move.qty) == ("count", -2)
    with pytest.raises(Refused, match="已于 .* 确认"):
        stock.record_count(station.clerk, station.clock, count, "G001", 1)
    with pytest.raises(Refused, match="盘点数量应为 0 到 99999 的整数，而不是“-1”"):
        stock.record_count(
            station.clerk,
            station.clock,
            stock.start_count(station.clerk, station.clock),
            "G001",
            -1,
        )


def test_items_are_found_by_initials_anywhere_in_their_names(station):
    # 花生油（1.8 升）: 'hsy' from the start, 'sy' from the middle; '油' by name
    assert "G004" in [item.code for item in stock.search_items("hsy")]
    assert "G004" in [item.code for item in stock.search_items("油")]
    assert stock.search_items("qqqq") == []
    # a pack size adds no letters: 'yg' is 牙膏 only, not 洗衣液（2 公斤）
    assert [item.code for item in stock.search_items("yg")] == ["G019"]
    # names that start with the letters come first: 食用植物油, 食盐, then 花生油
    assert [item.code for item in stock.search_items("sy")] == ["G003", "G007", "G004"]


def test_a_barcode_with_a_wrong_check_digit_asks_for_another_scan(station):
    with pytest.raises(Refused) as refused:
        stock.find_item(" 2000000000016 ")
    assert str(refused.value) == "条码 2000000000016 的校验位不对，可能没扫好，请重新扫一次"
    # a well-formed code the shop does not stock is simply unknown
    with pytest.raises(Refused, match="没有条码或编码为 6901234567892 的商品"):
        stock.find_item("6901234567892")


@pytest.mark.parametrize("qty", [0, 100_000, -100_000, 9999999999, 2.0, True])
def test_adjustments_are_refused_outside_the_goods_range(station, qty):
    before = snapshot()
    with pytest.raises(Refused) as refused:
        stock.adjust(station.manager, station.clock, "G001", qty, "adjustment", "盘错")
    assert str(refused.value) == (
        f"调整数量应为 -99999 到 99999 之间、不为 0 的整数，而不是“{qty}”"
    )
    assert snapshot() == before


def test_goods_quantities_up_to_the_bound_are_taken(station):
    stock.adjust(station.manager, station.clock, "G002", 99_999, "purchase", "县里调拨")
    stock.adjust(station.manager, station.clock, "G002", -99_999, "writeoff", "录错")
    stock.take_donation(station.clerk, station.clock, "某人", [("G002", 99_999, 0)])
    count = stock.start_count(station.clerk, station.clock)
    stock.record_count(station.clerk, station.clock, count, "G002", 99_999)
    with pytest.raises(Refused, match="盘点数量应为 0 到 99999 的整数，而不是“100000”"):
        stock.record_count(station.clerk, station.clock, count, "G002", 100_000)
    assert station.stock("G002") == 99_999


def test_a_receipt_read_back_from_the_books_is_the_receipt_printed(station):
    gift = stock.take_donation(
        station.clerk, station.clock, "韦小红", [("G007", 3, 150), ("G019", 1, 0)], cash_fen=500
    )
    assert stock.receipt(gift.id) == gift
    assert stock.latest_donation("451425-03") == gift.id
    with pytest.raises(Refused, match="捐赠收据 451425-03-000099 不存在"):
        stock.receipt(45142503_0000000099)
