"""`aixin county places import`: the county's townships, villages and groups from its list."""

from __future__ import annotations

from pathlib import Path

import click

from db.county import places
from pos.cli.common import (
    clock,
    county_operator_option,
    db_option,
    group,
    open_books,
    refusals,
    report_option,
    reporting,
    sign_in,
)
from pos.i18n import _


@group("places")
def places_group() -> None:
    """县里的乡镇、村和组。"""


@places_group.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@county_operator_option
@report_option
@refusals
def import_places(db_path: Path, file: Path, operator: str, report: Path | None) -> None:
    """从 xlsx 或 csv 导入乡镇、村和组（乡镇代码、乡镇、村代码、村，可加 组、组代码）。

    代码用国家统计用区划代码：乡镇 9 位（或以 000 结尾的 12 位），村 12 位，都以本县代码开头。
    整个文件全部导入或全部不导入；地方不会删除，改了名的村保留原代码和它的农户、账目。
    同一个文件再导入一次，什么都不变。
    """
    open_books(db_path, county=True)
    rows = reporting(file, report, lambda: places.read_sheet(file), max_rows=places.MAX_ROWS)
    actor = sign_in(operator)
    done = reporting(
        file, report, lambda: places.import_places(actor, clock(), rows), max_rows=places.MAX_ROWS
    )
    text = _(
        "地方导入完成：乡镇新增 {t_added} 个、改名 {t_renamed} 个；村新增 {v_added} 个、"
        "改名 {v_renamed} 个；组新增 {g_added} 个、改名 {g_renamed} 个。"
    )
    click.echo(
        text.format(
            t_added=done.townships[0],
            t_renamed=done.townships[1],
            v_added=done.villages[0],
            v_renamed=done.villages[1],
            g_added=done.groups[0],
            g_renamed=done.groups[1],
        )
    )
    if not done.changed:
        click.echo(_("表里的地方都已在库中，没有变化。"))
