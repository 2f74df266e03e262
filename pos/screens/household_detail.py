"""One household: balance and its whole history, earned and spent apart, paged.

Managers also edit the record, reverse an entry or a redemption (with a reason), and reissue
the household's card.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from catalog.messages import Refused
from db.books import cards, corrections, households, ledger, statements
from db.books.views import EntryView, HouseholdView
from db.store.ids import human
from pos.i18n import _
from pos.paper import lists
from pos.screens.base import ShopScreen
from pos.screens.dialogs import AskScreen, ConfirmScreen
from pos.screens.household_form import HouseholdFormScreen
from pos.screens.printing import CardPrinter, CardsPrinted
from pos.widgets.household_panel import HouseholdPanel, describe
from pos.widgets.list_table import ListTable

#: rows on a page before the screen is laid out; then as many as the list shows (§8.3)
PAGE = 12


class HouseholdDetailScreen(CardPrinter, ShopScreen):
    BINDINGS = [
        Binding("f6", "toggle", "得分/用分"),
        Binding("pagedown", "page(1)", "下一页"),
        Binding("pageup", "page(-1)", "上一页"),
        Binding("f7", "edit", "修改档案"),
        Binding("f8", "reverse", "冲正"),
        Binding("ctrl+r", "reissue", "补卡"),
        Binding("ctrl+p", "print_card", "打印卡"),
        Binding("escape", "back", "返回"),
        Binding("ctrl+t", "statement", "对账单"),  # last: a narrow footer drops it, F1 lists it
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.spent = False
        self.page = 0
        self.page_size = PAGE
        self.shown: dict[str, EntryView] = {}  # the page's entries, by row key

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield HouseholdPanel(id="panel")
        yield Static(id="history-title")
        yield ListTable(id="history")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        # who and why before the entry's number: at 80 columns the last ones scroll
        self.query_one(ListTable).add_columns(
            _("时间"), _("积分"), _("内容"), _("备注"), _("经办"), _("数量"), _("条目")
        )
        self.refresh_all()

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_page)

    def fit_page(self) -> None:
        """A page holds the rows the list shows, its header and scroll bar aside."""
        if not self.live:
            return
        rows = max(3, self.query_one(ListTable).size.height - 2)
        if rows != self.page_size:
            first = self.page * self.page_size
            self.page_size, self.page = rows, first // rows
            self.refresh_all()

    def allowed(self, action: str) -> bool:
        needs = {
            "edit": "edit_household",
            "reverse": "reverse",
            "reissue": "issue_card",
            "print_card": "issue_card",
        }
        return self.actor.may(needs[action]) if action in needs else True

    @property
    def household(self) -> HouseholdView:
        return households.shown(self.number)

    def refresh_all(self) -> None:
        household = self.household
        self.query_one(HouseholdPanel).show(
            household, entries=0, detail=True, full_phone=self.actor.may("edit_household")
        )
        live = household.card
        card = (
            _("第 {serial} 号卡，{issued} 发").format(serial=live.serial, issued=live.issued[:10])
            if live
            else _("没有有效的卡")
        )
        total = ledger.history_size(self.number, spent=self.spent)
        size = self.page_size
        pages = max(1, -(-total // size))
        self.page = min(self.page, pages - 1)
        kind = _("兑换记录") if self.spent else _("得分记录")
        where = _("第 {page}/{pages} 页，共 {total} 条").format(
            page=self.page + 1, pages=pages, total=total
        )
        self.query_one("#history-title", Static).update(f"[b]{kind}[/b]  {where}  ·  {card}")
        table = self.query_one(ListTable)
        table.clear()
        page = ledger.history(self.number, limit=size, offset=self.page * size, spent=self.spent)
        self.shown = {str(entry.id): entry for entry in page}
        reversed_mark = _("已冲正")
        for entry in page:
            note = f"{reversed_mark} · {entry.note}" if entry.reversed else entry.note
            table.add_row(
                entry.time[2:16],
                f"{entry.points:+d}",
                describe(entry),
                note.removesuffix(" · "),
                entry.operator,
                entry.qty,
                human(entry.id),
                key=str(entry.id),
            )

    def action_toggle(self) -> None:
        self.spent = not self.spent
        self.page = 0
        self.refresh_all()

    def action_page(self, step: int) -> None:
        self.page = max(0, self.page + step)
        self.refresh_all()

    def action_back(self) -> None:
        self.leave()

    def action_edit(self) -> None:
        def saved(number: str | None) -> None:
            self.refresh_all()
            if number:
                self.say(_("已保存农户 {number}").format(number=number))

        self.app.push_screen(HouseholdFormScreen(self.number), saved)

    def selected_entry(self) -> EntryView | None:
        key = self.query_one(ListTable).chosen()
        return self.shown.get(key) if key else None

    def action_reverse(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.say(_("请先选中要冲正的条目"), error=True)
            return
        # refusals that do not depend on the reason are said before a reason is asked for
        try:
            corrections.check_reversible(entry.id)
        except Refused as refusal:
            self.refused(refusal)
            return
        what = (
            _("兑换单 {slip}（退回商品和积分）").format(slip=human(entry.redemption))
            if (entry.kind == "redemption" and entry.redemption)
            else _("条目 {entry}").format(entry=human(entry.id))
        )

        def reason_given(reason: str | None) -> None:
            if not reason:
                return
            try:
                corrections.reverse_entry(self.actor, self.shop.clock, entry.id, reason)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.refresh_all()
            self.say(_("已冲正{what}").format(what=what))

        def check(reason: str) -> str | None:
            return None if reason.strip() else _("请写明冲正原因")

        question = _("冲正{what} 的原因").format(what=what)
        self.app.push_screen(AskScreen(question, check=check), reason_given)

    def action_print_card(self) -> None:
        self.say(_("正在生成卡片……"))
        self.print_cards_to(self.cards_folder() / f"{self.number}.png", None, (self.number,))

    def action_statement(self) -> None:
        """The household's statement as A4 PDF in papers/, from the day asked to today."""

        def since(answer: str | None) -> None:
            if answer is None:
                return
            try:
                start = statements.parse_day(answer, _("起始日期"))
                st = statements.statement(self.number, self.shop.clock, start=start)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.say(_("正在生成对账单……"))
            name = f"{self.number}-{st.start or 'all'}-{st.end}.pdf"
            self.draw_paper(lambda out: lists.statement_pdf(st, out), self.papers_folder() / name)

        question = _("对账单从哪天起（YYYY-MM-DD；空着从建档起，到今天止）")
        self.app.push_screen(AskScreen(question), since)

    @on(CardsPrinted)
    def cards_printed(self, event: CardsPrinted) -> None:
        self.say(event.text, error=event.error)

    def action_reissue(self) -> None:
        had_card = self.household.card is not None

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                card = cards.reissue(self.actor, self.shop.clock, self.number)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.refresh_all()
            if not had_card:  # nothing was revoked
                self.say(_("已发放第 {serial} 号卡").format(serial=card.serial))
            else:
                self.say(_("已补发第 {serial} 号卡，旧卡作废").format(serial=card.serial))

        household = self.household
        if household.card is None:  # no card to revoke: this is the first, or a new one
            title = _("发卡")
            body = _("{name} 现在没有有效的卡。确认发一张新卡？").format(name=household.head_name)
        else:
            title = _("补卡")
            body = _("补卡后第 {serial} 号卡立即作废，不能再兑换。确认为 {name} 补卡？").format(
                serial=household.card.serial, name=household.head_name
            )
        self.app.push_screen(ConfirmScreen(title, body), confirmed)
