"""代销 (F11): households' produce taken in, sold for cash, paid out; the day's cash close.

The list shows every lot with what is left and what is owed; ↑↓ choose one. F6 takes a new
lot in (a small form), F7 sells from the chosen lot, F8 pays the chosen lot's household all
it is owed and shows the slip both sign, F12 closes the day's cash. The services keep every
rule (sold ≤ taken in, paid ≤ earned, money in fen); the screen only asks and shows.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Static

from catalog.messages import N_, Refused
from catalog.money import parse_yuan, yuan
from db.books import households, produce
from db.books.produce import LotView
from pos.i18n import _
from pos.paper.produce_slips import close_text, payout_rows
from pos.screens import printing
from pos.screens.base import ShopScreen
from pos.screens.dialogs import AskScreen, Dialog, TextScreen
from pos.widgets.list_table import ListTable

FIELDS = (
    ("household", N_("户号")),
    ("name", N_("品名")),
    ("unit", N_("单位")),
    ("qty", N_("数量")),
    ("price", N_("单价（元）")),
)
HEADERS = (
    N_("编号"),
    N_("户主"),
    N_("品名"),
    N_("收"),
    N_("剩"),
    N_("单价"),
    N_("待付"),
    N_("已付"),
)


class IntakeDialog(Dialog):
    """The five fields of a lot; Enter moves on, Enter on the last takes it in through
    `take`. A refusal is said here and what was typed stays (the household is checked at its
    own Enter, before the rest is asked for). Returns the lot taken in, or None."""

    def __init__(self, take: Callable[[dict[str, str]], LotView]) -> None:
        super().__init__()
        self.take = take

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("收代销品"), classes="title")
            with Grid(classes="pin-form"):  # a line a field: it fits 80×24 with its keys
                for key, label in FIELDS:
                    yield Label(_(label))
                    yield Input(id=key, max_length=40, compact=True)
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("回车下一项，最后一项回车确定，Esc 取消"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#household", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        keys = [key for key, _label in FIELDS]
        at = keys.index(event.input.id or "")
        problem = self.query_one("#problem", Label)
        try:
            if event.input.id == "household":
                households.require_active(event.value.strip())
            if at + 1 < len(keys):
                problem.update("")
                self.query_one(f"#{keys[at + 1]}", Input).focus()
                return
            values = {key: self.query_one(f"#{key}", Input).value.strip() for key in keys}
            values["price_fen"] = str(parse_yuan(values["price"]))
            lot = self.take(values)
        except Refused as refusal:
            problem.update(refusal.render(_))
            return
        self.dismiss(lot)


class ProduceScreen(ShopScreen):
    BINDINGS = [
        Binding("f6", "intake", "收货"),
        Binding("f7", "sell", "售出"),
        Binding("f8", "payout", "付款"),
        Binding("f12", "close_day", "日结"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield Static(id="cash")
        yield ListTable(id="lots")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        for header in HEADERS:
            table.add_column(_(header))
        self.refill()
        self.say(_("F6 收货，↑↓ 选一批，F7 卖出，F8 付款给农户，F12 现金日结"))

    def refill(self, select: int | None = None) -> None:
        table = self.query_one(ListTable)
        table.clear()
        lots = produce.lots()
        for lot in lots:
            table.add_row(
                f"{lot.id % 10**6:06d}",
                lot.head_name,
                f"{lot.name}/{lot.unit}",
                str(lot.qty),
                str(lot.left),
                yuan(lot.price_fen),
                yuan(lot.owed_fen),
                yuan(lot.paid_fen),
                key=str(lot.id),
            )
        if select is not None:
            keys = [lot.id for lot in lots]
            if select in keys:
                table.move_cursor(row=keys.index(select))
        cash = produce.cash_balance(self.shop.station)
        self.query_one("#cash", Static).update(_("现金账：{amount} 元").format(amount=yuan(cash)))

    def chosen(self) -> int | None:
        key = self.query_one(ListTable).chosen()
        return int(key) if key is not None else None

    def action_intake(self) -> None:
        def take(values: dict[str, str]) -> LotView:
            qty = int(values["qty"]) if values["qty"].isdecimal() else 0
            return produce.intake(
                self.actor,
                self.shop.clock,
                values["household"],
                values["name"],
                values["unit"],
                qty,
                int(values["price_fen"]),
            )

        def done(lot: LotView | None) -> None:
            if lot is None:
                return
            self.refill(lot.id)
            self.say(
                _("已收 {name} 的 {item} {qty} {unit}").format(
                    name=lot.head_name, item=lot.name, qty=lot.qty, unit=lot.unit
                )
            )

        self.app.push_screen(IntakeDialog(take), done)

    def action_sell(self) -> None:
        lot = self.chosen()
        if lot is None:
            self.say(_("还没有代销品：先按 F6 收货"), error=True)
            return
        found = produce.lot_view(lot)

        def qty_given(qty: int | None) -> None:
            if qty is None:
                return
            self.app.push_screen(
                AskScreen(_("买方（可不填，回车跳过）")), lambda buyer: sold(qty, buyer)
            )

        def sold(qty: int, buyer: str | None) -> None:
            if buyer is None:
                return
            try:
                sale = produce.sell(self.actor, self.shop.clock, lot, qty, buyer)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.refill(lot)
            self.say(
                _("卖出 {item} {qty} {unit}，收现金 {amount} 元").format(
                    item=found.name, qty=qty, unit=found.unit, amount=yuan(sale.amount_fen)
                )
            )

        def enough(text: str) -> str | None:  # said before the buyer is asked for
            try:
                produce.check_sale(lot, int(text) if text.isdecimal() else 0)
            except Refused as refusal:
                return refusal.render(_)
            return None

        question = _("卖出“{item}”多少{unit}（还剩 {left}）").format(
            item=found.name, unit=found.unit, left=found.left
        )
        self.app.push_screen(AskScreen(question, number=True, check=enough), qty_given)

    def action_payout(self) -> None:
        lot = self.chosen()
        if lot is None:
            self.say(_("还没有代销品：先按 F6 收货"), error=True)
            return
        try:
            slip = produce.payout(self.actor, self.shop.clock, produce.lot_view(lot).household)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.refill(lot)
        printing.issue(self, _("代销付款单"), payout_rows(slip), "payout", slip.id)

    def action_close_day(self) -> None:
        def counted(text: str | None) -> None:
            if text is None:
                return
            try:
                sheet = produce.close_day(self.actor, self.shop.clock, parse_yuan(text, zero=True))
            except Refused as refusal:
                self.refused(refusal)
                return
            self.refill()
            self.app.push_screen(TextScreen(_("现金日记账"), close_text(sheet)))

        self.app.push_screen(AskScreen(_("清点出的现金（元）")), counted)
