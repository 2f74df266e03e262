"""`aixin event|transfer|visit`: holiday hand-outs, goods between stations, the mobile shop."""

from __future__ import annotations

from pathlib import Path

import click

from db.books import events, visits
from db.exchange import transfers
from db.store.ids import human
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
from pos.paper import handouts
from pos.paper.slips import as_text

out_option = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出文件。"
)


@group()
def event() -> None:
    """节日慰问：设置活动、发放、签领表。"""


@event.command("add")
@db_option
@click.option("--name", required=True, help="活动名称，例如“2027 年春节慰问”。")
@click.option("--category", multiple=True, metavar="NAME", help="可领的户类别（可写多次）。")
@click.option("--village", multiple=True, metavar="CODE", help="可领的村（村代码，可写多次）。")
@click.option("--household", multiple=True, metavar="ID", help="名单上的户号（可写多次）。")
@click.option("--item", multiple=True, metavar="CODE:QTY", help="每户的慰问品（可写多次）。")
@click.option("--points", type=int, default=0, help="每户的慰问积分。")
@click.option("--from", "starts", required=True, metavar="DATE", help="开始日期 YYYY-MM-DD。")
@click.option("--until", "ends", required=True, metavar="DATE", help="结束日期 YYYY-MM-DD（含）。")
@operator_option
@refusals
def add_event(
    db_path: Path,
    name: str,
    category: tuple[str, ...],
    village: tuple[str, ...],
    household: tuple[str, ...],
    item: tuple[str, ...],
    points: int,
    starts: str,
    ends: str,
    operator: str,
) -> None:
    """站长为本站设置一次节日慰问，或县扶贫办在县级数据库为全县设置（随更新文件送到各站点）：
    谁能领（类别、村、名单），每户领什么（物品和/或积分）。

    类别和村都写时，两样都符合才能领；名单上的户总能领；什么都不写时所有在册农户都能领。
    """
    open_books(db_path, county=True)
    actor = sign_in(operator)
    lines = events.parse_lines(item)
    event_id = events.add(
        actor,
        clock(),
        name,
        starts,
        ends,
        categories=category,
        villages=village,
        households=household,
        items=lines,
        points=points,
    )
    shown = events.view(event_id)
    click.echo(
        _("已设置慰问活动 {number}：{name}，可领 {eligible} 户").format(
            number=human(event_id), name=shown.name, eligible=shown.eligible
        )
    )


@event.command("list")
@db_option
@tsv_option
@refusals
def list_events(db_path: Path, tsv: bool) -> None:
    """列出慰问活动：编号、名称、开始、结束、应领户数、已领户数。"""
    open_books(db_path, county=True)
    table(
        ("number", "name", "from", "until", "eligible", "received"),
        (_("编号"), _("名称"), _("开始"), _("结束"), _("应领"), _("已领")),
        [(human(e.id), e.name, e.starts, e.ends, e.eligible, e.received) for e in events.events()],
        tsv=tsv,
    )


@event.command("handout")
@db_option
@click.argument("number")
@click.option("--household", required=True, metavar="ID", help="领取的户号。")
@operator_option
@refusals
def handout(db_path: Path, number: str, household: str, operator: str) -> None:
    """给一户发放慰问 NUMBER 的慰问品（每户只领一次），打印领取单。"""
    open_books(db_path)
    actor = sign_in(operator)
    slip = events.handout(actor, clock(), events.number(number), household.strip())
    click.echo(as_text(handouts.receipt_rows(slip)))


@event.command("sheet")
@db_option
@click.argument("number")
@click.option("--village", metavar="CODE", help="只列这个村（村代码）。")
@out_option
@refusals
def sheet(db_path: Path, number: str, village: str | None, out: Path) -> None:
    """打印慰问 NUMBER 的签领表（A4 PDF）：应领的户，带签名栏。"""
    open_books(db_path)
    event_id = events.number(number)
    rows = events.sheet(event_id, village or None)
    name = rows[0].village if village and rows else village
    handouts.sheet(events.view(event_id), rows, name, out)
    click.echo(_("签领表已保存：{path}（{count} 户）").format(path=out, count=len(rows)))


@group()
def transfer() -> None:
    """站点之间调拨商品（流动超市领货、退货）。"""


