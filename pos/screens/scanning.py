"""A scan is never lost (docs/design.md §8.2): the key handling every screen and dialog shares.

A scanner types a code and Enter like a keyboard, into whatever has the focus. Keys typed where
no box has the focus are collected, and at Enter the text goes to `caught(text)`. A scan that
ran into a box is taken out of it before the box's own Enter submits it (a key reaches the
screen before the input's Enter binding), what the person typed before it is left in the box,
and the scan goes to `caught` too — when `takes_scan_out(box)` says so.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from db.books import scans


class CatchesScans:
    #: the characters of a scan coming in where no box has the focus
    keys_typed = ""

    def takes_scan_out(self, box: Input) -> bool:
        """Whether a scan that ran into `box` is taken out of it (else the box takes it)."""
        raise NotImplementedError

    def caught(self, text: str) -> None:
        """Where a scan goes that no box took."""
        raise NotImplementedError

    def on_key(self, event: events.Key) -> None:
        box = self.focused  # type: ignore[attr-defined]
        if isinstance(box, Input):
            if event.key == "enter" and self.takes_scan_out(box):
                typed, scan = scans.split(box.value)
                if scan is not None:
                    event.stop()
                    event.prevent_default()
                    box.value = typed
                    self.caught(scan)
            return
        if event.key == "enter" and self.keys_typed:
            text, self.keys_typed = self.keys_typed.strip(), ""
            event.stop()
            event.prevent_default()
            if text:
                self.caught(text)
        elif event.character and len(event.character) == 1 and event.character.isprintable():
            self.keys_typed += event.character
            if event.character != " ":  # a space still ticks a box or opens a list
                event.stop()
                event.prevent_default()
