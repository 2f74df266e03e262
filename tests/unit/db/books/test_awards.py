"""Awards and deductions: every rule of the rules sheet and every refusal (issue 2)."""

from __future__ import annotations

import sqlite3

import pytest

from catalog.messages import Refused, SheetRefused
from db.books import awards
from db.books.awards import AwardLine
from db.books.households import set_status
from db.store.connection import database
from db.store.models import Entry
from tests.helpers import snapshot


def test_award_adds_points_and_names_the_task(station):
    entry_id = awards.award(station.cadre, station.clock, "1012010001", "HJ02", 2, "大扫除")
    entry = Entry.get_by_id(entry_id)
    assert (entry.points, entry.kind, entry.task_id, entry.qty) == (4, "award", "HJ02", 2)
    assert (entry.operator, entry.station, entry.note) == ("cadre", "451425-03", "大扫除")
    assert station.balance("1012010001") == 4


def test_deduction_task_books_a_deduction(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    awards.award(station.manager, station.clock, "1012010001", "KF01")
    assert station.balance("1012010001") == 10 - 3
    assert Entry.select().where(Entry.kind == "deduction").count() == 1


@pytest.mark.parametrize(
    ("actor", "household", "task", "qty", "reason"),
    [
        ("clerk", "1012010001", "HJ02", 1, "店员 clerk 无权记分或扣分"),
        ("cadre", "1012020001", "HJ02", 1, "不负责 陇林村"),
        ("cadre", "1012010003", "HJ02", 1, "不能给自己家记分"),
        ("manager", "9999999999", "HJ02", 1, "户号 9999999999 不存在"),
        ("manager", "1012010001", "ZZ99", 1, "积分项目 ZZ99 不存在"),
        ("manager", "1012010001", "HJ02", 0, "数量应为 1 到 1000 的整数"),
        ("manager", "1012010001", "HJ02", -2, "数量应为 1 到 1000 的整数"),
        ("manager", "1012010001", "HJ02", "-1", "数量应为 1 到 1000 的整数，而不是“-1”"),
        ("manager", "1012010001", "HJ02", "1001", "数量应为 1 到 1000 的整数，而不是“1001”"),
        ("manager", "1012010001", "HJ02", "9" * 5000, "数量应为 1 到 1000 的整数"),
        ("manager", "1012010001", "HJ02", "1.5", "数量应为 1 到 1000 的整数，而不是“1.5”"),
        ("manager", "1012010001", "HJ02", "abc", "数量应为 1 到 1000 的整数，而不是“abc”"),
        ("manager", "1012010001", "HJ02", 2.0, "数量应为 1 到 1000 的整数"),
        ("manager", "1012010001", "HJ02", True, "数量应为 1 到 1000 的整数"),
        ("manager", "1012010001", "HJ02", 5, "每户每月最多 8 分"),
        ("manager", "1012010001", "KF01", 1, "扣 3 分后会成为负数"),
    ],
)
def test_refusals_change_nothing(station, actor, household, task, qty, reason):
    before = snapshot()
    with pytest.raises(Refused, match=reason):
        awards.award(getattr(station, actor), station.clock, household, task, qty)
    after = snapshot()
    before.pop("audit"), after.pop("audit")
    assert after == before


def test_inactive_household_is_refused(station):
    set_status(station.manager, station.clock, "1012010002", "moved")
    with pytest.raises(Refused, match="状态是“迁出”，不能积分"):
        awards.award(station.manager, station.clock, "1012010002", "HJ02")


def test_monthly_cap_counts_earlier_awards_this_month_only(station):
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 4)  # 8 of 8
    with pytest.raises(Refused, match="本月已有 8 分"):
        awards.award(station.manager, station.clock, "1012010001", "HJ02", 1)
    station.clock.advance(days=8)  # 2026-12-01: a new month
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 4)
    assert station.balance("1012010001") == 16


def test_reversed_award_frees_the_cap(station):
    from db.books.corrections import reverse_entry

    first = awards.award(station.manager, station.clock, "1012010001", "HJ02", 4)
    reverse_entry(station.manager, station.clock, first, "记错了户")
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 4)
    assert station.balance("1012010001") == 8


def test_reversing_last_months_award_frees_no_cap_this_month(station):
    from db.books.corrections import reverse_entry

    november = awards.award(station.manager, station.clock, "1012010001", "HJ02", 4)
    station.clock.advance(days=8)  # 2026-12-01
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 4)  # 8 of 8
    reverse_entry(station.manager, station.clock, november, "记错了月份")
    with pytest.raises(Refused, match="本月已有 8 分"):
        awards.award(station.manager, station.clock, "1012010001", "HJ02", 1)
    assert station.balance("1012010001") == 8


def test_a_later_reversal_still_nets_its_own_month(station):
    from db.books.corrections import reverse_entry
    from db.books.ledger import task_points_in_month

    november = awards.award(station.manager, station.clock, "1012010001", "HJ02", 3)
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 1)
    station.clock.advance(days=8)
    reverse_entry(station.manager, station.clock, november, "记错了户")
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 2)
    nov = ("2026-11-01 00:00:00", "2026-12-01 00:00:00")
    dec = ("2026-12-01 00:00:00", "2027-01-01 00:00:00")
    assert task_points_in_month("1012010001", "HJ02", *nov) == 2
    assert task_points_in_month("1012010001", "HJ02", *dec) == 4


