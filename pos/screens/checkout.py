"""F2 兑换: scan a member card and goods, F10 completes the redemption.

The scan box keeps the focus: a scanner types fast and ends with Enter, so only F-keys,
arrows and Esc are bound here. A wrong scan says why and keeps the basket.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from catalog.messages import N_, Message, Refused
from db.books import cards, households, redemptions, stock
from db.books.views import HouseholdView, ItemView
from pos.i18n import _
from pos.paper import slips
from pos.screens import printing, reprint
from pos.screens.base import ShopScreen
from pos.screens.dialogs import AskScreen, PickerScreen, TextScreen, goods_quantity
from pos.widgets.household_panel import HouseholdPanel
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput


@dataclass
class Line:
    item: ItemView
    qty: int

    @property
    def points(self) -> int:
        return self.item.price * self.qty


class CheckoutScreen(ShopScreen):
    FOCUS = "#scan"
    BINDINGS = [
        Binding("f6", "find_household", "查户"),
        Binding("f7", "change_qty", "改数量"),
        Binding("f8", "remove_line", "删除行"),
        Binding("f10", "complete", "完成兑换"),
        Binding("f12", "reprint", "补打"),
        Binding("escape", "clear", "清空"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.household: HouseholdView | None = None
        self.basket: dict[str, Line] = {}

    def unsaved(self) -> Message | None:
        if not self.basket:
            return None
        return Message(
            N_("兑换：{name} 的购物篮里 {count} 件商品，{total} 分，还没有完成"),
            name=self.household.head_name if self.household else "—",
            count=sum(line.qty for line in self.basket.values()),
            total=self.total,
        )

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        with Horizontal(id="checkout"):
            with Vertical(id="basket-side"):
                yield ScanInput(
                    placeholder=_("扫会员卡或商品条码；也可输入商品编码、名称或拼音首字母"),
                    id="scan",
                    max_length=60,
                )
                yield ListTable(id="basket")
                yield Static(id="totals")
            yield HouseholdPanel(id="household")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one("#basket", ListTable)
        table.add_columns(_("商品"), _("单价"), _("数量"), _("积分"))
        self.refresh_basket()
        hint = _("先扫会员卡，再扫商品；F10 完成兑换")
        if self.shop.demo_card:
            hint += "  " + _("演示卡：{payload}").format(payload=self.shop.demo_card)
        self.query_one("#message").hint(hint)  # type: ignore[attr-defined]

    # -- scanning -------------------------------------------------------------------------

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            if cards.looks_like_card(text):
                self.open_household(cards.check(text).household)
            else:
                self.add_item(text)
        except Refused as refusal:
            self.refused(refusal)

    def open_household(self, household: HouseholdView) -> None:
        if self.household and self.basket and household.number != self.household.number:
            # a new card: the basket is the other household's, asked before it is dropped
            def drop() -> None:
                self.basket = {}
                self.refresh_basket()
                self.open_household(household)

            title = _("放弃 {other} 的购物篮，接待 {name}？").format(
                other=self.household.head_name, name=household.head_name
            )  # said the same whether the card was scanned or the household looked up (F6)
            self.ask_to_drop(drop, title=title)
            return
        self.household = household
        self.refresh_totals()
        self.say(
            _("{name}，余额 {balance} 分").format(
                name=household.head_name, balance=household.balance
            )
        )

    def add_item(self, text: str) -> None:
        try:
            item = stock.find_item(text)
        except Refused:
            matches = stock.search_items(text) if not text.isdecimal() else []
            if len(matches) == 1:
                item = matches[0]
            elif matches:
                self.app.push_screen(self.item_picker(text), self.picked_item)
                return
            else:
                raise
        self.put(item, 1)

    def put(self, item: ItemView, more: int) -> None:
        line = self.basket.get(item.code) or Line(item, 0)
        if line.qty + more > item.stock:
            raise Refused(
                "“{name}”库存只有 {stock} {unit}", name=item.name, stock=item.stock, unit=item.unit
            )
        line.qty += more
        self.basket[item.code] = line
        self.refresh_basket(select=item.code)
        self.say(_("{name} ×{qty}").format(name=item.name, qty=line.qty))

    def item_picker(self, text: str) -> PickerScreen:
        def search(query: str):
            return [
                (i.code, (i.code, i.name, i.unit, i.price, i.stock))
                for i in stock.search_items(query)
            ]

        columns = (_("编码"), _("商品"), _("单位"), _("积分"), _("库存"))
        return PickerScreen(_("找商品"), columns, search, text)

    def picked_item(self, code: str | None) -> None:
        if code:
            try:
                self.put(stock.find_item(code), 1)
            except Refused as refusal:
                self.refused(refusal)

    # -- the basket -----------------------------------------------------------------------

    @property
    def total(self) -> int:
        return sum(line.points for line in self.basket.values())

    def refresh_basket(self, select: str | None = None) -> None:
        table = self.query_one("#basket", ListTable)
        keep = select or self.selected()
        table.clear()
        for code, line in self.basket.items():
            table.add_row(line.item.name, line.item.price, line.qty, line.points, key=code)
        if keep in self.basket:
            table.move_cursor(row=list(self.basket).index(keep))
        self.refresh_totals()

    def refresh_totals(self) -> None:
        """The household panel and the totals line: what the basket does to the balance."""
        after = self.household.balance - self.total if self.household else None
        self.query_one(HouseholdPanel).show(self.household, after=after if self.basket else None)
        text = _("合计 {total} 分，{count} 件").format(
            total=self.total, count=sum(line.qty for line in self.basket.values())
        )
        if after is not None and after < 0:
            text += "  " + _("积分不足，还差 {short} 分").format(short=-after)
        self.query_one("#totals", Static).update(text)

    def selected(self) -> str | None:
        return self.query_one(ListTable).chosen()

    def action_change_qty(self) -> None:
        code = self.selected()
        if code is None:
            self.say(_("购物篮是空的"), error=True)
            return
        line = self.basket[code]

        def changed(qty: int | None) -> None:
            if qty is None:
                return
            if qty == 0:
                self.drop_line(code)
                return
            try:
                self.put(line.item, qty - line.qty)
            except Refused as refusal:
                self.refused(refusal)

        question = _("{name} 的数量").format(name=line.item.name)
        check = partial(goods_quantity, zero_removes=True)
        asked = AskScreen(question, value=str(line.qty), number=True, check=check)
        self.app.push_screen(asked, changed)

    def action_remove_line(self) -> None:
        code = self.selected()
        if code is not None:
            self.drop_line(code)

    def drop_line(self, code: str) -> None:
        # the cursor stays where it was (the next line, or the last): a second F8 removes
        # the line the clerk sees under it, never one at the top
        row = list(self.basket).index(code)
        removed = self.basket.pop(code)
        after = list(self.basket)
        self.refresh_basket(select=after[min(row, len(after) - 1)] if after else None)
        self.say(_("已删除 {name}").format(name=removed.item.name))

    def action_clear(self) -> None:
        self.ask_to_drop(self.clear)

    def clear(self) -> None:
        self.household, self.basket = None, {}
        self.refresh_basket()
        self.query_one("#message").hint(_("已清空，可以接待下一户"))  # type: ignore[attr-defined]

    # -- households without a card ----------------------------------------------------------

    def action_find_household(self) -> None:
        def search(query: str):
            return [
                (h.number, (h.number, h.head_name, h.village, h.balance))
                for h in households.search(query)
            ]

        columns = (_("户号"), _("户主"), _("村"), _("余额"))
        picker = PickerScreen(
            _("查户（没带卡时核对身份后使用）"),
            columns,
            search,
            searches=_("姓名、拼音首字母、户号或身份证后几位"),
        )
        self.app.push_screen(picker, self.picked_household)

    def picked_household(self, number: str | None) -> None:
        if number:
            try:
                self.open_household(households.shown(number, active=True))
            except Refused as refusal:
                self.refused(refusal)

    # -- completing ---------------------------------------------------------------------------

    def action_complete(self) -> None:
        if self.household is None:
            self.say(_("请先扫会员卡"), error=True)
            return
        basket = [(code, line.qty) for code, line in self.basket.items()]
        try:
            done = redemptions.redeem(self.actor, self.shop.clock, self.household.number, basket)
        except Refused as refusal:
            # the books may have moved since the card was scanned (another till, a deduction)
            self.household = households.shown(self.household.number)
            self.refresh_totals()
            self.refused(refusal)
            return
        name = self.household.head_name
        self.household, self.basket = None, {}
        self.shop.last_slip = done
        self.refresh_basket()
        rows = slips.redemption_rows(done)
        try:
            saved = slips.save(rows, self.shop.slips_dir, "redemption", done.id)
        except Refused as refusal:  # the sale is booked all the same: print it again later
            saved = _(
                "{name} 兑换完成，已记账；但兑换单没能保存（{reason}），修好后按 F12 补打"
            ).format(name=name, reason=refusal.render(_))
            self.say(saved, error=True)
        else:
            self.say(_("{name} 兑换完成，兑换单已保存").format(name=name))
        summary = _("合计 {total} 分，余额 {before} → {after} 分").format(
            total=done.total, before=done.balance_before, after=done.balance_after
        )
        self.app.push_screen(TextScreen(_("兑换单"), slips.as_text(rows), saved, summary=summary))
        printing.hand_to_printer(self.app, rows, done.id)

    def action_reprint(self) -> None:
        """Print the newest slip again: this till's as it was, else the station's newest."""
        try:
            slip = reprint.last_slip(self.shop)
        except Refused as refusal:
            self.refused(refusal)
            return
        printing.issue(self, _("兑换单"), slips.redemption_rows(slip), "redemption", slip.id)
