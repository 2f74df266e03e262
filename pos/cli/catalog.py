"""`aixin catalog list`: the goods catalog, or the rules sheet with --tasks."""

from __future__ import annotations

from pathlib import Path

import click

from catalog.loader import load_goods, load_local_goods, whole_number
from catalog.messages import N_, Message, Refused
from db.books import awards, goods, stock
from db.books.setup import local_station
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


@group()
def catalog() -> None:
    """商品目录和积分明细表。"""


@catalog.command("list")
@db_option
@click.option("--tasks", is_flag=True, help="列出积分明细表（积分项目），而不是商品。")
@tsv_option
@refusals
def list_catalog(db_path: Path, tasks: bool, tsv: bool) -> None:
    """列出商品（编码、条码、名称、单位、积分价、库存）或积分项目。"""
    open_books(db_path)
    if tasks:
        rows = [
            (t.code, t.name, t.category, t.points, t.unit, t.cap) for t in awards.search_tasks()
        ]
        table(
            ("code", "name", "category", "points", "unit", "cap"),
            (_("编码"), _("项目"), _("类别"), _("分值"), _("单位"), _("每月上限")),
            rows,
            tsv=tsv,
        )
        return
    codes = stock.barcodes_by_item()
    rows = [
        (i.code, " ".join(codes.get(i.code, [])), i.name, i.unit, i.price, i.stock)
        for i in stock.search_items("", limit=None)
    ]
    table(
        ("code", "barcode", "name", "unit", "price", "stock"),
        (_("编码"), _("条码"), _("名称"), _("单位"), _("积分价"), _("库存")),
        rows,
        tsv=tsv,
    )


@catalog.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--operator",
    required=True,
    metavar="NAME",
    help="做导入的操作员：在县级数据库是县扶贫办的操作员，在站点是站长；"
    "密码从环境变量 AIXIN_PIN 读取，没有时会提示输入。",
)
@refusals
def import_goods(db_path: Path, file: Path, operator: str) -> None:
    """从 xlsx 或 csv 导入商品（编码、条码、名称、单位、类别、积分价、补货线）。

    在县级数据库导入的是全县的商品目录，随开站文件和更新文件发到各站；在站点导入的是本站
    自有的商品：编码一栏留空的是新商品，由本站编号并生成店内条码（21 开头）。改了积分价的，
    旧价留在调价记录里。整个文件全部导入或全部不导入：有一行不对，就列出所有不对的行。
    """
    open_books(db_path)
    county = local_station().kind == "county"
    lines = load_goods(file) if county else load_local_goods(file)
    if not lines:
        raise Refused("文件 {file} 里没有商品", file=file.name)
    actor = sign_in(operator)
    done = goods.import_goods(actor, clock(), lines)
    click.echo(
        _("导入完成：新增 {added} 种，修改 {changed} 种，调价 {repriced} 种。").format(
            added=len(done.added), changed=len(done.changed), repriced=len(done.repriced)
        )
    )


@catalog.command("price")
@db_option
@click.argument("code")
@click.argument("points")
@operator_option
@refusals
def price(db_path: Path, code: str, points: str, operator: str) -> None:
    """调整商品的积分价（明码标分）：从现在起按新价兑换，旧价留在调价记录里。

    县目录的商品在县级数据库调价，随更新文件下发；本站自有的商品在本站调价。
    """
    open_books(db_path)
    actor = sign_in(operator)
    change = goods.change_price(actor, clock(), code, whole_points(points))
    click.echo(
        _("{name}（{code}）的积分价从 {old} 分改为 {new} 分，{since} 起生效。").format(
            name=change.name,
            code=change.code,
            old=change.old_price,
            new=change.price,
            since=change.since,
        )
    )


def whole_points(text: str) -> int:
    return whole_number(text, Message(N_("积分价")))


COMMANDS = (catalog,)
