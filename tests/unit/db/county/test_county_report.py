"""`county report` (docs/design.md §6): the views, totals that add up, and figures that equal the
sums of the stations' files."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from catalog.messages import Message, Refused
from db.books.verify import verify
from db.county import merge
from db.county import report as reports
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from pos.paper.workbook import write_workbook
from tests.county_world import MOBILE, MONTHS, SHOP
from tests.helpers import COUNTY_OFFICER

JANUARY = FixedClock(datetime(2027, 1, 5, 9))
KINDS = ("award", "deduction", "redemption", "reversal")


@pytest.fixture
def county_path(county_world, tmp_path):
    path = county_world.copy_county(tmp_path)
    connect(path)
    assert not merge.merge_files(COUNTY_OFFICER, county_world.all_files(), JANUARY).refused
    yield path
    close()


def from_files(world, month, query) -> list[tuple]:
    rows = []
    for code in (SHOP, MOBILE):
        raw = sqlite3.connect(world.files[(code, month)])
        rows.extend(raw.execute(query).fetchall())
        raw.close()
    return rows


@pytest.mark.parametrize("month", MONTHS)
def test_report_totals_equal_the_sums_of_the_station_files(county_world, county_path, month):
    report = reports.county_report(COUNTY_OFFICER, month, JANUARY)
    entries = from_files(county_world, month, "SELECT kind, points FROM ledger_entry")
    by_kind = {k: sum(p for kind, p in entries if kind == k) for k in KINDS}
    expected = [
        by_kind["award"],
        -by_kind["deduction"],
        -by_kind["redemption"],
        by_kind["reversal"],
        0,
        sum(p for _, p in entries),
    ]
    for title in ("按乡镇", "按村", "按站点", "按积分类别"):
        sheet = report.sheet(title)
        total = dict(zip(sheet.headers, sheet.total, strict=True))
        assert [total[h] for h in reports.POINTS] == expected, title
    visits = from_files(county_world, month, "SELECT COUNT(*) FROM redemption")
    for title in ("按乡镇", "按站点"):
        sheet = report.sheet(title)
        total = dict(zip(sheet.headers, sheet.total, strict=True))
        assert total["受益人次"] == sum(v for (v,) in visits), title
    moves = from_files(
        county_world,
        month,
        "SELECT COALESCE(-SUM(qty), 0) FROM stock_move WHERE kind = 'redemption'",
    )
    goods = dict(
        zip(report.sheet("商品按站点").headers, report.sheet("商品按站点").total, strict=True)
    )
    assert goods["兑换出库"] == sum(v for (v,) in moves)
    gifts = from_files(
        county_world,
        month,
        "SELECT (SELECT COALESCE(SUM(value_fen), 0) FROM donation_line) "
        "+ (SELECT COALESCE(SUM(cash_fen), 0) FROM donation)",
    )
    assert report.sheet("捐赠").total[-1] == sum(v for (v,) in gifts)


def test_every_total_is_the_sum_of_its_rows(county_path):
    report = reports.county_report(COUNTY_OFFICER, "2026-10", JANUARY)
    for sheet in report.sheets:
        if not sheet.totals:
            continue
        for i in range(sheet.keys, len(sheet.headers)):
            if all(isinstance(row[i], int) for row in sheet.rows):
                assert sheet.total[i] == sum(row[i] for row in sheet.rows), (sheet.title, i)


def test_balances_at_the_end_of_each_month(county_world, county_path):
    running = 0
    for month in MONTHS:
        points = from_files(
            county_world, month, "SELECT COALESCE(SUM(points), 0) FROM ledger_entry"
        )
        running += sum(p for (p,) in points)
        towns = reports.county_report(COUNTY_OFFICER, month, JANUARY).sheet("按乡镇")
        total = dict(zip(towns.headers, towns.total, strict=True))
        assert total["月末积分余额"] == running, month
        assert total["月末余额折合（元）"] == running * 100


def test_households_that_earned_and_redeemed(county_path):
    villages = reports.county_report(COUNTY_OFFICER, "2026-10", JANUARY).sheet("按村")
    row = next(r for r in villages.rows if r[3] == "那造村")
    named = dict(zip(villages.headers, row, strict=True))
    assert (named["获分户数"], named["兑换户数"], named["受益人次"]) == (3, 1, 1)


def test_stations_that_have_not_sent_the_month(county_world, tmp_path):
    path = county_world.copy_county(tmp_path)
    connect(path)
    merge.merge_files(COUNTY_OFFICER, [county_world.files[(SHOP, m)] for m in MONTHS[:2]], JANUARY)
    report = reports.county_report(COUNTY_OFFICER, "2026-10", JANUARY)
    assert [r[0] for r in report.sheet("未报站点").rows] == [MOBILE]
    stations = {r[0]: r[3] for r in report.sheet("按站点").rows}
    assert stations == {SHOP: Message("已报"), MOBILE: Message("未报")}
    close()


def test_the_workbook(county_path, tmp_path):
    report = reports.county_report(COUNTY_OFFICER, "2026-10", JANUARY)
    out = tmp_path / "report.xlsx"
    write_workbook(report, out)
    book = load_workbook(out)
    assert book.sheetnames == ["说明", *(s.title for s in report.sheets)]
    towns = book["按乡镇"]
    assert [c.value for c in towns[2]][:4] == ["乡镇代码", "乡镇", "在册户数", "正常户数"]
    last = [c.value for c in towns[towns.max_row]]
    assert last[0] == "合计"
    assert Decimal(str(last[-1])) == Decimal(report.sheet("按乡镇").total[-1]) / 100
    assert towns.cell(towns.max_row, len(last)).number_format == "#,##0.00"
    assert book["说明"]["B3"].value == "2026-10"


def test_a_report_needs_a_county_and_a_month(county_world, county_path):
    with pytest.raises(Refused, match="YYYY-MM"):
        reports.county_report(COUNTY_OFFICER, "2026/10", JANUARY)
    close()
    connect(county_world.stations[SHOP])
    with pytest.raises(Refused, match="不是县级数据库"):
        reports.county_report(COUNTY_OFFICER, "2026-10", JANUARY)


def test_verify_recomputes_the_monthly_totals(county_path):
    assert verify().ok
    database.execute_sql("UPDATE month_household SET award = award + 1 WHERE rowid = 1")
    found = [f for f in verify().problems if f.code == "month_totals"]
    assert {f.fields["table"] for f in found} == {"month_household"}
    assert {f.fields["label"] for f in found} == {Message("多出"), Message("缺少")}


@pytest.fixture
def printed(county_path, tmp_path):
    """The workbook of November as `county report --xlsx` writes it, read back."""
    report = reports.county_report(COUNTY_OFFICER, "2026-11", JANUARY, for_print=True)
    out = tmp_path / "report.xlsx"
    write_workbook(report, out)
    return report, load_workbook(out)


def test_the_workbook_prints_on_a4_landscape_as_wide_as_the_page(printed):
    report, book = printed
    assert book.sheetnames == ["说明", "月度趋势", *(s.title for s in report.sheets)]
    for page in book.worksheets:
        setup = page.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)
        assert page.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert page.oddFooter.center.text == "&P / &N"
        if page.title != "说明":
            assert page.print_title_rows == "$1:$2"  # rows 1 and 2


def test_each_figure_stands_beside_the_month_before(county_path, printed):
    report, book = printed
    october = reports.county_report(COUNTY_OFFICER, "2026-10", JANUARY)
    assert book["说明"]["B4"].value == "2026-10" and book["说明"]["A4"].value == "上月"
    for title in ("按乡镇", "按村", "按站点", "按积分类别"):
        page = book[title]
        headers = [c.value for c in page[2]]
        now, then = report.sheet(title), october.sheet(title)
        keys = now.keys
        earlier = {tuple(map(str, r[:keys])): r for r in then.rows}
        for name in ("奖励积分", "兑换积分", "受益人次"):
            if name not in now.headers:
                continue
            at = headers.index(name)
            assert headers[at + 1] == f"上月{name}"
            source = now.headers.index(name)
            for row, line in zip(now.rows, page.iter_rows(min_row=3), strict=False):
                assert line[at].value == row[source]
                past = earlier.get(tuple(map(str, row[:keys])))
                assert line[at + 1].value == (past[source] if past else None)
            total = [c.value for c in page[page.max_row]]
            assert total[0] == "合计"
            assert total[at + 1] == then.total[source]
    # the figures of a view's names are the keys: they get no column of the month before
    assert "上月村代码" not in [c.value for c in book["按村"][2]]


def test_money_of_the_month_before_is_in_yuan_too(printed):
    report, book = printed
    page = book["按乡镇"]
    headers = [c.value for c in page[2]]
    at = headers.index("上月月末余额折合（元）")
    assert page.cell(3, at + 1).number_format == "#,##0.00"


def test_the_trend_and_its_charts(county_path, printed):
    report, book = printed
    page = book["月度趋势"]
    assert [c.value for c in page[2]] == [
        "月份", "奖励积分", "扣减积分", "兑换积分", "净变动", "获分户数", "兑换户数", "受益人次",
    ]  # fmt: skip
    months = [r[0].value for r in page.iter_rows(min_row=3)]
    assert months[0] == "2025-12" and months[-1] == "2026-11" and len(months) == 12
    for month in ("2026-09", "2026-10", "2026-11"):
        towns = reports.county_report(COUNTY_OFFICER, month, JANUARY).sheet("按乡镇")
        total = dict(zip(towns.headers, towns.total, strict=True))
        line = [c.value for c in page[3 + months.index(month)]]
        assert line[1:] == [
            total[h] for h in ("奖励积分", "扣减积分", "兑换积分", "净变动", "获分户数",
                               "兑换户数", "受益人次")
        ]  # fmt: skip
    assert [c.value for c in page[3]][1:] == [0] * 7  # before the county's first month
    points, people = page._charts
    assert [s.val.numRef.f for s in points.series] == [
        "'月度趋势'!$B$3:$B$14", "'月度趋势'!$C$3:$C$14", "'月度趋势'!$D$3:$D$14",
    ]  # fmt: skip
    assert [s.tx.strRef.f for s in points.series] == [
        "'月度趋势'!B2", "'月度趋势'!C2", "'月度趋势'!D2",
    ]  # fmt: skip
    assert points.series[0].cat.numRef.f == "'月度趋势'!$A$3:$A$14"
    assert [s.val.numRef.f for s in people.series] == [
        "'月度趋势'!$F$3:$F$14", "'月度趋势'!$G$3:$G$14", "'月度趋势'!$H$3:$H$14",
    ]  # fmt: skip


def test_the_report_without_a_workbook_reads_no_other_month(county_path):
    report = reports.county_report(COUNTY_OFFICER, "2026-11", JANUARY)
    assert report.previous is None and report.trend is None
    assert reports.month_before("2026-01") == "2025-12"
    assert reports.month_before("2026-03", 14) == "2025-01"
