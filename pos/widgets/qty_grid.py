"""A table whose rows each take a quantity typed straight in: digits, Backspace, Enter."""

from __future__ import annotations

from textual import events
from textual.message import Message

from pos.widgets.list_table import PlainTable

MAX_DIGITS = 4


class QuantityGrid(PlainTable):
    """Rows keyed by a string; column `qty_column` holds the typed quantity (0 = none).

    As in a spreadsheet, the first digit typed on a row replaces its value and the next ones
    append; Backspace edits the value; moving to another row starts afresh. A digit past
    MAX_DIGITS is refused aloud (`TooLong`), not run into the value.

    A scan that arrives while the grid has the focus (a member card: it starts with a letter)
    is collected whole, the cell untouched, and posted as `Scanned` at its Enter for the
    screen's scan box (docs/design.md §8.2).
    """

    DEFAULT_CSS = """
    QuantityGrid { height: 1fr; }
    QuantityGrid:focus { border: tall $accent; }
    """

    class QuantityChanged(Message):
        def __init__(self, grid: QuantityGrid, key: str, qty: int) -> None:
            super().__init__()
            self.grid, self.key, self.qty = grid, key, qty

        @property
        def control(self) -> QuantityGrid:
            return self.grid

    class Scanned(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class TooLong(Message):
        """A digit typed past MAX_DIGITS: the value stays as it was."""

    def __init__(self, qty_column: int, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.qty_column = qty_column
        self.quantities: dict[str, int] = {}
        #: the row being typed into, since the cursor came to it (None: the next digit replaces)
        self.typing: str | None = None
        #: the characters of a scan coming in (it began with a character no quantity has)
        self.scan = ""

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def set_qty(self, key: str, qty: int) -> None:
        self.quantities[key] = qty
        self.update_cell(key, self.columns_keys()[self.qty_column], str(qty) if qty else "")
        self.post_message(self.QuantityChanged(self, key, qty))

    def clear_quantities(self) -> None:
        """Every typed quantity gone, the rows kept (one message for the lot, not one each)."""
        column = self.columns_keys()[self.qty_column]
        for key in self.quantities:
            self.update_cell(key, column, "")
        self.quantities.clear()
        self.typing = None

    def columns_keys(self) -> list:
        return list(self.columns)

    async def _on_key(self, event: events.Key) -> None:
        key = self.current_key()
        if key is None:
            return await super()._on_key(event)
        qty = self.quantities.get(key, 0) if self.typing == key else 0
        char = event.character
        if self.scan and event.key == "enter":
            text, self.scan = self.scan.strip(), ""
            self.post_message(self.Scanned(text))
        elif char and len(char) == 1 and char.isprintable() and (self.scan or char.isalpha()):
            self.scan += char
        elif char and char in "0123456789":  # not ² or ①: isdigit() says yes
            text = (str(qty) if qty else "") + char
            self.typing = key
            if len(text.lstrip("0")) > MAX_DIGITS:
                self.post_message(self.TooLong())
            else:
                self.set_qty(key, int(text))
        elif event.key == "backspace":
            self.typing = key
            self.set_qty(key, self.quantities.get(key, 0) // 10)
        elif event.key == "enter":
            self.typing = None
            self.move_cursor(row=min(self.cursor_row + 1, self.row_count - 1))
        else:
            self.typing = None
            return await super()._on_key(event)
        event.stop()
        event.prevent_default()
