"""Redemptions: points and stock out together, or nothing (docs/design.md §4.4)."""

from __future__ import annotations

import pytest

from catalog.messages import Refused
from db.books import awards, redemptions
from db.books.households import set_status
from db.store.models import Entry, Redemption, RedemptionLine, StockMove
from tests.helpers import snapshot


@pytest.fixture
def rich(station):
    """张三 with 60 points."""
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    awards.award(station.manager, station.clock, "1012010001", "CY01", 2)
    awards.award(station.manager, station.clock, "1012010001", "XF04")
    awards.award(station.manager, station.clock, "1012010001", "GY01", 5)
    assert station.balance("1012010001") == 55
    return station


def test_redemption_writes_slip_entry_and_moves_together(rich):
    slip = redemptions.redeem(
        rich.clerk, rich.clock, "1012010001", [("2000000000015", 1), ("G007", 1), (" g007 ", 1)]
    )
    assert slip.total == 50 + 2 * 2
    written = RedemptionLine.select().where(RedemptionLine.redemption == slip.id)
    lines = {ln.item_id: (ln.qty, ln.price, ln.points) for ln in written}
    assert lines == {"G001": (1, 50, 50), "G007": (2, 2, 4)}
    assert {ln.code: (ln.qty, ln.price, ln.points) for ln in slip.lines} == lines
    assert (slip.household, slip.head_name, slip.station) == (
        "1012010001",
        "张三",
        "龙茗镇爱心超市",
    )
    assert (slip.balance_before, slip.balance_after, slip.operator) == (55, 1, "clerk")
    entry = Entry.get(Entry.redemption == slip.id)
    assert (entry.kind, entry.points, entry.operator) == ("redemption", -54, "clerk")
    moves = {m.item_id: m.qty for m in StockMove.select().where(StockMove.redemption == slip.id)}
    assert moves == {"G001": -1, "G007": -2}
    assert rich.balance("1012010001") == 1
    assert (rich.stock("G001"), rich.stock("G007")) == (9, 18)


@pytest.mark.parametrize(
    ("actor", "household", "basket", "reason"),
    [
        ("clerk", "1012010001", [("G001", 1), ("G019", 1)], "积分不足：余额 55 分，需要 56 分"),
        ("clerk", "1012010001", [("G007", 21)], "库存只有 20 包，兑换不了 21 包"),
        ("clerk", "1012010001", [("G007", 15), ("G007", 6)], "库存只有 20 包，兑换不了 21 包"),
        ("clerk", "1012010001", [("G002", 1)], "库存只有 0 袋"),
        ("clerk", "1012010001", [("6901234567892", 1)], "没有条码或编码为 6901234567892 的商品"),
        ("clerk", "1012010001", [("G007", 0)], "数量应为 1 到 99999 的整数，而不是“0”"),
        ("clerk", "1012010001", [("G007", 1.0)], "数量应为 1 到 99999 的整数"),
        ("clerk", "1012010001", [("G007", 100000)], "数量应为 1 到 99999 的整数"),
        ("clerk", "1012010001", [], "购物篮是空的"),
        ("clerk", "0000000000", [("G007", 1)], "户号 0000000000 不存在"),
        ("cadre", "1012010001", [("G007", 1)], "村干部 cadre 无权兑换商品"),
    ],
)
def test_refusals_change_nothing(rich, actor, household, basket, reason):
    before = snapshot()
    with pytest.raises(Refused, match=reason):
        redemptions.redeem(getattr(rich, actor), rich.clock, household, basket)
    after = snapshot()
    before.pop("audit"), after.pop("audit")
    assert after == before


def test_inactive_household_cannot_redeem(rich):
    set_status(rich.manager, rich.clock, "1012010001", "deceased")
    with pytest.raises(Refused, match="状态是“去世”"):
        redemptions.redeem(rich.clerk, rich.clock, "1012010001", [("G007", 1)])


def test_balance_is_spent_down_but_never_below_zero(rich):
    redemptions.redeem(rich.clerk, rich.clock, "1012010001", [("G001", 1), ("G007", 2)])
    assert rich.balance("1012010001") == 1
    with pytest.raises(Refused, match="积分不足"):
        redemptions.redeem(rich.clerk, rich.clock, "1012010001", [("G007", 1)])


def test_failure_midway_leaves_no_half_redemption(rich, monkeypatch):
    """A crash after the slip and entry but before the stock moves rolls everything back."""
    from db.books import stock

    def broken(*args, **kwargs):
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(stock, "append", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        redemptions.redeem(rich.clerk, rich.clock, "1012010001", [("G007", 1)])
    assert snapshot() == before
    assert Redemption.select().count() == 0 and RedemptionLine.select().count() == 0


def test_a_slip_read_back_from_the_books_is_the_slip_printed(rich):
    first = redemptions.redeem(rich.clerk, rich.clock, "1012010001", [("G007", 2), ("G019", 1)])
    awards.award(rich.manager, rich.clock, "1012010001", "PX01")  # later: not on the slip
    second = redemptions.redeem(rich.clerk, rich.clock, "1012010001", [("G007", 1)])
    assert redemptions.slip(first.id) == first
    assert redemptions.slip(second.id) == second
    assert redemptions.latest("451425-03") == second.id
    assert redemptions.latest("451425-04") is None


def test_an_unknown_slip_is_refused(station):
    with pytest.raises(Refused, match="兑换单 451425-03-000009 不存在"):
        redemptions.slip(45142503_0000000009)
