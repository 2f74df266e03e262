"""`aixin produce intake|sell|payout|list|reverse|close|day` (docs/design.md §4.11, §7)."""

from __future__ import annotations

from pathlib import Path

import click

from catalog.messages import Refused
from catalog.money import parse_yuan, yuan
from db.books import produce
from db.store.ids import human
from pos.cli.common import (
    clock,
    db_option,
    group,
    open_books,
    operator_option,
    refusals,
    sign_in,
    tsv_option,
)
from pos.cli.output import table
from pos.i18n import _
from pos.paper.produce_slips import close_text, payout_rows
from pos.paper.slips import as_text


def _qty(text: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise Refused("数量应为 1 到 {most} 的整数，而不是“{qty}”", most=produce.MAX_QTY, qty=text)
    return int(text)


@group("produce")
def produce_group() -> None:
    """代销农户自产的农产品（收现金），给农户付款，现金日结。"""


@produce_group.command("intake")
@db_option
@click.option("--household", required=True, metavar="ID", help="交货农户的户号。")
@click.option("--name", required=True, metavar="TEXT", help="品名，例如 土鸡蛋。")
@click.option("--unit", required=True, metavar="TEXT", help="单位，例如 个、斤、瓶。")
@click.option("--qty", required=True, metavar="N", help="收下的数量，整数。")
@click.option("--price", required=True, metavar="YUAN", help="约定单价，元，最多两位小数。")
@operator_option
@refusals
def intake(
    db_path: Path, household: str, name: str, unit: str, qty: str, price: str, operator: str
) -> None:
    """收下农户的一批农产品代销，按约定单价。"""
    open_books(db_path)
    fen = parse_yuan(price)
    count = _qty(qty)
    actor = sign_in(operator)
    lot = produce.intake(actor, clock(), household, name, unit, count, fen)
    click.echo(
        _("已收代销品 {lot}：{name}（{number}）{item} {qty} {unit}，单价 {price} 元").format(
            lot=human(lot.id),
            name=lot.head_name,
            number=lot.household,
            item=lot.name,
            qty=lot.qty,
            unit=lot.unit,
            price=yuan(lot.price_fen),
        )
    )


@produce_group.command("sell")
@db_option
@click.option("--lot", required=True, metavar="ID", help="代销品编号，例如 451425-03-000001。")
@click.option("--qty", required=True, metavar="N", help="卖出的数量，整数。")
@click.option(
    "--buyer", default="", metavar="TEXT", help="买方（可不写），例如 县人社局（消费扶贫）。"
)
@operator_option
@refusals
def sell(db_path: Path, lot: str, qty: str, buyer: str, operator: str) -> None:
    """卖出代销品，收现金。"""
    open_books(db_path)
    number, count = produce.lot_id(lot), _qty(qty)
    actor = sign_in(operator)
    sale = produce.sell(actor, clock(), number, count, buyer)
    click.echo(
        _("已卖出 {sale}：{item} {qty} {unit}，收现金 {amount} 元；还剩 {left} {unit}").format(
            sale=human(sale.id),
            item=sale.lot.name,
            qty=sale.qty,
            unit=sale.lot.unit,
            amount=yuan(sale.amount_fen),
            left=sale.lot.left,
        )
    )


@produce_group.command("reverse")
@db_option
@click.option("--sale", required=True, metavar="ID", help="要冲正的代销单号。")
@operator_option
@refusals
def reverse(db_path: Path, sale: str, operator: str) -> None:
    """冲正一笔卖错的代销（站长）：数量回到代销品，现金退出。"""
    open_books(db_path)
    number = produce.lot_id(sale)
    actor = sign_in(operator)
    undo = produce.reverse_sale(actor, clock(), number)
    click.echo(
        _("已冲正代销单 {sale}：{item} {qty} {unit} 回到代销品，退出现金 {amount} 元").format(
            sale=human(number),
            item=undo.lot.name,
            qty=-undo.qty,
            unit=undo.lot.unit,
            amount=yuan(-undo.amount_fen),
        )
    )


@produce_group.command("payout")
@db_option
@click.option("--household", required=True, metavar="ID", help="收款农户的户号。")
@operator_option
@refusals
def payout(db_path: Path, household: str, operator: str) -> None:
    """把一户卖出所得而还没付的钱全部付给农户，打印双方签字的付款单。"""
    open_books(db_path)
    actor = sign_in(operator)
    slip = produce.payout(actor, clock(), household)
    click.echo(as_text(payout_rows(slip)))


@produce_group.command("list")
@db_option
@click.option("--household", metavar="ID", help="只列这一户的代销品。")
@tsv_option
@refusals
def list_lots(db_path: Path, household: str | None, tsv: bool) -> None:
    """列出代销品：编号、户号、品名、单位、收、卖出、单价、待付、已付（元）。"""
    open_books(db_path)
    rows = [
        (
            human(lot.id),
            lot.household,
            lot.name,
            lot.unit,
            lot.qty,
            lot.sold,
            yuan(lot.price_fen),
            yuan(lot.owed_fen),
            yuan(lot.paid_fen),
        )
        for lot in produce.lots(household)
    ]
    table(
        ("lot", "household", "name", "unit", "in", "sold", "price", "owed", "paid"),
        (
            _("编号"),
            _("户号"),
            _("品名"),
            _("单位"),
            _("收"),
            _("卖出"),
            _("单价"),
            _("待付"),
            _("已付"),
        ),
        rows,
        tsv=tsv,
    )


@produce_group.command("close")
@db_option
@click.option("--counted", required=True, metavar="YUAN", help="清点出的现金，元。")
@click.option("--note", default="", metavar="TEXT", help="说明，例如短款的原因。")
@operator_option
@refusals
def close(db_path: Path, counted: str, note: str, operator: str) -> None:
    """现金日结：清点的现金对账，差额记入现金账，由清点人签字。一天一次。"""
    open_books(db_path)
    fen = parse_yuan(counted, zero=True)
    actor = sign_in(operator)
    sheet = produce.close_day(actor, clock(), fen, note)
    click.echo(close_text(sheet))


@produce_group.command("day")
@db_option
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="日结的日期。")
@refusals
def day_sheet(db_path: Path, day: str) -> None:
    """再打印某天的现金日记账。"""
    open_books(db_path)
    from db.books.setup import local_station

    click.echo(close_text(produce.close_sheet(local_station().code, day.strip())))


COMMANDS = (produce_group,)
