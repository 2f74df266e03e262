"""A manager's stock adjustment of one item: purchase in, write-off, correction, transfer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select

from catalog.messages import Refused
from db.books import stock
from pos.i18n import _
from pos.screens.dialogs import Dialog


class AdjustScreen(Dialog):
    """Returns a sentence saying what was booked, or None."""

    BINDINGS = [Binding("f10", "save", "保存")]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.item = stock.item(code)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("库存调整：{name}（现有 {stock} {unit}）").format(
                    name=self.item.name, stock=self.item.stock, unit=self.item.unit
                ),
                classes="title",
                markup=False,
            )
            yield Select(
                [(_(name), kind) for kind, name in stock.ADJUSTMENT_KINDS.items()],
                value="purchase",
                allow_blank=False,
                id="kind",
            )
            yield Input(
                placeholder=_("数量：入库为正，出库为负，例如 -2"),
                id="qty",
                type="integer",
                max_length=6,
            )
            yield Input(
                placeholder=_("原因，例如：镇政府采购、受潮报损"), id="note", max_length=200
            )
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("F10 保存，Esc 放弃"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#qty", Input).focus()

    def action_save(self) -> None:
        shop = self.app.shop  # type: ignore[attr-defined]
        kind = str(self.query_one("#kind", Select).value)
        text = self.query_one("#qty", Input).value.strip()
        try:
            qty = int(text) if text.lstrip("-").isdecimal() else 0
            stock.adjust(
                shop.signed_in,
                shop.clock,
                self.item.code,
                qty,
                kind,
                self.query_one("#note", Input).value,
            )
        except Refused as refusal:
            self.query_one("#problem", Label).update(refusal.render(_))
            self.app.bell()
            return
        self.dismiss(
            _("已记入{kind}：{name} {qty:+d}").format(
                kind=_(stock.ADJUSTMENT_KINDS[kind]), name=self.item.name, qty=qty
            )
        )
