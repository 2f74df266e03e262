"""A read-only list of rows that never takes the focus from the scan box.

The screen moves its cursor (↑/↓ bound on the screen) and asks which row is chosen.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable


def _plain(cell: object) -> object:
    return Text(cell) if isinstance(cell, str) else cell


class PlainTable(DataTable):
    """A DataTable that shows strings exactly as they are.

    DataTable reads a string cell as markup; names and notes come from people, and a note
    holding '[/]' would stop the screen. A cell that should be styled is passed as rich Text.
    """

    def add_row(self, *cells, **kwargs):
        return super().add_row(*map(_plain, cells), **kwargs)

    def update_cell(self, row_key, column_key, value, **kwargs):
        return super().update_cell(row_key, column_key, _plain(value), **kwargs)

    def step(self, rows: int) -> None:
        if self.row_count:
            self.move_cursor(row=(self.cursor_row + rows) % self.row_count)


class ListTable(PlainTable):
    can_focus = False

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def chosen(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
