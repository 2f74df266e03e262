"""Commands on the books as a whole and the points ledger: verify, backup, balance, award."""

from __future__ import annotations

from pathlib import Path

import click

from db.books import awards, backups, households, ledger
from db.books.verify import verify as verify_books
from pos.cli.common import (
    clock,
    command,
    db_option,
    open_books,
    operator_option,
    refusals,
    report_option,
    reporting,
    sign_in,
)
from pos.i18n import _


@command()
@db_option
@click.option(
    "--since-last",
    is_flag=True,
    help="只核对上次核对以来新记的账（每天用，一秒内完成）；更早的账由完整核对负责。",
)
@click.option(
    "--integrity",
    is_flag=True,
    help="同时让 SQLite 逐页检查数据库文件和所有引用（断电、磁盘故障后，或每月导出前）。",
)
@refusals
def verify(db_path: Path, since_last: bool, integrity: bool) -> None:
    """重新核对账本：余额、库存、账目链、兑换单和冲正。有问题时退出码为 1。"""
    open_books(db_path, county=True)
    report = verify_books(since_last=since_last, integrity=integrity, clock=clock())
    for notice in report.notices:
        click.echo(_("提示：{notice}").format(notice=notice.render(_)))
    if not report.ok:
        for problem in report.problems:
            click.echo(_("问题：{problem}").format(problem=problem.render(_)), err=True)
        raise SystemExit(1)
    c = report.counted
    if report.since is not None:
        click.echo(
            _(
                "自上次核对（{time}）以来的账目无误：新记 {entries} 条积分、{moves} 条出入库，"
                "核对了 {households} 户的余额。"
            ).format(
                time=report.since,
                entries=c.get("entries", 0),
                moves=c.get("moves", 0),
                households=c.get("households", 0),
            )
        )
        return
    click.echo(
        _(
            "账本无误：{households} 户，{entries} 条积分，{moves} 条出入库，{chains} 条账目链。"
        ).format(
            households=c.get("households", 0),
            entries=c.get("entries", 0),
            moves=c.get("moves", 0),
            chains=c.get("chains", 0),
        )
    )


@command()
@db_option
@click.argument("household")
@refusals
def balance(db_path: Path, household: str) -> None:
    """显示一户的积分余额。"""
    open_books(db_path, county=True)
    person = households.shown(household.strip().upper())
    click.echo(
        _("{name}（{number}）余额 {points} 分").format(
            name=person.head_name, number=person.number, points=person.balance
        )
    )


@command()
@db_option
@operator_option
@click.option("--household", metavar="ID", help="户号。")
@click.option("--task", metavar="CODE", help="积分项目编码（见 aixin catalog list --tasks）。")
@click.option(
    "--qty",
    default="1",
    show_default=True,
    help=f"数量（次、天、月……），1 到 {awards.MAX_QTY} 的整数。",
)
@click.option("--note", default="", help="备注或依据。")
@click.option(
    "--from-file",
    "sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="整张记分表（xlsx 或 csv：户号、项目编码、数量、备注），全部入账或全部不入账。",
)
@report_option
@refusals
def award(
    db_path: Path,
    operator: str,
    household: str | None,
    task: str | None,
    qty: str,
    note: str,
    sheet: Path | None,
    report: Path | None,
) -> None:
    """记分或扣分：一户一项，或一整张记分表。"""
    if sheet is None and not (household and task):
        raise click.UsageError(_("请给出 --household 和 --task，或者 --from-file"))
    if sheet is not None and (household or task):
        raise click.UsageError(_("--from-file 不能和 --household/--task 同时使用"))
    open_books(db_path)
    if report is not None and sheet is None:
        raise click.UsageError(_("--report 只和 --from-file 一起用"))
    lines = reporting(sheet, report, lambda: awards.read_sheet(sheet)) if sheet else None
    actor = sign_in(operator)
    if lines is None:
        assert household and task
        recorded = awards.record_one(actor, clock(), household, task, qty, note)
        if recorded.postings:
            _say_posted(recorded)
            return
        entry = ledger.entry(recorded.entries[0])
        person = households.shown(household.strip().upper())
        click.echo(
            _("已记入：{name}（{number}）{task} ×{qty}，{points} 分，余额 {balance} 分").format(
                name=person.head_name,
                number=person.number,
                task=entry.task,
                qty=entry.qty,
                points=f"{entry.points:+d}",
                balance=person.balance,
            )
        )
    else:
        assert sheet is not None
        recorded = reporting(sheet, report, lambda: awards.record(actor, clock(), lines))
        if recorded.postings:
            _say_posted(recorded)
            return
        click.echo(_("整张表已入账：{count} 行。").format(count=len(recorded.entries)))


def _say_posted(recorded: awards.Recorded) -> None:
    """公示: the lines wait on the public list; the balance has not moved yet."""
    click.echo(
        _("已进入公示 {postings}：{count} 行，合计 {points} 分；公示期满由站长入账").format(
            postings=_("、").join(recorded.postings),
            count=recorded.lines,
            points=f"{recorded.points:+d}",
        )
    )


@command()
@db_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="备份文件，例如 U 盘上的 station-2026-11-23.sqlite。",
)
@click.option(
    "--operator",
    required=True,
    metavar="NAME",
    help="做备份的站长（县级数据库由县扶贫办的操作员）；密码从环境变量 AIXIN_PIN 读取，"
    "没有时会提示输入。",
)
@refusals
def backup(db_path: Path, out: Path, operator: str) -> None:
    """把站点数据库完整备份到一个文件，收银台开着也可以。

    不要直接复制数据库文件：最新的几笔账可能还在旁边的 -wal 文件里，会漏掉。
    """
    open_books(db_path, county=True)
    actor = sign_in(operator)
    backups.backup(actor, out, clock())
    click.echo(_("已备份到 {path}").format(path=out))


COMMANDS = (verify, balance, award, backup)
