"""Adding or editing a household (managers): the only place the full ID number is shown."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select

from catalog.messages import Refused
from db.books import households, setup
from db.books.households import HOUSEHOLD_CATEGORIES, STATUS_NAMES, HouseholdForm
from pos.i18n import _
from pos.screens.dialogs import Dialog


class HouseholdFormScreen(Dialog):
    """Returns the household number when saved, None when left."""

    BINDINGS = [Binding("f10", "save", "保存")]

    def __init__(self, number: str | None) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        form = households.form_for(self.number) if self.number else None
        villages = [(f"{v.township} {v.name}", v.code) for v in setup.search_villages("")]
        with Vertical():
            yield Label(_("修改农户档案") if form else _("新增农户"), classes="title")
            with Grid(id="household-form"):
                yield Label(_("户号"))
                yield Input(
                    form.number if form else "",
                    id="number",
                    disabled=bool(form),
                    max_length=12,
                    compact=True,
                )
                yield Label(_("户主姓名"))
                yield Input(
                    form.head_name if form else "", id="head_name", max_length=20, compact=True
                )
                yield Label(_("身份证号"))
                yield Input(
                    form.id_number if form else "", id="id_number", max_length=18, compact=True
                )
                yield Label(_("村"))
                yield Select(
                    villages,
                    value=form.village if form else Select.NULL,
                    id="village",
                    compact=True,
                    prompt=_("选择村"),
                )
                yield Label(_("组"))
                yield Select([], id="group", prompt=_("（不分组）"), compact=True)
                yield Label(_("类别"))
                yield Select(
                    [(_(c), c) for c in HOUSEHOLD_CATEGORIES],
                    value=form.category if form else Select.NULL,
                    id="category",
                    compact=True,
                    prompt=_("选择类别"),
                )
                yield Label(_("家庭人口"))
                yield Input(
                    str(form.members) if form else "1",
                    id="members",
                    type="integer",
                    max_length=2,
                    compact=True,
                )
                yield Label(_("电话"))
                yield Input(form.phone if form else "", id="phone", max_length=20, compact=True)
                yield Label(_("状态"))
                yield Select(
                    [(_(n), k) for k, n in STATUS_NAMES.items()],
                    value=form.status if form else "active",
                    id="status",
                    compact=True,
                    allow_blank=False,
                )
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("F10 保存，Esc 放弃"), classes="hint")
        self.initial_group = form.group if form else ""

    def on_mount(self) -> None:
        self.fill_groups(self.query_one("#village", Select).value, self.initial_group)
        first = "#head_name" if self.number else "#number"
        self.query_one(first, Input).focus()

    @on(Select.Changed, "#village")
    def village_changed(self, event: Select.Changed) -> None:
        self.fill_groups(event.value, "")

    def fill_groups(self, village: object, selected: str) -> None:
        box = self.query_one("#group", Select)
        if not isinstance(village, str):
            box.set_options([])
            return
        box.set_options([(g.name, g.code) for g in setup.groups(village)])
        if selected:
            box.value = selected

    def value(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else ""
        assert isinstance(widget, Input)
        return widget.value

    def action_save(self) -> None:
        form = HouseholdForm(
            number=self.number or self.value("number"),
            head_name=self.value("head_name"),
            id_number=self.value("id_number"),
            village=self.value("village"),
            category=self.value("category"),
            group=self.value("group"),
            members=self.value("members"),
            phone=self.value("phone"),
            status=self.value("status"),
        )
        shop = self.app.shop  # type: ignore[attr-defined]
        try:
            saved = households.save(
                shop.signed_in, shop.clock, form, station=shop.station, new=self.number is None
            )
        except Refused as refusal:
            self.query_one("#problem", Label).update(refusal.render(_))
            self.app.bell()
            return
        self.dismiss(saved)
