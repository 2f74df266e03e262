"""The county's own rules sheet: `catalog import --tasks` keeps every value a task has had,
retires what the sheet drops, and the award path asks db/books/catalog_at.py what a task is
worth at the moment of the award, with caps per month or per year."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from catalog.messages import Refused
from db.books import awards, catalog_at
from db.books.awards import AwardLine
from db.store.clock import stamp
from db.store.connection import database
from db.store.models import Task, TaskValue
from pos.cli import main

RULES = """编码,名称,类别,分值,单位,每月上限,每年上限
TD01,参加“清洁家园”大扫除,环境卫生,3,次,9,
TD02,护林防火巡查,公益劳动,20,月,,
TD03,子女考上大学,乡风文明,600,项,,600
TD04,乱堆乱放,扣分,-5,次,,
"""


def run(*args, env=None):
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_PIN": "4826", **(env or {})}
    )


@pytest.fixture
def county(tmp_path):
    db = tmp_path / "county.sqlite"
    assert (
        run("county", "init", "--db", db, "--county", "451425", "--name", "天等县").exit_code == 0
    )
    return db


def sheet(tmp_path, text, name="rules.csv", encoding="gbk"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def load(db, path, *more):
    return run("catalog", "import", "--db", db, "--tasks", path, "--operator", "county", *more)


def query(db, sql):
    raw = sqlite3.connect(db)
    found = raw.execute(sql).fetchall()
    raw.close()
    return found


def test_a_county_loads_its_own_rules_and_the_defaults_retire(county, tmp_path):
    done = load(county, sheet(tmp_path, RULES))  # a GBK CSV with Chinese headers
    assert done.exit_code == 0, done.output
    assert "新增 4 项" in done.output and "停用" in done.output
    listed = run("catalog", "list", "--db", county, "--tasks", "--tsv").stdout.splitlines()
    assert listed == [
        "code\tname\tcategory\tpoints\tunit\tcap\tper",
        "TD01\t参加“清洁家园”大扫除\t环境卫生\t3\t次\t9\tmonth",
        "TD02\t护林防火巡查\t公益劳动\t20\t月\t\t",
        "TD03\t子女考上大学\t乡风文明\t600\t项\t600\tyear",
        "TD04\t乱堆乱放\t扣分\t-5\t次\t\t",
    ]
    # the defaults are retired, never deleted: entries may point at them
    assert query(county, "SELECT count(*) FROM task WHERE active = 0")[0][0] > 20
    assert query(county, "SELECT count(*) FROM task WHERE code = 'HJ01'") == [(1,)]


def test_the_listed_sheet_imports_back_unchanged(county, tmp_path):
    assert load(county, sheet(tmp_path, RULES)).exit_code == 0
    listed = run("catalog", "list", "--db", county, "--tasks", "--tsv").stdout
    before = (
        query(county, "SELECT * FROM task_value ORDER BY 1, 2"),
        query(county, "SELECT * FROM task ORDER BY 1"),
    )
    again = load(county, sheet(tmp_path, listed, "rules.tsv", "utf-8"))
    assert again.exit_code == 0, again.output
    assert "新增 0 项，改分值 0 项" in again.output and "停用 0 项" in again.output
    after = (
        query(county, "SELECT * FROM task_value ORDER BY 1, 2"),
        query(county, "SELECT * FROM task ORDER BY 1"),
    )
    assert after == before


def test_a_changed_value_holds_from_its_date_and_the_old_one_stays(county, tmp_path):
    assert load(county, sheet(tmp_path, RULES)).exit_code == 0
    changed = sheet(
        tmp_path,
        RULES.replace(
            "TD01,参加“清洁家园”大扫除,环境卫生,3,次,9",
            "TD01,参加“清洁家园”大扫除,环境卫生,4,次,12",
        ),
        "new.csv",
    )
    done = load(county, changed, "--from", "2099-03-01")
    assert done.exit_code == 0 and "改分值 1 项（2099-03-01 起）" in done.output, done.output
    assert query(
        county,
        "SELECT since, points, cap, per FROM task_value WHERE task_id = 'TD01' ORDER BY since",
    ) == [
        ("0001-01-01", 3, 9, "month"),
        ("2099-03-01", 4, 12, "month"),
    ]
    from db.store.connection import close, connect

    connect(county)
    try:
        before, after = (
            catalog_at.tasks_at(t, ["TD01"])[0]
            for t in ("2099-02-28 23:59:59", "2099-03-01 00:00:00")
        )
        assert (before.points, before.cap, after.points, after.cap) == (3, 9, 4, 12)
        with pytest.raises(Exception, match="immutable"):
            TaskValue.update(points=7).where(TaskValue.task == "TD01").execute()
        with pytest.raises(Exception, match="immutable"):
            TaskValue.delete().execute()
    finally:
        close()
    # the same date again with another value: that day's value is set
    other = sheet(
        tmp_path, changed.read_text(encoding="gbk").replace(",4,次,12", ",5,次,12"), "o.csv"
    )
    refused = load(county, other, "--from", "2099-03-01")
    assert refused.exit_code == 1 and "不能再改" in refused.stderr


@pytest.mark.parametrize(
    ("since", "reason"),
    [("2020-01-01", "已经过去"), ("2099-13-01", "YYYY-MM-DD"), ("明天", "YYYY-MM-DD")],
)
def test_a_date_in_the_past_or_no_date_is_refused(county, tmp_path, since, reason):
    before = query(county, "SELECT * FROM task ORDER BY 1")
    result = load(county, sheet(tmp_path, RULES), "--from", since)
    assert result.exit_code == 1 and reason in result.stderr
    assert query(county, "SELECT * FROM task ORDER BY 1") == before


def test_a_dropped_task_is_retired_and_one_named_again_restored(county, tmp_path):
    assert load(county, sheet(tmp_path, RULES)).exit_code == 0
    fewer = sheet(tmp_path, "\n".join(RULES.splitlines()[:-1]) + "\n", "fewer.csv")
    done = load(county, fewer)
    assert "停用 1 项" in done.output and "TD04" in done.output
    assert query(county, "SELECT active FROM task WHERE code = 'TD04'") == [(0,)]
    assert load(county, sheet(tmp_path, RULES)).output.count("恢复 1 项") == 1
    assert query(county, "SELECT active FROM task WHERE code = 'TD04'") == [(1,)]


BAD = [
    ("TD05,两个上限,公益劳动,2,次,10,100", "不能两个都填"),
    ("TD01,重复,公益劳动,2,次,,", "重复"),
    ("TD06,扣分为正,扣分,5,次,,", "应为负数"),
    ("TD07,上限太小,公益劳动,20,次,10,", "小于一次的分值"),
    ("TD08,小数,公益劳动,2.5,次,,", "应为整数"),
    ("td 9,坏编码,公益劳动,2,次,,", "项目编码"),
    ("TD10,没有单位,公益劳动,2,,,", "单位"),
]


@pytest.mark.parametrize(("line", "reason"), BAD)
def test_a_bad_line_refuses_the_whole_sheet(county, tmp_path, line, reason):
    before = query(county, "SELECT * FROM task ORDER BY 1")
    result = load(county, sheet(tmp_path, RULES + line + "\n"))
    assert result.exit_code == 1 and "第 6 行：" in result.stderr and reason in result.stderr
    assert query(county, "SELECT * FROM task ORDER BY 1") == before


def test_every_bad_line_is_written_back(county, tmp_path):
    report = tmp_path / "细则问题.xlsx"
    text = RULES + "".join(line + "\n" for line, _ in BAD)
    result = load(county, sheet(tmp_path, text), "--report", report)
    assert result.exit_code == 1 and "7 行的问题已写在" in result.stderr
    page = load_workbook(report).active
    assert page.cell(1, 8).value == "问题"
    assert [page.cell(n, 8).value is None for n in range(2, 13)] == [True] * 4 + [False] * 7


def test_empty_sheets_and_a_period_of_neither_are_refused(county, tmp_path):
    for name, text, reason in (
        ("empty.csv", "", "是空的"),
        ("header.csv", "编码,名称,类别,分值,单位\n", "没有积分项目"),
        (
            "per.csv",
            "编码,名称,类别,分值,单位,上限,上限周期\nTD01,x,环境卫生,3,次,9,季\n",
            "应为 月 或 年",
        ),
    ):
        result = load(county, sheet(tmp_path, text, name, "utf-8"))
        assert result.exit_code == 1 and reason in result.stderr, (name, result.stderr)


def test_a_station_cannot_change_its_rules(station_file, tmp_path):
    path = sheet(tmp_path, RULES)
    before = query(station_file, "SELECT * FROM task ORDER BY 1")
    result = run(
        "catalog",
        "import",
        "--db",
        station_file,
        "--tasks",
        path,
        "--operator",
        "manager",
        env={"AIXIN_PIN": "1234"},
    )
    assert result.exit_code == 1 and "站点 451425-03 不能修改" in result.stderr
    assert query(station_file, "SELECT * FROM task ORDER BY 1") == before


def test_a_county_clerk_of_another_role_is_refused(county, tmp_path):
    from db.books import rules
    from db.books.auth import Actor
    from db.store.connection import close, connect

    connect(county)
    try:
        with pytest.raises(Refused):
            rules.import_tasks(Actor("m", "manager", "451425-00"), FixedNow(), [])
    finally:
        close()


class FixedNow:
    def now(self):
        return datetime(2027, 1, 5, 9)


# The award path: the value and the cap in force at the moment of the award.


def add_value(task, since, points, cap=None, per="month"):
    TaskValue.create(task=task, since=since, points=points, cap=cap, per=per)
    Task.update(points=points, cap=cap).where(Task.code == task).execute()


def test_an_award_takes_the_value_in_force_and_a_past_one_keeps_its_own(station):
    first = awards.award(station.manager, station.clock, "1012010001", "HJ02")
    add_value("HJ02", "2026-12-01", 3, 12)  # from next month (the clock is 2026-11-23)
    second = awards.award(station.manager, station.clock, "1012010001", "HJ02")
    station.clock.advance(days=10)
    third = awards.award(station.manager, station.clock, "1012010001", "HJ02")
    points = dict(database.execute_sql("SELECT id, points FROM ledger_entry").fetchall())
    assert (points[first], points[second], points[third]) == (2, 2, 3)
    assert [t.points for t in awards.search_tasks("HJ02", station.clock)] == [3]
    assert awards.task("HJ02", station.clock).points == 3


def test_a_task_search_lists_the_codes_it_begins_before_initials_inside_names(station):
    found = [t.code for t in awards.search_tasks("hj")]
    assert found[0].startswith("HJ") and all(c.startswith("HJ") for c in found[:5])
    assert [t.code for t in awards.search_tasks("")] == sorted(
        t.code for t in awards.search_tasks("")
    )


def test_the_award_screen_shows_the_value_in_force_not_the_newest(station):
    add_value("HJ02", "2026-12-01", 3, 12)  # from next month (the clock is 2026-11-23)
    assert [t.points for t in awards.search_tasks("HJ02", station.clock)] == [2]
    shown = awards.task("HJ02", station.clock)
    assert (shown.points, shown.cap) == (2, 8)  # the cap of the line in force, not the new 12
    add_value("GY02", "2026-01-01", 10, 30, "year")
    assert awards.task("GY02", station.clock).per == "year"


def test_a_year_cap_counts_the_whole_year(station):
    add_value("GY02", "2026-01-01", 10, 30, "year")
    for _ in range(3):
        awards.award(station.manager, station.clock, "1012010001", "GY02")
        station.clock.advance(days=2)
    with pytest.raises(Refused) as refused:
        awards.award(station.manager, station.clock, "1012010001", "GY02")
    assert refused.value.template == awards.OVER_YEAR_CAP
    assert refused.value.fields["used"] == 30
    station.clock.advance(days=40)  # into 2027: a new year
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    assert awards.earned_this_month(station.clock, "1012010001", "GY02") == 10


def test_a_month_cap_still_counts_the_month(station):
    lines = [AwardLine("1012010001", "HJ01", 1, line=2), AwardLine("1012010001", "HJ01", 1, line=3)]
    with pytest.raises(Refused) as refused:
        awards.apply_sheet(station.manager, station.clock, lines)
    assert refused.value.problems[0][1].template == awards.OVER_MONTH_CAP


def test_a_task_whose_first_value_is_still_to_come_is_not_awarded(station):
    Task.create(code="XX01", name="新项目", category="公益劳动", points=4, unit="次", cap=None)
    TaskValue.create(task="XX01", since="2027-01-01", points=4)
    with pytest.raises(Refused, match="还没有到起用日期"):
        awards.award(station.manager, station.clock, "1012010001", "XX01")
    assert "XX01" not in [t.code for t in awards.search_tasks(clock=station.clock)]
    with pytest.raises(Refused, match="还没有到起用日期"):
        awards.task("XX01", station.clock)


def test_the_value_at_a_moment_is_one_seek(station):
    sql = catalog_at.TASKS_AT.format(
        where="code IN (?)",
        points=catalog_at.task_points_at("t.code", "(SELECT time FROM at)"),
        cap=catalog_at.task_cap_at("t.code", "(SELECT time FROM at)"),
        per=catalog_at.task_per_at("t.code", "(SELECT time FROM at)"),
    )
    database.execute_sql("ANALYZE")
    plan = " ".join(
        r[-1]
        for r in database.execute_sql(
            "EXPLAIN QUERY PLAN " + sql, (stamp(station.clock.now()), "HJ01")
        )
    )
    assert "SCAN task_value" not in plan and "SCAN t" not in plan, plan
