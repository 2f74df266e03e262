"""Finding a Chinese font for the cards, and refusing to print rather than print boxes.

A font is taken from, in order: the path given (the `--font` option), the `AIXIN_FONT`
environment variable, the well-known CJK fonts in the usual font folders, and finally any font
fontconfig says covers Chinese. Every character a card needs is checked against the font:
a missing glyph would print as an empty box, and a card with a box in the name is worthless.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from catalog.messages import Refused
from db.store.files import InputRefused, check_regular

FONT_ENV = "AIXIN_FONT"
FONT_BYTES = 256 << 20  # the largest CJK collections are some 100 MB

# Regular and bold files of the fonts we know, best first. Names are compared case-blind
# (Windows ships MSYH.TTC as well as msyh.ttc).
KNOWN_FONTS: tuple[tuple[str, str | None], ...] = (
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"),
    ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf"),
    ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf"),
    ("SourceHanSansSC-Regular.otf", "SourceHanSansSC-Bold.otf"),
    ("SourceHanSans-Regular.ttc", "SourceHanSans-Bold.ttc"),
    ("msyh.ttc", "msyhbd.ttc"),
    ("msyh.ttf", "msyhbd.ttf"),
    ("PingFang.ttc", None),
    ("wqy-microhei.ttc", None),
    ("wqy-zenhei.ttc", None),
    ("simhei.ttf", None),
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"),
)

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "~/Library/Fonts",
    "%WINDIR%/Fonts",
    "%LOCALAPPDATA%/Microsoft/Windows/Fonts",
)

HOW_TO = (
    "请安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；"
    "Windows 自带微软雅黑），或用 --font 或环境变量 AIXIN_FONT 指定字体文件（.ttf/.ttc/.otf）"
)


@dataclass(eq=False)  # hashed by identity: renderers cache per font set
class CardFonts:
    """The regular and bold faces at any size, with a check for missing glyphs."""

    regular: Path
    bold: Path | None  # None: the regular face, emboldened with a stroke when drawn
    _notdef: bytes = field(init=False, repr=False)
    _has: dict[str, bool] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        # U+10FFFF is a noncharacter: no font maps it, so it draws as the "missing" glyph.
        self._notdef = _glyph(self.font(24), "\U0010ffff")

    def font(self, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
        path = self.bold if bold and self.bold else self.regular
        return _load(str(path), size)

    def stroke(self, font: ImageFont.FreeTypeFont, *, bold: bool) -> int:
        """Outline width that makes the regular face pass for bold when there is no bold file."""
        return max(1, round(font.size / 40)) if bold and self.bold is None else 0

    def missing(self, text: str) -> list[str]:
        """The characters of `text` this font would print as boxes."""
        gaps = []
        for char in dict.fromkeys(text):
            if char.isspace():
                continue
            if char not in self._has:
                self._has[char] = _glyph(self.font(24), char) != self._notdef
            if not self._has[char]:
                gaps.append(char)
        return gaps


def find_fonts(path: str | Path | None = None) -> CardFonts:
    """The fonts to print with, or Refused saying how to install or configure one."""
    chosen = path or os.environ.get(FONT_ENV) or None
    if chosen:
        target = Path(chosen).expanduser()
        if not target.exists():
            raise Refused("找不到字体文件 {path}。" + HOW_TO, path=target)
        try:
            check_regular(target, FONT_BYTES)  # no FIFO, device or giant file
        except InputRefused as refused:
            raise Refused(refused.message) from None
        return _usable(target, None)
    for regular, bold in system_fonts():
        try:
            return _usable(regular, bold)
        except Refused:
            continue  # a broken or non-Chinese file: try the next one
    raise Refused("找不到中文字体，不能打印积分卡（否则字会印成方框）。" + HOW_TO)


def system_fonts() -> Iterator[tuple[Path, Path | None]]:
    """Installed CJK fonts as (regular, bold or None), best first."""
    files = _font_files()
    for regular, bold in KNOWN_FONTS:
        if regular.lower() in files:
            yield files[regular.lower()], files.get(bold.lower()) if bold else None
    for other in _fontconfig_chinese():
        yield other, None


def _usable(regular: Path, bold: Path | None) -> CardFonts:
    try:
        fonts = CardFonts(regular, bold)
        gaps = fonts.missing("爱心积分卡户号")
        if bold is not None:
            fonts.font(24, bold=True)
    except OSError as error:
        raise Refused(
            "字体文件 {path} 打不开（{error}）。" + HOW_TO, path=regular, error=error
        ) from error
    if gaps:
        raise Refused("字体 {path} 没有中文字形。" + HOW_TO, path=regular)
    return fonts


def _font_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        root = Path(os.path.expandvars(folder)).expanduser()
        if "%" in str(root) or not root.is_dir():
            continue
        for parent, _dirs, names in os.walk(root):
            for name in names:
                found.setdefault(name.lower(), Path(parent) / name)
    return found


def _fontconfig_chinese() -> list[Path]:
    """Any other font fontconfig knows to cover Chinese (fc-list is absent on Windows)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        listed = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = {line.split(":")[0].strip() for line in listed.splitlines() if line.strip()}
    return [Path(p) for p in sorted(paths) if Path(p).is_file()]


@functools.lru_cache(maxsize=64)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        path, size, index=_face_index(path), layout_engine=ImageFont.Layout.BASIC
    )


def register(pdf: FPDF, fonts: CardFonts, family: str) -> None:
    """Give `pdf` the regular face as `family` and the bold one as its "B" style (the regular
    face again when there is no bold file). fpdf2 embeds only the glyphs a document uses; in a
    collection it reads the Simplified Chinese face, as the cards and slips drawn here do."""
    for style, path in (("", fonts.regular), ("B", fonts.bold or fonts.regular)):
        pdf.add_font(family, style, str(path), collection_font_number=_face_index(str(path)))


@functools.lru_cache(maxsize=16)
def _face_index(path: str) -> int:
    """In a font collection, the Simplified Chinese face: its hanzi have the mainland forms."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    for index in range(32):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC") or " SC " in family or "GB" in family:
            return index
    return 0


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    canvas = Image.new("L", (48, 48))
    ImageDraw.Draw(canvas).text((8, 4), char, font=font, fill=255)
    return canvas.tobytes()
