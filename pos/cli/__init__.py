"""`aixin`: the command line (docs/design.md §7). Thin: open the books, call one service, report."""

from __future__ import annotations

from pathlib import Path

import click
from platformdirs import user_data_dir

from pos.cli import (
    books,
    cards,
    catalog,
    county,
    demo,
    donations,
    field,
    households,
    labels,
    lists,
    notices,
    operators,
    postings,
    printer,
    produce,
    province,
    slips,
)
from pos.cli.common import books_target
from pos.cli.helptext import Root, choose_language


def default_db() -> Path:
    return Path(user_data_dir("aixin", appauthor=False)) / "station.sqlite"


@click.group(
    cls=Root,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_path",
    type=books_target,
    help="站点数据库；默认在用户数据目录下的 station.sqlite。",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    is_eager=True,
    callback=choose_language,
    help="界面语言：zh 中文，en 英文；不写时跟随系统语言（LANG 等环境变量）。",
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, lang: str | None) -> None:
    """爱心超市积分兑换系统。不带子命令时打开收银台界面。"""
    # The language is set already: from the locale, or by the eager --lang (helptext.Root).
    if ctx.invoked_subcommand is None:
        from pos.cli.shop import open_shop

        open_shop(db_path or default_db(), lang)


for module in (
    books,
    households,
    catalog,
    cards,
    demo,
    county,
    operators,
    postings,
    slips,
    donations,
    labels,
    produce,
    notices,
    lists,
    printer,
    field,
    province,
):
    for command in module.COMMANDS:
        main.add_command(command)
