"""`aixin catalog list`: the goods catalog, or the rules sheet with --tasks."""

from __future__ import annotations

from pathlib import Path

import click

from catalog import loader
from catalog.messages import N_
from db.books import awards, rules, stock
from pos.cli.common import (
    clock,
    db_option,
    group,
    open_books,
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
    open_books(db_path)
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
@click.option("--operator", required=True, metavar="NAME", help="县扶贫办的操作员名（如 county）。")
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
    """从 xlsx 或 csv 导入县里的积分细则（--tasks）：编码、名称、类别、分值、单位、上限，
    可加 上限周期（月 或 年）或 每年上限。

    整个文件全部导入或全部不导入。项目从不删除：表里没有的项目停用；改了分值的项目从起用日期
    起用新值，旧值留在历史里，已记的分保持原来的分值。只有县级数据库能导入，站点从更新文件得到。
    """
    if not tasks:
        raise click.UsageError(_("请加上 --tasks 导入积分细则"))
    open_books(db_path)
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


COMMANDS = (catalog,)
