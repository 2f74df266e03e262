"""A refused sheet written back with its problems, so the office fixes it where it is.

Every import (places, the rules sheet, goods, households, award sheets) is all-or-nothing and
names every bad row (`SheetRefused`). With `--report FILE.xlsx` the command also writes the
sheet back as it was read — every line where it stood, so line 7 is still line 7 — with one
more column, 问题, holding on each bad line why it was refused, in the operator's language.
A refusal of the whole sheet (a column missing from the header) is written on the header line.
This is the one place that does it: every import command calls `write_report`.
"""

from __future__ import annotations

import os
from pathlib import Path

from catalog.messages import N_, Message, Refused, SheetRefused, Translate
from catalog.tabular import MAX_ROWS, read_table

QUESTION = N_("问题")
HEADER_LINE = 1


def problems_by_line(refused: Refused) -> dict[int, Refused]:
    """The refusal of each bad line; a refusal of the whole sheet stands on the header line."""
    if isinstance(refused, SheetRefused):
        found = {line: problem for line, problem in refused.problems}
        if refused.stopped_at is not None:  # the lines after it were not looked at
            stopped = Message(N_("检查到这一行已有太多问题，后面的行没有再查"))
            found.setdefault(refused.stopped_at, Refused(stopped))
        return found
    return {HEADER_LINE: refused}


def write_report(
    source: str | Path,
    refused: Refused,
    out: str | Path,
    translate: Translate = str,
    *,
    max_rows: int = MAX_ROWS,
) -> int:
    """Write the sheet at `source` to the .xlsx `out` with a 问题 column on each line that
    `refused` names; returns how many lines have a problem written beside them.

    Refuses an `out` that is not .xlsx or is `source` itself (the office's own sheet is never
    overwritten), and a `source` that cannot be read at all (then there is nothing to write
    back: the refusal itself says what is wrong)."""
    target, sheet = Path(out), Path(source)
    if target.suffix.lower() != ".xlsx":
        raise Refused("问题表只能写成 .xlsx 文件，而不是 {name}", name=target.name)
    if target.exists() and sheet.exists() and target.resolve() == sheet.resolve():
        raise Refused("问题表不能写在原表 {name} 上：请换一个文件名", name=target.name)
    lines = list(read_table(sheet, max_rows=max_rows, strict=False))
    width = max((len(cells) for _, cells in lines), default=0)
    header = next((line for line, cells in lines if any(cells)), HEADER_LINE)
    problems = problems_by_line(refused)
    if not isinstance(refused, SheetRefused):
        problems = {header: refused}

    from openpyxl import Workbook  # openpyxl loads slowly: only when a report is written
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    page = book.active
    page.title = sheet.stem[:31] or "sheet"
    for line, cells in lines:
        for column, cell in enumerate(cells, 1):
            if cell:
                # As text, never a number or a formula: codes keep their leading zeros and an
                # ID number its 18 digits; a formula the office wrote comes back as its text.
                page.cell(line, column, cell).number_format = "@"
                if cell.startswith("="):
                    page.cell(line, column).data_type = "s"
    column = width + 1
    title = page.cell(header, column, translate(QUESTION))
    title.font = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="FFE0E0")
    for line, problem in problems.items():
        cell = page.cell(line, column, problem.render(translate))
        cell.font = Font(color="C00000")
        for at in range(1, column + 1):
            page.cell(line, at).fill = fill
    page.column_dimensions[page.cell(header, column).column_letter].width = 60
    page.freeze_panes = page.cell(header + 1, 1)
    partial = target.with_name(target.name + ".partial")
    try:
        book.save(partial)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return len(problems)
