"""`aixin household list|import`."""

from __future__ import annotations

from pathlib import Path

import click

from catalog.tabular import Row, read_rows
from db.books import households
from db.books.setup import here
from pos.cli.common import (
    clock,
    db_option,
    group,
    open_books,
    reading_county,
    reading_option,
    refusals,
    report_option,
    reporting,
    sign_in,
    tsv_option,
)
from pos.cli.output import table
from pos.i18n import _


@group()
def household() -> None:
    """农户花名册。"""


@household.command("list")
@db_option
@click.option("--village", metavar="CODE", help="只列这个村（村代码）。")
@tsv_option
@reading_option
@refusals
def list_households(db_path: Path, village: str | None, tsv: bool, operator: str | None) -> None:
    """列出农户：户号、户主、村、类别、状态、余额。"""
    open_books(db_path, county=True)
    county = reading_county(operator)
    rows = [
        (
            h.number,
            h.head_name,
            h.village,
            h.category if tsv else _(h.category),
            h.status if tsv else _(households.STATUS_NAMES[h.status]),
            h.balance,
        )
        for h in households.roster(village or None, county=county)
    ]
    table(
        ("number", "name", "village", "category", "status", "balance"),
        (_("户号"), _("户主"), _("村"), _("类别"), _("状态"), _("余额")),
        rows,
        tsv=tsv,
    )


@household.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--operator",
    metavar="NAME",
    help="做导入的操作员：在站点是站长，在县级数据库是县扶贫办的操作员（如 county）。",
)
@report_option
@refusals
def import_households(db_path: Path, file: Path, operator: str | None, report: Path | None) -> None:
    """从 xlsx 或 csv 导入农户（户号、户主、身份证号、村、组、类别、人口、电话、状态）。

    整个文件全部导入或全部不导入：有一行不对，就列出所有不对的行，什么都不改。
    """
    open_books(db_path, county=True)

    def read() -> list[Row]:
        return read_rows(
            file,
            households.COLUMNS,
            ("number", "head_name", "id_number", "village", "category"),
            max_rows=households.ROSTER_ROWS,
        )

    rows = reporting(file, report, read, max_rows=households.ROSTER_ROWS)
    actor = sign_in(operator) if operator else None
    counts = reporting(
        file,
        report,
        lambda: households.import_rows(actor, clock(), rows, station=here().code),
        max_rows=households.ROSTER_ROWS,
    )
    click.echo(_("导入完成：新增 {added} 户，更新 {updated} 户。").format(**counts))


COMMANDS = (household,)