@transfer.command("send")
@db_option
@click.option("--to", "receiver", required=True, metavar="STATION", help="收货的站点编码。")
@click.option(
    "--item", multiple=True, required=True, metavar="CODE:QTY", help="调出的商品（可写多次）。"
)
@operator_option
@out_option
@refusals
def send(db_path: Path, receiver: str, item: tuple[str, ...], operator: str, out: Path) -> None:
    """把商品调给本县另一个站点：本站出库，写出调拨文件交给对方导入。"""
    open_books(db_path)
    actor = sign_in(operator)
    sent = transfers.send(actor, clock(), receiver, events.parse_lines(item), out)
    click.echo(
        _("调拨单 {number}：{count} 种商品调给 {station}，文件 {path}").format(
            number=human(sent.id), count=len(sent.lines), station=sent.receiver, path=out
        )
    )


@transfer.command("receive")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@operator_option
@refusals
def receive(db_path: Path, file: Path, operator: str) -> None:
    """导入另一站点发来的调拨文件：本站入库。同一文件只入库一次。"""
    open_books(db_path)
    actor = sign_in(operator)
    got = transfers.receive(actor, clock(), file)
    if got.status == "unchanged":
        click.echo(
            _("调拨单 {number} 已于 {time} 入库过，这次没有改动").format(
                number=human(got.id), time=got.received
            )
        )
        return
    click.echo(
        _("调拨单 {number}：从 {station} 收到 {count} 种商品，已入库").format(
            number=human(got.id), station=got.sender, count=len(got.lines)
        )
    )


@transfer.command("list")
@db_option
@tsv_option
@refusals
def list_transfers(db_path: Path, tsv: bool) -> None:
    """列出本站调出和调入的调拨单：编号、调出站、调入站、时间、种数、件数、入库时间。"""
    open_books(db_path)
    table(
        ("number", "from", "to", "time", "items", "qty", "received"),
        (_("编号"), _("调出"), _("调入"), _("时间"), _("种数"), _("件数"), _("入库时间")),
        [
            (
                human(t.id),
                t.sender,
                t.receiver,
                t.time,
                len(t.lines),
                sum(x.qty for x in t.lines),
                t.received or "",
            )
            for t in transfers.transfers()
        ],
        tsv=tsv,
    )


@group()
def visit() -> None:
    """流动超市的巡回：到某村某天，途中的兑换和慰问都记在这次巡回上。"""


@visit.command("open")
@db_option
@click.option("--village", required=True, metavar="CODE", help="到访的村（村代码）。")
@click.option("--day", metavar="DATE", help="日期 YYYY-MM-DD；不写为今天。")
@operator_option
@refusals
def open_visit(db_path: Path, village: str, day: str | None, operator: str) -> None:
    """开始一次巡回：之后本站的兑换和慰问发放都记在它上面，直到结束。"""
    open_books(db_path)
    actor = sign_in(operator)
    shown = visits.start(actor, clock(), village.strip(), day)
    click.echo(
        _("巡回 {number} 开始：{village}，{day}").format(
            number=human(shown.id), village=shown.village, day=shown.day
        )
    )


@visit.command("close")
@db_option
@operator_option
@refusals
def close_visit(db_path: Path, operator: str) -> None:
    """结束开着的巡回。"""
    open_books(db_path)
    actor = sign_in(operator)
    shown = visits.close(actor, clock())
    click.echo(
        _(
            "巡回 {number} 结束：{village}，{households} 户，"
            "兑换 {redemptions} 次，慰问 {handouts} 户"
        ).format(
            number=human(shown.id),
            village=shown.village,
            households=shown.households,
            redemptions=shown.redemptions,
            handouts=shown.handouts,
        )
    )


@visit.command("list")
@db_option
@tsv_option
@refusals
def list_visits(db_path: Path, tsv: bool) -> None:
    """列出巡回：编号、村、日期、结束时间、到访户数、兑换次数、慰问户数。"""
    open_books(db_path)
    table(
        ("number", "village", "day", "closed", "households", "redemptions", "handouts"),
        (_("编号"), _("村"), _("日期"), _("结束"), _("户数"), _("兑换"), _("慰问")),
        [
            (
                human(v.id),
                v.village,
                v.day,
                v.closed or "",
                v.households,
                v.redemptions,
                v.handouts,
            )
            for v in visits.visits()
        ],
        tsv=tsv,
    )


COMMANDS = (event, transfer, visit)
