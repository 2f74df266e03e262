"""Slips: the redemption slip and the donation acknowledgement (docs/design.md §8).

A slip is a list of rows, each a left and a right part. As text it is 32 columns wide
(Chinese characters count two), for a 58 mm receipt printer; as a PDF it is an 80 mm wide
vector page, text as text, the right parts flush right; as an image (`as_image`) it goes
to a thermal printer that has no Chinese font. Both are saved beside the database in slips/,
each written under a temporary name and renamed when whole. They are drawn from what the
books returned (`views.Slip`, `views.Receipt`); a slip printed again says so and when.
"""

from __future__ import annotations

import contextlib
import os
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw

from catalog.messages import Refused
from catalog.money import yuan
from db.books import notices
from db.books.views import Receipt, Slip
from db.store.ids import human
from pos.i18n import _
from pos.paper.fonts import CardFonts, find_fonts, register

WIDTH = 32
RULE = ("-", "")
Row = tuple[str, str]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def as_text(rows: list[Row]) -> str:
    lines = []
    for left, right in rows:
        if (left, right) == RULE:
            lines.append("-" * WIDTH)
        else:
            gap = WIDTH - width(left) - width(right)
            lines.append(left + (" " * max(1, gap) + right if right else ""))
    return "\n".join(lines)


def header(title: str, station: str, number: int, when: str, reprinted: str = "") -> list[Row]:
    """A slip's first rows: what it is, where, its number and time."""
    rows = [(title, ""), (station, ""), (_("单号"), human(number)), (_("时间"), when)]
    if reprinted:
        rows.append((_("补打时间"), reprinted))
    return [*rows, RULE]


def redemption_rows(slip: Slip) -> list[Row]:
    rows = header(_("爱心超市兑换单"), slip.station, slip.id, slip.time, slip.reprinted)
    rows += [(_("户号"), slip.household), (_("户主"), slip.head_name), RULE]
    for line in slip.lines:
        rows.append((line.name, ""))
        rows.append((f"  {line.price} × {line.qty}", points(line.points)))
    notice = notices.slip_line(slip.household, slip.time[:10]) if notices.exist() else None
    if notice is not None:
        rows += [RULE, (notice.render(_), "")]
    return rows + [
        RULE,
        (_("合计"), points(slip.total)),
        (_("兑换前余额"), points(slip.balance_before)),
        (_("兑换后余额"), points(slip.balance_after)),
        (_("经办"), slip.operator),
        ("", ""),
        (_("领取人签字：") + "_" * 12, ""),
        (_("经办人签字：") + "_" * 12, ""),
    ]


def donation_rows(gift: Receipt) -> list[Row]:
    rows = header(_("爱心捐赠收据"), gift.station, gift.id, gift.time, gift.reprinted)
    rows += [(_("捐赠方"), gift.donor), RULE]
    total = 0
    for line in gift.lines:
        rows.append((line.name, ""))
        value = _yuan(line.value_fen) if line.value_fen else ""  # goods not valued: no "0.00"
        rows.append((f"  × {line.qty} {line.unit}", value))
        total += line.value_fen
    if gift.cash_fen:
        rows.append((_("现金"), _yuan(gift.cash_fen)))
    rows.append(RULE)
    if total + gift.cash_fen:
        rows.append((_("估价合计"), _yuan(total + gift.cash_fen)))
    return rows + [
        (_("经办"), gift.operator),
        ("", ""),
        (_("衷心感谢您的爱心捐赠！"), ""),
        (_("捐赠将在本站公示栏公开致谢。"), ""),
        ("", ""),
        (_("经办人签字：") + "_" * 12, ""),
    ]


def _yuan(fen: int) -> str:
    return _("{amount} 元").format(amount=yuan(fen))


def points(count: int) -> str:
    return _("{count} 分").format(count=count)


DPI = 300
PAGE_WIDTH = round(80 / 25.4 * DPI)  # 80 mm receipt paper
MARGIN, LINE, SIZE = 60, 64, 40


