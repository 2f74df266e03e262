"""Barcode labels for shop-made codes, on an A4 sheet of 3 × 8 labels of 70 × 37 mm.

The bars are python-barcode's EAN-13 encoding (guard bars, the left half's parity and the
check digit are its business), drawn by fpdf2 as vector rectangles at the standard module of
0.33 mm, with the quiet zones either side, so any scanner reads them from any laser or inkjet
printer. The texts come in already rendered in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from barcode import EAN13
from fpdf import FPDF

from db.store import files
from pos.paper.fonts import CardFonts, find_fonts

FAMILY = "cjk"
COLUMNS, ROWS = 3, 8
WIDTH, HEIGHT = 70.0, 37.0  # mm: a common sheet of A4 labels (3 × 8)
TOP = (297.0 - ROWS * HEIGHT) / 2
MODULE = 0.33  # mm: EAN-13 at 100 % magnification
QUIET = 11  # modules of white either side at least: (70 mm - 95 × 0.33 mm) / 2 leaves 50
BARS_HIGH = 15.0  # mm


@dataclass(frozen=True)
class Label:
    barcode: str  # an EAN-13 with its check digit
    name: str
    price: str  # e.g. '30 分 / 斤'


def bars(code: str) -> str:
    """The modules of EAN-13 `code`, '1' black and '0' white (python-barcode refuses a wrong
    check digit)."""
    ean = EAN13(code[:12], guardbar=False)
    if ean.get_fullcode() != code:
        raise ValueError(f"not an EAN-13 with its check digit: {code!r}")
    return "".join(ean.build())


def sheet(labels: Sequence[Label], title: str, *, fonts: CardFonts | None = None) -> FPDF:
    fonts = fonts or find_fonts()
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FAMILY, "", str(fonts.regular))
    pdf.add_font(FAMILY, "B", str(fonts.bold or fonts.regular))
    pdf.set_title(title)
    pdf.set_creator("aixin")
    for n, label in enumerate(labels):
        place = n % (COLUMNS * ROWS)
        if place == 0:
            pdf.add_page()
        x, y = (place % COLUMNS) * WIDTH, TOP + (place // COLUMNS) * HEIGHT
        _draw(pdf, label, x, y)
    return pdf


def _draw(pdf: FPDF, label: Label, x: float, y: float) -> None:
    modules = bars(label.barcode)
    width = len(modules) * MODULE
    left = x + (WIDTH - width) / 2
    pdf.set_font(FAMILY, "B", 10)
    pdf.set_xy(x + 3, y + 2.5)
    pdf.cell(WIDTH - 6, 5, _fit(pdf, label.name, WIDTH - 6), align="C")
    pdf.set_font(FAMILY, "", 9)
    pdf.set_xy(x + 3, y + 7.5)
    pdf.cell(WIDTH - 6, 4.5, label.price, align="C")
    pdf.set_fill_color(0, 0, 0)
    top = y + 13
    run = 0
    for i, module in enumerate(modules + "0"):  # runs of black as one rectangle each
        if module == "1":
            run += 1
        elif run:
            pdf.rect(left + (i - run) * MODULE, top, run * MODULE, BARS_HIGH, style="F")
            run = 0
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(x, top + BARS_HIGH + 0.5)
    pdf.cell(WIDTH, 4, label.barcode, align="C")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` shortened with '…' to fit `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def save(labels: Sequence[Label], title: str, path: Path) -> Path:
    """Write the sheet whole or not at all (a fault is a refusal naming `path`)."""
    pdf = sheet(labels, title)
    with files.output(path) as partial:
        pdf.output(str(partial))
    return path
