"""`aixin notice add|list|sheet`: the county's policy notices (docs/design.md §6.5, §7)."""

from __future__ import annotations

from pathlib import Path

import click

from db.books import notices
from db.books.setup import local_station
from db.store.ids import human
from pos.cli.common import (
    clock,
    county_operator_option,
    db_option,
    group,
    open_books,
    refusals,
    sign_in,
    tsv_option,
)
from pos.cli.output import table
from pos.i18n import _


@group("notice")
def notice_group() -> None:
    """政策通知：县里发布，随更新文件到各站点，扫卡时显示给对应的农户。"""


@notice_group.command("add")
@db_option
@click.option("--title", required=True, metavar="TEXT", help="标题（一行，印在小票上）。")
@click.option("--text", required=True, metavar="TEXT", help="正文。")
@click.option("--from", "start", metavar="DATE", help="开始日期 YYYY-MM-DD，默认今天。")
@click.option("--until", metavar="DATE", help="结束日期 YYYY-MM-DD，不写则一直有效。")
@click.option("--township", multiple=True, metavar="CODE", help="只发给这个乡镇（可写多次）。")
@click.option("--category", multiple=True, metavar="NAME", help="只发给这类农户（可写多次）。")
@click.option("--household", multiple=True, metavar="ID", help="发给这一户（可写多次）。")
@county_operator_option
@refusals
def add(
    db_path: Path,
    title: str,
    text: str,
    start: str | None,
    until: str | None,
    township: tuple[str, ...],
    category: tuple[str, ...],
    household: tuple[str, ...],
    operator: str,
) -> None:
    """发布一条政策通知（县扶贫办）；下一次更新文件把它带到各站点。"""
    open_books(db_path, county=True)
    actor = sign_in(operator)
    notice = notices.add(
        actor,
        clock(),
        title,
        text,
        start=start,
        until=until,
        townships=township,
        categories=category,
        households=household,
    )
    click.echo(
        _("已发布通知 {number}：{title}，{start} 起，发给{whom}").format(
            number=human(notice.id),
            title=notice.title,
            start=notice.start,
            whom=notice.whom.render(_),
        )
    )


@notice_group.command("list")
@db_option
@click.option("--household", metavar="ID", help="只列发给这一户的通知。")
@tsv_option
@refusals
def list_notices(db_path: Path, household: str | None, tsv: bool) -> None:
    """列出通知：编号、标题、开始、结束、发给谁。"""
    open_books(db_path, county=True)
    found = notices.for_household(household) if household else notices.every()
    rows = [(human(n.id), n.title, n.start, n.until or "", n.whom.render(_)) for n in found]
    table(
        ("number", "title", "from", "until", "for"),
        (_("编号"), _("标题"), _("开始"), _("结束"), _("发给")),
        rows,
        tsv=tsv,
    )


@notice_group.command("sheet")
@db_option
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PDF 文件。"
)
@refusals
def sheet(db_path: Path, out: Path) -> None:
    """把今天有效的通知印成一张 A4，贴在墙上。"""
    open_books(db_path)
    from pos.paper.notice_sheet import notice_sheet

    day = clock().now().strftime("%Y-%m-%d")
    notice_sheet(local_station().name, day, notices.current(day), out, _)
    click.echo(_("已写出 {path}").format(path=out))


COMMANDS = (notice_group,)
