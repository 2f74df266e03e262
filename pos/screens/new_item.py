"""A manager adds an item the shop has never seen, on the spot (from the donation form): its
name, unit, category and price. The books give it the station's next own code and in-store
barcode (db.books.goods); the dialog returns the new item, or None on Esc."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from catalog.messages import Refused
from db.books.goods import LocalItem, NewItem
from pos.i18n import _
from pos.screens.dialogs import Dialog


class NewItemScreen(Dialog):
    """Name, unit, category, price; F10 or Enter on the price creates the item."""

    DEFAULT_CSS = """
    NewItemScreen Horizontal { height: auto; }
    NewItemScreen Input { width: 1fr; }
    NewItemScreen Select { width: 1fr; }
    """
    BINDINGS = [Binding("f10", "create", "新建商品")]

    def __init__(
        self, name: str, categories: Sequence[str], create: Callable[[NewItem], LocalItem]
    ) -> None:
        super().__init__()
        self.given_name, self.categories, self.create = name, categories, create

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("新建本站自有商品：“{name}”").format(name=self.given_name),
                classes="title",
                markup=False,
            )
            yield Input(self.given_name, placeholder=_("名称"), id="item-name", max_length=40)
            with Horizontal():
                yield Input(placeholder=_("单位，例如 斤、袋"), id="item-unit", max_length=8)
                yield Select(
                    [(_(c), c) for c in self.categories],
                    value="其他" if "其他" in self.categories else self.categories[0],
                    allow_blank=False,
                    id="item-category",
                )
                yield Input(
                    placeholder=_("积分价（分）"), type="integer", id="item-price", max_length=6
                )
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("编码和店内条码由系统生成；F10 新建，Esc 取消"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#item-unit" if self.given_name else "#item-name", Input).focus()

    @on(Input.Submitted, "#item-name")
    def name_done(self) -> None:
        self.query_one("#item-unit", Input).focus()

    @on(Input.Submitted, "#item-unit")
    def unit_done(self) -> None:
        self.query_one("#item-price", Input).focus()

    @on(Input.Submitted, "#item-price")
    def price_done(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        price = self.query_one("#item-price", Input).value.strip()
        if not price.isdecimal():
            self.query_one("#problem", Label).update(_("请输入积分价（整数）"))
            self.query_one("#item-price", Input).focus()
            return
        new = NewItem(
            self.query_one("#item-name", Input).value,
            self.query_one("#item-unit", Input).value,
            str(self.query_one("#item-category", Select).value),
            int(price),
        )
        try:
            made = self.create(new)
        except Refused as refusal:
            self.query_one("#problem", Label).update(refusal.render(_))
            return
        self.dismiss(made)
