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

    def clear(self, columns: bool = False):
        """The rows gone; the columns kept, but measured afresh from the rows added next
        (DataTable's own clear keeps each column's width, so a search narrowed to short
        names kept the widths of the long ones)."""
        if columns:
            return super().clear(columns=True)
        kept = [
            (c.label, c.key.value, None if c.auto_width else c.width) for c in self.ordered_columns
        ]
        super().clear(columns=True)
        for label, key, width in kept:
            self.add_column(label, key=key, width=width)
        return self

    def _update_dimensions(self, new_rows) -> None:
        # The one private hook here (tests/tui/test_tables.py breaks if it changes): DataTable
        # measures new rows once idle, but keeps the lines it drew before at the old widths
        # unless a row's height changed, so a row drawn in between stayed cut at the width
        # of the header. Once measured, everything is drawn again.
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()

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
