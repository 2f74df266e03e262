"""The scan box: a scanner in keyboard mode types a whole code and Enter, then the next one."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class ScanInput(Input):
    """Takes Enter in its own key handling and empties itself at once.

    A plain Input inserts characters in its own queue but runs Enter as a binding after the
    key has bubbled up to the app. When a scanner sends two codes in one burst, the second
    code's characters are already in the box by then and the two scans run together. Taking
    Enter here keeps every scan whole and in order.
    """

    DEFAULT_CSS = """
    ScanInput { border: tall $accent; }
    """

    def __init__(self, *args, clear: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clear_on_enter = clear

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value = self.value
            if self.clear_on_enter:
                self.value = ""
            self.post_message(self.Submitted(self, value))
            return
        await super()._on_key(event)
