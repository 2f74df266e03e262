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
        rows = []
        seen = set()
        for node in (self.under, self.app):
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    # the sections too: the top line leaves out those that do not fit
                    listed = b.show or b.action.startswith("section(")
                    if listed and b.description and b.key not in seen and self.usable(node, b):
                        seen.add(b.key)
                        rows.append((self.app.get_key_display(b), b.description))
        keys = Table.grid(padding=(0, 2))  # two columns of keys: all of them fit 80×24
        for _column in range(4):
            keys.add_column()
        half = (len(rows) + 1) // 2
        for left, right in zip(rows[:half], rows[half:] + [("", "")], strict=False):
            keys.add_row(f"[bold]{left[0]}[/]", left[1], f"[bold]{right[0]}[/]", right[1])
        with Vertical():
            yield Label(_("按键说明"), classes="title")
            yield Static(keys)
            closing = _("Esc 关闭本说明；扫码也会关掉它，扫到的内容进入下面的输入框")
            yield Label(closing, classes="hint")

    def scanned(self, text: str) -> None:
        self.hand_on(text)
