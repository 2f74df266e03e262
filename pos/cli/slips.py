"""`aixin slip`: print a redemption slip or a donation receipt again, from the books."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from catalog.messages import Refused
from db.books import redemptions, station_settings, stock
from db.store.clock import stamp
from db.store.ids import human, parse_human
from pos.cli.common import clock, command, db_option, open_books, refusals
from pos.i18n import _
from pos.paper import slips, thermal


@command()
@db_option
@click.argument("number")
@click.option("--donation", is_flag=True, help="打印捐赠收据，而不是兑换单。")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写到这个文本文件，而不是屏幕上。",
)
@click.option(
    "--printer",
    "to_printer",
    is_flag=True,
    help="同时在本站的小票打印机上打印（aixin printer set 设置的）。",
)
@refusals
def slip(db_path: Path, number: str, donation: bool, out: Path | None, to_printer: bool) -> None:
    """补打一张兑换单（或 --donation 捐赠收据），单号如 451425-03-000007。

    兑换或捐赠已经记账、单据却没能保存或打印时用：单据上注明“补打”和时间。
    """
    open_books(db_path)
    record = parse_human(number)
    when = stamp(clock().now())
    if donation:
        rows = slips.donation_rows(replace(stock.receipt(record), reprinted=when))
    else:
        rows = slips.redemption_rows(replace(redemptions.slip(record), reprinted=when))
    text = slips.as_text(rows) + "\n"
    if to_printer:
        spec, image = station_settings.printer()
        thermal.print_slip(thermal.parse(spec), rows, human(record), image=image)
        click.echo(_("已在 {printer} 上打印").format(printer=spec), err=out is None)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        slips.write_whole(out, text)
    except OSError as exc:
        raise Refused(
            "单据没能保存到 {folder}：{reason}", folder=out, reason=exc.strerror or str(exc)
        ) from exc
    click.echo(_("已保存：{path}").format(path=out))


COMMANDS = (slip,)
