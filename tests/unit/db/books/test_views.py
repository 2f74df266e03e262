"""What the services hand the screens and commands: plain frozen values, never a model."""

from __future__ import annotations

import dataclasses

import pytest
from peewee import Model

from catalog.messages import Refused
from db.books import awards, cards, corrections, households, ledger, redemptions, setup, stock
from db.books.views import CardView, HouseholdView
from db.store.models import Card


def plain(value: object) -> bool:
    """A frozen dataclass of plain fields (other views included), or a plain value."""
    if isinstance(value, Model):
        return False
    if isinstance(value, list | tuple):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(plain(k) and plain(v) for k, v in value.items())
    if dataclasses.is_dataclass(value):
        frozen = type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
        return frozen and all(plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    return value is None or isinstance(value, str | int)


def test_every_service_the_screens_call_returns_plain_values(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    count = stock.start_count(station.clerk, station.clock)
    stock.record_count(station.clerk, station.clock, count, "G001", 9)
    answers = [
        households.search("zs"),
        households.shown("1012010001"),
        households.roster("451425101201", active=True),
        households.form_for("1012010001"),
        cards.check(cards.payload_for("1012010001")),
        cards.reissue(station.manager, station.clock, "1012010002"),
        ledger.history("1012010001"),
        ledger.entry(ledger.history("1012010001")[0].id),
        stock.find_item("2000000000015"),
        stock.search_items("dm"),
        stock.item("G007"),
        stock.barcodes_by_item(),
        stock.open_count("451425-03"),
        stock.count_lines(count),
        stock.count_differences(count),
        awards.search_tasks("hj"),
        awards.task("GY02"),
        awards.earned_this_month(station.clock, "1012010001", "GY02"),
        setup.search_villages(""),
        setup.village("451425101201"),
        setup.groups("451425101201"),
        setup.here(),
        redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 2)]),
        stock.take_donation(station.clerk, station.clock, "某人", [("G019", 1, 600)]),
    ]
    assert [type(a).__name__ for a in answers if not plain(a)] == []


def test_a_household_as_shown_has_its_places_its_card_and_a_masked_id(station):
    shown = households.shown(" 1012010001 ")
    assert shown == HouseholdView(
        number="1012010001",
        head_name="张三",
        masked_id=shown.masked_id,
        village_code="451425101201",
        village="那造村",
        township="龙茗镇",
        group="",
        category="脱贫户",
        members=1,
        phone="",
        status="active",
        balance=0,
        card=CardView("1012010001", 1, Card.get(Card.household == "1012010001").issued),
    )
    assert shown.masked_id.startswith("4514") and "*" in shown.masked_id
    assert households.form_for("1012010001").id_number.endswith(shown.masked_id[-4:])
    with pytest.raises(Refused, match="户号 9999 不存在"):
        households.shown("9999")
    households.set_status(station.manager, station.clock, "1012010002", "moved")
    with pytest.raises(Refused, match="不能积分或兑换"):
        households.shown("1012010002", active=True)
    assert "1012010002" not in [h.number for h in households.roster("451425101201", active=True)]
    assert households.roster("451425101201")[1].status == "moved"
    with pytest.raises(Refused, match="村代码 999 不存在"):
        households.roster("999")


def test_an_entry_as_shown_has_its_task_name_and_whether_it_was_reversed(station):
    award = awards.award(station.manager, station.clock, "1012010001", "GY02", note="十一月")
    before = ledger.entry(award)
    assert (before.points, before.kind, before.task, before.qty, before.operator) == (
        10,
        "award",
        "公益岗位全勤（保洁、护林、巡河）",
        1,
        "manager",
    )
    assert (before.note, before.redemption, before.reversed) == ("十一月", None, False)
    reversal = corrections.reverse_entry(station.manager, station.clock, award, "记错")
    assert ledger.entry(award).reversed
    newest = ledger.history("1012010001")
    assert [(e.id, e.kind, e.reversed) for e in newest] == [
        (reversal, "reversal", False),
        (award, "award", True),
    ]


def test_redeem_returns_the_slip_and_take_donation_the_receipt(station):
    corrections.adjust_points(station.manager, station.clock, "1012010001", 30, "期初", kind="base")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 3)])
    assert (slip.total, slip.balance_before, slip.balance_after) == (6, 30, 24)
    assert [(ln.name, ln.unit, ln.price, ln.qty, ln.points) for ln in slip.lines] == [
        ("食盐（400 克）", "包", 2, 3, 6)
    ]
    assert slip.balance_after == ledger.balance("1012010001")
    gift = stock.take_donation(
        station.clerk, station.clock, "李秀英", [("G019", 2, 1200)], cash_fen=500
    )
    assert (gift.station, gift.donor, gift.cash_fen, gift.operator) == (
        "龙茗镇爱心超市",
        "李秀英",
        500,
        "clerk",
    )
    assert [(ln.name, ln.unit, ln.qty, ln.value_fen) for ln in gift.lines] == [
        ("牙膏（120 克）", "支", 2, 1200)
    ]
