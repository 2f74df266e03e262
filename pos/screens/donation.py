"""Donation intake: who gave what; goods by scan or search, an estimated value, or cash.

F10 books the goods into stock in one transaction and shows the acknowledgement to print.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Select

from catalog.messages import N_, Message, Refused
from catalog.money import fen
from db.books import goods, stock
from db.books.views import ItemView
from pos.i18n import _
from pos.paper import slips
from pos.screens import printing
from pos.screens.base import ShopScreen
from pos.screens.dialogs import AskScreen, PickerScreen, TextScreen, goods_quantity
from pos.screens.new_item import NewItemScreen
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput


class DonationScreen(ShopScreen):
    FOCUS = "#donor"
    BINDINGS = [
        Binding("f7", "qty", "改数量"),
        Binding("f8", "value", "估价"),
        Binding("ctrl+x", "remove", "删除行", priority=True),  # before the input's cut
        Binding("f10", "finish", "完成登记"),
        Binding("escape", "back", "返回"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, list[int]] = {}  # item code -> [qty, value in fen]
        self.items: dict[str, ItemView] = {}  # the items on the lines, as scanned

    def unsaved(self) -> Message | None:
        if not self.is_mounted:
            return None
        donor = self.query_one("#donor", Input).value.strip()
        cash = self.query_one("#cash", Input).value.strip()
        if not (donor or self.lines or cash):
            return None
        return Message(
            N_("捐赠登记：{donor} {count} 种物品还没有登记"),
            donor=donor or "—",
            count=len(self.lines),
        )

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        with Horizontal(classes="form-row"):
            yield Input(placeholder=_("捐赠人或捐赠单位"), id="donor", max_length=60)
            yield Select(
                [(_("企业或单位"), "company"), (_("个人"), "person")],
                value="company",
                allow_blank=False,
                id="kind",
            )
            yield Input(placeholder=_("电话（可不填）"), id="phone", max_length=20)
        yield ScanInput(placeholder=_("扫条码或输入编码、名称加入物品"), id="scan", max_length=60)
        yield ListTable(id="lines")
        with Horizontal(classes="form-row"):
            yield Input(placeholder=_("现金（元，可不填）"), id="cash", max_length=10)
            yield Input(placeholder=_("备注，例如：春节慰问物资"), id="note", max_length=200)
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        self.query_one(ListTable).add_columns(_("编码"), _("物品"), _("数量"), _("估价（元）"))

    @on(Input.Submitted, "#donor")
    def donor_done(self) -> None:
        self.query_one("#scan", Input).focus()

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            self.add(stock.find_item(text))
        except Refused as refusal:
            found = stock.search_items(text) if not text.isdecimal() else []
            if not found:
                self.offer_new_item(text, refusal)
                return

            def search(query: str):
                return [(i.code, (i.code, i.name, i.unit)) for i in stock.search_items(query)]

            picker = PickerScreen(_("找物品"), (_("编码"), _("物品"), _("单位")), search, text)
            self.focus_next_time = "#scan"
            self.app.push_screen(picker, self.picked)

    def picked(self, code: str | None) -> None:
        if code:
            self.add(stock.item(code))

    def offer_new_item(self, text: str, refusal: Refused) -> None:
        """An item the shop has never seen: a manager creates it here; others are told who can."""
        if not self.actor.may("edit_catalog"):
            self.say(refusal.render(_) + _("；站长可以在这里新建这个商品"), error=True)
            return

        def create(new: goods.NewItem) -> goods.LocalItem:
            return goods.add_local_item(self.actor, self.shop.clock, new)

        def created(made: goods.LocalItem | None) -> None:
            if made is not None:
                self.add(made.item)
                self.say(
                    _("已新建 {name}：编码 {code}，条码 {barcode}").format(
                        name=made.item.name, code=made.item.code, barcode=made.barcode
                    )
                )

        name = "" if text.isdecimal() else text
        self.focus_next_time = "#scan"
        self.app.push_screen(NewItemScreen(name, goods.categories(), create), created)

    def add(self, item: ItemView) -> None:
        self.items[item.code] = item
        line = self.lines.setdefault(item.code, [0, 0])
        line[0] += 1
        self.refill(item.code)

    def refill(self, select: str | None = None) -> None:
        table = self.query_one(ListTable)
        table.clear()
        for code, (qty, value) in self.lines.items():
            name = self.items[code].name
            table.add_row(code, name, qty, f"{value / 100:.2f}", key=code)
        if select in self.lines:
            table.move_cursor(row=list(self.lines).index(select))

    def selected(self) -> str | None:
        return self.query_one(ListTable).chosen()

    def action_qty(self) -> None:
        code = self.selected()
        if code is None:
            return

        def answered(qty: int | None) -> None:
            if qty is not None:
                self.lines[code][0] = qty
                self.refill(code)

        self.focus_next_time = "#scan"
        self.app.push_screen(
            AskScreen(
                _("{name} 的数量").format(name=self.items[code].name),
                value=str(self.lines[code][0]),
                number=True,
                check=goods_quantity,
            ),
            answered,
        )

    def action_value(self) -> None:
        code = self.selected()
        if code is None:
            return

        def answered(text: str | None) -> None:
            if text is not None:
                self.lines[code][1] = fen(text) or 0
                self.refill(code)

        check = lambda text: None if fen(text) is not None else _("请输入金额，例如 12.50")  # noqa: E731
        self.focus_next_time = "#scan"
        question = _("{name} 的估价（元）").format(name=self.items[code].name)
        valued = f"{self.lines[code][1] / 100:.2f}" if self.lines[code][1] else ""
        self.app.push_screen(AskScreen(question, value=valued, check=check), answered)

    def action_remove(self) -> None:
        code = self.selected()
        if code:
            self.lines.pop(code)
            self.refill()
            self.say(_("已删除 {name}").format(name=self.items.pop(code).name))

    def action_back(self) -> None:
        self.ask_to_drop(self.leave)

    def action_finish(self) -> None:
        cash = fen(self.query_one("#cash", Input).value)
        if cash is None:
            self.say(_("现金金额不对，例如 200 或 12.50"), error=True)
            return
        kind = str(self.query_one("#kind", Select).value)
        try:
            gift = stock.take_donation(
                self.actor,
                self.shop.clock,
                self.query_one("#donor", Input).value,
                [(code, qty, value) for code, (qty, value) in self.lines.items()],
                donor_kind=kind,
                cash_fen=cash,
                phone=self.query_one("#phone", Input).value,
                note=self.query_one("#note", Input).value,
            )
        except Refused as refusal:
            self.refused(refusal)
            return
        self.shop.last_receipt = gift
        rows = slips.donation_rows(gift)
        try:
            saved = slips.save(rows, self.shop.slips_dir, "donation", gift.id)
        except Refused as refusal:  # the donation is booked all the same: print it again later
            saved = _("捐赠已登记；但收据没能保存（{reason}），修好后在库存页按 F12 补打").format(
                reason=refusal.render(_)
            )
        self.leave()
        self.app.push_screen(TextScreen(_("捐赠收据"), slips.as_text(rows), saved))
        printing.hand_to_printer(self.app, rows, gift.id)
