"""The county report workbook: text from the stations is written as text, never a formula."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from db.county.report import CountyReport
from db.county.report_views import Sheet
from pos.paper.workbook import write_workbook

HOSTILE = [
    '=HYPERLINK("http://attacker.example/x","点击查看")',
    "+86 138 0000 0000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "  =1+1",
    "=",
    "a\tb",
    "第一行\n第二行",
]


def report(names: list[str]) -> CountyReport:
    donors = Sheet(
        "捐赠",
        ("捐赠人", "现金", "备注"),
        [[name, 100 * i, name] for i, name in enumerate(names, 1)],
        money=frozenset({1}),
    )
    return CountyReport("451425", "=天等县", "2026-10", "2026-11-01 09:00:00", 100, [donors])


@pytest.fixture
def written(tmp_path):
    out = tmp_path / "report.xlsx"
    write_workbook(report([*HOSTILE, "李四", "\rY", "a\r\nb", "控\x1b制\ufffe"]), out)
    return out


def test_no_cell_is_a_formula_and_every_text_reads_back_the_same(written):
    book = load_workbook(written)  # data_only=False: a formula would read as one
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    donors = book["捐赠"]
    names = [row[0].value for row in donors.iter_rows(min_row=3)]
    assert names == [*HOSTILE, "李四", "\nY", "a\nb", "控\ufffd制\ufffd", "合计"]
    assert [row[2].value for row in donors.iter_rows(min_row=3, max_row=4)] == HOSTILE[:2]
    assert donors["A1"].value.startswith("=天等县") and donors["A1"].data_type == "s"
    with zipfile.ZipFile(written) as archive:
        parts = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert parts and not any(b"<f>" in part or b"<f " in part for part in parts)


def test_text_that_could_be_taken_for_a_formula_keeps_excels_quote_prefix(written):
    donors = load_workbook(written)["捐赠"]
    marked = {row[0].value: row[0].quotePrefix for row in donors.iter_rows(min_row=3)}
    assert all(marked[text] for text in HOSTILE)
    assert marked["李四"] is False and donors["B3"].quotePrefix is False  # a number
    assert donors["B3"].value == 1 and donors["B3"].number_format == "#,##0.00"
