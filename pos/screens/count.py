"""Stock count: scan each item and type what is on the shelf; a manager finalizes.

The count is blind: the counter sees what was counted, never the book quantity, until a
manager confirms it (F10 shows the differences then).

The count stays open (in the books) until a manager finalizes it, so a clerk may count in the
evening and the manager book the differences next morning.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from catalog.messages import Refused
from db.books import stock
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.screens.dialogs import AskScreen, ConfirmScreen
from pos.widgets.list_table import ListTable
from pos.widgets.scan_input import ScanInput


class CountScreen(ShopScreen):
    FOCUS = "#scan"
    BINDINGS = [
        Binding("f10", "finalize", "确认盘点"),
        Binding("escape", "back", "返回"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.count_id: int | None = None
        #: what is counted so far, by item code (a second scan says it replaces)
        self.counted: dict[str, int] = {}
        #: how far the count is, as the message line says it
        self.progress = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield ScanInput(
            placeholder=_("扫条码或输入商品编码，再输入实盘数量"), id="scan", max_length=60
        )
        yield ListTable(id="lines")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("编码"), _("商品"), _("实盘"))
        self.count_id = stock.open_count(self.shop.station)
        self.refill()

    def allowed(self, action: str) -> bool:
        return self.actor.may("finalize_count") if action == "finalize" else True

    def refill(self) -> None:
        table = self.query_one(ListTable)
        table.clear()
        if self.count_id is None:
            self.query_one("#message").hint(_("新的盘点：扫第一件商品开始"))  # type: ignore[attr-defined]
            return
        self.counted = {line.code: line.counted for line in stock.count_lines(self.count_id)}
        for line in stock.count_lines(self.count_id):
            table.add_row(line.code, line.name, line.counted)
        hint = _("盘点单进行中：已盘 {count} 种").format(count=table.row_count)
        if not self.actor.may("finalize_count"):
            hint += _("；盘完由站长核对账面并确认（F10）")
        self.progress = hint
        self.query_one("#message").hint(hint)  # type: ignore[attr-defined]

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            item = stock.find_item(text)
        except Refused as refusal:
            self.refused(refusal)
            return

        def answered(counted: int | None) -> None:
            if counted is None:
                return
            try:
                if self.count_id is None:
                    self.count_id = stock.start_count(self.actor, self.shop.clock)
                stock.record_count(self.actor, self.shop.clock, self.count_id, item.code, counted)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.refill()
            self.say(
                _("已记下 {name} 实盘 {counted} {unit}；{progress}").format(
                    name=item.name,
                    counted=counted,
                    unit=item.unit,
                    progress=self.progress,
                )
            )

        if item.code in self.counted:
            question = _("{name} 已盘 {counted} {unit}：输入新的实盘数量，会替换 {counted}").format(
                name=item.name, counted=self.counted[item.code], unit=item.unit
            )
        else:
            question = _("{name} 实盘数量（{unit}）").format(name=item.name, unit=item.unit)
        self.app.push_screen(AskScreen(question, number=True), answered)

    def action_finalize(self) -> None:
        if self.count_id is None:
            self.say(_("还没有盘点任何商品"), error=True)
            return
        count_id = self.count_id
        differences = stock.count_differences(count_id)
        body = "\n".join(
            _("{name}：账面 {expected}，实盘 {counted}，{difference}").format(
                name=line.name,
                expected=line.expected,
                counted=line.counted,
                difference=f"{line.counted - line.expected:+d}",
            )
            for line in differences
        )

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                stock.finalize_count(self.actor, self.shop.clock, count_id)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.count_id = None
            self.refill()
            self.say(_("盘点已确认，{count} 项差异已入账").format(count=len(differences)))

        summary = body or _("账实相符，没有差异。")
        self.app.push_screen(ConfirmScreen(_("确认盘点"), summary), confirmed)

    def action_back(self) -> None:
        self.leave()  # the count itself stays open in the books