def as_image(rows: list[Row], fonts: CardFonts) -> Image.Image:
    page = Image.new("RGB", (PAGE_WIDTH, MARGIN * 2 + LINE * len(rows)), "white")
    draw = ImageDraw.Draw(page)
    font = fonts.font(SIZE)
    for n, (left, right) in enumerate(rows):
        y = MARGIN + LINE * n + SIZE
        if (left, right) == RULE:
            draw.line((MARGIN, y - SIZE // 3, PAGE_WIDTH - MARGIN, y - SIZE // 3), "black", 2)
            continue
        bold = n == 0
        draw.text(
            (MARGIN, y),
            left,
            font=fonts.font(SIZE + 8, bold=True) if bold else font,
            fill="black",
            anchor="ls",
        )
        if right:
            draw.text((PAGE_WIDTH - MARGIN, y), right, font=font, fill="black", anchor="rs")
    return page


# What a saved slip's name starts with: each kind of record numbers its own, so redemption
# 451425-03-000001 and donation 451425-03-000001 are two slips.
KINDS = ("redemption", "donation", "payout", "handout")


def save(rows: list[Row], folder: Path, kind: str, number: int) -> str:
    """Write the slip as .txt and, when a Chinese font is found, .pdf, named by `kind` (one of
    KINDS) and `number`; says where.

    Refused, with the reason, when the folder cannot be written (then no part of a file is
    left behind): the sale or donation stands, and the slip can be printed again."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder)
        if kind not in KINDS:
            raise ValueError(f"a slip of no known kind: {kind}")
        base = folder / f"{kind}-{human(number)}"
        text = base.with_suffix(".txt")
        _whole(text, lambda part: part.write_text(as_text(rows) + "\n", encoding="utf-8"))
        try:
            fonts = find_fonts()
        except Refused:  # no Chinese font: the text slip is there to print
            return _("已保存：{path}").format(path=text)
        if fonts.missing("".join(left + right for left, right in rows)):
            return _("已保存：{path}").format(path=text)  # a PDF with boxes helps nobody
        pdf = base.with_suffix(".pdf")
        _whole(pdf, lambda part: _draw(part, rows, fonts))
    except OSError as exc:
        raise Refused(
            "单据没能保存到 {folder}：{reason}", folder=folder, reason=exc.strerror or str(exc)
        ) from exc
    return _("已保存：{text} 和 {pdf}").format(text=text, pdf=pdf.name)


PARTIAL = ".partial"


def _whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write `path` under a temporary name and rename it when whole: a full disk or a kill
    leaves no half a slip under its real name."""
    part = path.with_name(path.name + PARTIAL)
    try:
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def write_whole(path: Path, text: str) -> None:
    """A text slip written to `path` whole or not at all (OSError says why not)."""
    _whole(path, lambda part: part.write_text(text, encoding="utf-8"))


def _draw(path: Path, rows: list[Row], fonts: CardFonts) -> None:
    """The slip as an 80 mm wide vector PDF, as long as its rows: text as text, in an
    embedded subset of the Chinese font, the right parts flush right."""
    mm = 25.4 / DPI  # the image's grid, in millimetres
    pdf = FPDF(unit="mm", format=(PAGE_WIDTH * mm, (MARGIN * 2 + LINE * len(rows)) * mm))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(rows[0][0])
    pdf.set_creator("aixin")
    register(pdf, fonts, "cjk")
    pdf.add_page()
    size = SIZE * 72 / DPI
    right = (PAGE_WIDTH - MARGIN) * mm
    for n, (left, right_part) in enumerate(rows):
        y = (MARGIN + LINE * n + SIZE) * mm
        if (left, right_part) == RULE:
            pdf.set_line_width(2 * mm)
            pdf.line(MARGIN * mm, y - SIZE / 3 * mm, right, y - SIZE / 3 * mm)
            continue
        pdf.set_font("cjk", "B" if n == 0 else "", (SIZE + 8) * 72 / DPI if n == 0 else size)
        pdf.text(MARGIN * mm, y, left)
        if right_part:
            pdf.set_font("cjk", "", size)
            pdf.text(right - pdf.get_string_width(right_part), y, right_part)
    pdf.output(str(path))


def _sweep(folder: Path) -> None:
    """Clear what a till killed while writing left behind (not what another is writing)."""
    stale = time.time() - 600
    for part in folder.glob("*" + PARTIAL):
        with contextlib.suppress(OSError):
            if part.stat().st_mtime < stale:
                part.unlink()
