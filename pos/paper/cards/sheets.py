"""Cards on A4 sheets: 2 × 5 cards a page, crop marks in the margins, written as a PDF.

The cards touch, so one straight cut serves two cards; every card keeps a white 2 mm edge
(see layout), so a cut a little off the line spoils nothing. The marks stand 2 mm clear of
the cards, in the margins only, so no mark ends up on a trimmed card. Each page goes to the
PDF as soon as it is drawn (see `pos.cards.pdf`), so memory stays flat however many
households a county has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from db.books.card_faces import CardFace
from pos.paper.cards.layout import CARD_SIZE, DPI, GREY, INK, WHITE, mm, render_card
from pos.paper.fonts import CardFonts
from pos.paper.pdf import PdfWriter

PAGE_SIZE = (mm(210), mm(297))  # A4: 2480 × 3508 px
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
MARK_GAP, MARK_LENGTH, MARK_WIDTH = mm(2), mm(6), 2

Progress = Callable[[int], None]
HEADING = "{county} {station} · 爱心积分卡 · 第 {number}/{total} 页"
HINT = "沿四边的裁切线裁开，塑封后发给农户。"
WORDS = HEADING.format(county="", station="", number=0, total=0) + HINT  # for the glyph check


def pages(faces: Sequence[CardFace]) -> Iterator[Sequence[CardFace]]:
    for start in range(0, len(faces), PER_PAGE):
        yield faces[start : start + PER_PAGE]


def origin() -> tuple[int, int]:
    """The top-left corner of the grid of cards, centred on the page."""
    width, height = CARD_SIZE
    return (PAGE_SIZE[0] - COLUMNS * width) // 2, (PAGE_SIZE[1] - ROWS * height) // 2


def draw_page(
    faces: Sequence[CardFace], fonts: CardFonts, number: int, total: int, progress: Progress
) -> Image.Image:
    page = Image.new("RGB", PAGE_SIZE, WHITE)
    left, top = origin()
    width, height = CARD_SIZE
    for n, face in enumerate(faces):
        row, column = divmod(n, COLUMNS)
        page.paste(render_card(face, fonts), (left + column * width, top + row * height))
        progress(1)
    draw = ImageDraw.Draw(page)
    used_columns = min(len(faces), COLUMNS)
    used_rows = -(-len(faces) // COLUMNS)
    _crop_marks(draw, left, top, used_columns, used_rows)
    label = fonts.font(mm(2.6))
    first = faces[0]
    heading = HEADING.format(county=first.county, station=first.station, number=number,
                             total=total)  # fmt: skip
    draw.text((left + mm(8), top - mm(5)), heading, font=label, fill=GREY, anchor="ls")
    draw.text((left + mm(8), top + used_rows * height + mm(8)), HINT, font=label, fill=GREY)
    return page


def _crop_marks(draw: ImageDraw.ImageDraw, left: int, top: int, columns: int, rows: int) -> None:
    width, height = CARD_SIZE
    right, bottom = left + columns * width, top + rows * height
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    for x in (left + c * width for c in range(columns + 1)):
        draw.line((x, top - far, x, top - near), fill=INK, width=MARK_WIDTH)
        draw.line((x, bottom + near, x, bottom + far), fill=INK, width=MARK_WIDTH)
    for y in (top + r * height for r in range(rows + 1)):
        draw.line((left - far, y, left - near, y), fill=INK, width=MARK_WIDTH)
        draw.line((right + near, y, right + far, y), fill=INK, width=MARK_WIDTH)


def write_pdf(faces: Sequence[CardFace], fonts: CardFonts, path: Path, progress: Progress) -> int:
    """Write the sheets to `path`; returns the number of pages."""
    sheets = list(pages(faces))
    with PdfWriter(path, dpi=DPI, title="爱心积分卡") as pdf:
        for number, sheet in enumerate(sheets, start=1):
            pdf.add(draw_page(sheet, fonts, number, len(sheets), progress))
    return len(sheets)


def write_png(face: CardFace, fonts: CardFonts, path: Path) -> None:
    render_card(face, fonts).save(path, "PNG", dpi=(DPI, DPI))
