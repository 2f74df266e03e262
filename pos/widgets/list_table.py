"""A read-only list of rows that never takes the focus from the scan box.

The screen moves its cursor (↑/↓ bound on the screen) and asks which row is chosen.
"""

from __future__ import annotations

from textual.widgets import DataTable


class ListTable(DataTable):
    can_focus = False

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def step(self, rows: int) -> None:
        if self.row_count:
            self.move_cursor(row=(self.cursor_row + rows) % self.row_count)

    def chosen(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
