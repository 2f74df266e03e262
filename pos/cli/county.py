"""Stations and the county (docs/design.md §6–§7): `county …` at the county office; `export`,
`init --setup` and `update` at a station. Thin: open the books, call one service, report."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from catalog.messages import Refused, shown
from db.books import honour_roll, postings
from db.county import merge, office
from db.county import report as reports
from db.county.report import yuan
from db.exchange import export, intake
from db.store import faults, files, server
from db.store.connection import close, connect, database
from pos.cli.common import (
    clock,
    command,
    county_operator_option,
    db_option,
    group,
    open_books,
    operator_option,
    refusals,
    say_if_clock_ignored,
    sign_in,
)
from pos.cli.output import table
from pos.cli.places import places_group
from pos.i18n import _

file_type = click.Path(dir_okay=False, path_type=Path)
T = TypeVar("T")


def create_books(path: Path | str, fill: Callable[[], T], *, county: bool = False) -> T:
    """Build a new database whole or not at all: into a side file, renamed when done.

    A county's (`county`) may be a PostgreSQL database the server's administrator made for
    it: there it is filled in one transaction, and one that holds a county already is refused.
    """
    if server.is_url(path):
        open_books(path, create=True, county=county, fresh=True)
        try:
            if office.has_county():
                raise Refused("{path} 里已经有县级数据库，不会覆盖", path=server.shown(str(path)))
            with database.atomic():
                result = fill()
            say_if_clock_ignored()
            return result
        finally:
            close()
    path = Path(path)
    if path.exists():
        raise Refused("数据库文件 {path} 已经存在，不会覆盖", path=path)
    partial = path.with_name(path.name + ".partial")
    files.clear(partial)  # what a killed run left
    try:
        connect(partial, create=True)  # owner-only from its first moment
        result = fill()
        say_if_clock_ignored()
        close()
        with faults.storage(path):
            os.replace(partial, path)
    except BaseException:
        close()
        files.clear(partial)  # with its -wal and -shm
        raise
    return result


def county_missing(target: Path | str) -> bool:
    """Whether there is no county at `target` yet: no file, or a server database without one."""
    if not server.is_url(target):
        return not Path(target).exists()
    open_books(target, create=True, county=True, fresh=True)
    try:
        return not office.has_county()
    finally:
        close()


@group("county")
def county_group() -> None:
    """县扶贫办：建县级数据库、登记站点、合并月报、出报表、给站点发更新。"""


@county_group.command("init")
@db_option
@click.option("--county", "code", required=True, metavar="CODE", help="县代码（6 位，GB/T 2260）。")
@click.option("--name", required=True, help="县名，例如 天等县。")
@refusals
def county_init(db_path: Path, code: str, name: str) -> None:
    """建一个县级数据库：县、县扶贫办自己的站点（CODE-00）、默认目录和县扶贫办的操作员 county。

    数据库已有别的县时，再加一个县（一个数据库装多个县，例如省、市的数据库）：它的操作员是
    county（这个名字已被占用时是 county-CODE），只管本县。
    操作员的密码取环境变量 AIXIN_PIN；没有时随机生成并显示一次。
    其他 county 命令都要用 --operator 和这个密码。
    """
    code = office.valid_county_code(code)
    pin = os.environ.get("AIXIN_PIN") or office.new_pin()
    if not county_missing(db_path):  # one more county in a database that holds others
        open_books(db_path, county=True)
        operator = office.first_operator(code)
        made = office.init_county(code, name, clock(), pin=pin).code
        text = _(
            "县 {name}（{code}）已加入数据库 {path}，县扶贫办站点 {office}，操作员 {operator}。"
        )
        shown_path = server.shown(str(db_path))
        click.echo(
            text.format(name=name, code=code, path=shown_path, office=made, operator=operator)
        )
    else:
        operator = office.COUNTY_OPERATOR
        made = create_books(
            db_path, lambda: office.init_county(code, name, clock(), pin=pin).code, county=True
        )
        text = _("县级数据库已建好：{name}（{code}），县扶贫办站点 {office}。\n数据库：{path}")
        click.echo(text.format(name=name, code=code, office=made, path=db_path))
    if not os.environ.get("AIXIN_PIN"):
        text = _("县扶贫办操作员 {operator} 的初始密码：{pin}（只显示这一次，请记下并妥善保管）")
        click.echo(text.format(operator=operator, pin=pin))


@county_group.command("enroll")
@db_option
@click.option("--station", "code", required=True, metavar="CODE", help="站点编码，例如 451425-03。")
@click.option("--name", required=True, help="站点名称，例如 龙茗镇爱心超市。")
@click.option(
    "--kind",
    type=click.Choice(sorted(office.ENROLL_KINDS)),
    default="shop",
    show_default=True,
    help="shop 乡镇超市，mobile 流动超市，village 村级服务点。",
)
@click.option(
    "--township",
    "townships",
    multiple=True,
    metavar="CODE",
    help="站点服务的乡镇代码，可写多次；不写时服务全县。",
)
@click.option("--out", required=True, type=file_type, help="写出的站点设置文件。")
@county_operator_option
@refusals
def county_enroll(
    db_path: Path,
    code: str,
    name: str,
    kind: str,
    townships: tuple[str, ...],
    out: Path,
    operator: str,
) -> None:
    """登记一个站点，写出它的设置文件（站点密钥、卡密钥、花名册、目录、站长账号）。

    站长账号 manager 的初始密码取环境变量 AIXIN_PIN；没有时随机生成并显示一次。
    设置文件里有站点密钥，请当面交给站长，不要通过网络传送。
    """
    if out.exists():
        raise Refused("文件 {path} 已经存在，不会覆盖", path=out)
    open_books(db_path, county=True)
    actor = sign_in(operator)
    pin = os.environ.get("AIXIN_PIN") or office.new_pin()
    station = office.enroll(
        actor, clock(), code, name, kind, out, townships=townships, manager_pin=pin
    )
    text = _("站点 {code}（{name}）已登记，设置文件：{out}")
    click.echo(text.format(code=station.code, name=station.name, out=out))
    if not os.environ.get("AIXIN_PIN"):
        text = _("站长账号 manager 的初始密码：{pin}（只显示这一次，请当面交给站长）")
        click.echo(text.format(pin=pin))


@county_group.command("settings")
@db_option
@click.option(
    "--posting-days",
    metavar="N",
    help="公示天数（0 到 30）：记分先公示这么多天，期满后才入账；0 表示立即入账。",
)
@click.option(
    "--name-deductions",
    type=click.Choice(["yes", "no"]),
    help="积分光荣榜上的扣分：yes 按户列出姓名，no 只列次数、户数和分数（默认）。",
)
@county_operator_option
@refusals
def county_settings(
    db_path: Path, posting_days: str | None, name_deductions: str | None, operator: str
) -> None:
    """县里的设置：公示天数、光荣榜是否列出扣分户的姓名。随下一份设置文件或更新文件送到各站点。"""
    if posting_days is None and name_deductions is None:
        raise Refused("请给出要改的设置：--posting-days 或 --name-deductions，或两个都给")
    open_books(db_path, county=True)
    actor = sign_in(operator)
    if posting_days is not None:
        days = postings.set_posting_days(actor, clock(), posting_days)
        if days:
            click.echo(_("公示天数已设为 {days} 天，随更新文件送到各站点").format(days=days))
        else:
            click.echo(_("公示天数已设为 0：记分立即入账，随更新文件送到各站点"))
    if name_deductions is not None:
        named = name_deductions == "yes"
        honour_roll.set_names_deductions(actor, clock(), named)
        click.echo(
            _("光荣榜按户列出扣分户的姓名，随更新文件送到各站点")
            if named
            else _("光荣榜只列扣分的次数、户数和分数，不列姓名，随更新文件送到各站点")
        )


@county_group.command("merge")
@db_option
@click.argument("files", nargs=-1, required=True, type=file_type)
@county_operator_option
@refusals
def county_merge(db_path: Path, files: tuple[Path, ...], operator: str) -> None:
    """合并各站点的月报文件。每份文件先整体核对，不通过的拒收（县数据库不变），其余照常合并。

    有文件被拒收时退出码为 1。
    """
    open_books(db_path, county=True)
    actor = sign_in(operator)
    batch = merge.merge_files(actor, list(files), clock())
    for outcome in batch.outcomes:
        if outcome.status == "refused":
            text = _("拒收 {path}：{reason}").format(path=outcome.path, reason=outcome.render(_))
            click.echo(text, err=True)
        else:
            click.echo(_("{path}：{result}").format(path=outcome.path, result=outcome.render(_)))
        for notice in outcome.notices:
            click.echo("  " + _("提示：{notice}").format(notice=notice.render(_)))
    for gap in batch.missing:
        click.echo(_("提示：{notice}").format(notice=gap.render(_)))
    merged = sum(o.status == "merged" for o in batch.outcomes)
    text = _("共 {count} 份：并入 {merged} 份，拒收 {refused} 份。")
    click.echo(text.format(count=len(files), merged=merged, refused=len(batch.refused)))
    if batch.refused:
        raise SystemExit(1)


@county_group.command("report")
@db_option
@click.option("--month", required=True, metavar="YYYY-MM", help="报表月份。")
@click.option("--xlsx", type=file_type, help="另存为 xlsx 工作簿（每个视图一张表）。")
@county_operator_option
@refusals
def county_report(db_path: Path, month: str, xlsx: Path | None, operator: str) -> None:
    """县级月报：按乡镇、村、站点、积分类别的积分，余额，受益人次，商品，捐赠，未报站点，透支户。"""
    open_books(db_path, county=True)
    actor = sign_in(operator)
    report = reports.county_report(actor, month, clock(), for_print=xlsx is not None)
    towns = report.sheet("按乡镇")
    total = dict(zip(towns.headers, towns.total, strict=True))
    rate = yuan(report.fen_per_point)
    text = _(
        "{name}（{county}）{month} 月报（每分折合 {rate} 元）\n"
        "奖励 {award} 分，扣减 {deduction} 分，兑换 {redeemed} 分，冲正 {reversed:+d} 分，"
        "调整 {adjusted:+d} 分，净变动 {net:+d} 分\n"
        "月末积分余额 {balance} 分，折合 {yuan} 元；获分 {earned} 户，兑换 {spent} 户，"
        "受益 {visits} 人次"
    )
    click.echo(
        text.format(
            name=report.name,
            county=report.county,
            month=report.month,
            rate=rate,
            award=total["奖励积分"],
            deduction=total["扣减积分"],
            redeemed=total["兑换积分"],
            reversed=total["冲正积分"],
            adjusted=total["调整积分"],
            net=total["净变动"],
            balance=total["月末积分余额"],
            yuan=yuan(total["月末余额折合（元）"]),
            earned=total["获分户数"],
            spent=total["兑换户数"],
            visits=total["受益人次"],
        )
    )
    picked = ("乡镇", "奖励积分", "扣减积分", "兑换积分", "冲正积分", "月末积分余额")
    picks = [towns.headers.index(h) for h in picked]
    lines = [*towns.rows, ["", towns.total[0], *towns.total[2:]]]
    cells = [[shown(r[i], _) for i in picks] for r in lines]
    table(picked, [_(h) for h in picked], cells, tsv=False)
    posted = report.sheet("公示")
    if posted.rows:
        sums = dict(zip(posted.headers, posted.total, strict=True))
        text = _(
            "公示 {postings} 份，{households} 户，{points} 分；异议 {objections} 件"
            "（成立 {upheld}，不成立 {dismissed}）；月底前入账 {credited} 分"
        )
        click.echo(
            text.format(
                postings=sums["公示份数"],
                households=sums["公示户数"],
                points=sums["公示积分"],
                objections=sums["异议"],
                upheld=sums["异议成立"],
                dismissed=sums["异议不成立"],
                credited=sums["已入账积分"],
            )
        )
    missing = tuple(r[0] for r in report.sheet("未报站点").rows)
    overdrawn = report.sheet("透支户").rows
    text = _("未报站点：{stations}；透支户 {count} 户")
    click.echo(text.format(stations=shown(missing, _) or _("无"), count=len(overdrawn)))
    line = _("透支：{number} {name}（{village}）{balance} 分")
    for number, name, _township, village, balance, *_rest in overdrawn[:20]:
        click.echo("  " + line.format(number=number, name=name, village=village, balance=balance))
    sold = report.sheet("代销按村").total
    text = _("代销：卖出 {households} 户，收入 {sold} 元，付给农户 {paid} 元")
    click.echo(text.format(households=sold[3], sold=yuan(sold[4] or 0), paid=yuan(sold[5] or 0)))
    if xlsx is not None:
        from pos.paper.workbook import write_workbook

        write_workbook(report, xlsx, _)
        text = _("工作簿已写出：{path}（{count} 张表）")
        click.echo(text.format(path=xlsx, count=len(report.sheets)))


@county_group.command("update")
@db_option
@click.option("--station", "code", required=True, metavar="CODE", help="收更新的站点编码。")
@click.option("--out", required=True, type=file_type, help="写出的更新文件。")
@county_operator_option
@refusals
def county_update(db_path: Path, code: str, out: Path, operator: str) -> None:
    """给站点写更新文件：花名册和目录的变化、作废的卡、其他站点给本站农户记的账。"""
    open_books(db_path, county=True)
    actor = sign_in(operator)
    body = office.write_update(actor, code, out, clock())
    tables = body["tables"]
    text = _(
        "站点 {code} 的更新文件已写出：{out}\n"
        "{households} 户，{cards} 张卡，其他站点的条目 {entries} 条。"
    )
    click.echo(
        text.format(
            code=code,
            out=out,
            households=tables["household_version"]["rows"],
            cards=tables["card"]["rows"],
            entries=tables["ledger_entry"]["rows"],
        )
    )


@command("export")
@db_option
@click.option("--month", required=True, metavar="YYYY-MM", help="要导出的月份（已经结束的）。")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="写出月报文件的目录。",
)
@operator_option
@refusals
def export_command(db_path: Path, month: str, out: Path, operator: str) -> None:
    """导出本站一个月的月报文件（带校验码），交给县扶贫办合并。同一个月再导出，内容相同。

    要由本站的站长来做（--operator）。
    """
    open_books(db_path)
    actor = sign_in(operator)
    done = export.export_month(actor, month, out, clock())
    c = done.counts
    text = _(
        "已导出 {station} {month}：{path}\n积分条目 {entries} 条，出入库 {moves} 条，"
        "兑换单 {redemptions} 张，捐赠 {donations} 笔，"
        "农户档案 {households} 份，积分卡 {cards} 张。"
    )
    click.echo(
        text.format(
            station=done.station,
            month=done.month,
            path=done.path,
            entries=c["ledger_entry"],
            moves=c["stock_move"],
            redemptions=c["redemption"],
            donations=c["donation"],
            households=c["household_version"],
            cards=c["card"],
        )
    )


@command("init")
@db_option
@click.option("--setup", "setup", required=True, type=file_type, help="县里发的站点设置文件。")
@refusals
def init_command(db_path: Path, setup: Path) -> None:
    """用县里发的设置文件建本站的数据库。"""
    done = create_books(db_path, lambda: intake.setup_station(setup, clock()))
    text = _(
        "站点 {station} 已建好：{households} 户。数据库：{path}\n"
        "请用站长账号 manager 和县里给的初始密码登录。"
    )
    click.echo(text.format(station=done.station, households=done.households, path=db_path))


@command("update")
@db_option
@click.argument("file", type=file_type)
@operator_option
@refusals
def update_command(db_path: Path, file: Path, operator: str) -> None:
    """导入县里发来的更新文件（县里签名，按序号）。

    同一份再导入一次不会有变化（退出码 0）；比本站已导入的更旧的更新会被拒收（退出码 1）。
    要由本站的站长来做（--operator）。
    """
    open_books(db_path)
    actor = sign_in(operator)
    done = intake.apply_update(actor, file, clock())
    if done.status == "unchanged":
        text = _("第 {sequence} 号更新已经导入过，本站的账没有变化。")
        click.echo(text.format(sequence=done.sequence))
        return
    text = _("第 {sequence} 号更新已导入：{households} 户，新增其他站点的条目 {entries} 条。")
    click.echo(
        text.format(sequence=done.sequence, households=done.households, entries=done.entries)
    )


county_group.add_command(places_group)

COMMANDS = (county_group, export_command, init_command, update_command)
