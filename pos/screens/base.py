"""The base of every full screen: status bar, message line, translated keys, scan focus."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from catalog.messages import Message, Refused
from db.books.auth import Actor
from pos.i18n import _, translate_bindings
from pos.screens.live import LiveScreen
from pos.screens.scanning import CatchesScans
from pos.shop import Shop
from pos.widgets.bars import MessageBar, StatusBar
from pos.widgets.keys import KeyBar
from pos.widgets.list_table import PlainTable
from pos.widgets.scan_input import ScanInput


class ShopScreen(CatchesScans, LiveScreen):
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

    # -- the desk protocol (docs/design.md §8.1) ------------------------------------------

    def unsaved(self) -> Message | None:
        """The typed work this screen holds that no save has written, named; None if none.
        Asked before switching section, signing out and closing: keep it cheap."""
        return None

    def ask_to_drop(self, then, *, title: str = "") -> None:
        """Run `then` (which drops this screen's work) after asking, when there is work."""
        work = self.unsaved()
        self.app.ask_to_drop([work] if work else [], then, title=title)  # type: ignore[attr-defined]

    def leave(self) -> None:
        """Close this screen for good (Esc on a form pushed over a section)."""
        from pos.desk import forget

        self.app.pop_screen()
        forget(self.app, self, just_left=True)

    def take_scan(self, text: str) -> None:
        """A scan a dialog handed on, or typed while no box had the focus (§8.2): as if typed
        into the screen's box and Enter; where the screen has none, the app takes it (a card
        goes to the checkout)."""
        boxes: list[Input] = list(self.query(ScanInput)) or [
            box for box in self.query(self.FOCUS) if isinstance(box, Input)
        ]
        if boxes:
            boxes[0].focus()
            boxes[0].post_message(Input.Submitted(boxes[0], text))
        else:
            self.app.scan_elsewhere(text)  # type: ignore[attr-defined]

    # -- scans (pos/screens/scanning.py) ---------------------------------------------------

    def takes_scan_out(self, box: Input) -> bool:
        """A scan that ran into another box of a screen with a scan box (the donor's name)
        goes to the scan box; a screen's only box takes what is typed into it."""
        return not isinstance(box, ScanInput) and bool(self.query(ScanInput))

    def caught(self, text: str) -> None:
        self.take_scan(text)

    def compose_frame_top(self) -> ComposeResult:
        yield StatusBar()

    def compose_frame_bottom(self) -> ComposeResult:
        yield MessageBar(id="message")
        yield KeyBar()

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
