"""Slips on an ESC/POS thermal receipt printer (58/80 mm), driven with python-escpos.

A printer is named by a spec, kept as the station's setting:
`usb:VID:PID` (hex, e.g. usb:0416:5011), `network:HOST[:PORT]` (port 9100 by default),
`serial:PORT` (/dev/ttyUSB0, COM3), `win32:NAME` (a Windows printer queue), `file:PATH`
(a device file such as /dev/usb/lp0, or a plain file) or `none`.

Chinese goes as GB18030 bytes after the printer is put into its Chinese character mode
(FS &), and the mode is left (FS .) before the slip number's QR code: python-escpos's own
text path encodes through code pages and prints `?` for Chinese. A printer without a Chinese
font gets the slip as an image instead (the station's image setting). Whatever goes wrong on
the way — no such device, the printer off, unplugged or out of paper, a refused connection —
comes back as one `Refused` line: the sale is booked already, the slip is saved as text and
PDF, and it can be printed again (F12, `aixin slip`).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from catalog.messages import Refused
from pos.i18n import _
from pos.paper import slips
from pos.paper.fonts import CardFonts, find_fonts
from pos.paper.slips import Row

CHINESE_ON = b"\x1c\x26"  # FS &: Chinese character mode (GB18030 on mainland printers)
CHINESE_OFF = b"\x1c\x2e"  # FS .: back to the code page
INIT = b"\x1b\x40"  # ESC @
IMAGE_WIDTH = 384  # dots: the printable width of 58 mm paper at 203 dpi
PORT = 9100
KINDS = ("usb", "network", "serial", "win32", "file", "none")
SAMPLE = "爱心超市积分兑换 GB18030"  # printed in Chinese whatever the operator's language: data
SPEC_HELP = "usb:VID:PID | network:HOST[:PORT] | serial:PORT | win32:NAME | file:PATH | none"


@dataclass(frozen=True)
class Spec:
    kind: str  # one of KINDS
    target: str = ""  # host, port name, printer name or path
    port: int = PORT  # network only
    vendor: int = 0  # usb only
    product: int = 0

    def __str__(self) -> str:
        if self.kind == "none":
            return "none"
        if self.kind == "usb":
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        if self.kind == "network":
            return f"network:{self.target}:{self.port}"
        return f"{self.kind}:{self.target}"


def parse(text: str) -> Spec:
    """A printer spec from its text, or Refused saying how to write one."""
    kind, _, rest = text.strip().partition(":")
    kind = kind.lower()
    if kind == "none" and not rest:
        return Spec("none")
    if kind == "usb":
        found = re.fullmatch(r"(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})", rest)
        if found:
            return Spec("usb", vendor=int(found[1], 16), product=int(found[2], 16))
    elif kind == "network" and rest:
        host, colon, port = rest.rpartition(":")
        if not colon:
            return Spec("network", rest)
        if port.isdigit() and 0 < int(port) < 65536 and host:
            return Spec("network", host, int(port))
    elif kind in ("serial", "win32", "file") and rest.strip():
        return Spec(kind, rest.strip())
    raise Refused("打印机应写成 {forms}，而不是“{text}”", forms=SPEC_HELP, text=text)


def open_printer(spec: Spec) -> Any:
    """The python-escpos printer for `spec` (not yet connected: it connects on first use)."""
    from escpos import printer

    if spec.kind == "usb":
        return printer.Usb(spec.vendor, spec.product, timeout=3000)
    if spec.kind == "network":
        return printer.Network(spec.target, port=spec.port, timeout=5)
    if spec.kind == "serial":
        return printer.Serial(spec.target, timeout=3)
    if spec.kind == "win32":
        return printer.Win32Raw(spec.target)
    if spec.kind == "file":
        return printer.File(spec.target)
    raise Refused("本站没有设置小票打印机（aixin printer set）")


def trial_rows(station: str, spec: Spec, when: str) -> list[Row]:
    """What `aixin printer test` prints: Chinese, figures and a rule, to see all come out."""
    return [
        (_("打印机测试"), ""),
        (station, ""),
        (_("时间"), when),
        (_("打印机"), str(spec)),
        slips.RULE,
        (SAMPLE, ""),
        ("0123456789 ABCDEFGHIJ", ""),
        slips.RULE,
        (_("字和二维码都清楚，就设置好了"), ""),
    ]


def _send(device: Any, data: bytes) -> None:
    """Raw bytes to the printer: python-escpos has no public call for bytes it should not
    re-encode, so this is the one place that uses its `_raw`."""
    device._raw(data)


def _paper(device: Any) -> None:
    """Tell python-escpos the paper's width (58 mm, 384 dots): its default profile knows none,
    and says so by printing to the terminal on every image, right across the till's screen."""
    data = dict(device.profile.profile_data)
    data["media"] = {"dpi": 203, "width": {"mm": 58, "pixels": IMAGE_WIDTH}}
    device.profile.profile_data = data


def write(device: Any, rows: list[Row], code: str, *, image: bool = False,
          fonts: CardFonts | None = None) -> None:  # fmt: skip
    """The slip on `device`: its text (or an image of it), `code` (the slip's number) as a QR
    code and in figures, then a cut."""
    _paper(device)
    _send(device, INIT)
    if image:
        picture = slips.as_image(rows, fonts or find_fonts()).convert("L")
        height = round(picture.height * IMAGE_WIDTH / picture.width)
        device.image(picture.resize((IMAGE_WIDTH, height)).convert("1"))
    else:
        text = slips.as_text(rows) + "\n"
        _send(device, CHINESE_ON + text.encode("gb18030") + CHINESE_OFF)
    device.qr(code, size=5, native=False)
    _send(device, b"\n" + code.encode("ascii") + b"\n\n")
    device.cut()


def _failures() -> tuple[type[BaseException], ...]:
    """What a printer that is not there or not working raises: python-escpos's own errors,
    the OS's (USB, serial and socket errors are OSErrors), a missing driver library (no
    libusb, no win32print: RuntimeError, ImportError) and, on Windows, the spooler's."""
    from escpos.exceptions import Error as EscposError

    found: list[type[BaseException]] = [EscposError, OSError, ValueError, ImportError,
                                        RuntimeError]  # fmt: skip
    try:
        import pywintypes  # type: ignore[import-not-found]

        found.append(pywintypes.error)
    except ImportError:
        pass
    return tuple(found)


def print_slip(spec: Spec, rows: list[Row], code: str, *, image: bool = False) -> None:
    """Print the slip on the printer `spec` names; Refused, in one line, when it did not."""
    if spec.kind == "none":
        raise Refused("本站没有设置小票打印机（aixin printer set）")
    device = None
    try:
        fonts = find_fonts() if image else None
        device = open_printer(spec)
        write(device, rows, code, image=image, fonts=fonts)
    except _failures() as exc:
        raise Refused(
            "小票没有打印出来（打印机 {printer}：{reason}）",
            printer=str(spec),
            reason=" ".join(str(exc).split()) or type(exc).__name__,
        ) from None
    finally:
        if device is not None:
            with contextlib.suppress(Exception):  # closing a dead device says nothing new
                device.close()
