"""The newest notice meant for a household ends its slip; others' notices do not."""

from __future__ import annotations

from db.books import awards, redemptions
from db.store.produce_models import Notice
from pos.paper import slips


def test_the_households_notice_ends_its_slip(station):
    Notice.create(
        id=451425000000000001,
        title="缴纳医保",
        text="请于 12 月 31 日前缴纳 2027 年医保",
        start="2026-11-01",
        until=None,
        townships="",
        categories="",
        households="1012010001",
        operator="county",
        time="2026-11-01 09:00:00",
    )
    for number in ("1012010001", "1012010002"):
        awards.award(station.manager, station.clock, number, "GY02")
    mine = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    other = redemptions.redeem(station.clerk, station.clock, "1012010002", [("G007", 1)])
    assert ("通知：缴纳医保", "") in slips.redemption_rows(mine)
    assert "缴纳医保" not in slips.as_text(slips.redemption_rows(other))
