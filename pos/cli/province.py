"""The province (docs/design.md §6.7): one database holding several counties. `province init`
makes its reader; `province report` sums the month by county. Thin: open, call, report."""

from __future__ import annotations

import os
from pathlib import Path

import click

from catalog.messages import shown
from db.county import office, province
from db.county.report import yuan
from pos.cli.common import clock, db_option, group, open_books, refusals, sign_in
from pos.cli.output import table
from pos.i18n import _

file_type = click.Path(dir_okay=False, path_type=Path)


@group("province")
def province_group() -> None:
    """省市汇总：一个数据库装多个县时，按县汇总月报。"""


@province_group.command("init")
@db_option
@click.option(
    "--name",
    default=province.PROVINCE_OPERATOR,
    show_default=True,
    help="省市汇总操作员的名字。",
)
@refusals
def province_init(db_path: Path | str, name: str) -> None:
    """在装有县的数据库里建省市汇总的操作员（只能看各县的汇总，不能改任何账）。

    密码取环境变量 AIXIN_PIN；没有时随机生成并显示一次。只能建一个。
    """
    pin = os.environ.get("AIXIN_PIN") or office.new_pin()
    open_books(db_path, county=True)
    made = province.init_province(name, pin, clock())
    click.echo(_("省市汇总操作员 {name} 已建好。").format(name=made.name))
    if not os.environ.get("AIXIN_PIN"):
        text = _("省市汇总操作员 {name} 的初始密码：{pin}（只显示这一次，请记下并妥善保管）")
        click.echo(text.format(name=made.name, pin=pin))


@province_group.command("report")
@db_option
@click.option("--month", required=True, metavar="YYYY-MM", help="报表月份。")
@click.option("--xlsx", type=file_type, help="另存为 xlsx 工作簿（每个视图一张表，每县一行）。")
@click.option(
    "--operator",
    required=True,
    metavar="NAME",
    help="省市汇总的操作员名（province init 建的）；密码从环境变量 AIXIN_PIN 读取，"
    "没有时会提示输入。",
)
@refusals
def province_report(db_path: Path | str, month: str, xlsx: Path | None, operator: str) -> None:
    """按县汇总的月报：与县级月报的视图相同，每县一行（该县月报的合计），最后是全部合计。"""
    open_books(db_path, county=True)
    actor = sign_in(operator)
    report = province.province_report(actor, month, clock())
    towns = report.sheet("按乡镇")
    click.echo(
        _("{month} 按县汇总：{count} 个县").format(month=report.month, count=len(towns.rows))
    )
    picked = (
        "县代码",
        "县",
        "奖励积分",
        "扣减积分",
        "兑换积分",
        "净变动",
        "月末积分余额",
        "受益人次",
    )
    picks = [towns.headers.index(h) for h in picked]
    lines = [*towns.rows, towns.total] if towns.rows else []
    cells = [[shown(r[i], _) for i in picks] for r in lines]
    table(picked, [_(h) for h in picked], cells, tsv=False)
    missing = report.sheet("未报站点").total
    money = towns.headers.index("月末余额折合（元）")
    text = _("月末余额折合 {yuan} 元；未报站点 {stations} 个")
    click.echo(text.format(yuan=yuan(towns.total[money] or 0), stations=missing[2] or 0))
    if xlsx is not None:
        from pos.paper.workbook import write_province_workbook

        write_province_workbook(report, xlsx, _)
        text = _("工作簿已写出：{path}（{count} 张表）")
        click.echo(text.format(path=xlsx, count=len(report.sheets)))


COMMANDS = (province_group,)
