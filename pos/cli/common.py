"""What every command shares: opening the books, signing in, turning refusals into exit 1."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from catalog.messages import Refused
from db.books import auth
from db.store.audit import IGNORED_CLOCK, BooksClock
from db.store.clock import Clock, SystemClock, env_clock
from db.store.connection import close, connect
from pos.cli.helptext import Command, Group
from pos.i18n import _

# Every command and group of `aixin` is made with these, so its help is shown in the
# operator's language (pos/cli/helptext.py); subcommands inherit the classes from their group.
command = functools.partial(click.command, cls=Command)
group = functools.partial(click.group, cls=Group)

db_option = click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="站点或县级数据库文件（SQLite）。",
)
operator_option = click.option(
    "--operator",
    required=True,
    metavar="NAME",
    help="操作员名；密码从环境变量 AIXIN_PIN 读取，没有时会提示输入。",
)
county_operator_option = click.option(
    "--operator",
    required=True,
    metavar="NAME",
    help="县扶贫办的操作员名（county init 建的是 county）；密码从环境变量 AIXIN_PIN 读取，"
    "没有时会提示输入。",
)
tsv_option = click.option(
    "--tsv", is_flag=True, help="输出制表符分隔的表格（带表头），便于导入其他程序。"
)


def clock() -> BooksClock:
    """The books' clock: AIXIN_CLOCK's on books made for trying (demo, tests), else the PC's."""
    return BooksClock(SystemClock(), env_clock())


def trial_clock() -> Clock:
    """For building books made for trying (`aixin demo`): AIXIN_CLOCK's, else the PC's."""
    return env_clock() or SystemClock()


def say_if_clock_ignored() -> None:
    """One line on stderr, once a command, when AIXIN_CLOCK is set but the open books are not
    ones made for trying, so it is not used."""
    ctx = click.get_current_context(silent=True)
    if not clock().ignores_trial or (ctx is not None and ctx.meta.get("aixin.clock_said")):
        return
    if ctx is not None:
        ctx.meta["aixin.clock_said"] = True
    click.echo(IGNORED_CLOCK.render(_), err=True)


def refusals(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run `command`; a refusal becomes its message on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Refused as refusal:
            click.echo(refusal.render(_), err=True)
            sys.exit(1)
        finally:
            close()

    return wrapper


def open_books(path: Path, *, create: bool = False) -> None:
    connect(path, create=create)
    say_if_clock_ignored()


def sign_in(name: str) -> auth.Actor:
    pin = os.environ.get("AIXIN_PIN")
    if not pin:
        pin = click.prompt(_("{name} 的密码").format(name=name), hide_input=True, err=True)
    return auth.sign_in(name, pin, clock())
