"""One member card on an ID-1 card (85.6 × 54 mm), laid out on a 300 dpi grid: drawn here as a
PNG, and as vector on the A4 sheets (`sheets`) from the same grid.

  ┌────────────────────────────────────────┐
  │ ♥ 爱心积分卡                     天等县 │  red band
  ├────────────────────────────────────────┤
  │ 户主                        ┌────────┐ │
  │ 张三                        │   QR   │ │
  │ 户号  1012010001            │        │ │
  │ 村    龙茗镇那造村          └────────┘ │
  │ 发卡  2026-11-23（第 1 张）             │
  │ 凭此卡兑换，积分不兑换现金；遗失请到…补卡│
  └────────────────────────────────────────┘

Everything is kept 2 mm inside the card's edge, so a card cut a little off the line by hand
still looks whole. The QR is drawn module by module on whole pixels (no resampling blur) with
its four-module quiet zone, error correction Q, at 0.76 mm a module.
"""

from __future__ import annotations

import functools

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.util import MODE_ALPHA_NUM, QRData

from catalog.messages import Refused
from db.books.card_faces import CardFace
from pos.paper.fonts import CardFonts

DPI = 300
SUPERSAMPLE = 4  # the band and the heart are drawn large and shrunk, for smooth edges


def mm(length: float) -> int:
    return round(length * DPI / 25.4)


CARD_SIZE = (mm(85.6), mm(54))  # 1011 × 638 px
INSET = mm(2)
BAND = mm(11.5)
QR_VERSION = 3  # 29 modules: holds 47 characters at level Q, so every payload fits one size
QR_BORDER = 4  # modules of quiet zone, as the standard asks
QR_MODULE = 9  # px: 0.76 mm, easy for a cheap scanner through laminate

RED = (190, 30, 45)
GOLD = (232, 176, 75)
INK = (33, 33, 33)
GREY = (125, 125, 125)
RULE = (222, 222, 222)
WHITE = (255, 255, 255)

TITLE = "爱心积分卡"


def footer(station: str) -> str:
    return f"凭此卡兑换，积分不兑换现金；遗失请到{station}补卡"


def words(face: CardFace) -> str:
    """All the text a card prints, to check the font has every glyph before printing."""
    return "".join(
        (TITLE, face.county, face.head_name, face.household, face.village, face.township,
         face.issued, footer(face.station), "户主户号村发卡第张（）…0123456789")
    )  # fmt: skip


def check_glyphs(fonts: CardFonts, faces: list[CardFace], fixed: str = "") -> None:
    """Refuse the whole print before any paper is used if one card would show a box.

    `fixed` is the text printed around the cards (sheet headings), the same for every print.
    """
    gaps = fonts.missing(fixed)
    if gaps:
        raise Refused(
            "字体 {font} 里没有“{chars}”，印出来会是方框。"
            "请用 --font 或环境变量 AIXIN_FONT 换一个收字更全的中文字体",
            font=fonts.regular.name,
            chars="".join(gaps),
        )
    for face in faces:
        gaps = fonts.missing(words(face))
        if gaps:
            raise Refused(
                "户 {number}（{name}）的“{chars}”在字体 {font} 里没有，印出来会是方框。"
                "请用 --font 或环境变量 AIXIN_FONT 换一个收字更全的中文字体",
                number=face.household,
                name=face.head_name,
                chars="".join(gaps),
                font=fonts.regular.name,
            )


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR's modules, quiet zone included (True: dark)."""
    code = qrcode.QRCode(
        version=QR_VERSION, error_correction=qrcode.ERROR_CORRECT_Q, border=QR_BORDER
    )
    code.add_data(QRData(payload.encode("ascii"), mode=MODE_ALPHA_NUM))
    code.make(fit=False)
    return code.get_matrix()


def qr_image(payload: str) -> Image.Image:
    matrix = qr_matrix(payload)
    side = len(matrix)
    dots = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (side, side), dots)
    return small.resize((side * QR_MODULE, side * QR_MODULE), Image.Resampling.NEAREST)


# Where the words go: left edge of the text, baselines of the name and the three rows.
LEFT = INSET + mm(3.5)
VALUE_LEFT = LEFT + mm(8)
NAME_LINE = BAND + mm(15)
ROW_LINES = tuple(BAND + mm(21) + n * mm(5) for n in range(3))
ROW_LABELS = ("户号", "村", "发卡")


def qr_position() -> tuple[int, int]:
    """The QR image's top left: the code's right edge lines up with the county name."""
    side = (4 * QR_VERSION + 17 + 2 * QR_BORDER) * QR_MODULE
    width, height = CARD_SIZE
    left = width - INSET - mm(3.5) - side + QR_BORDER * QR_MODULE  # quiet zone is white card
    return left, BAND + (height - BAND - mm(6.5) - side) // 2 + mm(0.6)


