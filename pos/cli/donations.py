"""`aixin donation add`: donations that arrive in bulk, entered without the till."""

from __future__ import annotations

from pathlib import Path

import click

from catalog.messages import Refused
from catalog.money import fen
from db.books import donation_sheet, stock
from pos.cli.common import clock, db_option, group, open_books, operator_option, refusals, sign_in
from pos.paper import slips


@group()
def donation() -> None:
    """捐赠登记。"""


@donation.command("add")
@db_option
@click.option("--donor", required=True, metavar="NAME", help="捐赠人或捐赠单位的名称。")
@click.option("--company", is_flag=True, help="捐赠的是企业或单位（不写时为个人）。")
@click.option(
    "--item",
    "items",
    multiple=True,
    metavar="CODE:QTY[:VALUE]",
    help="一种物品：编码或条码、数量，可加估价（元），例如 G001:200:5000；可写多次。",
)
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="从 xlsx 或 csv 读物品清单（编码、数量、估价（元））。",
)
@click.option("--cash", default="", metavar="YUAN", help="捐赠的现金（元），例如 200 或 12.50。")
@click.option("--note", default="", help="备注，例如：春节慰问物资。")
@operator_option
@refusals
def add(
    db_path: Path,
    donor: str,
    company: bool,
    items: tuple[str, ...],
    from_file: Path | None,
    cash: str,
    note: str,
    operator: str,
) -> None:
    """登记一笔捐赠（物品入库和/或现金），打印和收银台一样的捐赠收据。

    全部登记或全部不登记：有一种物品不对，就列出所有不对的，什么都不改。
    """
    if items and from_file:
        raise Refused("--item 和 --from-file 只能用一种")
    cash_fen = fen(cash)
    if cash_fen is None:
        raise Refused("现金应为元，例如 200 或 12.50，而不是“{cash}”", cash=cash)
    open_books(db_path)
    actor = sign_in(operator)
    lines = (
        donation_sheet.sheet_lines(from_file) if from_file else donation_sheet.typed_lines(items)
    )
    gift = stock.take_donation(
        actor,
        clock(),
        donor,
        lines,
        donor_kind="company" if company else "person",
        cash_fen=cash_fen,
        note=note,
    )
    click.echo(slips.as_text(slips.donation_rows(gift)))


COMMANDS = (donation,)
