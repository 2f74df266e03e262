"""Reading .xlsx sheets anyone can hand in: formulas, claimed sizes, zip bombs, crafted XML.

Each hostile workbook is built by hand (tests/unit/catalog/xlsx_files.py) or with openpyxl,
and must be refused, or read, in well under a second.
"""

from __future__ import annotations

import struct
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from catalog import xlsx
from catalog.messages import STOP_AFTER, Refused, SheetRefused
from catalog.tabular import Bounds, read_rows
from db.books import awards
from tests.unit.catalog import xlsx_files as xf
from tests.unit.catalog.xlsx_files import formula, header, number, row, sheet, text

SHEET = awards.SHEET_COLUMNS
NEEDED = ("household", "task")
FORMULA = "请粘贴为数值"


def award_sheet(tmp_path, *rows: str, before: str = "", after: str = "", **parts):
    part = sheet(header("户号", "项目编码", "数量"), *rows, before=before, after=after)
    return xf.write(tmp_path / "s.xlsx", part, **parts)


def refusal(path, **bounds) -> Refused:
    with pytest.raises(Refused) as refused:
        read_rows(path, SHEET, NEEDED, **bounds)
    return refused.value


# -- formulas ------------------------------------------------------------------------------


def test_a_formula_without_a_cached_value_is_refused_with_its_cell(tmp_path):
    """The attack: '=1+2' with no cached value was booked as quantity 1."""
    book = Workbook()
    book.active.append(["户号", "项目编码", "数量"])
    book.active.append(["1012010001", "HJ02", "=1+2"])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(SheetRefused) as refused:
        awards.read_sheet(tmp_path / "s.xlsx")
    [(line, problem)] = refused.value.problems
    assert (line, problem.fields["columns"]) == (2, ("C",))
    assert FORMULA in str(refused.value)


def test_a_formula_with_a_cached_value_is_refused_too(tmp_path):
    path = award_sheet(
        tmp_path,
        row(2, text("A2", "1012010001"), text("B2", "HJ02"), formula("C2", "1+2", 3)),
        row(3, text("A3", "1012010002"), formula("B3", '"HJ"&"02"', "HJ02"), number("C3", 1)),
    )
    problems = refusal(path).problems
    assert [(n, p.fields["columns"]) for n, p in problems] == [(2, ("C",)), (3, ("B",))]


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="C2"><f t="shared" ref="C2:C3" si="0">1+2</f><v>3</v></c>',
        '<c r="C2"><f t="array" ref="C2">SUM(1,2)</f><v>3</v></c>',
        '<c r="C2" t="str"><f>"1"</f><v>1</v></c>',
        '<c r="C2"><f/><v>3</v></c>',  # an empty formula: openpyxl reads it as "="
        '<c r="C2"><x:f xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "1</x:f></c>",
    ],
    ids=["shared", "array", "text", "empty", "prefixed"],
)
def test_every_kind_of_formula_is_refused(tmp_path, cell):
    path = award_sheet(tmp_path, row(2, text("A2", "1012010001"), text("B2", "HJ02"), cell))
    assert FORMULA in str(refusal(path))


def test_a_formula_in_the_header_or_right_of_it_is_refused(tmp_path):
    path = xf.write(
        tmp_path / "s.xlsx",
        sheet(row(1, text("A1", "户号"), formula("B1", '"项目编码"', "项目编码"))),
    )
    assert refusal(path).problems[0][0] == 1
    path = award_sheet(tmp_path, row(2, text("A2", "1"), text("B2", "HJ02"), formula("Z2", "1")))
    assert refusal(path).problems[0][1].fields["columns"] == ("Z",)


def test_formulas_on_another_sheet_do_not_matter(tmp_path):
    first = sheet(header("户号", "项目编码"), row(2, text("A2", "1012010001"), text("B2", "HJ02")))
    summary = sheet(row(1, formula("A1", "COUNTA(S1!A:A)", 2)))
    rows = read_rows(xf.write(tmp_path / "s.xlsx", first, summary), SHEET, NEEDED)
    assert [r.values for r in rows] == [{"household": "1012010001", "task": "HJ02"}]


