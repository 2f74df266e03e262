"""F11 流动超市巡回: open a visit of a village for today, close it; the recent visits.

While a visit is open, every redemption and hand-out at this station records it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from catalog.messages import Refused
from db.books import visits
from db.store.ids import human
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput

SHOWN = 30


class VisitScreen(ShopScreen):
    FOCUS = "#village"
    BINDINGS = [Binding("f10", "close_visit", "结束巡回")]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield Static(id="current")
        yield ScanInput(
            placeholder=_("输入村代码或村名，回车开始今天的巡回"), id="village", max_length=40
        )
        yield ListTable(id="visits")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("编号"), _("村"), _("日期"), _("户数"), _("兑换"), _("慰问"), _("结束"))
        self.refill()

    def allowed(self, action: str) -> bool:
        return self.actor.may("visit") if action == "close_visit" else True

    def refill(self) -> None:
        current = visits.open_visit(self.shop.station)
        text = (
            _("巡回中：{village}，{day}（{households} 户）").format(
                village=current.village, day=current.day, households=current.households
            )
            if current
            else _("现在没有开着的巡回")
        )
        self.query_one("#current", Static).update(text)
        table = self.query_one(ListTable)
        table.clear()
        for visit in visits.visits()[:SHOWN]:
            table.add_row(
                human(visit.id),
                visit.village,
                visit.day,
                visit.households,
                visit.redemptions,
                visit.handouts,
                (visit.closed or "")[11:16],
                key=str(visit.id),
            )

    @on(Input.Submitted, "#village")
    def entered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            shown = visits.start(self.actor, self.shop.clock, text)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.say(
            _("巡回 {number} 开始：{village}，{day}").format(
                number=human(shown.id), village=shown.village, day=shown.day
            )
        )
        self.refill()

    def action_close_visit(self) -> None:
        try:
            shown = visits.close(self.actor, self.shop.clock)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.say(
            _(
                "巡回 {number} 结束：{village}，{households} 户，"
                "兑换 {redemptions} 次，慰问 {handouts} 户"
            ).format(
                number=human(shown.id),
                village=shown.village,
                households=shown.households,
                redemptions=shown.redemptions,
                handouts=shown.handouts,
            )
        )
        self.refill()
