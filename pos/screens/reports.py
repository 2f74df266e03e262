"""F9 报表: today and this month at this station."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from db.books.figures import Summary, today_and_month
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.widgets.list_table import ListTable


class ReportsScreen(ShopScreen):
    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        # side by side, so both fit 80×24; the low-stock list scrolls (↑↓)
        with Horizontal(id="reports"):
            yield Static(id="figures")
            with Vertical(id="low-side"):
                yield Static(id="low-title")
                yield ListTable(id="low")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        # the figures first: a narrow screen cuts a name at its right edge, never a number
        self.query_one("#low", ListTable).add_columns(_("库存"), _("补货线"), _("商品"), _("编码"))
        self.show_figures()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.show_figures()  # kept on the desk: figures as the books are now

    def show_figures(self) -> None:
        self.summaries = today_and_month(self.shop.station, self.shop.clock.now())
        today, month = self.summaries
        self.query_one("#figures", Static).update(figures(today, month))
        self.show_low(month)

    def show_low(self, summary: Summary) -> None:
        table = self.query_one("#low", ListTable)
        table.clear()
        title = _("低库存商品") if summary.low_stock else _("没有要补货的商品。")
        self.query_one("#low-title", Static).update(f"[b]{title}[/b]")
        for code, name, stock, level in summary.low_stock:
            if stock <= 0:
                shown = Text.assemble(f"{stock} ", (_("缺货"), "bold red"))
            else:
                shown = Text(f"{stock} " + _("低库存"))
            table.add_row(shown, str(level), name, code)


def figures(today: Summary, month: Summary) -> Table:
    # no frame and one space between columns: every row on one line at 80×24, in English too
    table = Table(title=_("本站兑换与积分"), expand=False, padding=(0, 1), box=box.SIMPLE_HEAD)
    table.add_column(_("统计项"))
    table.add_column(_("今天"), justify="right")
    table.add_column(_("本月"), justify="right")
    rows = [
        (_("记分（分）"), "awarded"),
        (_("扣分（分）"), "deducted"),
        (_("兑换（分）"), "redeemed"),
        (_("冲正（笔）"), "reversed"),
        (_("兑换人次"), "redemptions"),
        (_("兑换户数"), "households_served"),
        (_("得分户数"), "households_scored"),
        (_("出库商品（件）"), "goods_out"),
        (_("入库商品（件）"), "goods_in"),
        (_("捐赠（笔）"), "donations"),
    ]
    for label, name in rows:
        table.add_row(label, str(getattr(today, name)), str(getattr(month, name)))
    table.add_row(_("捐赠现金（元）"), f"{today.cash_fen / 100:.2f}", f"{month.cash_fen / 100:.2f}")
    table.caption = _("记分、扣分、兑换都已减去冲正，冲正的笔数单列")
    return table
