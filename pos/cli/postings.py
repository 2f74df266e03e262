"""`aixin posting …`: the public list before credit (公示, docs/design.md §4.12). Thin: open the
books, call one service in db.books.postings, report."""

from __future__ import annotations

from pathlib import Path

import click

from catalog.messages import N_, Message
from db.books import postings
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

number_argument = click.argument("number", metavar="NUMBER")
household_option = click.option("--household", required=True, metavar="ID", help="户号。")


@group("posting")
def posting_group() -> None:
    """公示：记分先张榜公示，登记和处理异议，期满后入账。"""


@posting_group.command("list")
@db_option
@click.option(
    "--status",
    type=click.Choice(postings.STATUSES),
    default=None,
    help="只列出一种：open 公示中，due 可入账，credited 已入账。",
)
@tsv_option
@refusals
def posting_list(db_path: Path, status: str | None, tsv: bool) -> None:
    """列出公示：编号、村、月份、户数、积分、起止日期、状态。"""
    open_books(db_path)
    found = postings.postings(clock(), status)
    keys = ("number", "village", "month", "households", "points", "from", "until", "status")
    headers = [
        _(h) for h in (N_("编号"), N_("村"), N_("月份"), N_("户数"), N_("积分"), N_("起"), N_("止"))
    ] + [_("状态")]
    table(
        keys,
        headers,
        (
            (
                p.number,
                p.village_name,
                p.month,
                p.households,
                p.points,
                p.start,
                p.until,
                p.status if tsv else _(postings.STATUS_NAMES[p.status]),
            )
            for p in found
        ),
        tsv=tsv,
    )


@posting_group.command("print")
@db_option
@number_argument
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="写出的公示名单：FILE.pdf（A4，贴在公示栏）或 FILE.xlsx。",
)
@refusals
def posting_print(db_path: Path, number: str, out: Path) -> None:
    """打印公示名单：村、月份、公示期、每户的积分明细和合计、异议联系方式、签字栏。"""
    from pos.paper import posting_list

    open_books(db_path)
    detail = postings.detail(clock(), number)
    posting_list.write(detail, out, _)
    click.echo(_("公示名单已写出：{path}").format(path=out))


@posting_group.command("object")
@db_option
@number_argument
@household_option
@click.option("--reason", required=True, help="异议理由。")
@click.option("--by", "by", required=True, metavar="NAME", help="提出异议的人。")
@operator_option
@refusals
def posting_object(
    db_path: Path, number: str, household: str, reason: str, by: str, operator: str
) -> None:
    """登记对一户积分的异议（公示期内）。"""
    open_books(db_path)
    actor = sign_in(operator)
    postings.object_to(actor, clock(), number, household, reason, by)
    click.echo(
        _("已登记异议：公示 {number} 户号 {household}，由站长处理").format(
            number=number, household=household.strip().upper()
        )
    )


@posting_group.command("resolve")
@db_option
@number_argument
@household_option
@click.option("--uphold", "outcome", flag_value="uphold", help="异议成立：这户的积分不入账。")
@click.option("--dismiss", "outcome", flag_value="dismiss", help="异议不成立：积分照常入账。")
@click.option("--note", default="", help="处理说明。")
@operator_option
@refusals
def posting_resolve(
    db_path: Path, number: str, household: str, outcome: str | None, note: str, operator: str
) -> None:
    """处理一户的异议（站长）：--uphold 成立，--dismiss 不成立。"""
    if outcome is None:
        raise click.UsageError(_("请给出 --uphold 或 --dismiss"))
    open_books(db_path)
    actor = sign_in(operator)
    postings.resolve(actor, clock(), number, household, uphold=outcome == "uphold", note=note)
    upheld, dismissed = N_("异议成立：这户的积分不入账"), N_("异议不成立：这户的积分照常入账")
    click.echo(Message(upheld if outcome == "uphold" else dismissed).render(_))


@posting_group.command("credit")
@db_option
@number_argument
@operator_option
@refusals
def posting_credit(db_path: Path, number: str, operator: str) -> None:
    """公示期满后入账（站长）：没有异议或异议不成立的积分记入账目。"""
    open_books(db_path)
    actor = sign_in(operator)
    done = postings.credit(actor, clock(), number)
    click.echo(
        _("公示 {number} 已入账：{count} 行，合计 {points} 分").format(
            number=done.number, count=done.entries, points=f"{done.points:+d}"
        )
    )
    if done.waiting:
        click.echo(
            _("还有异议待处理，这些户暂不入账：{households}").format(
                households=_("、").join(done.waiting)
            )
        )


COMMANDS = (posting_group,)