def test_sheet_is_all_or_nothing_and_names_every_bad_line(station):
    lines = [
        AwardLine("1012010001", "HJ02", 2, line=2),
        AwardLine("1012010002", "NOPE", 1, line=3),
        AwardLine("1012010001", "HJ02", 3, line=4),  # 4 + 6 > cap 8, counting line 2
        AwardLine("1012010003", "HJ02", "x", line=5),
        AwardLine("1012010002", "GY02", 1, line=6),
    ]
    before = snapshot()
    with pytest.raises(SheetRefused) as refused:
        awards.apply_sheet(station.manager, station.clock, lines)
    assert [line for line, _ in refused.value.problems] == [3, 4, 5]
    message = str(refused.value)
    assert "第 3 行" in message and "第 4 行" in message and "第 5 行" in message
    assert "整张表都没有入账" in message
    after = snapshot()
    before.pop("audit"), after.pop("audit")
    assert after == before


def test_sheet_names_empty_cells_as_empty(station, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("户号,项目编码,数量\n,HJ02,1\n1012010001,,1\n", encoding="utf-8")
    with pytest.raises(SheetRefused) as refused:
        awards.apply_sheet(station.manager, station.clock, awards.read_sheet(sheet))
    assert str(refused.value).splitlines()[1:] == [
        "第 2 行：户号一栏是空的，请填上户号",
        "第 3 行：项目编码一栏是空的，请填上积分项目编码",
    ]


def test_sheet_applies_whole_in_line_order(station):
    lines = [
        AwardLine("1012010001", "GY02", 1, line=2),
        AwardLine("1012010001", "KF01", 1, line=3),
        AwardLine("1012020001", "PX01", 2, "培训班", line=4),
    ]
    ids = awards.apply_sheet(station.manager, station.clock, lines)
    assert ids == sorted(ids) and len(ids) == 3
    assert station.balance("1012010001") == 7
    assert station.balance("1012020001") == 6


def test_deduction_may_use_points_awarded_earlier_in_the_same_sheet(station):
    lines = [AwardLine("1012010001", "KF01", 1, line=2), AwardLine("1012010001", "GY02", 1, line=3)]
    with pytest.raises(SheetRefused):
        awards.apply_sheet(station.manager, station.clock, lines)
    awards.apply_sheet(station.manager, station.clock, lines[::-1])
    assert station.balance("1012010001") == 7


def test_empty_sheet_is_refused(station):
    with pytest.raises(Refused, match="没有记分行"):
        awards.apply_sheet(station.manager, station.clock, [])


def test_read_sheet_takes_chinese_or_english_headers(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "户号,项目编码,数量,备注\n1012010001,hj02,2,扫街\n\n1012010002,GY02,,\n", encoding="utf-8"
    )
    lines = awards.read_sheet(sheet)
    assert [(x.household, x.task, x.qty, x.note, x.line) for x in lines] == [
        ("1012010001", "hj02", "2", "扫街", 2),
        ("1012010002", "GY02", "1", "", 4),
    ]
    english = tmp_path / "e.csv"
    english.write_text("household,task,qty,note\n1012010001,HJ02,1,x\n", encoding="utf-8")
    assert awards.read_sheet(english)[0].task == "HJ02"


def another_till(statement: str):
    """A write by another process while the sheet is read: it must get the lock at once."""
    conn = sqlite3.connect(database.obj.database, timeout=0)
    conn.execute("BEGIN IMMEDIATE")  # "database is locked" if the sheet's check held the lock
    conn.execute(statement)
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture
def meanwhile(monkeypatch):
    """Run a statement on another connection right after the sheet's first read."""
    done: list[str] = []
    read = awards._Books.read.__func__  # type: ignore[attr-defined]

    def reading(cls, lines, month):
        books = read(cls, lines, month)
        if done:  # the first read: the check outside the lock
            assert database.in_transaction()  # its read transaction, still open
            another_till(done.pop())
        return books

    monkeypatch.setattr(awards._Books, "read", classmethod(reading))
    return done


def test_a_sheet_is_checked_outside_the_write_lock_and_again_under_it(station, meanwhile):
    """Another till moves a household away while the sheet is checked: the check under the
    lock sees it, and the sheet is refused whole."""
    lines = [AwardLine("1012010001", "GY02", 1, line=2), AwardLine("1012010002", "GY02", 1, line=3)]
    meanwhile.append("UPDATE household SET status = 'moved' WHERE number = '1012010002'")
    with pytest.raises(SheetRefused) as refused:
        awards.apply_sheet(station.manager, station.clock, lines)
    assert [line for line, _ in refused.value.problems] == [3]
    assert Entry.select().count() == 0


def test_a_cap_used_up_meanwhile_is_seen_under_the_lock(station, meanwhile):
    lines = [AwardLine("1012010001", "HJ02", 4, line=2), AwardLine("1012010002", "GY02", 1, line=3)]
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 1)  # 2 of the cap of 8
    meanwhile.append(
        "INSERT INTO ledger_entry SELECT id + 1, household_id, 6, kind, task_id, redemption_id, "
        "reverses_id, 3, note, operator, station, time, prev_hash FROM ledger_entry"
    )
    with pytest.raises(SheetRefused) as refused:
        awards.apply_sheet(station.manager, station.clock, lines)
    assert [line for line, _ in refused.value.problems] == [2]


def test_a_sheet_goes_in_when_what_changed_meanwhile_does_not_matter(station, meanwhile):
    lines = [AwardLine("1012010001", "GY02", 1, line=2), AwardLine("1012010002", "GY02", 1, line=3)]
    meanwhile.append("UPDATE household SET phone = '1' WHERE number = '1012020003'")
    assert len(awards.apply_sheet(station.manager, station.clock, lines)) == 2