def render_card(face: CardFace, fonts: CardFonts) -> Image.Image:
    """The card: the shared background, then the QR, the name and the three values."""
    card = _background(fonts, face.county, face.station).copy()
    qr_left, qr_top = qr_position()
    card.paste(qr_image(face.payload), (qr_left, qr_top))
    draw = ImageDraw.Draw(card)
    column = qr_left - mm(1) - LEFT  # text stays out of the QR's quiet zone
    font, name = _fit(fonts, face.head_name, mm(8), column, bold=True)
    _text(draw, fonts, (LEFT, NAME_LINE), name, font, INK, bold=True)
    values = (face.household, f"{face.township}{face.village}",
              f"{face.issued}（第 {face.serial} 张）")  # fmt: skip
    for n, (baseline, value) in enumerate(zip(ROW_LINES, values, strict=True)):
        font, value = _fit(fonts, value, mm(3.4), column - (VALUE_LEFT - LEFT), bold=n == 0)
        _text(draw, fonts, (VALUE_LEFT, baseline), value, font, INK, bold=n == 0)
    return card


def _text(
    draw: ImageDraw.ImageDraw,
    fonts: CardFonts,
    at: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
    anchor: str = "ls",
) -> None:
    width = fonts.stroke(font, bold=bold)
    draw.text(at, text, font=font, fill=fill, anchor=anchor, stroke_width=width, stroke_fill=fill)


def _fit(
    fonts: CardFonts, text: str, size: int, width: int, *, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont, str]:
    """The largest font down to 60 % of `size` that fits `text` in `width`.

    Text still too long at that size is cut short with an ellipsis rather than let it run
    into the QR code or off the card.
    """
    font = fonts.font(size, bold=bold)
    while font.getlength(text) > width and font.size > size * 0.6:
        font = fonts.font(int(font.size * 0.94), bold=bold)
    while font.getlength(text) > width and len(text) > 1:
        text = text[:-2] + "…"
    return font, text


@functools.lru_cache(maxsize=8)
def _background(fonts: CardFonts, county: str, station: str) -> Image.Image:
    """What every card of a station shares: band, heart, title, county, labels, footer.

    Drawn once per print; the shapes at four times the size and shrunk, for smooth edges.
    """
    width, height = CARD_SIZE
    s = SUPERSAMPLE
    big = Image.new("RGB", (width * s, height * s), WHITE)
    draw = ImageDraw.Draw(big)
    box = (INSET * s, INSET * s, (width - INSET) * s, BAND * s)
    draw.rounded_rectangle(box, radius=mm(2.2) * s, fill=RED, corners=(True, True, False, False))
    draw.rectangle((INSET * s, BAND * s, (width - INSET) * s, (BAND + mm(0.7)) * s), fill=GOLD)
    _heart(draw, (INSET + mm(3.2)) * s, (INSET + BAND) * s // 2, mm(6) * s)
    rule = (height - INSET - mm(5.2)) * s
    draw.rectangle((LEFT * s, rule, (width - LEFT) * s, rule + s), RULE)
    card = big.resize(CARD_SIZE, Image.Resampling.LANCZOS)

    draw = ImageDraw.Draw(card)
    middle = (INSET + BAND) // 2 + mm(0.3)
    title = fonts.font(mm(5.6), bold=True)
    _text(draw, fonts, (INSET + mm(10.6), middle), TITLE, title, WHITE, bold=True, anchor="lm")
    right = width - LEFT
    room = right - (INSET + mm(10.6) + int(title.getlength(TITLE)) + mm(4))
    small, county = _fit(fonts, county, mm(3.6), room)
    draw.text((right, middle), county, font=small, fill=WHITE, anchor="rm")

    draw.text((LEFT, BAND + mm(6.2)), "户主", font=fonts.font(mm(2.6)), fill=GREY, anchor="ls")
    for label, baseline in zip(ROW_LABELS, ROW_LINES, strict=True):
        draw.text((LEFT, baseline), label, font=fonts.font(mm(2.7)), fill=GREY, anchor="ls")
    small, line = _fit(fonts, footer(station), mm(2.3), width - 2 * LEFT)
    draw.text((LEFT, height - INSET - mm(1.6)), line, font=small, fill=GREY, anchor="ls")
    return card


def _heart(draw: ImageDraw.ImageDraw, left: int, middle: int, size: int) -> None:
    """A heart `size` wide: two round lobes on a point."""
    r = size // 4
    top = middle - int(size * 0.42)
    draw.ellipse((left, top, left + 2 * r, top + 2 * r), fill=WHITE)
    draw.ellipse((left + 2 * r, top, left + 4 * r, top + 2 * r), fill=WHITE)
    draw.polygon(
        [(left + r // 7, top + int(r * 1.35)), (left + 4 * r - r // 7, top + int(r * 1.35)),
         (left + 2 * r, top + int(size * 0.86))],
        fill=WHITE,
    )  # fmt: skip
