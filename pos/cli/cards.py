"""`aixin card show|check|reissue` and `aixin cards print` (docs/design.md §5, §7)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from db.books import cards, households, notices
from db.books.card_faces import CardFace, faces
from db.books.households import STATUS_NAMES
from pos.cli.common import clock, db_option, group, open_books, operator_option, refusals, sign_in
from pos.i18n import _

# Ten cards make one sheet: below that the print is over before a bar would be read.
PROGRESS_FROM = 11


@group("card")
def card_group() -> None:
    """会员积分卡：查看卡内容、验卡、补卡。"""


@card_group.command("show")
@db_option
@click.argument("household")
@refusals
def show(db_path: Path, household: str) -> None:
    """打印一户有效积分卡的二维码内容（一行，可直接交给打印或别的程序）。"""
    open_books(db_path)
    click.echo(cards.payload_for(household))


@card_group.command("check")
@db_option
@click.argument("payload")
@refusals
def check(db_path: Path, payload: str) -> None:
    """验卡：PAYLOAD 是扫码枪读到的内容（写 - 则从标准输入读一行）。

    有效时显示这一户（身份证号只显示首尾）并以 0 退出；无效时说明原因并以 1 退出。
    """
    if payload == "-":
        payload = sys.stdin.readline()
    open_books(db_path)
    scan = cards.check(payload)
    h, card = scan.household, scan.card
    place = f"{h.township}{h.village}" + (f" {h.group}" if h.group else "")
    click.echo(
        _("有效卡：{name}（{number}），第 {serial} 张，{issued} 发卡").format(
            name=h.head_name, number=h.number, serial=card.serial, issued=card.issued[:10]
        )
    )
    click.echo(_("身份证：{masked}").format(masked=h.masked_id))
    click.echo(_("住址：{place}").format(place=place))
    click.echo(
        _("类别：{category}，{members} 人，状态{status}").format(
            category=_(h.category), members=h.members, status=_(STATUS_NAMES[h.status])
        )
    )
    click.echo(_("积分余额：{balance} 分").format(balance=h.balance))
    for notice in notices.for_household(h.number, clock().now().strftime("%Y-%m-%d")):
        click.echo(_("该户通知：{title}——{text}").format(title=notice.title, text=notice.text))


@card_group.command("reissue")
@db_option
@click.argument("household")
@operator_option
@click.option("--note", default="", help="补卡原因（遗失、损坏……），记入操作记录。")
@refusals
def reissue(db_path: Path, household: str, operator: str, note: str) -> None:
    """补卡（站长）：旧卡立即作废，不能再兑换；发一张新序号的卡。还没有卡的户发第 1 张卡。"""
    open_books(db_path)
    actor = sign_in(operator)
    new = cards.reissue(actor, clock(), household, note=note)
    number = new.household
    if new.serial == 1:  # serials start at 1: this household had no card before
        done = _("已为 {name}（{number}）发放第 1 张卡。")
    else:
        done = _("已为 {name}（{number}）补发第 {serial} 张卡，第 {old} 张卡已作废。")
    click.echo(
        done.format(
            name=households.shown(number).head_name,
            number=number,
            serial=new.serial,
            old=new.serial - 1,
        )
    )
    click.echo(_("新卡内容：{payload}").format(payload=cards.payload_for(number)))
    again = f"aixin cards print --db {db_path} --household {number} --out {number}.png"
    click.echo(_("打印新卡：{command}").format(command=again))


@group("cards")
def cards_group() -> None:
    """批量打印积分卡。"""


@cards_group.command("print")
@db_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=lambda _ctx, _param, value: _output(value),
    help="输出文件：.pdf（A4，每页 10 张，带裁切线）或 .png（只能一张卡，300 dpi）。",
)
@click.option("--village", metavar="CODE", help="只打印这个村（村代码）的卡。")
@click.option(
    "--household",
    "households",
    metavar="ID",
    multiple=True,
    help="只打印这一户的卡；可以写多次。",
)
@click.option(
    "--font",
    type=click.Path(dir_okay=False, path_type=Path),
    help="中文字体文件（.ttf/.ttc/.otf）；不写时用环境变量 AIXIN_FONT 或系统里的中文字体。",
)
@refusals
def print_cards(
    db_path: Path, out: Path, village: str | None, households: tuple[str, ...], font: Path | None
) -> None:
    """打印积分卡：默认为所有持有效卡的正常户，也可以按村或按户。

    卡为身份证大小（85.6 × 54 毫米）。打印时请选“实际大小”（100%），不要缩放。
    """
    from pos.paper.cards import prepare, write

    open_books(db_path)
    chosen = faces(village=village, households=households)
    fonts = prepare(chosen, out, font)
    pages = _with_progress(chosen, lambda step: write(chosen, out, fonts, step))
    if out.suffix.lower() == ".png":
        face = chosen[0]
        click.echo(
            _("已生成 {out}：{name}（{number}）的卡，300 dpi。").format(
                out=out, name=face.head_name, number=face.household
            )
        )
    else:
        click.echo(
            _("已生成 {out}：{count} 张卡，{pages} 页（A4，每页 10 张）。").format(
                out=out, count=len(chosen), pages=pages
            )
        )
    click.echo(_("打印时请选“实际大小”（100%），沿裁切线裁开后塑封。"))


def _output(path: Path) -> Path:
    if path.suffix.lower() not in (".pdf", ".png"):
        raise click.BadParameter(_("应以 .pdf 或 .png 结尾，而不是 {name}").format(name=path.name))
    return path


def _with_progress(chosen: list[CardFace], run: Callable[[Callable[[int], None]], int]) -> int:
    if len(chosen) < PROGRESS_FROM:
        return run(lambda _: None)
    with click.progressbar(length=len(chosen), label=_("正在排版积分卡"), file=sys.stderr) as bar:
        return run(bar.update)


COMMANDS = (card_group, cards_group)
