"""A posting's public list (公示名单, docs/design.md §4.12): for the village's notice board.

Village, month, the posting period, each household's lines and total, where objections go,
and signature lines for the village committee and the work team — as an A4 PDF
(`pos.paper.a4`, text a reader can search) or as an xlsx workbook, every text written as text
(`pos.paper.workbook.append`), never as a formula. Texts are rendered in the reader's
language by `translate`; names, codes and numbers are data.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from catalog.messages import N_, Message, Refused, Translate
from db.books.postings import STANDING_NAMES, PostingDetail
from db.store import files
from pos.paper.a4 import Column, Document
from pos.paper.workbook import append

TITLE = N_("{village} {month} 积分公示")
PERIOD = N_("公示期：{start} 至 {until}（{days} 天），公示编号 {number}")
CONTACT = N_(
    "对以上积分如有异议，请在公示期内向村委会或{station}（经办人 {operator}）提出，"
    "写明农户和理由；期满无异议的积分入账。"
)
HEADERS = (
    N_("户号"),
    N_("户主"),
    N_("积分项目"),
    N_("数量"),
    N_("积分"),
    N_("本户合计"),
    N_("异议"),
)
SIGNATURES = (N_("村委会（盖章）："), N_("驻村工作队："), N_("日期："))
TOTAL = N_("合计：{households} 户，{points} 分")


def _rows(detail: PostingDetail, translate: Translate) -> list[list[object]]:
    rows: list[list[object]] = []
    for household in detail.households:
        standing = translate(STANDING_NAMES[household.standing]) if household.standing else ""
        for n, line in enumerate(household.lines):
            first = n == 0
            rows.append(
                [
                    household.number if first else "",
                    household.head_name if first else "",
                    f"{line.task_name} {line.note}".strip(),
                    line.qty,
                    line.points,
                    household.total if first else "",
                    standing if first else "",
                ]
            )
    return rows


def _texts(detail: PostingDetail, translate: Translate) -> tuple[str, str, str, str]:
    p = detail.posting
    title = Message(TITLE, village=p.village_name, month=p.month).render(translate)
    period = Message(PERIOD, start=p.start, until=p.until, days=p.days, number=p.number).render(
        translate
    )
    contact = Message(CONTACT, station=detail.station, operator=detail.operator).render(translate)
    total = Message(TOTAL, households=p.households, points=p.points).render(translate)
    return title, period, contact, total


def write_pdf(detail: PostingDetail, path: Path, translate: Translate = str) -> Path:
    title, period, contact, total = _texts(detail, translate)
    document = Document(title)
    document.heading(title)
    document.line(period, align="C")
    document.space()
    weights = (1.6, 1.2, 2.6, 0.7, 0.8, 1.0, 1.4)
    aligns = ("L", "L", "L", "R", "R", "R", "L")
    columns = [Column(translate(h), w, a) for h, w, a in zip(HEADERS, weights, aligns, strict=True)]
    document.table(columns, _rows(detail, translate))
    document.line(total, bold=True)
    document.space()
    document.line(contact)
    document.signatures([translate(s) for s in SIGNATURES])
    document.footer(f"{title}  {detail.posting.number}")
    return document.save(path)


def write_xlsx(detail: PostingDetail, path: Path, translate: Translate = str) -> Path:
    title, period, contact, total = _texts(detail, translate)
    book = Workbook()
    page = book.active
    page.title = detail.posting.number
    append(page, [title])
    page["A1"].font = Font(bold=True, size=14)
    append(page, [period])
    append(page, [])
    append(page, [translate(h) for h in HEADERS])
    for cell in page[page.max_row]:
        cell.font = Font(bold=True)
    for row in _rows(detail, translate):
        append(page, row)
    append(page, [total])
    append(page, [contact])
    append(page, [])
    append(page, [translate(s) for s in SIGNATURES])
    for column, width in zip("ABCDEFG", (14, 10, 28, 6, 8, 10, 16), strict=True):
        page.column_dimensions[column].width = width
    with files.output(path) as partial:
        book.save(partial)
    return path


def write(detail: PostingDetail, path: Path, translate: Translate = str) -> Path:
    """The public list as PDF or xlsx, by the name's ending."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return write_pdf(detail, path, translate)
    if suffix == ".xlsx":
        return write_xlsx(detail, path, translate)
    raise Refused("公示名单只能写成 .pdf 或 .xlsx，而不是 {path}", path=path.name)
