"""F11 节日慰问: scan a card, see whether the household may receive and whether it did; F10
hands the package out and shows the receipt to sign (the next card closes it).

The events whose period holds today are listed; ↑↓ choose one. A card or a household number
in the scan box shows the household's standing against the chosen event: eligible or not and
why, received already or not. F10 hands out to the household shown, once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from catalog.messages import N_, Message, Refused
from db.books import cards, events
from db.store.ids import human
from pos.i18n import _
from pos.paper.handouts import package_text, receipt_rows
from pos.paper.slips import as_text
from pos.screens import printing
from pos.screens.base import ShopScreen
from pos.screens.dialogs import TextScreen
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput


class HandoutScreen(ShopScreen):
    FOCUS = "#scan"
    BINDINGS = [
        Binding("f10", "hand_out", "发放"),
        Binding("escape", "clear", "清除"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.household: str | None = None
        #: the head of the household scanned, when it may receive and has not yet
        self.pending: str | None = None

    def unsaved(self) -> Message | None:
        if self.pending is None:
            return None
        return Message(N_("节日慰问：{who} 可以领取，还没有发放"), who=self.pending)

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield ScanInput(placeholder=_("扫积分卡或输入户号"), id="scan", max_length=60)
        yield ListTable(id="events")
        yield Static(id="standing")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("编号"), _("活动"), _("发放时间"), _("应领"), _("已领"))
        self.refill()

    def allowed(self, action: str) -> bool:
        return self.actor.may("handout") if action == "hand_out" else True

    def refill(self) -> None:
        table = self.query_one(ListTable)
        chosen = table.chosen()
        table.clear()
        today = self.shop.clock.now().strftime("%Y-%m-%d")
        for event in events.current(today):
            table.add_row(
                human(event.id),
                event.name,
                f"{event.starts[5:]}～{event.ends[5:]}",
                event.eligible,
                event.received,
                key=str(event.id),
            )
        if chosen is not None and any(str(k.value) == chosen for k in table.rows):
            table.move_cursor(row=table.get_row_index(chosen))
        if not table.row_count:
            self.query_one("#message").hint(_("今天没有在发放时间里的慰问活动"))  # type: ignore[attr-defined]

    def event_id(self) -> int | None:
        chosen = self.query_one(ListTable).chosen()
        return int(chosen) if chosen is not None else None

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event_id = self.event_id()
        if not text:
            return
        if event_id is None:
            self.say(_("今天没有在发放时间里的慰问活动"), error=True)
            return
        try:
            number = cards.check(text).household.number if cards.looks_like_card(text) else text
            standing = events.standing(event_id, number)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.household = standing.household
        head = f"{standing.head_name}（{standing.household}）"
        self.pending = head if standing.eligible and not standing.received else None
        if standing.received:
            line = _("{who}：已于 {time} 领过").format(who=head, time=standing.received)
        elif standing.eligible:
            line = _("{who}：可以领取，按 F10 发放").format(who=head)
        else:
            line = _("{who}：不能领取").format(who=head)
        package = _("慰问品：{package}").format(package=package_text(standing.event))
        self.query_one("#standing", Static).update(
            f"{line}\n{standing.reason.render(_)}\n{package}"
        )
        self.say(line, error=not standing.eligible or bool(standing.received))

    def action_hand_out(self) -> None:
        event_id = self.event_id()
        if event_id is None or self.household is None:
            self.say(_("请先扫积分卡"), error=True)
            return
        try:
            slip = events.handout(self.actor, self.shop.clock, event_id, self.household)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.household = self.pending = None
        rows = receipt_rows(slip)
        self.query_one("#standing", Static).update("")
        saved, whole = printing.keep(self, rows, "handout", slip.id)
        given = _("已发放：{name}，领取单 {number}").format(
            name=slip.head_name, number=human(slip.id)
        )
        self.say(_("{done}；{saved}").format(done=given, saved=saved), error=not whole)
        self.refill()
        # the slip to read and sign, as at the checkout: the next card closes it (§8.2)
        self.app.push_screen(TextScreen(_("节日慰问领取单"), as_text(rows), saved))

    def action_clear(self) -> None:
        self.household = self.pending = None
        self.query_one("#standing", Static).update("")
