"""`aixin operator add|list|disable|pin` (docs/design.md §2, §7)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from catalog.messages import Refused
from db.books import auth
from pos.cli.common import (
    clock,
    db_option,
    group,
    open_books,
    operator_option,
    reading_county,
    reading_option,
    refusals,
    tsv_option,
)
from pos.cli.output import table
from pos.i18n import _


@group()
def operator() -> None:
    """操作员：添加、列出、停用、改密码。"""


def _pin_of(name: str) -> str:
    pin = os.environ.get("AIXIN_PIN")
    if not pin:
        pin = click.prompt(_("{name} 的密码").format(name=name), hide_input=True, err=True)
    return pin


def _new_pin(name: str) -> str:
    """The new PIN: AIXIN_NEW_PIN, or asked twice."""
    pin = os.environ.get("AIXIN_NEW_PIN")
    if pin:
        return pin
    first = click.prompt(_("{name} 的新密码").format(name=name), hide_input=True, err=True)
    second = click.prompt(_("再输一遍新密码"), hide_input=True, err=True)
    if first != second:
        raise Refused("两次输入的新密码不一样，什么都没有改")
    return first


@operator.command("add")
@db_option
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(sorted(auth.ROLE_NAMES)),
    help="角色：clerk 店员，cadre 村干部，manager 站长，county 县扶贫办（只在县级数据库）。",
)
@click.option(
    "--village",
    "villages",
    multiple=True,
    metavar="CODE",
    help="村干部可以记分的村（村代码），可以写多次。",
)
@click.option("--household", metavar="ID", help="操作员自己家的户号：自己不能给自己家记分。")
@operator_option
@refusals
def add(
    db_path: Path,
    name: str,
    role: str,
    villages: tuple[str, ...],
    household: str | None,
    operator: str,
) -> None:
    """添加操作员 NAME（站长做；在县级数据库由县扶贫办的操作员做）。

    新操作员的密码取环境变量 AIXIN_NEW_PIN；没有时提示输入两次。密码 4 到 8 位数字，
    不能是 0000、1234 这类容易猜到的。
    """
    open_books(db_path, county=True)
    actor = auth.sign_in(operator, _pin_of(operator), clock())
    pin = _new_pin(name)
    auth.add_operator(
        name, role, pin, clock(), by=actor, villages=villages, household=household or None
    )
    click.echo(_("已添加操作员 {name}（{role}）").format(name=name, role=_(auth.ROLE_NAMES[role])))


@operator.command("list")
@db_option
@tsv_option
@reading_option
@refusals
def list_operators(db_path: Path, tsv: bool, operator: str | None) -> None:
    """列出操作员：名字、角色、村、是否在用、是否锁定。"""
    open_books(db_path, county=True)
    county = reading_county(operator)

    def yes(flag: bool) -> str:
        return ("yes" if flag else "no") if tsv else (_("是") if flag else _("否"))

    rows = [
        (
            v.name,
            v.role if tsv else _(auth.ROLE_NAMES[v.role]),
            ",".join(v.villages) if tsv else "、".join(v.villages),
            yes(v.active),
            yes(v.locked),
        )
        for v in auth.operators(clock(), county)
    ]
    table(
        ("name", "role", "villages", "active", "locked"),
        (_("操作员"), _("角色"), _("村"), _("在用"), _("锁定")),
        rows,
        tsv=tsv,
    )


@operator.command("disable")
@db_option
@click.argument("name")
@operator_option
@refusals
def disable(db_path: Path, name: str, operator: str) -> None:
    """停用操作员 NAME：之后不能再登录。不能停用自己。"""
    open_books(db_path, county=True)
    actor = auth.sign_in(operator, _pin_of(operator), clock())
    auth.disable_operator(actor, clock(), name)
    click.echo(_("已停用操作员 {name}").format(name=name))


@operator.command("pin")
@db_option
@click.argument("name")
@operator_option
@refusals
def pin(db_path: Path, name: str, operator: str) -> None:
    """改 NAME 的密码：本人改自己的（AIXIN_PIN 是原密码），站长重设别人的（也解除锁定）。

    新密码取环境变量 AIXIN_NEW_PIN；没有时提示输入两次。
    """
    open_books(db_path, county=True)
    old = _pin_of(operator)
    actor = auth.sign_in(operator, old, clock())
    new = _new_pin(name)
    own = name.strip() == actor.name
    auth.change_pin(actor, clock(), name, new, old_pin=old if own else None)
    click.echo(_("已修改操作员 {name} 的密码").format(name=name.strip()))


COMMANDS = (operator,)
