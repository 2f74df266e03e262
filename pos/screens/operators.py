"""F11 操作员 (managers): the station's operators; add one, disable one, reset a PIN.

The screen only calls `db.books.auth`, which holds the rules (who may manage operators where,
never oneself or the last manager, the PIN policy) and writes the audit lines.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select

from catalog.messages import Refused
from db.books import auth
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.screens.dialogs import ConfirmScreen, Dialog
from pos.widgets.list_table import ListTable


class OperatorsScreen(ShopScreen):
    FOCUS = "#operators"
    BINDINGS = [
        Binding("f6", "add", "新增"),
        Binding("f7", "disable", "停用"),
        Binding("f8", "reset", "重设密码"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield Label(_("本站操作员"), classes="title")
        yield ListTable(id="operators")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("操作员"), _("角色"), _("村"), _("在用"), _("锁定"))
        self.fill()

    def fill(self) -> None:
        table = self.query_one(ListTable)
        table.clear()
        for view in auth.operators(self.shop.clock):
            table.add_row(
                view.name,
                _(auth.ROLE_NAMES[view.role]),
                villages(view.villages),
                _("是") if view.active else Text(_("否"), style="bold red"),
                Text(view.locked_until[11:16], style="bold red") if view.locked_until else "",
                key=view.name,
            )

    def allowed(self, action: str) -> bool:
        if action in ("add", "disable", "reset"):
            return self.actor.may("manage_operators")
        return True

    def action_add(self) -> None:
        self.app.push_screen(OperatorFormScreen(), self.done)

    def action_reset(self) -> None:
        name = self.query_one(ListTable).chosen()
        if name:
            self.app.push_screen(PinScreen(name, own=False), self.done)

    def action_disable(self) -> None:
        name = self.query_one(ListTable).chosen()
        if not name:
            return
        body = _("停用后 {name} 不能再登录。").format(name=name)

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                auth.disable_operator(self.actor, self.shop.clock, name)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.done(_("已停用操作员 {name}").format(name=name))

        self.app.push_screen(
            ConfirmScreen(_("停用操作员 {name}").format(name=name), body), confirmed
        )

    def done(self, said: str | None) -> None:
        if said:
            self.fill()
            self.say(said)


def villages(codes: tuple[str, ...]) -> str:
    """A cadre's villages in a column that fits 80 columns: two, or the first and a count."""
    if len(codes) <= 2:
        return "、".join(codes)
    return _("{first} 等 {count} 个村").format(first=codes[0], count=len(codes))


