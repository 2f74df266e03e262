"""公示 before credit (docs/design.md §4.12): posting, objections, rulings, credit."""

from __future__ import annotations

from datetime import datetime

import pytest

from catalog.messages import Refused
from db.books import auth, awards, ledger, postings, verify
from db.store.connection import database
from db.store.models import Entry, PostingLine
from tests.helpers import snapshot


@pytest.fixture
def posting_days(station):
    county = auth.sign_in("county", "1234", station.clock)
    postings.set_posting_days(county, station.clock, 3)
    return station


def test_days_zero_credits_at_once(station):
    before = station.balance("1012010001")
    recorded = awards.record_one(station.manager, station.clock, "1012010001", "GY02")
    assert recorded.entries and not recorded.postings
    assert station.balance("1012010001") > before


def test_posting_days_are_bounded(station):
    county = auth.sign_in("county", "1234", station.clock)
    for bad in (-1, 31, "x", 2.5, True):
        with pytest.raises(Refused):
            postings.set_posting_days(county, station.clock, bad)
    with pytest.raises(Refused):
        postings.set_posting_days(station.manager, station.clock, 3)
    assert postings.posting_days() == 0


def test_an_award_posts_changes_no_balance_and_counts_in_caps(posting_days):
    s = posting_days
    before = snapshot()["household"]
    recorded = awards.record(
        s.manager,
        s.clock,
        [awards.AwardLine("1012010001", "GY02"), awards.AwardLine("1012020001", "GY02")],
    )
    assert not recorded.entries and len(recorded.postings) == 2  # two villages
    assert snapshot()["household"] == before
    assert PostingLine.select().count() == 2
    task = awards.task("GY02")
    if task.cap is not None:
        used = ledger.task_points(["1012010001"], ["GY02"], "2026-11-01", "2026-12-01")
        assert used[("1012010001", "GY02")] == task.points
    listed = postings.postings(s.clock)
    assert {p.status for p in listed} == {"open"} and sum(p.households for p in listed) == 2


def test_objections_rulings_and_credit(posting_days):
    s = posting_days
    lines = [awards.AwardLine(h, "GY02") for h in ("1012010001", "1012010002", "1012010003")]
    number = awards.record(s.manager, s.clock, lines).postings[0]
    points = awards.task("GY02").points
    before = {h: s.balance(h) for h in ("1012010001", "1012010002", "1012010003")}
    postings.object_to(s.clerk, s.clock, number, "1012010001", "没有参加", "村民甲")
    postings.object_to(s.clerk, s.clock, number, "1012010002", "记错了", "村民乙")
    with pytest.raises(Refused):
        postings.resolve(s.clerk, s.clock, number, "1012010001", uphold=True)
    postings.resolve(s.manager, s.clock, number, "1012010001", uphold=True, note="核实")
    postings.resolve(s.manager, s.clock, number, "1012010002", uphold=False)
    with pytest.raises(Refused, match="没有待处理"):
        postings.resolve(s.manager, s.clock, number, "1012010002", uphold=True)
    with pytest.raises(Refused, match="才能入账"):
        postings.credit(s.manager, s.clock, number)
    s.clock.at = datetime(2026, 11, 29, 9, 0)  # the period was 11-23 .. 11-25
    with pytest.raises(Refused, match="不能再登记异议"):
        postings.object_to(s.clerk, s.clock, number, "1012010003", "晚了", "村民丙")
    with pytest.raises(Refused):
        postings.credit(s.cadre, s.clock, number)
    done = postings.credit(s.manager, s.clock, number)
    assert (done.entries, done.points) == (2, 2 * points)
    assert s.balance("1012010001") == before["1012010001"]
    assert s.balance("1012010002") == before["1012010002"] + points
    assert s.balance("1012010003") == before["1012010003"] + points
    assert Entry.select().where(Entry.note.startswith(f"公示 {number}")).count() == 2
    with pytest.raises(Refused, match="已经入账"):
        postings.credit(s.manager, s.clock, number)
    view = postings.posting(s.clock, number)
    assert view.status == "credited" and view.points == 2 * points
    detail = postings.detail(s.clock, number)
    assert [h.standing for h in detail.households] == ["upheld", "credited", "credited"]
    assert verify.verify(clock=s.clock).ok


def test_posted_rows_are_immutable(posting_days):
    s = posting_days
    awards.record_one(s.manager, s.clock, "1012010001", "GY02")
    with pytest.raises(Exception, match="immutable"), database.atomic():
        database.execute_sql("UPDATE posting_line SET points = 1000")
    with pytest.raises(Exception, match="immutable"), database.atomic():
        database.execute_sql("DELETE FROM posting")


def test_verify_finds_a_credited_entry_that_is_not_its_line(posting_days):
    s = posting_days
    number = awards.record_one(s.manager, s.clock, "1012010002", "GY02").postings[0]
    s.clock.at = datetime(2026, 11, 29, 9, 0)
    postings.credit(s.manager, s.clock, number)
    assert verify.verify(clock=s.clock).ok
    database.execute_sql("DROP TRIGGER posting_line_no_update")
    database.execute_sql("UPDATE posting_line SET points = 5")
    found = verify.verify(clock=s.clock)
    assert "posting" in {f.code for f in found.problems}


def test_verify_since_last_checks_the_credits_written_since(posting_days):
    s = posting_days
    number = awards.record_one(s.manager, s.clock, "1012010002", "GY02").postings[0]
    assert verify.verify(clock=s.clock).ok  # the verified point: before the credit
    s.clock.at = datetime(2026, 11, 29, 9, 0)
    postings.credit(s.manager, s.clock, number)
    database.execute_sql("DROP TRIGGER posting_line_no_update")
    (points,) = database.execute_sql("SELECT points FROM posting_line").fetchone()
    database.execute_sql("UPDATE posting_line SET points = ?", (points + 5,))
    found = verify.verify(since_last=True, clock=s.clock)
    assert [f.code for f in found.problems] == ["posting"]
    database.execute_sql("UPDATE posting_line SET points = ?", (points,))
    assert verify.verify(since_last=True, clock=s.clock).ok  # the point was kept: checked again


def test_the_public_list_as_xlsx_writes_text_never_a_formula(posting_days, tmp_path):
    from openpyxl import load_workbook

    from pos.paper import posting_list

    s = posting_days
    number = awards.record_one(
        s.manager, s.clock, "1012010001", "GY02", note='=HYPERLINK("http://x")'
    ).postings[0]
    out = posting_list.write(postings.detail(s.clock, number), tmp_path / "list.xlsx")
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    assert any("HYPERLINK" in str(c.value) for c in cells)
    assert all(c.data_type != "f" for c in cells)
    with pytest.raises(Refused):
        posting_list.write(postings.detail(s.clock, number), tmp_path / "list.doc")
