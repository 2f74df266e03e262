"""The operator's desk: the screens of each section, kept with their typed work.

Switching section, or an idle sign-out, puts the screens of the section left on the desk as
they are (installed in the app, so Textual keeps them) and shows them again when the operator
comes back (docs/design.md §8.1). The desk belongs to one operator: another operator signing
in is asked before the previous one's unsaved work is dropped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

from catalog.messages import Message

_names = itertools.count(1)


def unsaved_of(screens: list[Screen]) -> list[Message]:
    """What the screens hold unsaved, each as a message naming it."""
    found = []
    for screen in screens:
        ask = getattr(screen, "unsaved", None)
        work = ask() if ask is not None and screen.is_mounted else None
        if work is not None:
            found.append(work)
    return found


def typed_in(screens: list[Screen]) -> bool:
    """Whether any box of the screens holds text (a village half typed, a search)."""
    return any(box.value for screen in screens for box in screen.query(Input))


@dataclass
class Desk:
    app: App
    operator: str | None = None
    #: the section shown (or shown last, when signed out)
    section: str | None = None
    #: the screens of each section not shown now, section screen first
    stacks: dict[str, list[Screen]] = field(default_factory=dict)

    def keep(self, section: str, screens: list[Screen]) -> None:
        """Put the screens of `section` on the desk; they may then leave the app's stack."""
        for screen in screens:
            if not self.app.is_screen_installed(screen):
                self.app.install_screen(screen, f"desk-{next(_names)}")
        self.stacks[section] = screens

    def take(self, section: str) -> list[Screen]:
        """The screens kept for `section` (none when there are none), off the desk."""
        return self.stacks.pop(section, [])

    def unsaved(self) -> list[Message]:
        return unsaved_of([s for screens in self.stacks.values() for s in screens])

    def clear(self, operator: str | None = None, *, just_left: bool = False) -> None:
        """Drop every kept screen; the desk is `operator`'s from now on."""
        for screens in self.stacks.values():
            for screen in screens:
                forget(self.app, screen, just_left=just_left)
        self.stacks.clear()
        self.operator, self.section = operator, None


def forget(app: App, screen: Screen, *, just_left: bool = False) -> None:
    """Let Textual remove a screen that has left the stack for good. `just_left`: it was
    popped a moment ago, and Textual removes it itself once it is no longer installed."""
    if app.is_screen_installed(screen) and screen not in app.screen_stack:
        app.uninstall_screen(screen)
        if not just_left and screen.is_attached:
            screen.remove()