class OperatorFormScreen(Dialog):
    """A new operator: name, role, a cadre's villages and own household, the PIN twice."""

    BINDINGS = [Binding("f10", "save", "保存")]

    def compose(self) -> ComposeResult:
        roles = [(_(auth.ROLE_NAMES[r]), r) for r in ("clerk", "cadre", "manager")]
        with Vertical():
            yield Label(_("新增操作员"), classes="title")
            with Grid(classes="pin-form"):
                yield Label(_("操作员名"))
                yield Input(id="name", max_length=auth.NAME_LIMIT, compact=True)
                yield Label(_("角色"))
                yield Select(roles, id="role", compact=True, prompt=_("选择角色"))
                yield Label(_("村代码"))
                yield Input(
                    id="villages", placeholder=_("村干部可以记分的村，空格分开"), compact=True
                )
                yield Label(_("自家户号"))
                yield Input(id="household", max_length=12, compact=True)
                yield Label(_("密码"))
                yield Input(id="pin", password=True, max_length=8, compact=True)
                yield Label(_("再输一遍"))
                yield Input(id="again", password=True, max_length=8, compact=True)
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("F10 保存，Esc 放弃"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def action_save(self) -> None:
        role = self.query_one("#role", Select).value
        problem = self.query_one("#problem", Label)
        if not isinstance(role, str):
            problem.update(_("请选择角色"))
            return
        if self.text("pin") != self.text("again"):
            problem.update(_("两次输入的新密码不一样，什么都没有改"))
            return
        name = self.text("name")
        shop = self.app.shop  # type: ignore[attr-defined]
        try:
            auth.add_operator(
                name,
                role,
                self.text("pin"),
                shop.clock,
                by=shop.signed_in,
                villages=tuple(self.text("villages").replace(",", " ").replace("，", " ").split()),
                household=self.text("household") or None,
            )
        except Refused as refusal:
            problem.update(refusal.render(_))
            return
        self.dismiss(
            _("已添加操作员 {name}（{role}）").format(name=name, role=_(auth.ROLE_NAMES[role]))
        )


class PinForm(Vertical):
    """The PIN boxes: the old one (one's own PIN only), the new one twice. Enter moves to the
    next box and on the last saves; a saved PIN posts `PinChanged`."""

    class PinChanged(Message):
        def __init__(self, said: str) -> None:
            super().__init__()
            self.said = said

    def __init__(self, name: str, *, own: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.operator, self.own = name, own

    def compose(self) -> ComposeResult:
        with Grid(classes="pin-form"):
            if self.own:
                yield Label(_("原密码"))
                yield Input(id="old", password=True, max_length=8, compact=True)
            yield Label(_("新密码"))
            yield Input(id="pin", password=True, max_length=8, compact=True)
            yield Label(_("再输一遍"))
            yield Input(id="again", password=True, max_length=8, compact=True)
        yield Label(_("4 到 8 位数字，不要用 0000、1234 这类容易猜到的"), classes="hint")
        yield Label("", classes="problem", id="problem", markup=False)

    def start(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def next_box(self, event: Input.Submitted) -> None:
        event.stop()
        boxes = list(self.query(Input))
        at = boxes.index(event.input)
        if at + 1 < len(boxes):
            boxes[at + 1].focus()
        else:
            self.save()

    def value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def save(self) -> None:
        problem = self.query_one("#problem", Label)
        shop = self.app.shop  # type: ignore[attr-defined]
        try:
            if self.value("pin") != self.value("again"):
                raise Refused("两次输入的新密码不一样，什么都没有改")
            auth.change_pin(
                shop.signed_in,
                shop.clock,
                self.operator,
                self.value("pin"),
                old_pin=self.value("old") if self.own else None,
            )
        except Refused as refusal:
            for box in self.query(Input):
                box.value = ""
            self.start()
            problem.update(refusal.render(_))
            return
        problem.update("")
        for box in self.query(Input):
            box.value = ""
        self.post_message(
            self.PinChanged(_("已修改操作员 {name} 的密码").format(name=self.operator))
        )


class PinScreen(Dialog):
    """A manager resets another's PIN. Returns what to say, or None."""

    BINDINGS = [Binding("f10", "save", "保存")]

    def __init__(self, name: str, *, own: bool) -> None:
        super().__init__()
        self.operator, self.own = name, own

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("重设 {name} 的密码").format(name=self.operator), classes="title", markup=False
            )
            yield PinForm(self.operator, own=self.own)
            yield Label(_("回车到下一格，F10 保存，Esc 放弃"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(PinForm).start()

    def action_save(self) -> None:
        self.query_one(PinForm).save()

    @on(PinForm.PinChanged)
    def changed(self, event: PinForm.PinChanged) -> None:
        self.dismiss(event.said)


class MyPinScreen(ShopScreen):
    """F11 修改我的密码, for everyone: the old PIN, the new one twice."""

    FOCUS = "#old"
    BINDINGS = [Binding("f10", "save", "保存")]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        with Vertical(id="my-pin"):
            yield Label(_("修改我的密码"), classes="title")
            yield PinForm(self.actor.name, own=True)
            yield Label(_("回车到下一格，F10 保存"), classes="hint")
        yield from self.compose_frame_bottom()

    def action_save(self) -> None:
        self.query_one(PinForm).save()

    @on(PinForm.PinChanged)
    def changed(self, event: PinForm.PinChanged) -> None:
        self.say(event.said)
