"""The base of every full screen: status bar, message line, translated keys, scan focus."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from catalog.messages import Refused
from db.books.auth import Actor
from pos.i18n import _, translate_bindings
from pos.screens.live import LiveScreen
from pos.shop import Shop
from pos.widgets.bars import MessageBar, StatusBar
from pos.widgets.list_table import PlainTable


class ShopScreen(LiveScreen):
    #: the input that gets the focus whenever the screen is shown (a scan box)
    FOCUS = "Input"
    # The arrows move the screen's list while the scan box keeps the focus.
    BINDINGS = [Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]

    def __init__(self) -> None:
        super().__init__()
        #: where the focus goes when the next dialog closes, instead of FOCUS
        self.focus_next_time: str | None = None
        translate_bindings(self)

    @property
    def shop(self) -> Shop:
        return self.app.shop  # type: ignore[attr-defined]

    @property
    def actor(self) -> Actor:
        return self.shop.signed_in

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(super().check_action(action, parameters)) and self.allowed(action)

    def allowed(self, action: str) -> bool:
        """Whether the signed-in operator may run `action` here (the menu hides the rest)."""
        return True

    def compose_frame_top(self) -> ComposeResult:
        yield StatusBar()

    def compose_frame_bottom(self) -> ComposeResult:
        yield MessageBar(id="message")
        yield Footer(compact=True)  # every key fits on the line at 100 columns

    def on_screen_resume(self) -> None:
        self.focus_input()

    def focus_input(self) -> None:
        target, self.focus_next_time = self.focus_next_time or self.FOCUS, None
        inputs = self.query(target)
        if inputs:
            inputs.first().focus()

    def action_move(self, step: int) -> None:
        lists = self.query(PlainTable)
        if lists:
            lists.first().step(step)

    def say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#message", MessageBar).say(text, error=error)

    def refused(self, refusal: Refused) -> None:
        self.say(refusal.render(_), error=True)
        self.app.bell()
