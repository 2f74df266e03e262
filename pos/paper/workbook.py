"""The county report as an xlsx workbook: a cover sheet, then one sheet per view.

Each view has a title line, a bold header row, its rows and a bold total row; money (kept in
fen by the report) is written in yuan as exact decimals with two places. Titles, headers and
the report's own labels are msgids, written in the language `translate` gives; names, codes
and numbers are data and written as they are.

Names and notes come from the stations, so every text cell is written as text, never as a
formula (`append`): a donor named `=HYPERLINK(...)` reads as that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from catalog.messages import N_, Message, Translate, shown
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


def write_workbook(report: CountyReport, path: Path, translate: Translate = str) -> None:
    book = Workbook()
    cover = book.active
    cover.title = translate(N_("说明"))
    lines = [
        (Message(N_("{county}爱心超市积分报表"), county=report.name), ""),
        (Message(N_("县代码")), report.county),
        (Message(N_("月份")), report.month),
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
    for sheet in report.sheets:
        _sheet(book, report, sheet, translate)
    with files.output(path) as partial:  # whole or not at all; a fault is a refusal
        book.save(partial)


def _sheet(book: Workbook, report: CountyReport, sheet: Sheet, translate: Translate) -> None:
    title = translate(sheet.title)
    page = book.create_sheet(title)
    append(page, [f"{report.name} {report.month} {title}"])
    page["A1"].font = Font(bold=True, size=12)
    headers = [translate(h) for h in sheet.headers]
    append(page, headers)
    for cell in page[2]:
        cell.font, cell.fill = BOLD, HEAD
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    rows = [[_value(v, i in sheet.money, translate) for i, v in enumerate(r)] for r in sheet.rows]
    for row in rows:
        append(page, row)
    if not rows:
        append(page, [translate(NONE)])
    elif sheet.totals:
        append(page, [_value(v, i in sheet.money, translate) for i, v in enumerate(sheet.total)])
        for cell in page[page.max_row]:
            cell.font = BOLD
    for index in sheet.money:
        for cell in page[get_column_letter(index + 1)][2:]:
            cell.number_format = YUAN
    for index, header in enumerate(headers, start=1):
        values = [header, *(str(r[index - 1]) for r in rows[:200])]
        width = max(sum(2 if ord(ch) > 127 else 1 for ch in v) for v in values)
        page.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
    page.freeze_panes = "A3"


def _value(value: object, money: bool, translate: Translate) -> object:
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
