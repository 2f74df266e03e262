"""The county report as an xlsx workbook: a cover sheet, the monthly trend with its charts,
then one sheet per view.

Each view has a title line, a bold header row, its rows and a bold total row; money (kept in
fen by the report) is written in yuan as exact decimals with two places. Titles, headers and
the report's own labels are msgids, written in the language `translate` gives; names, codes
and numbers are data and written as they are. When the report carries the month before
(`county_report(..., for_print=True)`), each figure has the same figure of that month in
the column beside it, matched by the row's names (a row the month before lacked is blank).

Every sheet prints on A4 landscape, as wide as the page, with its title and header rows
repeated on each page and the page number in the footer.

Names and notes come from the stations, so every text cell is written as text, never as a
formula (`append`): a donor named `=HYPERLINK(...)` reads as that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from catalog.messages import N_, Message, Translate, shown
from db.county.province import ProvinceReport
from db.county.report import CountyReport, yuan
from db.county.report_views import NONE, Sheet
from db.store import files

HEAD = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
YUAN = "#,##0.00"
# What a cell cannot hold: XML 1.0 has no other control characters than tab and newline, nor
# U+FFFE, U+FFFF or half a surrogate pair (openpyxl raises on some, Excel refuses the file for
# the others). A CR is read back as a newline whatever is written, so it is written as one.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Text that Excel, WPS or LibreOffice take for a formula when it is typed, pasted or edited
# (OWASP's list of leading characters), also after leading spaces; and tab or CR anywhere.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
NOTES = (
    N_("积分按条目所记的时间归月；月末余额 = 现在的余额减去该月之后记的积分。"),
    N_("受益人次为兑换单张数；获分户数、兑换户数按户计，一户在一个村只算一次。"),
    N_("库存价值按县目录的积分价计算，折合金额按本县每分折合的金额计算。"),
    N_("“未报站点”列出本月底前已登记、但本月月报还没有并入县里的站点。"),
    N_("“透支户”是月末余额为负的农户：多个站点在更新送达之前兑换了同一份积分。"),
)


PROVINCE_NOTE = N_(
    "每县一行，是该县月报同一视图的合计行；最后一行是各县之和。金额按各县自己的每分折合计算。"
)


def write_workbook(report: CountyReport, path: Path, translate: Translate = str) -> None:
    book = Workbook()
    cover = book.active
    cover.title = translate(N_("说明"))
    lines = [
        (Message(N_("{county}爱心超市积分报表"), county=report.name), ""),
        (Message(N_("县代码")), report.county),
        (Message(N_("月份")), report.month),
        *([(Message(N_("上月")), report.previous_month)] if report.previous_month else []),
        (Message(N_("制表时间")), report.made),
        (Message(N_("每分折合")), Message(N_("{yuan} 元"), yuan=yuan(report.fen_per_point))),
        ("", ""),
        *((Message(N_("说明")), Message(note)) for note in NOTES),
    ]
    for row in lines:
        append(cover, [shown(cell, translate) for cell in row])
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 12
    cover.column_dimensions["B"].width = 90
    _print_setup(cover, titles=None)
    if report.trend is not None:
        _trend(book, report, report.trend, translate)
    heading = f"{report.name} {report.month}"
    for sheet in report.sheets:
        _sheet(book, heading, sheet, report.previous_sheet(sheet.title), translate)
    with files.output(path) as partial:  # whole or not at all; a fault is a refusal
        book.save(partial)


def _sheet(
    book: Workbook, heading: str, sheet: Sheet, before: Sheet | None, translate: Translate
) -> Worksheet:
    """One view on its own page: `heading` (who and which month) before its title; each
    figure beside the same figure of `before`, the month before, when given."""
    title = translate(sheet.title)
    page = book.create_sheet(title)
    append(page, [f"{heading} {title}"])
    page["A1"].font = Font(bold=True, size=12)
    before = before if sheet.totals else None
    columns = _columns(sheet, before)
    headers = [
        translate(sheet.headers[i])
        if not last
        else shown(Message(N_("上月{header}"), header=Message(sheet.headers[i])), translate)
        for i, last in columns
    ]
    append(page, headers)
    for cell in page[2]:
        cell.font, cell.fill = BOLD, HEAD
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    earlier = {_key(r, sheet.keys): r for r in before.rows} if before else {}

    def line(row: list, last: list | None) -> list:
        return [
            _value(
                (last[i] if last is not None else None) if was else row[i],
                i in sheet.money,
                translate,
            )
            for i, was in columns
        ]

    rows = [line(r, earlier.get(_key(r, sheet.keys))) for r in sheet.rows]
    for row in rows:
        append(page, row)
    if not rows:
        append(page, [translate(NONE)])
    elif sheet.totals:
        append(page, line(sheet.total, before.total if before else None))
        for cell in page[page.max_row]:
            cell.font = BOLD
    for index, (source, _last) in enumerate(columns, start=1):
        if source in sheet.money:
            for cell in page[get_column_letter(index)][2:]:
                cell.number_format = YUAN
    _widths(page, headers, rows)
    page.freeze_panes = "A3"
    _print_setup(page, titles="1:2")
    return page


def write_province_workbook(report: ProvinceReport, path: Path, translate: Translate = str) -> None:
    """The province report: a cover naming the counties, then one sheet per view, a county
    a row and the province's total last."""
    book = Workbook()
    cover = book.active
    cover.title = translate(N_("说明"))
    lines = [
        (Message(N_("各县爱心超市积分报表按县汇总")), ""),
        (Message(N_("月份")), report.month),
        (Message(N_("制表时间")), report.made),
        *((Message(N_("县")), f"{c.county} {c.name}") for c in report.counties),
        ("", ""),
        (Message(N_("说明")), Message(PROVINCE_NOTE)),
        *((Message(N_("说明")), Message(note)) for note in NOTES),
    ]
    for row in lines:
        append(cover, [shown(cell, translate) for cell in row])
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 12
    cover.column_dimensions["B"].width = 90
    _print_setup(cover, titles=None)
    heading = shown(Message(N_("按县汇总 {month}"), month=report.month), translate)
    for sheet in report.sheets:
        _sheet(book, heading, sheet, None, translate)
    with files.output(path) as partial:  # whole or not at all; a fault is a refusal
        book.save(partial)