def test_the_first_sheet_is_the_first_tab_whatever_its_part_is_called(tmp_path):
    first = sheet(header("户号", "项目编码"), row(2, text("A2", "1"), formula("B2", "1")))
    other = sheet(header("户号", "项目编码"), row(2, text("A2", "2"), text("B2", "HJ02")))
    path = xf.write(
        tmp_path / "s.xlsx", first, other, names=("worksheets/sheet9.xml", "worksheets/sheet1.xml")
    )
    assert FORMULA in str(refusal(path))


def test_a_workbook_that_hides_its_first_sheet_from_the_scan_is_still_checked(tmp_path):
    """Without the package's rels the scan cannot tell the first sheet; openpyxl finds it by
    the content types, and the sheet is checked once openpyxl has named it."""
    path = award_sheet(tmp_path, row(2, text("A2", "1"), text("B2", "HJ02"), formula("C2", "1")))
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(plain, "w") as target:
        for name in source.namelist():
            if name != "_rels/.rels":
                target.writestr(name, source.read(name))
    assert FORMULA in str(refusal(plain))
    far = award_sheet(tmp_path, row(20_000, number("A20000", 1)))
    with zipfile.ZipFile(far) as source, zipfile.ZipFile(plain, "w") as target:
        for name in source.namelist():
            if name != "_rels/.rels":
                target.writestr(name, source.read(name))
    assert refusal(plain).fields["line"] == 20_000


def test_a_sheet_of_formulas_is_refused_after_the_first_few_hundred(tmp_path):
    rows = [row(n, text(f"A{n}", "1"), formula(f"B{n}", "1")) for n in range(2, 5002)]
    refused = refusal(award_sheet(tmp_path, *rows))
    assert len(refused.problems) == STOP_AFTER and refused.stopped_at == STOP_AFTER + 2
    assert len(str(refused)) < 2000


# -- sizes the file claims, and sizes it has ------------------------------------------------


def test_a_single_cell_at_xfd1048576_is_refused_at_once(tmp_path):
    """The attack: 5 KB, 31 s, then all memory."""
    for before in ("", '<dimension ref="A1:XFD1048576"/>'):
        path = award_sheet(tmp_path, row(1048576, number("XFD1048576", 1)), before=before)
        started = time.process_time()
        refused = refusal(path)
        assert time.process_time() - started < 1
        assert refused.fields == {"most": Bounds().rows, "line": 1048576}


def test_a_claimed_dimension_is_not_materialised(tmp_path):
    far = row(5000, number("XFD5000", 1))
    path = xf.write(
        tmp_path / "s.xlsx",
        sheet(
            header("户号", "项目编码"),
            row(2, text("A2", "1012010001"), text("B2", "HJ02"), number("XFD2", 7)),
            far,
            before='<dimension ref="A1:XFD1048576"/>',
        ),
    )
    started = time.process_time()
    rows = read_rows(path, SHEET, NEEDED)
    assert time.process_time() - started < 1
    assert [(r.line, r.values) for r in rows] == [(2, {"household": "1012010001", "task": "HJ02"})]


def test_blank_formatted_rows_below_the_bound_are_not_read(tmp_path):
    blank = "".join(f'<row r="{n}" s="1" customFormat="1"/>' for n in range(3, 50_000))
    path = award_sheet(tmp_path, row(2, text("A2", "1012010001"), text("B2", "HJ02")), blank)
    assert len(read_rows(path, SHEET, NEEDED)) == 1


def test_a_row_of_a_hundred_thousand_cells_is_refused(tmp_path):
    cells = "<c><v>1</v></c>" * 100_000
    path = award_sheet(tmp_path, f'<row r="2">{cells}</row>')
    started = time.process_time()
    refused = refusal(path)
    assert time.process_time() - started < 1
    assert refused.fields == {"line": 2, "most": xlsx.ROW_ELEMENTS}


def test_a_hundred_thousand_row_sheet_is_refused_in_a_moment(tmp_path):
    """The attack: a refused 100,000-row sheet took 119 s and printed 5.6 MB of reasons."""
    rows = [
        row(n, text(f"A{n}", f"X{n}"), text(f"B{n}", "HJ01"), number(f"C{n}", 1))
        for n in range(2, 100_002)
    ]
    path = award_sheet(tmp_path, *rows)
    started = time.process_time()
    with pytest.raises(Refused) as refused:
        awards.read_sheet(path)
    assert time.process_time() - started < 5  # 0.1 s on a quiet PC
    assert str(refused.value) == (
        "表格最多 10000 行（不算表头），第 10002 行还有内容：请分成几个文件，或删掉多余的行"
    )


