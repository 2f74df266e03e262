"""F11 更多: the sections that have no function key of their own, one line each.

Function keys F2–F9 hold the sections a shop uses all day; the others (公示, 代销, operators
and the like) are listed here, in the order of `pos.app.MORE`, for the operator's role.
The digit before a line or ↑↓ and Enter open it; Esc closes the list. A scan closes it
and goes to the screen underneath.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from pos.i18n import _
from pos.screens.dialogs import Dialog
from pos.widgets.list_table import ListTable


class MoreScreen(Dialog):
    """Returns the section picked, or None."""

    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("enter", "pick", show=False),
    ]

    def __init__(self, sections: list[tuple[str, str]]) -> None:
        """`sections`: (section, its label already in the operator's language)."""
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("更多功能"), classes="title")
            yield ListTable(id="sections")
            yield Label(_("按数字或 ↑↓ 回车打开，Esc 关闭"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("键"), _("功能"))
        for number, (section, label) in enumerate(self.sections, start=1):
            table.add_row(str(number), label, key=section)

    def action_move(self, step: int) -> None:
        self.query_one(ListTable).step(step)

    def action_pick(self) -> None:
        section = self.query_one(ListTable).chosen()
        if section is not None:
            self.dismiss(section)

    @on(ListTable.RowSelected)
    def selected(self, event: ListTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def on_key(self, event) -> None:
        # A digit picks its line, unless a scan is coming in: its characters are collected
        # (the "1" of "AX1:" is not a choice) and the scan goes on past the list.
        # (Dialog.on_key, which collects a scan, runs after this one unless prevented)
        if not self.keys_typed and event.character and event.character.isdecimal():
            number = int(event.character)
            event.stop()
            event.prevent_default()
            if 1 <= number <= len(self.sections):
                self.dismiss(self.sections[number - 1][0])
            else:
                self.app.bell()  # no such line: nothing opens, and the next digit counts

    def scanned(self, text: str) -> None:
        self.hand_on(text)
