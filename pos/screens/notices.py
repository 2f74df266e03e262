"""通知 (F11): the county's policy notices current today, and the chosen one's text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from catalog.messages import N_
from db.books import notices
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.widgets.list_table import ListTable

HEADERS = (N_("标题"), N_("开始"), N_("结束"), N_("发给"))


class NoticesScreen(ShopScreen):
    """↑↓ choose a notice; its text shows below the list."""

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield ListTable(id="notices")
        yield Static(id="text", markup=False)
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        for header in HEADERS:
            table.add_column(_(header))
        day = self.shop.clock.now().strftime("%Y-%m-%d")
        self.shown = {str(n.id): n for n in notices.current(day)}
        for key, n in self.shown.items():
            table.add_row(n.title, n.start, n.until or "", n.whom.render(_), key=key)
        self.show_chosen()
        if not self.shown:
            self.say(_("今天没有有效的通知"))

    def action_move(self, step: int) -> None:
        super().action_move(step)
        self.show_chosen()

    def show_chosen(self) -> None:
        key = self.query_one(ListTable).chosen()
        notice = self.shown.get(key) if key else None
        self.query_one("#text", Static).update(notice.text if notice else "")