def test_a_caller_sets_its_own_bound(tmp_path):
    rows = [row(n, text(f"A{n}", f"X{n}"), text(f"B{n}", "HJ01")) for n in range(2, 30)]
    path = award_sheet(tmp_path, *rows)
    assert len(read_rows(path, SHEET, NEEDED, max_rows=28)) == 28
    assert refusal(path, max_rows=27).fields["line"] == 29


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path):
    bomb = sheet(header("户号", "项目编码"), after="<x>" + " " * (3 << 20) + "</x>")
    path = xf.write(tmp_path / "s.xlsx", bomb)
    assert path.stat().st_size < 20_000
    started = time.process_time()
    refused = refusal(path, max_rows=100)
    assert time.process_time() - started < 0.5
    assert refused.fields == {"name": "s.xlsx", "size": 3.0, "most": 1.2}


def test_a_part_that_declares_less_than_it_holds_is_refused(tmp_path):
    """zipfile stops at the declared size; what it reads then fails its checksum."""
    path = award_sheet(tmp_path, row(2, text("A2", "1012010001"), text("B2", "HJ02")))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = next(i for i in _all(data, b"PK\x03\x04") if data[i + 30 :].startswith(name))
    central = next(i for i in _all(data, b"PK\x01\x02") if data[i + 46 :].startswith(name))
    data[local + 22 : local + 26] = struct.pack("<I", 100)  # the uncompressed size, twice
    data[central + 24 : central + 28] = struct.pack("<I", 100)
    path.write_bytes(bytes(data))
    assert "不是有效的 .xlsx 文件" in str(refusal(path))


def _all(data: bytes, marker: bytes):
    at = data.find(marker)
    while at >= 0:
        yield at
        at = data.find(marker, at + 1)


def test_too_many_shared_strings_are_refused_before_openpyxl_reads_them(tmp_path):
    many = "<si><t>a</t></si>" * 20_000
    strings = f'{xf.HEAD}<sst xmlns="{xf.MAIN}" count="20000">{many}</sst>'
    path = award_sheet(tmp_path, strings=strings)
    assert "不是有效的 .xlsx 文件" in str(refusal(path, max_rows=10))


@pytest.mark.parametrize(
    "part",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{xf.MAIN}"><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t>'
        "</is></c></row></sheetData></worksheet>",
        f'<worksheet xmlns="{xf.MAIN}"><sheetData>' + "<x>" * 100 + "</x>" * 100 + "</sheetData>"
        "</worksheet>",
        sheet(row(5, text("A5", "户号")), row(3, text("A3", "户号"))),  # rows out of order
        sheet(row(1, text("A1", "户号")), '<row r="1048577"><c><v>1</v></c></row>'),
        sheet(row(1, text("1A", "户号"))),  # a cell reference openpyxl cannot read
        sheet(row(1, text("A1", "户号"), "<c><v>1</v>"), "</row>"),  # not XML
        sheet(header("户号"), after="<x>" + "x" * (2 << 20) + "</x>"),
        sheet(header("户号"), after=f'<x y="{"y" * (2 << 20)}"/>'),
        sheet(header("户号"), after="<x " + " " * (2 << 20)),
    ],
    ids=[
        "entities",
        "nesting",
        "rows out of order",
        "past Excel's last row",
        "bad ref",
        "bad",
        "long text",
        "long tag",
        "endless tag",
    ],
)
def test_crafted_xml_is_refused(tmp_path, part):
    path = xf.write(tmp_path / "s.xlsx", part)
    assert "不是有效的 .xlsx 文件" in str(refusal(path))


def test_elements_openpyxl_would_keep_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "ELEMENTS", 1000)
    path = xf.write(tmp_path / "s.xlsx", sheet(header("户号"), after="<x/>" * 1000))
    assert "不是有效的 .xlsx 文件" in str(refusal(path))


def test_a_damaged_or_foreign_file_is_refused(tmp_path):
    bad = tmp_path / "x.xlsx"
    for data in (b"not a zip", b"PK\x03\x04" + b"\0" * 100, b""):
        bad.write_bytes(data)
        assert "不是有效的 .xlsx 文件" in str(refusal(bad))
    bad.write_bytes(xlsx.OLE + b"\0" * 504)  # an old .xls, or a workbook with a password
    assert "旧的 .xls 格式，或设了打开密码" in str(refusal(bad))
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "不是有效的 .xlsx 文件" in str(refusal(bad))


