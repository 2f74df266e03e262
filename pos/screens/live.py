"""A screen handles keys and messages only while it is on the app's stack and the app runs.

Keys typed in a burst, and messages from workers or from the screen's own inputs, can still be
queued when a screen leaves the stack (popped, switched away, the app closing). Textual goes
on delivering them while it takes the screen's widgets down; a handler run then queries
widgets half gone, or pushes a screen onto whichever screen is now on top. So every screen of
the shop mixes this in: its actions (`check_action`) and its own handlers (`on_*`, `@on`)
stay quiet once the screen is no longer live, while Textual's own handlers still run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.message import Message
from textual.screen import Screen

# Handlers defined in these modules are ours; Textual's (mounting, pruning ...) always run.
OWN = ("pos.",)


class LiveScreen(Screen[Any]):
    @property
    def live(self) -> bool:
        """On the app's stack (shown, or under a dialog) while the app runs."""
        app = self.app
        return app.is_running and self in app.screen_stack

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys can also arrive while the screen is still being built (a scan right after Enter
        # opened it): its actions wait until its widgets exist.
        return self.is_mounted and self.live

    def _get_dispatch_methods(self, method_name: str, message: Message) -> Iterator[Any]:
        # The one private hook into Textual here: it is where Textual looks up the handlers
        # of a message for this screen. tests/tui/test_teardown.py breaks if that changes.
        live = self.live
        for cls, method in super()._get_dispatch_methods(method_name, message):
            if live or not cls.__module__.startswith(OWN):
                yield cls, method
