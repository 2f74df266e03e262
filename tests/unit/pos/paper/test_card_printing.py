"""Printed cards really scan: PNG and PDF decoded with a real QR decoder (issue 3).

The PDF pages are rasterised with poppler's pdftoppm, as a printer driver would, and every QR
on them must decode to the payload `aixin card show` prints and `aixin card check` accepts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from catalog.messages import Refused
from db.books import cards
from db.books.card_faces import CardFace
from db.books.households import HouseholdForm, save, set_status
from pos.cli import main
from pos.paper import fonts as card_fonts
from pos.paper.cards.layout import (
    CARD_SIZE,
    QR_BORDER,
    QR_MODULE,
    QR_VERSION,
    qr_position,
    render_card,
)
from pos.paper.cards.sheets import MARK_GAP, PAGE_SIZE, origin
from tests.conftest import fix_check

EXTRA = ["韦春花", "陆文军", "覃美玲", "欧阳秀兰", "黎永强", "蒙德福", "邓桂芳", "马小明"]


def run(*args: object, **env: str):
    result = CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_CLOCK": "2026-11-23T10:00:00", **env}
    )
    return result


def decode(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]


def rasterise(pdf: Path, dpi: int = 300) -> list[Image.Image]:
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is needed to read printed cards: apt-get install poppler-utils")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", pdf, pdf.with_suffix("")], check=True)
    return [Image.open(page) for page in sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))]


@pytest.fixture
def db_file(station, tmp_path) -> Path:
    """The small station with 14 households: one full sheet and one of four cards."""
    for n, name in enumerate(EXTRA, start=1):
        number = f"10120200{n + 10:02d}"
        form = HouseholdForm(number, name, fix_check(f"451425199{n}0101{n:02d}00"),
                             "451425101202", "一般农户")  # fmt: skip
        save(None, station.clock, form, station="451425-03")
        cards.issue(None, station.clock, number)
    return tmp_path / "station.sqlite"


def shown(db_file: Path, household: str) -> str:
    result = run("card", "show", "--db", db_file, household)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def accepted(db_file: Path, payload: str) -> bool:
    result = run("card", "check", "--db", db_file, payload)
    return result.exit_code == 0 and "有效卡" in result.output


def test_png_card_decodes_to_the_shown_payload(db_file, tmp_path):
    out = tmp_path / "card.png"
    result = run("cards", "print", "--db", db_file, "--household", "1012020002", "--out", out)
    assert result.exit_code == 0, result.output
    image = Image.open(out)
    assert image.size == CARD_SIZE == (1011, 638)  # 85.6 × 54 mm at 300 dpi
    assert [round(d) for d in image.info["dpi"]] == [300, 300]
    payload = shown(db_file, "1012020002")
    assert decode(image) == [payload]
    assert accepted(db_file, payload)
    # A phone camera or a cheap scanner sees far fewer pixels: still one clean read.
    assert decode(image.resize((337, 213), Image.Resampling.BILINEAR)) == [payload]


@pytest.mark.parametrize("bold_file", [True, False], ids=["bold face", "regular emboldened"])
def test_long_words_shrink_or_are_cut_but_never_enter_the_quiet_zone(bold_file):
    face = CardFace(
        payload="AX1:451425:A012010001ZZ:999:K7Q2M4XB5T", household="A012010001ZZ",
        head_name="阿不都热合曼·艾买提江·买买提依明", village="那坡屯那造新村第二村民小组",
        township="龙茗镇", county="积石山保安族东乡族撒拉族自治县", station="龙茗镇爱心超市",
        issued="2026-11-23", serial=999,
    )  # fmt: skip
    fonts = card_fonts.find_fonts()
    if not bold_file:  # WenQuanYi, SimHei, PingFang: one weight only
        fonts = card_fonts.CardFonts(fonts.regular, None)
    card = render_card(face, fonts).convert("L")
    left, top = qr_position()
    side = (4 * QR_VERSION + 17 + 2 * QR_BORDER) * QR_MODULE
    code = QR_BORDER * QR_MODULE
    ring = [
        card.getpixel((left + x, top + y))
        for x in range(side)
        for y in range(side)
        if not (code <= x < side - code and code <= y < side - code)
    ]
    assert min(ring) == 255  # four white modules all round, as the QR standard asks
    assert decode(card) == [face.payload]


def test_every_card_on_every_pdf_page_decodes_and_checks(db_file, tmp_path):
    out = tmp_path / "cards.pdf"
    result = run("cards", "print", "--db", db_file, "--out", out)
    assert result.exit_code == 0, result.output
    assert "14 张卡，2 页" in result.output
    pages = rasterise(out)
    assert [page.size for page in pages] == [PAGE_SIZE, PAGE_SIZE]  # A4 at 300 dpi
    per_page = [decode(page) for page in pages]
    assert [len(codes) for codes in per_page] == [10, 4]
    printed = [code for codes in per_page for code in codes]
    numbers = [p.split(":")[2] for p in printed]
    assert sorted(printed) == sorted(shown(db_file, n) for n in numbers)
    assert len(set(numbers)) == 14
    assert all(accepted(db_file, payload) for payload in printed)


def test_low_resolution_render_still_decodes(db_file, tmp_path):
    out = tmp_path / "cards.pdf"
    assert run("cards", "print", "--db", db_file, "--out", out).exit_code == 0
    assert [len(decode(page)) for page in rasterise(out, dpi=120)] == [10, 4]


def test_crop_marks_frame_id1_cards(db_file, tmp_path):
    out = tmp_path / "cards.pdf"
    result = run("cards", "print", "--db", db_file, "--village", "451425101201", "--out", out)
    assert result.exit_code == 0, result.output
    page = rasterise(out)[0].convert("L")
    left, top = origin()
    row = top - MARK_GAP - 20  # through the marks above the first row of cards
    dark = [x for x in range(page.width) if page.getpixel((x, row)) < 128]
    starts = [x for x in dark if x - 1 not in dark]
    assert len(starts) == 3
    # 85.6 mm apart, to a pixel (0.08 mm): the rasteriser may smooth a hairline's edge.
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == pytest.approx(
        [CARD_SIZE[0]] * 2, abs=1
    )
    column = left - MARK_GAP - 20
    dark = [y for y in range(page.height) if page.getpixel((column, y)) < 128]
    starts = [y for y in dark if y - 1 not in dark]
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == pytest.approx(
        [CARD_SIZE[1]] * 2, abs=1
    )


def test_pdf_is_well_formed_vector_and_searchable(db_file, tmp_path):
    out = tmp_path / "cards.pdf"
    assert run("cards", "print", "--db", db_file, "--out", out).exit_code == 0
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True)
    assert info.stderr == ""  # poppler found nothing to repair
    assert "Title:           爱心积分卡" in info.stdout and "Pages:           2" in info.stdout
    assert "595.2 x 841.9" in info.stdout  # A4
    fonts = subprocess.run(["pdffonts", out], capture_output=True, text=True).stdout
    embedded = [line for line in fonts.splitlines()[2:] if line.strip()]
    # Only the glyphs used: a subset (its name has a six-letter tag), embedded.
    assert embedded and all(re.match(r"[A-Z]{6}\+", line) for line in embedded)
    assert all(" yes " in line for line in embedded)
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True).stdout
    assert all(name in text for name in EXTRA)  # the words are text, not pixels
    assert "爱心积分卡" in text and "1012020011" in text
    assert out.stat().st_size < 200_000  # 14 cards; a raster page alone was 500 kB


def test_default_print_leaves_out_inactive_and_uses_new_serials(db_file, tmp_path, station):
    set_status(station.manager, station.clock, "1012020001", "moved")
    cards.reissue(station.manager, station.clock, "1012010001")
    out = tmp_path / "cards.pdf"
    assert run("cards", "print", "--db", db_file, "--out", out).exit_code == 0
    printed = {p.split(":")[2]: p for page in rasterise(out) for p in decode(page)}
    assert "1012020001" not in printed and len(printed) == 13
    assert printed["1012010001"].split(":")[3] == "2"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--out", "{tmp}/all.png"], 1, "PNG 只能放一张卡，这次有 14 张"),
        (["--out", "{tmp}/card.jpg"], 2, "应以 .pdf 或 .png 结尾"),
        (["--household", "9999999999", "--out", "{tmp}/x.pdf"], 1, "户号 9999999999 不存在"),
        (["--village", "451425999999", "--out", "{tmp}/x.pdf"], 1, "村代码 451425999999 不存在"),
        (["--village", "451425101201", "--household", "1012020002", "--out", "{tmp}/x.pdf"], 1,
         "户 1012020002 不在村 451425101201"),
        ([], 2, "Missing option '--out'"),
    ],
)  # fmt: skip
def test_print_refusals(db_file, tmp_path, args, code, words):
    result = run("cards", "print", "--db", db_file, *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == code, result.output
    assert words in result.output
    assert not list(tmp_path.glob("*.p*f")) and not list(tmp_path.glob("*.png"))


def test_no_chinese_font_stops_with_how_to_install(db_file, tmp_path, monkeypatch):
    monkeypatch.delenv(card_fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(card_fonts, "system_fonts", lambda: iter(()))
    result = run("cards", "print", "--db", db_file, "--household", "1012010001", "--out",
                 tmp_path / "card.png")  # fmt: skip
    assert result.exit_code == 1
    assert "找不到中文字体" in result.output
    assert "apt-get install fonts-noto-cjk" in result.output and "AIXIN_FONT" in result.output
    assert not (tmp_path / "card.png").exists()


def test_font_search_order(tmp_path, monkeypatch):
    monkeypatch.delenv(card_fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(card_fonts, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.setattr(card_fonts, "_fontconfig_chinese", lambda: [])
    assert list(card_fonts.system_fonts()) == []
    (tmp_path / "sub").mkdir()
    for name in ("WQY-ZENHEI.TTC", "msyh.ttc", "msyhbd.ttc"):
        (tmp_path / "sub" / name).write_bytes(b"")
    found = list(card_fonts.system_fonts())
    assert [(r.name, b.name if b else None) for r, b in found] == [
        ("msyh.ttc", "msyhbd.ttc"), ("WQY-ZENHEI.TTC", None),
    ]  # fmt: skip
    with pytest.raises(Refused, match="找不到中文字体"):
        card_fonts.find_fonts()  # empty files are no fonts: skipped, then refused


def test_configured_font_must_exist_and_be_chinese(db_file, tmp_path):
    out = tmp_path / "card.png"
    result = run("cards", "print", "--db", db_file, "--household", "1012010001", "--out", out,
                 AIXIN_FONT=str(tmp_path / "none.ttf"))  # fmt: skip
    assert result.exit_code == 1 and "找不到字体文件" in result.output
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.exists():
        result = run("cards", "print", "--db", db_file, "--household", "1012010001", "--out", out,
                     "--font", latin)  # fmt: skip
        assert result.exit_code == 1 and "没有中文字形" in result.output
    assert not out.exists()


def test_name_the_font_cannot_draw_is_refused_not_boxed(db_file, tmp_path, station):
    rare = "\U0002a6d6"  # 𪛖, a CJK Extension B character few fonts carry
    if not card_fonts.find_fonts().missing(rare):
        pytest.skip("this system's font has every character tried")
    form = HouseholdForm("1012020003", f"农{rare}", fix_check("45142519770606006"),
                         "451425101202", "脱贫户")  # fmt: skip
    save(station.manager, station.clock, form, station="451425-03")
    result = run("cards", "print", "--db", db_file, "--out", tmp_path / "cards.pdf")
    assert result.exit_code == 1
    assert f"户 1012020003（农{rare}）的“{rare}”" in result.output and "方框" in result.output
    assert not (tmp_path / "cards.pdf").exists()


def test_card_printing_loads_no_terminal_ui():
    code = (
        "import sys, pos.paper.cards, pos.cli.cards\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[4]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
