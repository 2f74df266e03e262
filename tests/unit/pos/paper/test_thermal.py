"""Slips on ESC/POS printers: GB18030 bytes that decode to the slip's text, the number as a QR
code, an image for printers without a Chinese font, and a dead printer as one-line refusal."""

from __future__ import annotations

import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image, ImageOps

from catalog.messages import Refused
from db.store.ids import human
from pos.i18n import _, use
from pos.paper import slips, thermal
from tests.unit.pos.paper.test_slips import SLIP


def text_part(data: bytes) -> str:
    """What was sent in Chinese mode, decoded as GB18030."""
    start = data.index(thermal.CHINESE_ON) + len(thermal.CHINESE_ON)
    return data[start : data.index(thermal.CHINESE_OFF, start)].decode("gb18030")


def raster_images(data: bytes) -> list[Image.Image]:
    """The GS v 0 raster images in `data`, as pictures (dark = printed)."""
    found, at = [], 0
    while (at := data.find(b"\x1dv0", at)) >= 0:
        width = data[at + 4] + 256 * data[at + 5]  # bytes a row
        height = data[at + 6] + 256 * data[at + 7]
        bits = data[at + 8 : at + 8 + width * height]
        image = Image.frombytes("1", (width * 8, height), bits)
        found.append(ImageOps.expand(ImageOps.invert(image.convert("L")), 40, fill=255))
        at += 8 + width * height
    return found


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("usb:0416:5011", "usb:0416:5011"),
        ("USB:0x4b8:0x202", "usb:04b8:0202"),
        ("network:192.168.1.50", "network:192.168.1.50:9100"),
        ("network:printer.local:9101", "network:printer.local:9101"),
        ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0"),
        ("serial:COM3", "serial:COM3"),
        ("win32:POS-58", "win32:POS-58"),
        ("file:/dev/usb/lp0", "file:/dev/usb/lp0"),
        ("none", "none"),
    ],
)
def test_printer_specs(text, shown):
    assert str(thermal.parse(text)) == shown
    assert str(thermal.parse(shown)) == shown  # what is stored reads back the same


@pytest.mark.parametrize(
    "text", ["", "lpt:1", "usb:", "usb:zz:01", "usb:12345:1", "network:", "network:h:0",
             "network:h:70000", "serial:", "file:", "none:x"],
)  # fmt: skip
def test_bad_specs_are_refused(text):
    with pytest.raises(Refused) as refused:
        thermal.parse(text)
    assert refused.value.message.fields["text"] == text


def test_the_bytes_decode_as_gb18030_to_the_slip_with_names_and_goods():
    use("zh")
    rows = slips.redemption_rows(SLIP)
    device = Dummy()
    thermal.write(device, rows, human(SLIP.id))
    data = device.output
    assert data.startswith(thermal.INIT)
    text = text_part(data)
    assert text == slips.as_text(rows) + "\n"
    for word in ("爱心超市兑换单", "张三", "大米（10 公斤）", "食盐", "兑换后余额"):
        assert word in text
    assert b"?" not in data[: data.index(thermal.CHINESE_OFF)]  # no Chinese lost to '?'
    assert b"\x1dV" in data[-8:]  # GS V: the cut comes last
    (qr,) = raster_images(data)
    assert [c.text for c in zxingcpp.read_barcodes(qr)] == [human(SLIP.id)]


def test_a_file_printer_gets_the_same_bytes(tmp_path):
    use("zh")
    rows = slips.redemption_rows(SLIP)
    out = tmp_path / "lp0"
    thermal.print_slip(thermal.parse(f"file:{out}"), rows, human(SLIP.id))
    assert text_part(out.read_bytes()) == slips.as_text(rows) + "\n"


def test_image_mode_sends_no_text_only_pictures():
    use("zh")
    device = Dummy()
    thermal.write(device, slips.redemption_rows(SLIP), human(SLIP.id), image=True)
    data = device.output
    assert thermal.CHINESE_ON not in data and "张三".encode("gb18030") not in data
    slip, qr = raster_images(data)
    assert slip.width - 80 == thermal.IMAGE_WIDTH  # 58 mm paper
    assert [c.text for c in zxingcpp.read_barcodes(qr)] == [human(SLIP.id)]


@pytest.mark.parametrize(
    "spec", ["file:{tmp}/no/such/folder/lp0", "network:127.0.0.1:9", "serial:{tmp}/ttyNONE"]
)
def test_a_dead_printer_is_one_line_naming_it(tmp_path, spec):
    use("zh")
    spec = thermal.parse(spec.format(tmp=tmp_path))
    with pytest.raises(Refused) as refused:
        thermal.print_slip(spec, slips.redemption_rows(SLIP), human(SLIP.id))
    said = refused.value.render(_)
    assert refused.value.message.fields["printer"] == str(spec)
    assert "\n" not in said and said.startswith("小票没有打印出来")


def test_no_printer_is_a_refusal():
    with pytest.raises(Refused, match="aixin printer set"):
        thermal.print_slip(thermal.parse("none"), [], "x")
