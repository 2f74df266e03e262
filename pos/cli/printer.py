"""`aixin printer set|test`: the station's thermal receipt printer (pos/paper/thermal.py)."""

from __future__ import annotations

from pathlib import Path

import click

from db.books import station_settings
from db.books.setup import here
from db.store.clock import stamp
from pos.cli.common import (
    clock,
    db_option,
    group,
    open_books,
    operator_option,
    refusals,
    sign_in,
)
from pos.i18n import _
from pos.paper import thermal


@group()
def printer() -> None:
    """小票打印机（58/80 毫米热敏，ESC/POS）：设置和试打。"""


@printer.command("set")
@db_option
@click.argument("spec", metavar="SPEC")
@click.option(
    "--image/--text",
    default=None,
    help="整张小票作为图片打印（打印机没有中文字库时用）；--text 按 GB18030 文字打印（默认）。",
)
@operator_option
@refusals
def set_printer(db_path: Path, spec: str, image: bool | None, operator: str) -> None:
    """设置本站的小票打印机（站长）。SPEC 写成 usb:VID:PID、network:HOST[:PORT]、
    serial:PORT、win32:NAME、file:PATH 或 none。"""
    chosen = thermal.parse(spec)
    open_books(db_path)
    actor = sign_in(operator)
    station_settings.put(actor, clock(), station_settings.PRINTER, str(chosen))
    if image is not None:
        station_settings.put(actor, clock(), station_settings.PRINTER_IMAGE, "1" if image else "0")
    as_image = station_settings.printer()[1]
    how = _("图片") if as_image else _("文字（GB18030）")
    click.echo(_("小票打印机：{printer}，按{how}打印").format(printer=chosen, how=how))


@printer.command("test")
@db_option
@refusals
def test_printer(db_path: Path) -> None:
    """在设置好的小票打印机上打一张试打单：中文、数字和二维码。"""
    open_books(db_path)
    spec_text, image = station_settings.printer()
    spec = thermal.parse(spec_text)
    rows = thermal.trial_rows(here().name, spec, stamp(clock().now()))
    thermal.print_slip(spec, rows, "AIXIN TEST", image=image)
    click.echo(_("已在 {printer} 上打印试打单").format(printer=spec))


COMMANDS = (printer,)
