"""The footer: the keys of the screen, as many as fit whole on one line; F1 lists them all.

Textual's own footer cuts the last key in the middle ("Ctrl+O 退") when a screen has more keys
than the line is wide. This one shows F1 first, then the screen's keys in the order they are
declared, then the app's, and leaves out whole keys that do not fit (docs/design.md §8.3).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

GAP = 2


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        #: the keys left out for want of room, for the tests and F1
        self.hidden: list[str] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.draw())
        self.call_after_refresh(self.draw)

    def on_resize(self) -> None:
        self.draw()

    def keys(self) -> list[tuple[str, str]]:
        """(key as printed, description) of every key shown, F1 first, app's keys last."""
        app = self.app
        own, general, first = [], [], []
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not (binding.show and binding.description and enabled):
                continue
            shown = (app.get_key_display(binding), binding.description)
            if binding.key == "f1":
                first.append(shown)
            elif node is app:
                general.append(shown)
            else:
                own.append(shown)
        return first + own + general

    def draw(self) -> None:
        # under a dialog, the app's keys are off: the line keeps what it showed before
        if not self.is_mounted or (self.hidden is not None and not self.screen.is_current):
            return
        room = self.size.width or self.app.size.width - 2
        line, used, hidden = Text(), 0, []
        for key, description in self.keys():
            width = cell_len(key) + 1 + cell_len(description)
            if used + width > room or hidden:
                hidden.append(key)
                continue
            if used:
                line.append(" " * GAP)
            line.append(key, style="bold reverse")
            line.append(" " + description)
            used += width + GAP
        self.hidden = hidden
        self.update(line)
