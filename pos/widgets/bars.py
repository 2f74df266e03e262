"""The top line (station, operator, date) and the message line of every screen.

Both show text as it is, never as markup: messages quote what people typed and scanned.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from pos.i18n import _


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $primary; color: $text; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        shop = self.app.shop  # type: ignore[attr-defined]
        who = ""
        if shop.actor is not None:
            from db.books.auth import ROLE_NAMES

            who = f"{_(ROLE_NAMES[shop.actor.role])} {shop.actor.name}"
        today = shop.clock.now()
        date = _("{month} 月 {day} 日").format(month=today.month, day=today.day)
        left = "  ".join(p for p in (date, who) if p)
        # The station's name gives way first, then the section keys, whole, from the last
        # (F1 lists them all): the date, who and every key shown are never cut.
        keys = self.app.menu() if shop.actor is not None else []  # type: ignore[attr-defined]
        room = (self.size.width or self.app.size.width - 2) - cell_len(left) - 2
        while keys and cell_len(" ".join(keys)) > room:
            keys = keys[:-1]
        line = Table.grid(expand=True, padding=(0, 1))
        line.add_column(no_wrap=True)
        line.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        line.add_column(justify="right", no_wrap=True)
        line.add_row(Text(left), Text(shop.station_name), Text(" ".join(keys), style="bold"))
        self.update(line)


class MessageBar(Static):
    """What just happened: green when done, red when refused; a long message wraps onto a
    second and third line rather than being cut."""

    DEFAULT_CSS = """
    MessageBar { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    MessageBar.error { color: $text; background: $error 60%; text-style: bold; }
    MessageBar.ok { color: $text; background: $success 40%; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)

    def say(self, text: str, *, error: bool = False) -> None:
        self.set_classes("error" if error else "ok")
        self.update(text)

    def hint(self, text: str) -> None:
        self.set_classes("")
        self.update(text)
