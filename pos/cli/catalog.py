"""`aixin catalog list`: the goods catalog, or the rules sheet with --tasks."""

from __future__ import annotations

from pathlib import Path

import click

from db.books import awards, stock
from pos.cli.common import db_option, group, open_books, refusals, tsv_option
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


COMMANDS = (catalog,)
