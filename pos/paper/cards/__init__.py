"""Printing member cards: one card as a PNG, many as A4 PDF sheets of ten.

`prepare` refuses a print that cannot come out right (wrong format, no Chinese font, a name
the font cannot draw) before any work starts; `write` then renders, through a temporary file,
so a failed print never leaves half a PDF behind. `print_cards` does both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from catalog.messages import Refused
from db.books.card_faces import CardFace
from db.store import files
from pos.paper.cards.layout import check_glyphs
from pos.paper.cards.sheets import WORDS, write_pdf, write_png
from pos.paper.fonts import CardFonts, find_fonts

FORMATS = (".pdf", ".png")
Progress = Callable[[int], None]


def prepare(faces: Sequence[CardFace], out: Path, font: str | Path | None = None) -> CardFonts:
    """The fonts to print `faces` into `out` with, or Refused saying why it cannot be done."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise Refused("输出文件应以 .pdf 或 .png 结尾，而不是 {name}", name=out.name)
    if suffix == ".png" and len(faces) != 1:
        raise Refused(
            "PNG 只能放一张卡，这次有 {count} 张：请输出为 .pdf（A4 每页 10 张）",
            count=len(faces),
        )
    fonts = find_fonts(font)
    check_glyphs(fonts, list(faces), fixed=WORDS if suffix == ".pdf" else "")
    return fonts


def write(
    faces: Sequence[CardFace], out: Path, fonts: CardFonts, progress: Progress = lambda _: None
) -> int:
    """Write `faces` to `out` (.pdf or .png); returns the number of pages (1 for a PNG)."""
    with files.output(out) as partial:  # whole or not at all; a fault is a refusal
        if out.suffix.lower() == ".png":
            write_png(faces[0], fonts, partial)
            progress(1)
            return 1
        return write_pdf(faces, fonts, partial, progress)


def print_cards(
    faces: Sequence[CardFace],
    out: Path,
    *,
    font: str | Path | None = None,
    progress: Progress = lambda _: None,
) -> int:
    return write(faces, out, prepare(faces, out, font), progress)
