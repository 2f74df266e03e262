"""Sign in: operator and PIN. A locked operator is told until when."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Input, Label

from catalog.messages import Refused
from db.books import auth
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.widgets.bars import MessageBar, StatusBar
from pos.widgets.keys import KeyBar


class SignInScreen(ShopScreen):
    FOCUS = "#operator"

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Center(), Vertical(id="signin"):
            yield Label(_("爱心超市 · 请登录"), classes="title")
            yield Label(_("操作员"))
            yield Input(placeholder=_("操作员名"), id="operator", max_length=40)
            yield Label(_("密码"))
            yield Input(placeholder=_("数字密码"), password=True, id="pin", max_length=12)
            yield MessageBar(id="message")
            if self.shop.demo_card:
                yield Label(
                    _("演示站点，密码都是 1234：\nclerk 店员 · cadre 村干部 · manager 站长"),
                    classes="hint",
                )
        yield KeyBar()

    @on(Input.Submitted, "#operator")
    def to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def sign_in(self) -> None:
        name = self.query_one("#operator", Input).value.strip()
        pin_box = self.query_one("#pin", Input)
        pin, pin_box.value = pin_box.value, ""
        if not name:
            self.say(_("请输入操作员名"), error=True)
            self.query_one("#operator", Input).focus()
            return
        try:
            self.shop.actor = auth.sign_in(name, pin, self.shop.clock)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.app.signed_in()  # type: ignore[attr-defined]
