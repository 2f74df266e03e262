"""`aixin statement`, `aixin donors`, `aixin honours`: the A4 lists, as PDF (read only)."""

from __future__ import annotations

from pathlib import Path

import click

from db.books import donor_list, honour_roll, statements
from pos.cli.common import clock, command, db_option, open_books, refusals
from pos.i18n import _
from pos.paper import lists

out_option = click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="写到这个 PDF 文件（A4）。",
)


@command()
@db_option
@click.argument("household")
@click.option("--from", "start", metavar="DATE", help="起始日期 YYYY-MM-DD（含）；不写时从建档起。")
@click.option("--to", "end", metavar="DATE", help="截止日期 YYYY-MM-DD（含）；不写时到今天。")
@out_option
@refusals
def statement(db_path: Path, household: str, start: str | None, end: str | None, out: Path) -> None:
    """打印一户的积分对账单：期初余额、期间每一笔积分（项目或商品）、期末余额和签字栏。"""
    first = statements.parse_day(start, "--from")
    last = statements.parse_day(end, "--to")
    open_books(db_path)
    st = statements.statement(household, clock(), start=first, end=last)
    lists.statement_pdf(st, out)
    click.echo(
        _("已保存：{path}（{count} 笔，期初 {opening} 分，期末 {closing} 分）").format(
            path=out, count=len(st.lines), opening=st.opening, closing=st.closing
        )
    )


@command()
@db_option
@click.option("--month", required=True, metavar="YYYY-MM", help="公示的月份。")
@out_option
@refusals
def donors(db_path: Path, month: str, out: Path) -> None:
    """打印一个月的爱心捐赠公示：每笔捐赠的日期、捐赠方、物品、估价和收据号。"""
    open_books(db_path)
    gifts = donor_list.donor_list(month, clock())
    lists.donors_pdf(gifts, out)
    click.echo(_("已保存：{path}（{count} 笔捐赠）").format(path=out, count=len(gifts.lines)))


@command()
@db_option
@click.option("--village", required=True, metavar="CODE", help="村代码（12 位）。")
@click.option("--month", required=True, metavar="YYYY-MM", help="光荣榜的月份。")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=honour_roll.TOP,
    show_default=True,
    help="列出得分最多的前几名（同分并列）。",
)
@out_option
@refusals
def honours(db_path: Path, village: str, month: str, top: int, out: Path) -> None:
    """打印一个村一个月的积分光荣榜：得分最多的农户；扣分只计次数和分数，不列户名
    （县里设置要列名时才列）。"""
    open_books(db_path)
    roll = honour_roll.honour_roll(village, month, clock(), top=top)
    lists.roll_pdf(roll, out)
    click.echo(_("已保存：{path}（{count} 户上榜）").format(path=out, count=len(roll.lines)))


COMMANDS = (statement, donors, honours)
