"""`aixin award --from-file` and `household import` with hostile sheets: exit 1, one short
reason, the books unchanged."""

from __future__ import annotations

import shutil
import sqlite3

from click.testing import CliRunner
from openpyxl import Workbook

from pos.cli import main
from tests.unit.catalog import xlsx_files as xf


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], env={"AIXIN_PIN": "1234"})


def points(db) -> int:
    raw = sqlite3.connect(db)
    total = raw.execute("SELECT count(*), coalesce(sum(points), 0) FROM ledger_entry").fetchone()
    raw.close()
    return total


def test_a_formula_in_an_award_sheet_is_refused_not_booked(station_file, tmp_path):
    db = shutil.copy(station_file, tmp_path / "station.sqlite")
    book = Workbook()
    book.active.append(["户号", "项目编码", "数量"])
    book.active.append(["1012010001", "HJ02", "=1+2"])  # saved without a cached value
    book.save(tmp_path / "sheet.xlsx")
    before = points(db)
    result = run(
        "award", "--db", db, "--operator", "manager", "--from-file", tmp_path / "sheet.xlsx"
    )
    assert result.exit_code == 1, result.output
    assert "第 2 行：C 列是公式，请粘贴为数值" in result.stderr
    assert "Traceback" not in result.output and points(db) == before


def test_sheets_beyond_their_bounds_are_refused_in_one_line(station_file, tmp_path):
    db = shutil.copy(station_file, tmp_path / "station.sqlite")
    far = xf.write(
        tmp_path / "far.xlsx",
        xf.sheet(xf.header("户号", "项目编码"), xf.row(1048576, xf.number("XFD1048576", 1))),
    )
    result = run("award", "--db", db, "--operator", "manager", "--from-file", far)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "表格最多 10000 行（不算表头），第 1048576 行还有内容：请分成几个文件，或删掉多余的行"
    ]
    bomb = xf.write(tmp_path / "bomb.xlsx", xf.sheet(after="<x>" + " " * (30 << 20) + "</x>"))
    result = run("award", "--db", db, "--operator", "manager", "--from-file", bomb)
    assert result.exit_code == 1 and "解压后有 30.0 MB，这种表格最多 20.5 MB" in result.stderr


def test_a_roster_with_a_formula_is_refused(station_file, tmp_path):
    db = shutil.copy(station_file, tmp_path / "station.sqlite")
    roster = xf.write(
        tmp_path / "roster.xlsx",
        xf.sheet(
            xf.header("户号", "户主", "身份证号", "村", "类别"),
            xf.row(2, xf.text("A2", "1012010009"), xf.formula("B2", '"韦"&"小红"', "韦小红")),
        ),
    )
    result = run("household", "import", "--db", db, roster, "--operator", "manager")
    assert result.exit_code == 1 and "第 2 行：B 列是公式" in result.stderr
