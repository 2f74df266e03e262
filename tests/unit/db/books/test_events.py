"""Holiday hand-outs (docs/design.md §3 event, §4): eligible once, refused with the reason."""

from __future__ import annotations

import pytest

from catalog.messages import Refused
from db.books import awards, events, households, redemptions, verify, visits
from db.books.households import HouseholdForm
from db.store.connection import database
from db.store.models import Entry, Handout, HandoutLine, StockMove, VisitRedemption
from tests.helpers import snapshot

DAY = "2026-11-23"


def spring(station, **rules) -> int:
    return events.add(
        station.manager,
        station.clock,
        "春节慰问",
        "2026-11-20",
        "2026-12-31",
        items=[("G001", 1), ("G007", 2)],
        points=20,
        **rules,
    )


def test_an_eligible_household_receives_once(station):
    event = spring(station, villages=("451425101201",))
    before = station.balance("1012010001"), station.stock("G001"), station.stock("G007")
    slip = events.handout(station.clerk, station.clock, event, "1012010001")
    assert slip.points == 20 and [(x.code, x.qty) for x in slip.lines] == [("G001", 1), ("G007", 2)]
    assert station.balance("1012010001") == before[0] + 20 == slip.balance_after
    assert (station.stock("G001"), station.stock("G007")) == (before[1] - 1, before[2] - 2)
    handout = Handout.get()
    entry = Entry.get_by_id(handout.entry_id)
    assert (entry.kind, entry.points) == ("handout", 20)
    moves = StockMove.select().where(StockMove.kind == "handout")
    assert sorted((m.item_id, m.qty) for m in moves) == [("G001", -1), ("G007", -2)]
    assert HandoutLine.select().count() == 2
    before = snapshot()
    with pytest.raises(Refused) as refused:
        events.handout(station.clerk, station.clock, event, "1012010001")
    assert "已于" in refused.value.render() and "不能再领" in refused.value.render()
    assert snapshot() == before
    assert verify.verify(clock=station.clock).ok


def test_an_ineligible_household_is_refused_with_the_reason(station):
    event = spring(station, villages=("451425101201",))
    before = snapshot()
    with pytest.raises(Refused) as refused:
        events.handout(station.clerk, station.clock, event, "1012020001")
    assert "陇林村" in refused.value.render() and "那造村" in refused.value.render()
    assert snapshot() == before
    check = events.standing(event, "1012020001")
    assert not check.eligible and check.received is None


def test_categories_narrow_and_listed_households_are_added(station):
    form = households.form_for("1012010002")
    households.save(
        station.manager,
        station.clock,
        HouseholdForm(form.number, form.head_name, form.id_number, form.village, "低保户"),
        station="451425-03",
    )
    event = spring(station, categories=("低保户",), households=("1012020003",))
    assert events.view(event).eligible == 2
    assert events.standing(event, "1012010002").eligible
    assert events.standing(event, "1012020003").eligible
    refused = events.standing(event, "1012010001")
    assert not refused.eligible and "低保户" in refused.reason.render()
    only_list = spring(station, households=("1012020003",))
    assert events.view(only_list).eligible == 1
    everyone = spring(station)
    assert events.view(everyone).eligible == 6


def test_outside_the_period_and_bad_events_are_refused(station):
    late = events.add(
        station.manager, station.clock, "中秋慰问", "2027-09-01", "2027-09-30", points=5
    )
    with pytest.raises(Refused, match="发放时间"):
        events.handout(station.clerk, station.clock, late, "1012010001")
    for kwargs in (
        {"points": 0},
        {"points": -3},
        {"points": 5, "categories": ("富户",)},
        {"points": 5, "villages": ("999",)},
        {"points": 5, "items": [("NOPE", 1)]},
    ):
        with pytest.raises(Refused):
            events.add(station.manager, station.clock, "x", "2026-11-01", "2026-11-30", **kwargs)
    with pytest.raises(Refused):
        events.add(station.manager, station.clock, "x", "2026-11-30", "2026-11-01", points=1)
    with pytest.raises(Refused):
        events.add(station.manager, station.clock, "x", "2026/11/01", "2026-11-30", points=1)
    with pytest.raises(Refused, match="无权"):
        events.add(station.clerk, station.clock, "x", "2026-11-01", "2026-11-30", points=1)


def test_not_enough_stock_refuses_the_whole_handout(station):
    event = events.add(
        station.manager,
        station.clock,
        "大礼包",
        "2026-11-01",
        "2026-11-30",
        items=[("G019", 6)],
        points=10,
    )
    before = snapshot()
    with pytest.raises(Refused, match="库存"):
        events.handout(station.clerk, station.clock, event, "1012010001")
    assert snapshot() == before


def test_the_sheet_and_coverage_match_the_books(station):
    event = spring(station)
    events.handout(station.clerk, station.clock, event, "1012010001")
    events.handout(station.clerk, station.clock, event, "1012020002")
    shown = events.view(event)
    assert (shown.eligible, shown.received) == (6, 2)
    rows = events.sheet(event, "451425101201")
    assert [r.household for r in rows] == ["1012010001", "1012010002", "1012010003"]
    assert [r.received is not None for r in rows] == [True, False, False]
    assert len(events.sheet(event)) == 6


def test_a_visit_records_redemptions_and_handouts(station):
    event = spring(station)
    visit = visits.start(station.clerk, station.clock, "451425101201", DAY)
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    sale = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    assert VisitRedemption.get_by_id(sale.id).visit_id == visit.id
    slip = events.handout(station.clerk, station.clock, event, "1012010002")
    assert slip.village == "那造村"
    with pytest.raises(Refused, match="还开着"):
        visits.start(station.clerk, station.clock, "451425101202", DAY)
    done = visits.close(station.clerk, station.clock)
    assert done.id == visit.id and done.closed and done.handouts == 1
    assert (done.redemptions, done.households) == (1, 2)
    with pytest.raises(Refused):
        visits.close(station.clerk, station.clock)


def test_verify_checks_the_handouts(station):
    event = spring(station)
    events.handout(station.clerk, station.clock, event, "1012010001")
    assert verify.verify(clock=station.clock).ok
    assert verify.verify(since_last=True, clock=station.clock).ok
    database.execute_sql("DROP TRIGGER handout_line_no_update")
    database.execute_sql("UPDATE handout_line SET qty = qty + 1")
    database.execute_sql(
        "INSERT INTO stock_move (id, item_id, qty, kind, note, operator, station, time) "
        "SELECT MAX(id) + 1, 'G001', -1, 'handout', '', 'x', '451425-03', time FROM stock_move"
    )
    database.execute_sql("UPDATE item SET stock = stock - 1 WHERE code = 'G001'")
    codes = {f.code for f in verify.verify(clock=station.clock).problems}
    assert {"handout_lines", "handout_move", "handout_stray"} <= codes
    codes = {f.code for f in verify.verify(since_last=True, clock=station.clock).problems}
    assert {"handout_lines", "handout_move", "handout_stray"} <= codes
