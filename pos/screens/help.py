"""F1 帮助: the keys of the screen you are on, and the keys that work everywhere."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, Static

from pos.i18n import _
from pos.screens.dialogs import Dialog


class HelpScreen(Dialog):
    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def usable(self, node, binding) -> bool:
        """Keys the operator may press on the screen underneath (this dialog aside)."""
        action, _open, argument = binding.action.partition("(")
        if action == "section":
            return self.app.may_open(argument.strip("')\""))  # type: ignore[attr-defined]
        if node is self.app:
            return True  # help, sign out, close: always there once signed in
        return node.check_action(action, ()) is not False

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        seen = set()
        for node in (self.under, self.app):
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    if b.show and b.description and b.key not in seen and self.usable(node, b):
                        seen.add(b.key)
                        keys.add_row(self.app.get_key_display(b), b.description)
        with Vertical():
            yield Label(_("按键说明"), classes="title")
            yield Static(keys)
            yield Label(_("扫码枪扫到的内容会自动进入输入框；Esc 关闭本说明"), classes="hint")
