"""F5 库存: the stock list with low-stock marks; donations, stock counts and adjustments, and
the month's donor acknowledgement list (Ctrl+T)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from catalog.messages import Refused
from db.books import donor_list, stock
from pos.i18n import _
from pos.paper import lists, slips
from pos.screens import printing, reprint
from pos.screens.adjust import AdjustScreen
from pos.screens.base import ShopScreen
from pos.screens.count import CountScreen
from pos.screens.dialogs import AskScreen
from pos.screens.donation import DonationScreen
from pos.screens.printing import CardPrinter, CardsPrinted
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput


class StockScreen(CardPrinter, ShopScreen):
    FOCUS = "#find"
    BINDINGS = [
        Binding("f6", "donation", "捐赠登记"),
        Binding("f7", "count", "盘点"),
        Binding("f8", "adjust", "库存调整"),
        Binding("f12", "reprint", "补打收据"),
        Binding("ctrl+t", "donors", "捐赠公示"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield ScanInput(
            placeholder=_("扫条码或输入编码、名称、拼音首字母筛选"), id="find", max_length=60
        )
        yield ListTable(id="stock")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("编码"), _("商品"), _("库存"), "", _("积分价"), _("单位"), _("补货线"))
        self.fill("")

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.fill(self.query_one("#find", Input).value, hint=False)

    def allowed(self, action: str) -> bool:
        needs = {
            "donation": "donate",
            "count": "count",
            "adjust": "adjust_stock",
            "reprint": "donate",
        }
        return self.actor.may(needs[action]) if action in needs else True

    @on(Input.Changed, "#find")
    def typed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#find")
    def scanned(self, event: Input.Submitted) -> None:
        self.query_one("#find", Input).value = event.value
        self.fill(event.value)

    def fill(self, text: str, *, hint: bool = True) -> None:
        table = self.query_one(ListTable)
        table.clear()
        low = 0
        # while a count is open, the book's figures wait for the manager who confirms it: a
        # count is blind (docs/design.md §8.4)
        blind = stock.open_count(self.shop.station) is not None and not self.actor.may(
            "finalize_count"
        )
        for item in stock.search_items(text, limit=500):
            mark: Text | str = ""
            if blind:
                pass
            elif item.stock <= 0:
                mark, low = Text(_("缺货"), style="bold reverse red"), low + 1
            elif item.stock <= item.reorder_level:
                mark, low = Text(_("低库存"), style="bold red"), low + 1
            table.add_row(
                item.code,
                item.name,
                "—" if blind else item.stock,
                mark,
                item.price,
                item.unit,
                item.reorder_level,
                key=item.code,
            )
        if hint or blind:  # why the figures are missing is always said
            said = (
                _("盘点进行中：库存数等站长确认盘点后再显示")
                if blind
                else _("{count} 种商品，{low} 种要补货").format(count=table.row_count, low=low)
            )
            self.query_one("#message").hint(said)  # type: ignore[attr-defined]

    def selected(self) -> str | None:
        return self.query_one(ListTable).chosen()

    def action_donation(self) -> None:
        self.app.push_screen(DonationScreen())

    def action_reprint(self) -> None:
        """Print the newest donation receipt again."""
        try:
            receipt = reprint.last_receipt(self.shop)
        except Refused as refusal:
            self.refused(refusal)
            return
        printing.issue(self, _("捐赠收据"), slips.donation_rows(receipt), "donation", receipt.id)

    def action_donors(self) -> None:
        """A month's donor acknowledgement list as A4 PDF in papers/ (this month unless told)."""

        def month_given(answer: str | None) -> None:
            if answer is None:
                return
            try:
                gifts = donor_list.donor_list(answer, self.shop.clock)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.say(_("正在生成捐赠公示……"))
            out = self.papers_folder() / f"donors-{gifts.month}.pdf"
            self.draw_paper(lambda path: lists.donors_pdf(gifts, path), out)

        this_month = self.shop.clock.now().strftime("%Y-%m")
        self.app.push_screen(
            AskScreen(_("公示哪个月的捐赠（YYYY-MM）"), value=this_month), month_given
        )

    @on(CardsPrinted)
    def paper_drawn(self, event: CardsPrinted) -> None:
        self.say(event.text, error=event.error)

    def action_count(self) -> None:
        try:
            self.app.push_screen(CountScreen())
        except Refused as refusal:
            self.refused(refusal)

    def action_adjust(self) -> None:
        code = self.selected()
        if code:
            self.app.push_screen(AdjustScreen(code), self.adjusted)

    def adjusted(self, done: str | None) -> None:
        if done:
            self.fill(self.query_one("#find", Input).value, hint=False)
            self.say(done)
