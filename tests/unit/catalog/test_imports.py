"""Imports people can live with: CSV in UTF-8, UTF-8 with BOM, UTF-16 and GBK/GB18030 read
alike, an .xlsx as WPS writes it, and a refused sheet written back with its 问题 column."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from catalog import loader
from catalog.messages import Refused, SheetRefused
from catalog.report import write_report
from catalog.tabular import read_rows
from tests.unit.catalog import xlsx_files as xf

HEADER = "编码,名称,类别,分值,单位,每月上限"
LINES = ["HJ01,庭院整洁,环境卫生,5,月,5", "GY01,义务修路,公益劳动,2,天,20"]
TEXT = "\n".join([HEADER, *LINES]) + "\n"


def rows(path):
    return [(r.line, r.values) for r in read_rows(path, loader.TASK_COLUMNS, ("code",))]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312"])
def test_csv_in_every_encoding_an_office_saves_reads_alike(tmp_path, encoding):
    plain = tmp_path / "plain.csv"
    plain.write_text(TEXT, encoding="utf-8")
    other = tmp_path / f"{encoding}.csv"
    other.write_bytes(TEXT.encode(encoding))
    assert rows(other) == rows(plain)
    assert rows(plain)[0] == (
        2,
        dict(
            zip(
                ("code", "name", "category", "points", "unit", "cap"),
                LINES[0].split(","),
                strict=True,
            )
        ),
    )


def test_excel_unicode_text_is_read_with_its_tabs(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(TEXT.replace(",", "\t").encode("utf-16"))
    plain = tmp_path / "plain.csv"
    plain.write_text(TEXT, encoding="utf-8")
    assert rows(path) == rows(plain)


def test_bytes_of_no_encoding_are_refused_not_guessed(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode("utf-8") + b"\nHJ01,\xff\xfe\x80,x\n")
    with pytest.raises(Refused) as refused:
        rows(path)
    assert refused.value.template.startswith("文件 {name} 的编码无法识别")


def test_an_empty_file_is_refused(tmp_path):
    for name, data in (("empty.csv", b""), ("bom.csv", b"\xef\xbb\xbf"), ("blank.csv", b"\n\n")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(Refused) as refused:
            rows(path)
        assert refused.value.template == "文件 {name} 是空的", name


def wps_book(path):
    """An .xlsx as WPS Office writes it: shared strings with rich-text runs, absolute targets,
    a namespace prefix on every element, and its own document properties."""
    strings = (
        f'{xf.HEAD}<x:sst xmlns:x="{xf.MAIN}" count="4" uniqueCount="4">'
        "<x:si><x:t>编码</x:t></x:si><x:si><x:r><x:t>名</x:t></x:r><x:r><x:t>称</x:t></x:r></x:si>"
        "<x:si><x:t>类别</x:t></x:si><x:si><x:t>庭院整洁</x:t></x:si></x:sst>"
    )
    sheet = (
        f'{xf.HEAD}<x:worksheet xmlns:x="{xf.MAIN}" xmlns:r="{xf.DOC}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
        '<x:c r="C1" t="s"><x:v>2</x:v></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" t="str"><x:v>HJ01</x:v></x:c>'
        '<x:c r="B2" t="s"><x:v>3</x:v></x:c><x:c r="C2" t="str"><x:v>环境卫生</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    return xf.write(
        path,
        sheet,
        strings=strings,
        extra={
            "docProps/custom.xml": f'{xf.HEAD}<Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/custom-properties"><property name="KSOProductBuildVer" '
            'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2"><vt:lpwstr xmlns:vt="http://'
            'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">2052-11.1.0</vt:lpwstr>'
            "</property></Properties>",
        },
    )


def test_a_wps_workbook_is_read_like_an_excel_one(tmp_path):
    found = read_rows(wps_book(tmp_path / "wps.xlsx"), loader.TASK_COLUMNS, ("code", "name"))
    assert [(r.line, r.values) for r in found] == [
        (2, {"code": "HJ01", "name": "庭院整洁", "category": "环境卫生"})
    ]


def refusal_of(path) -> Refused:
    with pytest.raises(Refused) as refused:
        loader.load_tasks(path)
    return refused.value


def test_the_report_writes_the_sheet_back_with_a_problem_on_each_bad_line(tmp_path):
    source = tmp_path / "rules.csv"
    source.write_bytes(
        (
            TEXT
            + "XX 1,坏编码,环境卫生,5,月,\nHJ01,重复,环境卫生,5,月,\n\nKF01,乱扔垃圾,扣分,3,次,\n"
        ).encode("gbk")
    )
    refused = refusal_of(source)
    assert isinstance(refused, SheetRefused)
    out = tmp_path / "report.xlsx"
    assert write_report(source, refused, out) == 3
    page = load_workbook(out).active
    assert [c.value for c in page[1]] == [*HEADER.split(","), "问题"]
    assert page.cell(2, 7).value is None and page.cell(3, 7).value is None
    assert page.cell(4, 1).value == "XX 1" and "项目编码" in page.cell(4, 7).value
    assert "重复" in page.cell(5, 7).value
    assert page.cell(6, 1).value is None  # the blank line stays where it was
    assert "扣分项目的分值应为负数" in page.cell(7, 7).value
    assert page.cell(7, 4).value == "3"  # as text, as it was typed


def test_codes_keep_their_leading_zeros_and_formulas_come_back_as_written(tmp_path):
    book = Workbook()
    book.active.append(["户号", "项目编码", "数量"])
    book.active.append(["0012010001", "HJ02", "=1+2"])
    source = tmp_path / "sheet.xlsx"
    book.save(source)
    from db.books import awards

    with pytest.raises(SheetRefused) as refused:
        awards.read_sheet(source)
    out = tmp_path / "back.xlsx"
    assert write_report(source, refused.value, out, translate=lambda s: s) == 1
    page = load_workbook(out).active
    assert page.cell(2, 1).value == "0012010001"
    assert page.cell(2, 3).value == "=1+2" and page.cell(2, 3).data_type == "s"
    assert "公式" in page.cell(2, 4).value


def test_a_refusal_of_the_whole_sheet_stands_on_the_header(tmp_path):
    source = tmp_path / "rules.csv"
    source.write_text("编码,名称\nHJ01,庭院整洁\n", encoding="utf-8")
    out = tmp_path / "report.xlsx"
    assert write_report(source, refusal_of(source), out) == 1
    assert "表头缺少列" in load_workbook(out).active.cell(1, 3).value


def test_the_report_never_overwrites_the_sheet_nor_writes_csv(tmp_path):
    source = tmp_path / "rules.xlsx"
    book = Workbook()
    book.active.append(["编码"])
    book.save(source)
    before = source.read_bytes()
    for out in (source, tmp_path / "report.csv"):
        with pytest.raises(Refused):
            write_report(source, Refused("x"), out)
    assert source.read_bytes() == before and not (tmp_path / "report.csv").exists()
