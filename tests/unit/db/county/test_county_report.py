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
