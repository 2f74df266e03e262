"""`aixin`: the command line (DESIGN.md §7). Thin: open the books, call one service, report."""

from __future__ import annotations

from pathlib import Path

import click
from platformdirs import user_data_dir

from pos.cli import books, cards, catalog, county, demo, households
from pos.i18n import use


def default_db() -> Path:
    return Path(user_data_dir("aixin", appauthor=False)) / "station.sqlite"


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="站点数据库；默认在用户数据目录下的 station.sqlite。",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="界面语言：zh 中文（默认），en 英文。",
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, lang: str | None) -> None:
    """爱心超市积分兑换系统。不带子命令时打开收银台界面。"""
    # Commands answer in Chinese unless asked; the shop screen also follows the locale.
    use(lang or "zh")
    if ctx.invoked_subcommand is None:
        from pos.cli.shop import open_shop

        open_shop(db_path or default_db(), lang)


for module in (books, households, catalog, cards, demo, county):
    for command in module.COMMANDS:
        main.add_command(command)
