"""`aixin catalog list`: the goods catalog, or the rules sheet with --tasks."""

from __future__ import annotations

from pathlib import Path

import click

from catalog import loader
from catalog.loader import load_goods, load_local_goods, whole_number
from catalog.messages import N_, Message, Refused
from db.books import awards, goods, rules, stock
from db.books.setup import local_station
from pos.cli.common import (
    clock,
    db_option,
    group,
    open_books,
    operator_option,
    refusals,
    report_option,
    reporting,
    sign_in,
    tsv_option,
)
from pos.cli.output import table
from pos.i18n import _

PERIOD_NAMES = {"month": N_("月"), "year": N_("年")}


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
    open_books(db_path, county=True)
    if tasks:
        rows = [
            (
                t.code,
                t.name,
                t.category,
                t.points,
                t.unit,
                t.cap,
                (t.per if tsv else _(PERIOD_NAMES[t.per])) if t.cap is not None else "",
            )
            for t in awards.search_tasks(clock=clock())
        ]
        table(
            ("code", "name", "category", "points", "unit", "cap", "per"),
            (_("编码"), _("项目"), _("类别"), _("分值"), _("单位"), _("上限"), _("上限周期")),
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
@click.option("--tasks", is_flag=True, help="导入县里的积分细则（积分项目），而不是商品。")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "since",
    metavar="YYYY-MM-DD",
    help="改了分值或上限的项目从这一天起用新值（不能早于今天）；默认下个月 1 日。",
)
@click.option(
    "--operator",
    required=True,
    metavar="NAME",
    help="做导入的操作员：在县级数据库是县扶贫办的操作员，在站点是站长；"
    "密码从环境变量 AIXIN_PIN 读取，没有时会提示输入。",
)
@report_option
@refusals
def import_catalog(
    db_path: Path,
    tasks: bool,
    file: Path,
    since: str | None,
    operator: str,
    report: Path | None,
) -> None:
    """从 xlsx 或 csv 导入商品（编码、条码、名称、单位、类别、积分价、补货线），或加 --tasks
    导入县里的积分细则（编码、名称、类别、分值、单位、上限，可加 上限周期（月 或 年））。

    商品：在县级数据库导入的是全县的商品目录，随开站文件和更新文件发到各站；在站点导入的是
    本站自有的商品：编码一栏留空的是新商品，由本站编号并生成店内条码。改了积分价的，旧价留在
    调价记录里。积分细则只有县级数据库能导入：项目从不删除，表里没有的项目停用；改了分值的
    项目从起用日期起用新值，旧值留在历史里，已记的分保持原来的分值。整个文件全部导入或全部
    不导入：有一行不对，就列出不对的行。
    """
    open_books(db_path, county=True)
    if tasks:
        _import_tasks(file, since, operator, report)
    else:
        _import_goods(file, operator, report)


def _import_tasks(file: Path, since: str | None, operator: str, report: Path | None) -> None:
    rules.refuse_at_station()
    lines = reporting(file, report, lambda: loader.load_tasks(file))
    actor = sign_in(operator)
    done = reporting(file, report, lambda: rules.import_tasks(actor, clock(), lines, since=since))
    text = _(
        "积分细则导入完成：新增 {added} 项，改分值 {changed} 项（{since} 起），停用 {retired} 项，"
        "恢复 {restored} 项，改名称 {renamed} 项。"
    )
    click.echo(
        text.format(
            added=len(done.added),
            changed=len(done.changed),
            since=done.since,
            retired=len(done.retired),
            restored=len(done.restored),
            renamed=len(done.renamed),
        )
    )
    if done.retired:
        click.echo(_("停用的项目：{codes}").format(codes=" ".join(done.retired)))


def _import_goods(file: Path, operator: str, report: Path | None) -> None:
    county = local_station().kind == "county"
    lines = reporting(file, report, lambda: load_goods(file) if county else load_local_goods(file))
    if not lines:
        raise Refused("文件 {file} 里没有商品", file=file.name)
    actor = sign_in(operator)
    done = reporting(file, report, lambda: goods.import_goods(actor, clock(), lines))
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
    open_books(db_path, county=True)
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
