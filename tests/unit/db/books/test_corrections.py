"""Reversals and adjustments (docs/design.md §4.2): corrections are new entries, never edits."""

from __future__ import annotations

import dataclasses

import pytest
from peewee import IntegrityError

from catalog.messages import Refused
from db.books import awards, ledger, redemptions
from db.books.corrections import adjust_points, reverse_entry, reverse_redemption
from db.store.connection import database
from db.store.models import Entry, StockMove
from tests.helpers import snapshot


def test_reversing_an_award_adds_an_opposite_entry_pointing_at_it(station):
    original = awards.award(station.manager, station.clock, "1012010001", "GY02")
    reversal = reverse_entry(station.manager, station.clock, original, "记错了户")
    row = Entry.get_by_id(reversal)
    assert (row.kind, row.points, row.reverses_id, row.note) == (
        "reversal",
        -10,
        original,
        "记错了户",
    )
    assert Entry.get_by_id(original).points == 10  # the original stands unchanged
    assert station.balance("1012010001") == 0


def test_reversing_a_deduction_gives_the_points_back(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    deduction = awards.award(station.manager, station.clock, "1012010001", "KF04")
    reverse_entry(station.manager, station.clock, deduction, "核实后撤销扣分")
    assert station.balance("1012010001") == 10


def test_reversing_a_redemption_returns_points_and_goods(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 3)])
    entry = Entry.get(Entry.redemption == slip.id)
    reversal = reverse_entry(station.manager, station.clock, entry.id, "拿错商品")
    assert station.balance("1012010001") == 10
    assert station.stock("G007") == 20
    back = StockMove.select().where(StockMove.reverses.is_null(False))
    assert [(m.qty, m.kind, m.redemption_id) for m in back] == [(3, "redemption", slip.id)]
    assert Entry.get_by_id(reversal).redemption_id == slip.id


@pytest.mark.parametrize("who", ["clerk", "cadre"])
def test_only_managers_reverse(station, who):
    original = awards.award(station.manager, station.clock, "1012010001", "GY02")
    with pytest.raises(Refused, match="无权冲正"):
        reverse_entry(getattr(station, who), station.clock, original, "x")


def test_refusals_of_reversal(station):
    original = awards.award(station.manager, station.clock, "1012010001", "GY02")
    with pytest.raises(Refused, match="请写明冲正原因"):
        reverse_entry(station.manager, station.clock, original, "  ")
    reversal = reverse_entry(station.manager, station.clock, original, "重复记分")
    before = snapshot()
    with pytest.raises(Refused, match="已于 .* 冲正过"):
        reverse_entry(station.manager, station.clock, original, "again")
    with pytest.raises(Refused, match="本身是冲正记录，不能再冲正"):
        reverse_entry(station.manager, station.clock, reversal, "undo")
    with pytest.raises(Refused, match="不存在"):
        reverse_entry(station.manager, station.clock, 45142503_0000009999, "x")
    after = snapshot()
    before.pop("audit"), after.pop("audit")
    assert after == before


def test_redemption_reversed_once_only(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    reverse_redemption(station.manager, station.clock, slip.id, "顾客退回")
    with pytest.raises(Refused, match="冲正过"):
        reverse_redemption(station.manager, station.clock, slip.id, "again")
    assert station.stock("G007") == 20


def test_award_already_spent_cannot_be_reversed_into_debt(station):
    original = awards.award(station.manager, station.clock, "1012010001", "GY02")
    redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 4)])
    with pytest.raises(Refused, match="冲正后余额会成为负数"):
        reverse_entry(station.manager, station.clock, original, "记错")


def test_the_database_itself_refuses_a_second_reversal(station):
    """The unique index on `reverses` holds even if a race slipped past the service check."""
    original = awards.award(station.manager, station.clock, "1012010001", "GY02")
    reverse_entry(station.manager, station.clock, original, "x")
    with pytest.raises(IntegrityError), database.atomic():
        ledger.append(
            "manager",
            "451425-03",
            station.clock.now(),
            [ledger.NewEntry("1012010001", -10, "reversal", reverses=original)],
        )


def test_adjustments_and_opening_balances(station):
    adjust_points(station.manager, station.clock, "1012010001", 25, "纸质台账结转", kind="base")
    adjust_points(station.manager, station.clock, "1012010001", -5, "更正")
    assert station.balance("1012010001") == 20
    with pytest.raises(Refused, match="调整后会成为负数"):
        adjust_points(station.manager, station.clock, "1012010001", -21, "x")
    with pytest.raises(Refused, match="非零整数"):
        adjust_points(station.manager, station.clock, "1012010001", 0, "x")
    with pytest.raises(Refused, match="无权调整积分"):
        adjust_points(station.clerk, station.clock, "1012010001", 5, "x")


def test_entries_and_redemptions_are_reversed_only_where_written(station):
    """Two stations apart could each reverse the same entry; the county could take only one."""
    award = awards.award(station.manager, station.clock, "1012010001", "GY02")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    elsewhere = dataclasses.replace(station.manager, station="451425-09")
    before = snapshot()
    with pytest.raises(Refused, match="只能在那里冲正"):
        reverse_entry(elsewhere, station.clock, award, "记错了户")
    with pytest.raises(Refused, match="只能在那里冲正"):
        reverse_redemption(elsewhere, station.clock, slip.id, "扫错了")
    assert snapshot() == before


def test_a_redemption_whose_entry_is_gone_is_refused_not_a_crash(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    database.execute_sql("DROP TRIGGER ledger_entry_no_delete")
    database.execute_sql("DELETE FROM ledger_entry WHERE redemption_id = ?", (slip.id,))
    before = snapshot()
    with pytest.raises(Refused, match="扣分条目不见了"):
        reverse_redemption(station.manager, station.clock, slip.id, "拿错了")
    assert snapshot() == before
