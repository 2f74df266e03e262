"""`aixin labels print`: barcode labels for shop-made codes, as a PDF sheet to print."""

from __future__ import annotations

from pathlib import Path

import click

from catalog.loader import whole_number
from catalog.messages import N_, Message, Refused
from db.books import goods
from pos.cli.common import db_option, group, open_books, refusals
from pos.i18n import _
from pos.paper import labels as paper

MAX_LABELS = 2400  # a hundred sheets


@group()
def labels() -> None:
    """条码标签。"""


@labels.command("print")
@db_option
@click.option(
    "--item",
    "items",
    multiple=True,
    required=True,
    metavar="CODE",
    help="要打标签的商品（编码或条码）；可写多次。",
)
@click.option("--copies", default="1", metavar="N", help="每种商品打几张（默认 1）。")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="写到这个 PDF 文件（A4，每页 3 × 8 张 70 × 37 毫米的标签）。",
)
@refusals
def print_labels(db_path: Path, items: tuple[str, ...], copies: str, out: Path) -> None:
    """打印商品的条码标签（名称、积分价、EAN-13 条码），贴在没有条码或自编码的商品上。"""
    count = whole_number(copies, Message(N_("张数")))
    if not 1 <= count <= 100:
        raise Refused("每种商品打 1 到 100 张，而不是 {copies} 张", copies=copies)
    if len(items) * count > MAX_LABELS:
        raise Refused("一次最多打 {most} 张标签", most=MAX_LABELS)
    open_books(db_path)
    found = goods.printable_items(items)
    sheet = [
        paper.Label(
            barcode, item.name, _("{price} 分 / {unit}").format(price=item.price, unit=item.unit)
        )
        for item, barcode in found
        for _copy in range(count)
    ]
    paper.save(sheet, _("条码标签"), out)
    click.echo(_("已保存：{path}（{count} 张标签）").format(path=out, count=len(sheet)))


COMMANDS = (labels,)
