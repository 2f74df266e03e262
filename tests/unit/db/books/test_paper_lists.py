"""Statement, donor list and honour roll match the books: each recomputed here from the rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from catalog.messages import Refused
from db.books import awards, corrections, redemptions, stock
from db.books.donor_list import donor_list
from db.books.honour_roll import honour_roll, set_names_deductions
from db.books.statements import parse_day, statement
from db.store.clock import FixedClock
from db.store.connection import database
from tests.helpers import COUNTY_OFFICER

VILLAGE = "451425101201"  # 张三 1012010001, 李四 1012010002, 王五 1012010003


def at(day: str) -> FixedClock:
    return FixedClock(datetime.fromisoformat(day + "T09:00:00"), timedelta(seconds=1))


@pytest.fixture
def history(station):
    """October: awards and a deduction; November: a redemption, a reversal, more awards."""
    oct_, nov = at("2026-10-05"), at("2026-11-10")
    m = station.manager
    awards.award(m, oct_, "1012010001", "HJ02", 3)  # 6
    awards.award(m, oct_, "1012010001", "GY01", 2)
    awards.award(m, oct_, "1012010002", "HJ02", 2)  # 4
    awards.award(m, oct_, "1012010003", "HJ02", 2)  # 4: ties with 李四
    wrong = awards.award(m, oct_, "1012010002", "HJ03", 1)  # reversed below: not earned
    awards.award(m, oct_, "1012010003", "KF01", 1)  # -3
    awards.award(m, oct_, "1012020001", "HJ02", 4)  # another village
    corrections.reverse_entry(m, nov, wrong, "记错了户")
    slip = redemptions.redeem(station.clerk, nov, "1012010001", [("G007", 2), ("G019", 1)])
    awards.award(m, nov, "1012010001", "HJ02", 1)
    return slip


def sql(query: str, *args: object) -> int:
    return database.execute_sql(query, args).fetchone()[0] or 0


def test_a_statement_opens_and_closes_on_the_ledger_sums(station, history):
    st = statement("1012010001", station.clock, start=date(2026, 11, 1), end=date(2026, 11, 30))
    opening = sql(
        "SELECT SUM(points) FROM ledger_entry WHERE household_id = ? AND time < ?",
        "1012010001", "2026-11-01 00:00:00",
    )  # fmt: skip
    period = database.execute_sql(
        "SELECT id, points FROM ledger_entry WHERE household_id = ? AND time >= ? "
        "AND time < ? ORDER BY time, id",
        ("1012010001", "2026-11-01 00:00:00", "2026-12-01 00:00:00"),
    ).fetchall()
    assert st.opening == opening > 0
    assert [(ln.id, ln.points) for ln in st.lines] == period
    assert st.closing == opening + sum(p for _, p in period)
    assert st.closing == sql("SELECT balance FROM household WHERE number = '1012010001'")
    assert [ln.balance for ln in st.lines][-1] == st.closing
    assert st.spent == history.total and st.earned == 2
    spent = next(ln for ln in st.lines if ln.kind == "redemption")
    assert spent.what == "食盐（400 克） ×2、牙膏（120 克） ×1"  # the goods, as on the slip
    assert st.household.head_name == "张三" and st.end == "2026-11-30"


def test_a_statement_without_dates_runs_from_the_first_entry_to_today(station, history):
    st = statement("1012010002", station.clock)
    assert st.opening == 0 and st.start == "" and st.end == "2026-11-23"
    assert [ln.kind for ln in st.lines] == ["award", "award", "reversal"]
    assert st.lines[-1].what == "门前三包落实到位"  # a reversal names what it undid
    assert st.closing == sql("SELECT balance FROM household WHERE number = '1012010002'") == 4


def test_statement_refusals(station):
    with pytest.raises(Refused, match="不存在"):
        statement("9999999999", station.clock)
    with pytest.raises(Refused) as late:
        statement("1012010001", station.clock, start=date(2026, 11, 2), end=date(2026, 11, 1))
    assert late.value.message.template == "起始日期 {start} 晚于截止日期 {end}"
    for bad in ("2026-13-01", "2026-2-1", "yesterday"):
        with pytest.raises(Refused) as refused:
            parse_day(bad, "--from")
        assert refused.value.message.fields == {"what": "--from", "value": bad}


def test_the_donor_list_holds_every_donation_of_the_month(station):
    nov = at("2026-11-02")
    stock.take_donation(station.clerk, nov, "韦爱民", [("G007", 5, 1000)], cash_fen=20000)
    stock.take_donation(station.clerk, at("2026-10-30"), "十月的人", [("G007", 1, 0)])
    gifts = donor_list("2026-11", station.clock)
    rows = database.execute_sql(
        "SELECT d.id, o.name FROM donation d JOIN donor o ON o.id = d.donor_id "
        "WHERE d.time >= '2026-11-01' AND d.time < '2026-12-01' ORDER BY d.time, d.id"
    ).fetchall()
    assert [(ln.receipt, ln.donor) for ln in gifts.lines] == rows
    assert [ln.donor for ln in gifts.lines] == ["韦爱民", "天等县供销合作社"]
    value = sql(
        "SELECT SUM(l.value_fen) FROM donation_line l JOIN donation d ON d.id = l.donation_id "
        "WHERE d.time >= '2026-11-01' AND d.time < '2026-12-01'"
    ) + sql("SELECT SUM(cash_fen) FROM donation WHERE time >= '2026-11-01' AND time < '2026-12-01'")
    assert gifts.value_fen == value == 50000 + 1000 + 20000
    assert gifts.cash_fen == 20000 and gifts.donors == 2
    company = gifts.lines[1]
    assert company.goods == (("大米（10 公斤）", 10, "袋"), ("食盐（400 克）", 20, "包"),
                             ("牙膏（120 克）", 5, "支"))  # fmt: skip
    assert donor_list("2026-09", station.clock).lines == ()
    with pytest.raises(Refused, match="YYYY-MM"):
        donor_list("2026-9", station.clock)


def test_the_honour_roll_ranks_unreversed_awards_and_counts_deductions_unnamed(station, history):
    roll = honour_roll(VILLAGE, "2026-10", station.clock)
    earned = dict(
        database.execute_sql(
            "SELECT e.household_id, SUM(e.points) FROM ledger_entry e "
            "JOIN household h ON h.number = e.household_id WHERE h.village_id = ? "
            "AND e.kind = 'award' AND e.time >= '2026-10-01' AND e.time < '2026-11-01' "
            "AND NOT EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses_id = e.id) "
            "GROUP BY e.household_id",
            (VILLAGE,),
        ).fetchall()
    )
    assert {ln.household: ln.points for ln in roll.lines} == earned
    assert [(ln.rank, ln.head_name, ln.points) for ln in roll.lines] == [
        (1, "张三", earned["1012010001"]), (2, "李四", 4), (2, "王五", 4),
    ]  # fmt: skip
    assert roll.earned == sum(earned.values()) and roll.earning == 3
    assert (roll.deduction_entries, roll.deduction_households, roll.deduction_points) == (1, 1, -3)
    assert roll.named_deductions == ()
    # Equal points share a rank; the cut keeps the whole tie.
    assert [ln.household for ln in honour_roll(VILLAGE, "2026-10", station.clock, top=2).lines] == [
        "1012010001", "1012010002", "1012010003",
    ]  # fmt: skip
    assert len(honour_roll(VILLAGE, "2026-10", station.clock, top=1).lines) == 1


def test_the_county_may_have_deductions_named(station, history):
    with pytest.raises(Refused, match="无权"):
        set_names_deductions(station.manager, station.clock, True)  # the county's, not his
    assert honour_roll(VILLAGE, "2026-10", station.clock).named_deductions == ()
    set_names_deductions(COUNTY_OFFICER, station.clock, True)
    roll = honour_roll(VILLAGE, "2026-10", station.clock)
    assert [(ln.household, ln.head_name, ln.points) for ln in roll.named_deductions] == [
        ("1012010003", "王五", -3)
    ]
    assert roll.deduction_points == -3  # counted as before
    set_names_deductions(COUNTY_OFFICER, station.clock, False)
    assert honour_roll(VILLAGE, "2026-10", station.clock).named_deductions == ()


def test_honour_roll_refusals(station):
    with pytest.raises(Refused, match="不存在"):
        honour_roll("451425109999", "2026-10", station.clock)
    with pytest.raises(Refused, match="YYYY-MM"):
        honour_roll(VILLAGE, "10/2026", station.clock)