def test_reading_stops_at_the_time_bound(tmp_path, monkeypatch):
    path = award_sheet(tmp_path, row(2, text("A2", "1"), text("B2", "HJ02")))
    monkeypatch.setattr(Bounds, "seconds", property(lambda self: -1))
    assert "秒还没有读完 s.xlsx" in str(refusal(path))


# -- what is read ---------------------------------------------------------------------------


def test_cells_read_as_a_person_sees_them(tmp_path):
    book = Workbook()
    book.active.append(["户号", "项目编码", "数量", "备注"])
    book.active.append([1012010001, "HJ02", 3.0, 0.1 + 0.2])
    book.active.append(["1012010002", "HJ02", 2.5, True])
    book.active.append(["1012010003", "HJ02", 2.9999999999999996, "  有空格  "])
    book.save(tmp_path / "s.xlsx")
    lines = awards.read_sheet(tmp_path / "s.xlsx")
    assert [(x.household, x.qty, x.note) for x in lines] == [
        ("1012010001", "3", "0.3"),
        ("1012010002", "2.5", "True"),  # 2.5 is refused as a quantity, never truncated
        ("1012010003", "3", "有空格"),
    ]
    with pytest.raises(Refused, match="数量应为 1 到 1000 的整数，而不是“2.5”"):
        awards._quantity(lines[1].qty)


def test_a_number_excel_has_rounded_is_refused(tmp_path):
    """An ID number typed as a number keeps 15 digits; the 3 after them are lost."""
    book = Workbook()
    book.active.append(["户号", "项目编码", "数量"])
    book.active.append(["1012010001", "HJ02", 451425198001011234])
    book.active["C2"].value = 451425198001011234.0
    book.save(tmp_path / "s.xlsx")
    [(line, problem)] = refusal(tmp_path / "s.xlsx").problems
    assert (line, problem.fields["column"]) == (2, "C")


def test_a_workbook_as_wps_writes_it(tmp_path):
    """WPS and other programs write plain OOXML, with a prefix on the main namespace, the
    markup-compatibility attributes, shared strings, rows and cells without references."""
    x = xf.MAIN
    strings = (
        f'{xf.HEAD}<x:sst xmlns:x="{x}" count="4" uniqueCount="4"><x:si><x:t>户号</x:t></x:si>'
        "<x:si><x:t>项目编码</x:t></x:si><x:si><x:r><x:t>备</x:t></x:r><x:r><x:t>注</x:t>"
        '</x:r></x:si><x:si><x:t xml:space="preserve"> 扫街 </x:t></x:si></x:sst>'
    )
    part = (
        f'{xf.HEAD}<x:worksheet xmlns:x="{x}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'mc:Ignorable="x14ac"><x:dimension ref="A1:C3"/><x:sheetViews><x:sheetView '
        'workbookViewId="0"/></x:sheetViews><x:sheetData>'
        '<x:row r="1" spans="1:3" x14ac:dyDescent="0.2"><x:c r="A1" t="s"><x:v>0</x:v></x:c>'
        '<x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c></x:row>'
        '<x:row><x:c t="str"><x:v>1012010001</x:v></x:c><x:c t="inlineStr"><x:is><x:t>HJ02'
        '</x:t></x:is></x:c><x:c t="s"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    custom = (
        f'{xf.HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        'name="KSOProductBuildVer"><vt:lpwstr>2052-11.1.0.14309</vt:lpwstr></property>'
        "</Properties>"
    )
    path = xf.write(
        tmp_path / "wps.xlsx",
        part,
        strings=strings,
        extra={"docProps/custom.xml": custom, "xl/media/image1.png": b"\x89PNG\r\n\x1a\n" * 10},
    )
    lines = awards.read_sheet(path)
    assert [(x.household, x.task, x.note, x.line) for x in lines] == [
        ("1012010001", "HJ02", "扫街", 2)
    ]


def test_openpyxl_still_names_the_part_it_reads(tmp_path):
    """`xlsx.sheet_part` reads a private attribute of openpyxl's read-only sheet."""
    first = sheet(header("户号"))
    path = xf.write(tmp_path / "s.xlsx", first, first, names=("a/x.xml", "worksheets/y.xml"))
    book = load_workbook(path, read_only=True)
    assert xlsx.sheet_part(book.worksheets[0]) == "xl/a/x.xml"
    book.close()
