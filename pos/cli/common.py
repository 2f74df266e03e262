"""What every command shares: opening the books, signing in, turning refusals into exit 1."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from catalog.messages import Refused
from db.books import auth
from db.county import office
from db.store.audit import IGNORED_CLOCK, BooksClock
from db.store.clock import Clock, SystemClock, env_clock
from db.store.connection import close, connect
from db.store.server import is_url, shown
from pos.cli.helptext import Command, Group
from pos.i18n import _

T = TypeVar("T")

# Every command and group of `aixin` is made with these, so its help is shown in the
# operator's language (pos/cli/helptext.py); subcommands inherit the classes from their group.
command = functools.partial(click.command, cls=Command)
group = functools.partial(click.group, cls=Group)


class BooksTarget(click.ParamType):
    """A SQLite file's path, or a `postgresql://` URL kept as it was typed (a Path would fold
    its `//`)."""

    name = "path"

    def __init__(self) -> None:
        self.path = click.Path(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if is_url(value):
            return value
        return self.path.convert(value, param, ctx)


books_target = BooksTarget()

db_option = click.option(
    "--db",
    "db_path",
    required=True,
    type=books_target,
    help="站点或县级数据库文件（SQLite）；县级数据库也可以是 PostgreSQL 的 postgresql:// 地址。",
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


report_option = click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.xlsx",
    help="导入不成功时，把表格原样写到这个 .xlsx 文件，每个不对的行在“问题”列写明原因。",
)


def reporting(source: Path, report: Path | None, run: Callable[[], T], *, max_rows: int = 0) -> T:
    """Run an import of the sheet at `source`; when it is refused and `report` is given, the
    sheet is written back there with its problems (catalog/report.py), then the refusal
    goes on to the caller as always."""
    try:
        return run()
    except Refused as refusal:
        if report is not None:
            _write_report(source, refusal, report, max_rows)
        raise


def _write_report(source: Path, refusal: Refused, report: Path, max_rows: int) -> None:
    from catalog.report import write_report
    from catalog.tabular import MAX_ROWS

    try:
        count = write_report(source, refusal, report, _, max_rows=max_rows or MAX_ROWS)
    except Refused as why:  # the sheet cannot be read at all: the refusal says enough
        click.echo(_("问题表没有写出：{reason}").format(reason=why.render(_)), err=True)
        return
    except OSError as error:
        click.echo(_("问题表没有写出：{reason}").format(reason=error.strerror), err=True)
        return
    text = _("{count} 行的问题已写在 {path} 的“问题”列，改好后再导入")
    click.echo(text.format(count=count, path=report), err=True)


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


def open_books(
    path: Path | str, *, create: bool = False, county: bool = False, fresh: bool = False
) -> None:
    """Open the books at `path`. Only a command that serves the county (`county`) takes a
    `postgresql://` URL: a station's books are one SQLite file. `fresh`: books that may be
    empty yet, whose clock is spoken of once they are filled (they may become a demo's)."""
    if not county:
        station_only(path)
    connect(path, create=create)
    if not fresh:
        say_if_clock_ignored()


def station_only(path: Path | str) -> None:
    """Refuse a `postgresql://` URL where only a station's books can be (one SQLite file)."""
    if is_url(path):
        raise Refused(
            "站点的账本只能是 SQLite 文件，{path} 是数据库服务器的地址：只有县级数据库能放在 "
            "PostgreSQL 上",
            path=shown(str(path)),
        )


reading_option = click.option(
    "--operator",
    metavar="NAME",
    help="在有好几个县的数据库上必须写：县扶贫办的操作员，只列出他那个县的；密码从环境变量 "
    "AIXIN_PIN 读取，没有时会提示输入。",
)


def reading_county(operator: str | None) -> str | None:
    """Whose rows a list shows. Books of one county (a station's, most counties'): all of
    them, to anyone who holds the books. A database of several counties (docs/design.md
    §6.7): those of the county of the officer `--operator` names, who must sign in."""
    several = len(office.counties()) > 1
    if operator is None:
        if several:
            raise Refused(
                "这个数据库里有好几个县：请用 --operator 写明是哪个县的操作员，只列出那个县的"
            )
        return None
    actor = sign_in(operator)
    if several:
        auth.require(actor, "county")
    return actor.county


def sign_in(name: str) -> auth.Actor:
    pin = os.environ.get("AIXIN_PIN")
    if not pin:
        pin = click.prompt(_("{name} 的密码").format(name=name), hide_input=True, err=True)
    return auth.sign_in(name, pin, clock())
