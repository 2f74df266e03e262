"""A4 paper as vector PDF: titles, lines of text, tables and signature lines (fpdf2).

Every list a village reads or signs (a posting's public list, a household's statement, the
donors, the honour roll, sign-off sheets, notices for the wall) is a `Document`: text stays
text, sharp on any printer, searchable (pdftotext reads it back), and small, because fpdf2
embeds only the glyphs used of the system's Chinese font (`pos.paper.fonts`; of a `.ttc`
collection it reads the Simplified Chinese face).

A table repeats its header on every page and wraps a long cell within its column; a row is
never split across pages. `save` writes the file whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from db.store import files
from pos.paper.fonts import CardFonts, find_fonts, register

FAMILY = "cjk"
MARGIN = 15  # mm on every side
LINE = 6.0  # mm: the height of one line of body text


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the page's width, and how its cells align."""

    header: str
    weight: float = 1.0
    align: str = "L"  # L, C or R (figures)


class Document:
    """One A4 document in portrait (or `landscape`), in the Chinese font found on this PC.

    Texts come in already rendered in the reader's language; the document only places them.
    `fonts` defaults to the one `find_fonts` picks, which refuses when there is none."""

    def __init__(
        self, title: str, *, landscape: bool = False, fonts: CardFonts | None = None
    ) -> None:
        fonts = fonts or find_fonts()
        pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=MARGIN + 5)
        register(pdf, fonts, FAMILY)
        pdf.set_title(title)
        pdf.set_creator("aixin")
        pdf.alias_nb_pages()
        pdf.add_page()
        self.pdf, self.title = pdf, title
        self._footer_text = ""

    @property
    def width(self) -> float:
        """The width text may take, in mm."""
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def heading(self, text: str, *, size: float = 16) -> None:
        self.pdf.set_font(FAMILY, "B", size)
        self.pdf.multi_cell(
            self.width, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.pdf.ln(2)

    def line(self, text: str, *, size: float = 11, bold: bool = False, align: str = "L") -> None:
        """A paragraph: wraps at the margin."""
        self.pdf.set_font(FAMILY, "B" if bold else "", size)
        self.pdf.multi_cell(
            self.width, LINE * size / 11, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def space(self, mm: float = 4) -> None:
        self.pdf.ln(mm)

    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[object]], *, size: float = 10
    ) -> None:
        """Rows under a header that repeats on every page; `None` cells are left empty."""
        self.pdf.set_font(FAMILY, "", size)
        total = sum(c.weight for c in columns)
        widths = tuple(self.width * c.weight / total for c in columns)
        with self.pdf.table(
            col_widths=widths,
            text_align=tuple(c.align for c in columns),
            line_height=LINE * size / 11,
            headings_style=FontFace(family=FAMILY, emphasis="BOLD", fill_color=(235, 235, 235)),
            repeat_headings=1,
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for column in columns:
                head.cell(column.header)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))
        self.pdf.ln(2)

    def signatures(self, labels: Sequence[str], *, size: float = 11) -> None:
        """Signature lines side by side ("村委会（盖章）：______  日期：______")."""
        self.pdf.ln(8)
        self.pdf.set_font(FAMILY, "", size)
        share = self.width / max(1, len(labels))
        for label in labels:
            self.pdf.cell(share, LINE, f"{label}________________", new_x=XPos.RIGHT)
        self.pdf.ln(LINE)

    def footer(self, text: str) -> None:
        """A line at the bottom of every page, with the page number after it."""
        self._footer_text = text

    def save(self, path: Path) -> Path:
        """Write the PDF whole or not at all (a fault is a refusal naming `path`)."""
        if self._footer_text:
            self._number_pages()
        with files.output(path) as partial:
            self.pdf.output(str(partial))
        return path

    def _number_pages(self) -> None:
        pages = self.pdf.pages_count
        for page in range(1, pages + 1):
            self.pdf.page = page
            self.pdf.set_auto_page_break(False)
            self.pdf.set_y(-MARGIN)
            self.pdf.set_font(FAMILY, "", 8)
            self.pdf.cell(0, 4, f"{self._footer_text}    {page}/{pages}", align="C")
        self.pdf.page = pages
