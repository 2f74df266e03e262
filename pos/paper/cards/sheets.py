"""Cards on A4 sheets: 2 × 5 cards a page, crop marks in the margins, as a vector PDF (fpdf2).

The cards touch, so one straight cut serves two cards; every card keeps a white 2 mm edge
(see layout), so a cut a little off the line spoils nothing. The marks stand 2 mm clear of
the cards, in the margins only, so no mark ends up on a trimmed card.

The sheet is drawn on the same grid as the PNG card of `layout` (its 300 dpi pixels turned
into millimetres): the band, heart and rules as shapes, the words as text in an embedded
subset of the Chinese font (searchable, sharp on any printer), and each QR code as a 1-bit
image of its modules, one image pixel a module, which a PDF viewer or printer scales without
smoothing — so the modules keep their edges at any resolution. 1,000 cards take a few MB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from db.books.card_faces import CardFace
from pos.paper.cards import layout
from pos.paper.cards.layout import (
    BAND,
    CARD_SIZE,
    DPI,
    GOLD,
    GREY,
    INK,
    INSET,
    LEFT,
    NAME_LINE,
    QR_BORDER,
    RED,
    ROW_LABELS,
    ROW_LINES,
    RULE,
    TITLE,
    VALUE_LEFT,
    WHITE,
    mm,
    qr_matrix,
    qr_position,
)
from pos.paper.fonts import CardFonts, register

PAGE_SIZE = (mm(210), mm(297))  # A4: 2480 × 3508 px on the 300 dpi grid
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
MARK_GAP, MARK_LENGTH, MARK_WIDTH = mm(2), mm(6), 2
FAMILY = "cjk"

Progress = Callable[[int], None]
HEADING = "{county} {station} · 爱心积分卡 · 第 {number}/{total} 页"
HINT = "沿四边的裁切线裁开，塑封后发给农户。"
WORDS = HEADING.format(county="", station="", number=0, total=0) + HINT  # for the glyph check


def pages(faces: Sequence[CardFace]) -> Iterator[Sequence[CardFace]]:
    for start in range(0, len(faces), PER_PAGE):
        yield faces[start : start + PER_PAGE]


def origin() -> tuple[int, int]:
    """The top-left corner of the grid of cards, centred on the page (300 dpi pixels)."""
    width, height = CARD_SIZE
    return (PAGE_SIZE[0] - COLUMNS * width) // 2, (PAGE_SIZE[1] - ROWS * height) // 2


def u(px: float) -> float:
    """A length of the 300 dpi grid in millimetres."""
    return px * 25.4 / DPI


def pt(px: float) -> float:
    """A font size of the 300 dpi grid (em height in pixels) in points."""
    return px * 72 / DPI


class Sheet:
    """The PDF being drawn: one page a sheet of ten, the cards placed at (x, y) in mm."""

    def __init__(self, fonts: CardFonts) -> None:
        # A4 on the 300 dpi grid (595.2 × 841.9 pt), so a page rasterised at 300 dpi is the grid.
        pdf = FPDF(unit="mm", format=(u(PAGE_SIZE[0]), u(PAGE_SIZE[1])))
        pdf.set_auto_page_break(False)
        pdf.set_title(layout.TITLE)
        pdf.set_creator("aixin")
        register(pdf, fonts, FAMILY)
        self.pdf = pdf

    def font(self, size_px: float, *, bold: bool = False) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", pt(size_px))

    def colour(self, rgb: tuple[int, int, int]) -> None:
        self.pdf.set_fill_color(*rgb)
        self.pdf.set_text_color(*rgb)
        self.pdf.set_draw_color(*rgb)

    def text(self, x: float, y: float, text: str) -> None:
        self.pdf.text(x, y, text)

    def fit(self, text: str, size_px: float, width_px: float, *, bold: bool = False) -> str:
        """As `layout._fit`: the largest size down to 60 % that fits, then cut with an ellipsis;
        leaves that size set."""
        size, room = size_px, u(width_px)
        self.font(size, bold=bold)
        while self.pdf.get_string_width(text) > room and size > size_px * 0.6:
            size = int(size * 0.94)
            self.font(size, bold=bold)
        while self.pdf.get_string_width(text) > room and len(text) > 1:
            text = text[:-2] + "…"
        return text

    def card(self, face: CardFace, x: float, y: float) -> None:
        pdf = self.pdf
        width, height = CARD_SIZE
        # The band: rounded at the top only (a plain strip covers the lower corners), gold line.
        self.colour(RED)
        pdf.rect(x + u(INSET), y + u(INSET), u(width - 2 * INSET), u(BAND - INSET), "F",
                 round_corners=True, corner_radius=u(mm(2.2)))  # fmt: skip
        middle_px = (INSET + BAND) // 2
        pdf.rect(x + u(INSET), y + u(middle_px), u(width - 2 * INSET), u(BAND - middle_px), "F")
        self.colour(GOLD)
        pdf.rect(x + u(INSET), y + u(BAND), u(width - 2 * INSET), u(mm(0.7)), "F")
        self._heart(x + u(INSET + mm(3.2)), y + u((INSET + BAND) / 2), u(mm(6)))
        # Title and county on the band, centred on its middle line.
        self.colour(WHITE)
        middle = y + u(middle_px + mm(0.3))
        self.font(mm(5.6), bold=True)
        title_left = x + u(INSET + mm(10.6))
        self.text(title_left, middle + u(mm(5.6)) * 0.36, TITLE)
        right = x + u(width - LEFT)
        room = right - (title_left + pdf.get_string_width(TITLE) + u(mm(4)))
        county = self.fit(face.county, mm(3.6), room * DPI / 25.4)
        self.text(right - pdf.get_string_width(county), middle + u(mm(3.6)) * 0.36, county)
        # Labels, rule and footer in grey.
        self.colour(GREY)
        self.font(mm(2.6))
        self.text(x + u(LEFT), y + u(BAND + mm(6.2)), "户主")
        self.font(mm(2.7))
        for label, baseline in zip(ROW_LABELS, ROW_LINES, strict=True):
            self.text(x + u(LEFT), y + u(baseline), label)
        line = self.fit(layout.footer(face.station), mm(2.3), width - 2 * LEFT)
        self.text(x + u(LEFT), y + u(height - INSET - mm(1.6)), line)
        self.colour(RULE)
        rule = height - INSET - mm(5.2)
        pdf.rect(x + u(LEFT), y + u(rule), u(width - 2 * LEFT), u(1), "F")
        # The QR, then the name and the three values, kept out of its quiet zone.
        qr_left, qr_top = qr_position()
        matrix = qr_matrix(face.payload)
        side = len(matrix)
        module = u(layout.QR_MODULE)
        pdf.image(_bitmap(matrix), x=x + u(qr_left), y=y + u(qr_top), w=side * module,
                  h=side * module)  # fmt: skip
        column = qr_left - mm(1) - LEFT
        self.colour(INK)
        name = self.fit(face.head_name, mm(8), column, bold=True)
        self.text(x + u(LEFT), y + u(NAME_LINE), name)
        values = (face.household, f"{face.township}{face.village}",
                  f"{face.issued}（第 {face.serial} 张）")  # fmt: skip
        for n, (baseline, value) in enumerate(zip(ROW_LINES, values, strict=True)):
            value = self.fit(value, mm(3.4), column - (VALUE_LEFT - LEFT), bold=n == 0)
            self.text(x + u(VALUE_LEFT), y + u(baseline), value)

    def _heart(self, left: float, middle: float, size: float) -> None:
        """As `layout._heart`: two round lobes on a point, `size` wide."""
        r = size / 4
        top = middle - size * 0.42
        self.colour(WHITE)
        self.pdf.ellipse(left, top, 2 * r, 2 * r, "F")
        self.pdf.ellipse(left + 2 * r, top, 2 * r, 2 * r, "F")
        self.pdf.polygon(
            [(left + r / 7, top + r * 1.35), (left + 4 * r - r / 7, top + r * 1.35),
             (left + 2 * r, top + size * 0.86)],
            style="F",
        )  # fmt: skip

    def page(self, faces: Sequence[CardFace], number: int, total: int, progress: Progress) -> None:
        pdf = self.pdf
        pdf.add_page()
        left, top = origin()
        width, height = CARD_SIZE
        for n, face in enumerate(faces):
            row, column = divmod(n, COLUMNS)
            self.card(face, u(left + column * width), u(top + row * height))
            progress(1)
        used_columns = min(len(faces), COLUMNS)
        used_rows = -(-len(faces) // COLUMNS)
        self._crop_marks(left, top, used_columns, used_rows)
        self.colour(GREY)
        self.font(mm(2.6))
        first = faces[0]
        heading = HEADING.format(county=first.county, station=first.station, number=number,
                                 total=total)  # fmt: skip
        self.text(u(left + mm(8)), u(top - mm(5)), heading)
        self.text(u(left + mm(8)), u(top + used_rows * height + mm(8)) + u(mm(2.6)) * 0.8, HINT)

    def _crop_marks(self, left: int, top: int, columns: int, rows: int) -> None:
        pdf = self.pdf
        self.colour(INK)
        pdf.set_line_width(u(MARK_WIDTH))
        width, height = CARD_SIZE
        right, bottom = left + columns * width, top + rows * height
        near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
        for x in (left + c * width for c in range(columns + 1)):
            pdf.line(u(x), u(top - far), u(x), u(top - near))
            pdf.line(u(x), u(bottom + near), u(x), u(bottom + far))
        for y in (top + r * height for r in range(rows + 1)):
            pdf.line(u(left - far), u(y), u(left - near), u(y))
            pdf.line(u(right + near), u(y), u(right + far), u(y))


def _bitmap(matrix: list[list[bool]]) -> Image.Image:
    """The modules as a 1-bit image, quiet zone included: one pixel a module."""
    side = len(matrix)
    dots = bytes(0 if dark else 255 for row in matrix for dark in row)
    return Image.frombytes("L", (side, side), dots).convert("1")


def write_pdf(faces: Sequence[CardFace], fonts: CardFonts, path: Path, progress: Progress) -> int:
    """Write the sheets to `path`; returns the number of pages."""
    sheets = list(pages(faces))
    sheet = Sheet(fonts)
    for number, group in enumerate(sheets, start=1):
        sheet.page(group, number, len(sheets), progress)
    sheet.pdf.output(str(path))
    return len(sheets)


def write_png(face: CardFace, fonts: CardFonts, path: Path) -> None:
    layout.render_card(face, fonts).save(path, "PNG", dpi=(DPI, DPI))


__all__ = ["QR_BORDER", "origin", "pages", "write_pdf", "write_png"]
