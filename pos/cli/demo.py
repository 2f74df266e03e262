"""`aixin demo`: build a believable station and open the shop on it."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import click
from platformdirs import user_data_dir

from catalog.messages import shown
from db.books import cards
from db.books.setup import here
from db.county import merge
from db.demo import county as demo_county
from db.demo import station as demo_station
from db.store import server
from db.store.connection import close, connect, database
from pos.cli.common import (
    books_target,
    clock,
    command,
    open_books,
    refusals,
    station_only,
    trial_clock,
)
from pos.i18n import _


def default_demo_db() -> Path:
    return Path(user_data_dir("aixin", appauthor=False)) / "demo.sqlite"


@command()
@click.option(
    "--db",
    "db_path",
    type=books_target,
    help="演示数据库文件；默认在用户数据目录下的 demo.sqlite。",
)
@click.option(
    "--county-db",
    "county_db",
    type=books_target,
    help="把演示站点登记到这个县级数据库（没有就新建；也可以是 postgresql:// 地址），"
    "几个演示站点可以合并到同一个县。",
)
@click.option("--station", default="451425-03", show_default=True, help="演示站点编码。")
@click.option(
    "--seed", default=1, show_default=True, type=int, help="随机种子：同一种子得到同样的数据。"
)
@click.option("--no-ui", is_flag=True, help="只建数据库，不打开收银台界面。")
@refusals
def demo(
    db_path: Path | None, county_db: Path | str | None, station: str, seed: int, no_ui: bool
) -> None:
    """建一个演示站点（县、村、几百户、积分卡、目录、操作员、三个月的账），然后打开收银台。

    演示操作员 clerk（店员）、cadre（村干部）、manager（站长），密码都是 1234。
    数据库已存在时直接使用它。用 --county-db 时，站点登记到县级数据库
    （演示的县级数据库，操作员 county，密码 1234），
    此前各月的月报已并入县里，上个月的留给你导出、合并。
    演示的账本可以用环境变量 AIXIN_CLOCK 定时间，真实站点和县级数据库不行。
    """
    station_only(db_path or "")  # the demo station's books: a SQLite file
    path = Path(db_path) if db_path else default_demo_db()
    if path.exists():
        click.echo(
            _("使用已有的演示数据库 {path}（要重建，请先删除它）").format(path=path), err=True
        )
    elif county_db is None:
        _build(path, station, seed)
    else:
        _build_in_county(path, county_db, station, seed)
    if not no_ui:
        from pos.cli.shop import open_shop

        open_shop(path, None, demo_card=demo_card(path))


def demo_card(path: Path) -> str:
    """The card to try at the demo till: the active household with the most points."""
    open_books(path)
    try:
        here()  # a file that is no station is refused as the till would refuse it
        return cards.payload_for(demo_station.sample_household())
    finally:
        close()


def _build(path: Path, station: str, seed: int, keys: tuple[str, str, str] | None = None) -> None:
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    today = trial_clock().now()
    connect(partial, create=True)
    database.pragma("synchronous", "off")  # a half-built file is thrown away, never used
    built = demo_station.build(
        today,
        station=station,
        seed=seed,
        county_card_key=keys[0] if keys else None,
        station_key=keys[1] if keys else None,
        county_public_key=keys[2] if keys else None,
        progress=lambda stage: click.echo(
            _("正在生成：{stage}").format(stage=stage.render(_)), err=True
        ),
    )
    sample = cards.payload_for(built.sample_household)
    close()
    os.replace(partial, path)  # the demo appears whole or not at all
    click.echo(
        _(
            "演示站点 {code} 已建好：{villages} 个村，{households} 户。\n数据库：{path}\n"
            "操作员 clerk（店员）、cadre（村干部）、manager（站长），密码都是 1234。\n"
            "试扫一张会员卡（在兑换界面输入）：{sample}"
        ).format(
            code=built.code,
            villages=built.villages,
            households=built.households,
            path=path,
            sample=sample,
        )
    )


def _build_in_county(path: Path, county_db: Path | str, station: str, seed: int) -> None:
    from pos.cli.county import county_missing, create_books

    today = trial_clock().now()
    if county_missing(county_db):
        code = station[:6]
        create_books(county_db, lambda: demo_county.create(code, clock()), county=True)
        text = _("已新建演示县级数据库 {path}（{name}），县扶贫办操作员 county，密码 1234")
        click.echo(
            text.format(path=server.shown(str(county_db)), name=demo_county.county_name(code)),
            err=True,
        )
    open_books(county_db, county=True)
    joined = demo_county.join(station[:6], clock())
    if joined is not None:
        text = _(
            "已把演示县 {name}（{code}）加入县级数据库 {path}，县扶贫办操作员 {operator}，密码 1234"
        )
        click.echo(
            text.format(
                name=demo_county.county_name(station[:6]),
                code=station[:6],
                path=server.shown(str(county_db)),
                operator=joined,
            ),
            err=True,
        )
    operator = demo_county.operator_of(station[:6])
    officer = demo_county.officer(clock(), station[:6])
    keys = demo_county.register(officer, station, today)
    close()
    _build(path, station, seed, keys)
    with tempfile.TemporaryDirectory(prefix="aixin-demo-") as tmp:
        open_books(path)
        files = demo_county.export_earlier(today, Path(tmp), clock())
        close()
        open_books(county_db, county=True)
        batch = merge.merge_files(demo_county.officer(clock(), station[:6]), files, clock())
        close()
    for outcome in batch.refused:  # never expected: the demo obeys every rule
        click.echo(
            _("拒收 {name}：{reason}").format(name=outcome.path.name, reason=outcome.render(_)),
            err=True,
        )
    months = [o.month for o in batch.outcomes if o.status == "merged"]
    last = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    click.echo(
        _(
            "站点 {station} 已登记到县级数据库 {county}，{months} 的月报已并入县里"
            "（当作此前各月已上报）。\n上个月（{last}）的月报请在站点导出后合并："
            "aixin export --db {path} --month {last} --out DIR --operator manager；"
            "aixin county merge --db {county} DIR/*.sqlite --operator {operator}"
        ).format(
            station=station,
            county=server.shown(str(county_db)),
            months=shown(tuple(m for m in months if m), _),
            last=last,
            path=path,
            operator=operator,
        )
    )


COMMANDS = (demo,)
