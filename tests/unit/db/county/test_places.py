"""`aixin county places import` on a fresh county: the roster works after it, the same sheet
again changes nothing, a renamed village keeps its code and households, and every bad sheet
is refused whole with its bad lines named (and written back with --report)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from pos.cli import main
from tests.county_engines import rows

PLACES = """乡镇代码,乡镇,村代码,村,组
451425100,城关镇,451425100201,那良村,一组
451425100,城关镇,451425100201,那良村,二组
451425100,城关镇,451425100202,陇林村,
451425101000,龙茗镇,451425101201,弄在村,上屯
"""
ROSTER = """户号,户主,身份证号,村,组,类别
1012010001,农秀英,11010519491231002X,那良村,一组,脱贫户
1012010002,黄文,110105194912310038,451425101201,,监测户
"""


def run(*args, env=None):
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_PIN": "4826", **(env or {})}
    )


@pytest.fixture
def county(county_db):
    """A fresh county, on SQLite and on PostgreSQL."""
    db = county_db
    made = run("county", "init", "--db", db, "--county", "451425", "--name", "天等县")
    assert made.exit_code == 0, made.output
    return db


def sheet(tmp_path, text, name="places.csv", encoding="gbk"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def places(db):
    return {
        t: rows(db, f"SELECT * FROM {t} ORDER BY code")  # noqa: S608
        for t in ("township", "village", "village_group")
    }


def import_places(db, path, *more):
    return run("county", "places", "import", "--db", db, path, "--operator", "county", *more)


def test_a_fresh_county_takes_its_places_then_its_roster(county, tmp_path):
    roster = sheet(tmp_path, ROSTER, "roster.csv", "utf-8-sig")
    refused = run("household", "import", "--db", county, roster, "--operator", "county")
    assert refused.exit_code == 1 and "不在花名册中" in refused.stderr  # the complaint
    done = import_places(county, sheet(tmp_path, PLACES))  # a GBK CSV, as Chinese Excel saves
    assert done.exit_code == 0, done.output
    assert "乡镇新增 2 个" in done.output and "村新增 3 个" in done.output
    assert "组新增 3 个" in done.output
    found = places(county)
    assert found["township"] == [("451425100", "城关镇"), ("451425101", "龙茗镇")]
    assert [v[0] for v in found["village"]] == ["451425100201", "451425100202", "451425101201"]
    assert found["village_group"][:2] == [
        ("45142510020101", "451425100201", "一组"),
        ("45142510020102", "451425100201", "二组"),
    ]
    imported = run("household", "import", "--db", county, roster, "--operator", "county")
    assert imported.exit_code == 0, imported.output
    assert rows(county, "SELECT number, village_id, group_id FROM household ORDER BY 1") == [
        ("1012010001", "451425100201", "45142510020101"),
        ("1012010002", "451425101201", None),
    ]


def test_the_same_sheet_again_changes_nothing(county, tmp_path):
    path = sheet(tmp_path, PLACES)
    assert import_places(county, path).exit_code == 0
    before = (
        places(county),
        rows(county, "SELECT count(*) FROM audit WHERE action = 'places-import'"),
    )
    again = import_places(county, path)
    assert again.exit_code == 0 and "没有变化" in again.output
    assert (
        places(county),
        rows(county, "SELECT count(*) FROM audit WHERE action = 'places-import'"),
    ) == before


def test_a_renamed_village_keeps_its_code_and_its_households(county, tmp_path):
    assert import_places(county, sheet(tmp_path, PLACES)).exit_code == 0
    roster = sheet(tmp_path, ROSTER, "roster.csv", "utf-8")
    assert run("household", "import", "--db", county, roster, "--operator", "county").exit_code == 0
    renamed = sheet(tmp_path, PLACES.replace("那良村", "那良社区"), "renamed.csv")
    done = import_places(county, renamed)
    assert done.exit_code == 0 and "改名 1 个" in done.output, done.output
    assert rows(county, "SELECT name FROM village WHERE code = '451425100201'") == [("那良社区",)]
    assert rows(county, "SELECT village_id FROM household WHERE number = '1012010001'") == [
        ("451425100201",)
    ]
    # a place the sheet leaves out stays: the books point at it
    assert (
        import_places(
            county,
            sheet(
                tmp_path, PLACES.splitlines()[0] + "\n" + PLACES.splitlines()[4] + "\n", "one.csv"
            ),
        ).exit_code
        == 0
    )
    assert len(places(county)["village"]) == 3


BAD = [
    ("452100100,外县镇,452100100201,外村,", "不是本县（451425）的"),
    ("451425100,城关镇,451425102201,错村,", "属于乡镇 451425102，不在这一行的乡镇 451425100 之下"),
    ("451425100,城关镇,45142510020,短村,", "应为 12 位数字"),
    ("45142510,城关镇,451425100201,那良村,", "应为 9 位数字"),
    ("451425100,城关镇,451425100201,另一个名字,", "同一个代码只能是一个地方"),
    ("451425100,关城镇,451425100203,新村,", "同一个代码只能是一个地方"),
    ("451425100,城关镇,451425100209,陇林村,", "有两个代码"),
    ("451425100,,451425100203,新村,", "乡镇名称是空的"),
    ("451425100,城关镇,,,三组", "有组，没有村"),
    ("451425100,城关镇,451425100000,镇本身,", "后 3 位不能是 000"),
]


@pytest.mark.parametrize(("line", "reason"), BAD)
def test_a_bad_line_refuses_the_whole_sheet(county, tmp_path, line, reason):
    before = places(county)
    result = import_places(county, sheet(tmp_path, PLACES + line + "\n"))
    assert result.exit_code == 1
    assert "第 6 行：" in result.stderr and reason in result.stderr, result.stderr
    assert places(county) == before


def test_every_bad_line_is_named_and_written_back(county, tmp_path):
    text = PLACES + "".join(line + "\n" for line, _ in BAD[:4])
    report = tmp_path / "问题.xlsx"
    result = import_places(county, sheet(tmp_path, text), "--report", report)
    assert result.exit_code == 1
    for line in (6, 7, 8, 9):
        assert f"第 {line} 行：" in result.stderr
    assert "4 行的问题已写在" in result.stderr
    page = load_workbook(report).active
    assert page.cell(1, 6).value == "问题"
    assert [page.cell(n, 6).value is not None for n in range(2, 10)] == [False] * 4 + [True] * 4
    assert page.cell(6, 1).value == "452100100"


def test_a_stations_books_and_a_clerk_are_refused(county, tmp_path, station_file):
    result = run(
        "county",
        "places",
        "import",
        "--db",
        station_file,
        sheet(tmp_path, PLACES),
        "--operator",
        "manager",
        env={"AIXIN_PIN": "1234"},
    )
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_an_xlsx_with_numbers_for_codes_and_full_width_digits(county, tmp_path):
    book = Workbook()
    book.active.append(["乡镇代码", "乡镇", "村代码", "村", "组"])
    book.active.append([451425100, "城关镇", 451425100201, "那良村", "一组"])
    book.active.append(["４５１４２５１００", "城关镇", "451425100202", "陇林村", None])
    book.save(tmp_path / "places.xlsx")
    done = import_places(county, tmp_path / "places.xlsx")
    assert done.exit_code == 0, done.output
    assert [v[0] for v in places(county)["village"]] == ["451425100201", "451425100202"]


def test_empty_and_headless_sheets_are_refused(county, tmp_path):
    for name, text, reason in (
        ("empty.csv", "", "是空的"),
        ("header.csv", "乡镇代码,乡镇,村代码,村\n", "没有乡镇和村"),
        ("cols.csv", "乡镇,村\n城关镇,那良村\n", "表头缺少列"),
    ):
        result = import_places(county, sheet(tmp_path, text, name, "utf-8"))
        assert result.exit_code == 1 and reason in result.stderr, (name, result.stderr)


def test_a_roster_group_after_a_gap_in_the_group_codes_takes_a_free_code(county, tmp_path):
    text = (
        "乡镇代码,乡镇,村代码,村,组,组代码\n"
        "451425100,城关镇,451425100201,那良村,三组,45142510020103\n"
    )
    assert import_places(county, sheet(tmp_path, text)).exit_code == 0
    roster = sheet(
        tmp_path,
        "户号,户主,身份证号,村,组,类别\n"
        "1012010001,农秀英,11010519491231002X,那良村,一组,脱贫户\n"
        "1012010002,黄文,110105194912310038,那良村,二组,监测户\n",
        "roster.csv",
        "utf-8",
    )
    done = run("household", "import", "--db", county, roster, "--operator", "county")
    assert done.exit_code == 0, done.output
    assert rows(county, "SELECT code, name FROM village_group ORDER BY code") == [
        ("45142510020103", "三组"),
        ("45142510020104", "一组"),
        ("45142510020105", "二组"),
    ]