def _columns(sheet: Sheet, before: Sheet | None) -> list[tuple[int, bool]]:
    """(the view's column, whether it is the month before's) in the order written: each
    figure followed by the same figure the month before, when there is a month before."""
    columns: list[tuple[int, bool]] = []
    for i in range(len(sheet.headers)):
        columns.append((i, False))
        if before is not None and i >= sheet.keys and _figures(sheet, before, i):
            columns.append((i, True))
    return columns


def _figures(sheet: Sheet, before: Sheet, index: int) -> bool:
    """Whether column `index` holds numbers (in either month)."""
    values = [r[index] for r in (*sheet.rows, *before.rows)]
    return bool(values) and all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _key(row: list, keys: int) -> tuple:
    return tuple(str(shown(v)) for v in row[:keys])


def _trend(book: Workbook, report: CountyReport, trend: Sheet, translate: Translate) -> None:
    """The last twelve months' main figures, and two charts of them: points, and people."""
    page = _sheet(book, f"{report.name} {report.month}", trend, None, translate)
    first, last = 3, 2 + len(trend.rows)
    months = Reference(page, min_col=1, min_row=first, max_row=last)
    points = LineChart()
    points.title = translate(N_("每月积分"))
    points.y_axis.title = translate(N_("分"))
    points.add_data(
        Reference(page, min_col=2, max_col=4, min_row=2, max_row=last), titles_from_data=True
    )
    points.set_categories(months)
    people = BarChart()
    people.title = translate(N_("每月获分户数、兑换户数和受益人次"))
    people.add_data(
        Reference(page, min_col=6, max_col=8, min_row=2, max_row=last), titles_from_data=True
    )
    people.set_categories(months)
    for chart, anchor in ((points, "J2"), (people, "J18")):
        chart.width, chart.height = 18, 7.5
        page.add_chart(chart, anchor)


def _widths(page: Worksheet, headers: list, rows: list[list]) -> None:
    for index, header in enumerate(headers, start=1):
        values = [str(header), *(str(r[index - 1]) for r in rows[:200])]
        width = max(sum(2 if ord(ch) > 127 else 1 for ch in v) for v in values)
        page.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)


def _print_setup(page: Worksheet, titles: str | None) -> None:
    """A4 landscape, the width of one page, `titles` (rows such as "1:2") on every page."""
    page.page_setup.orientation = "landscape"
    page.page_setup.paperSize = page.PAPERSIZE_A4
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0  # as many pages down as it takes
    page.sheet_properties.pageSetUpPr.fitToPage = True
    if titles:
        page.print_title_rows = titles
    page.oddFooter.center.text = "&P / &N"


def _value(value: object, money: bool, translate: Translate) -> object:
    if value is None:
        return None
    if money and isinstance(value, int):
        return yuan(value)
    return shown(value, translate)


def append(page: Worksheet, values: Iterable[object]) -> None:
    """Add a row; every text in it is written as text (openpyxl writes text that begins with
    '=' as a formula), marked with Excel's quote prefix when it could be taken for one, so
    that it stays text when someone edits the cell."""
    page.append([_writable(v) if isinstance(v, str) else v for v in values])
    for cell in page[page.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            text = cell.value
            if text.lstrip(" ").startswith(FORMULA_START) or "\t" in text or "\n" in text:
                cell.quotePrefix = True


def _writable(text: str) -> str:
    return UNWRITABLE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
