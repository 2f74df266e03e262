"""F4 户: find a household by name, pinyin initials, number, ID tail or card; open it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from catalog.messages import Refused
from db.books import cards, households, setup
from db.books.households import STATUS_NAMES
from db.books.views import HouseholdView
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.screens.dialogs import PickerScreen
from pos.screens.household_detail import HouseholdDetailScreen
from pos.screens.household_form import HouseholdFormScreen
from pos.screens.printing import CardPrinter, CardsPrinted
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput


class HouseholdsScreen(CardPrinter, ShopScreen):
    FOCUS = "#search"
    BINDINGS = [
        Binding("f6", "add", "新增农户"),
        Binding("f7", "print_village", "打印本村卡"),
        Binding("escape", "clear", "清空"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield ScanInput(
            placeholder=_("姓名、拼音首字母、户号、身份证后几位，或扫会员卡；回车打开"),
            id="search",
            max_length=60,
            clear=False,
        )
        yield ListTable(id="results")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(
            _("户号"), _("户主"), _("余额"), _("村"), _("状态"), _("身份证"), _("类别")
        )
        self.query_one("#message").hint(  # type: ignore[attr-defined]
            _("输入即查；↑↓ 选择，回车打开农户")
        )

    def on_screen_resume(self) -> None:
        # back from a household (a reversal, an edit) or another section: balances as now
        super().on_screen_resume()
        text = self.query_one("#search", Input).value
        if text and not cards.looks_like_card(text):
            self.fill(households.search(text, limit=100))

    def allowed(self, action: str) -> bool:
        if action == "add":
            return self.actor.may("edit_household")
        if action == "print_village":
            return self.actor.may("issue_card")
        return True

    @on(Input.Changed, "#search")
    def typed(self, event: Input.Changed) -> None:
        if not cards.looks_like_card(event.value):
            found = households.search(event.value, limit=100)
            self.fill(found)
            if event.value.strip() and not found:  # said while typing, not only at Enter
                self.say(_("没有找到“{text}”").format(text=event.value.strip()), error=True)

    def fill(self, found: list[HouseholdView]) -> None:
        table = self.query_one(ListTable)
        table.clear()
        for h in found:
            table.add_row(
                h.number,
                h.head_name,
                h.balance,
                h.village,
                _(STATUS_NAMES[h.status]),
                h.masked_id,
                _(h.category),
                key=h.number,
            )

    @on(Input.Submitted, "#search")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        table = self.query_one(ListTable)
        try:
            if cards.looks_like_card(text):
                self.open(cards.check(text).household.number)
            elif table.row_count:
                self.open(str(table.chosen()))
            elif text:
                self.say(_("没有找到“{text}”").format(text=text), error=True)
        except Refused as refusal:
            self.refused(refusal)
        if cards.looks_like_card(text):
            self.query_one("#search", Input).value = ""

    def open(self, number: str) -> None:
        self.app.push_screen(HouseholdDetailScreen(number))

    def action_clear(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one(ListTable).clear()

    def action_add(self) -> None:
        self.app.push_screen(HouseholdFormScreen(None), self.saved)

    def action_print_village(self) -> None:
        def search(text: str):
            return [(v.code, (v.code, v.township, v.name)) for v in setup.search_villages(text)]

        columns = (_("村代码"), _("乡镇"), _("村"))
        picker = PickerScreen(_("打印哪个村的卡"), columns, search)
        self.app.push_screen(picker, self.print_village)

    def print_village(self, code: str | None) -> None:
        if code:
            village = setup.village(code).name
            self.say(_("正在生成 {village} 的卡片……").format(village=village))
            self.print_cards_to(self.cards_folder() / f"{code}.pdf", code, ())

    @on(CardsPrinted)
    def cards_printed(self, event: CardsPrinted) -> None:
        self.say(event.text, error=event.error)

    def saved(self, number: str | None) -> None:
        if number:
            self.query_one("#search", Input).value = number
            self.say(_("已保存农户 {number}").format(number=number))
