"""F3 积分: award or deduct points for one task, to one household or a whole village.

The grid is the scoring sheet: scan a card (or type a number or name) to add one household,
F7 loads a whole village. Quantities are typed per row; every row is checked against the
rules (caps, villages in scope, one's own household) as it is typed, and F10 writes the whole
sheet in one transaction.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from catalog.messages import N_, Message, Refused
from db.books import awards, cards, households, setup
from db.books.views import HouseholdView, TaskView
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.screens.dialogs import ConfirmScreen, PickerScreen
from pos.widgets.qty_grid import MAX_DIGITS, QuantityGrid
from pos.widgets.scan_input import ScanInput

QTY, POINTS, PROBLEM = 3, 4, 5


class AwardScreen(ShopScreen):
    FOCUS = "#scan"
    BINDINGS = [
        Binding("f6", "pick_task", "选项目"),
        Binding("f7", "pick_village", "整村"),
        Binding("f8", "remove_row", "删除行"),
        Binding("f10", "confirm", "确认入账"),
        Binding("escape", "ask_clear", "清空"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.chosen: TaskView | None = None
        self.rows: dict[str, HouseholdView] = {}
        #: the problem of each household row as last checked, said whole when its row is chosen
        self.problems: dict[str, str] = {}
        self.problem_said = False

    def unsaved(self) -> Message | None:
        typed = self.typed()
        if not typed:
            return None
        return Message(
            N_("积分表：{task} {count} 户已输入数量，还没有入账"),
            task=self.chosen.name if self.chosen else "—",
            count=typed,
        )

    def typed(self) -> int:
        """How many rows hold a typed quantity."""
        if not self.is_mounted:
            return 0
        return sum(1 for qty in self.query_one(QuantityGrid).quantities.values() if qty)

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield Static(id="task")
        yield ScanInput(
            placeholder=_("扫会员卡，或输入户号、姓名、拼音首字母加入一户"),
            id="scan",
            max_length=60,
        )
        yield QuantityGrid(QTY, id="grid")
        with Horizontal(id="award-bottom"):
            yield Input(
                placeholder=_("备注或依据（例如：11 月村评议小组打分）"), id="note", max_length=200
            )
            yield Static(id="totals")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        grid = self.query_one(QuantityGrid)
        grid.add_columns(_("户号"), _("户主"), _("本月已得"), _("数量"), _("积分"), _("提示"))
        self.show_task()
        self.query_one("#message").hint(  # type: ignore[attr-defined]
            _("F6 选积分项目；扫卡加一户或 F7 整村；Tab 到表格里逐户输入数量；F10 入账")
        )

    # -- the task -------------------------------------------------------------------------

    def action_pick_task(self) -> None:
        def search(text: str):
            return [
                (t.code, (t.code, f"{t.points:+d}/{t.unit}", cap_shown(t), t.name, t.category))
                for t in awards.search_tasks(text, self.shop.clock)
            ]

        # what a cadre decides on first: the points and the cap, then the name
        columns = (_("编码"), _("分值"), _("上限"), _("项目"), _("类别"))
        picker = PickerScreen(
            _("选积分项目"), columns, search, searches=_("项目名称、拼音首字母或编码")
        )
        self.app.push_screen(picker, self.picked_task)

    def picked_task(self, code: str | None) -> None:
        if not code or (self.chosen is not None and code == self.chosen.code):
            return

        def take() -> None:
            self.clear_batch()
            self.chosen = awards.task(code, self.shop.clock)
            self.show_task()
            self.recheck()

        # the typed quantities were for the old task: they never move to the new one
        title = _("换项目：已输入的数量是上一个项目的，换了就清空（农户名单留着）")
        self.ask_to_drop(take, title=title)

    def show_task(self) -> None:
        box = self.query_one("#task", Static)
        if self.chosen is None:
            box.update(_("还没有选积分项目：按 F6 选择"))
            return
        t = self.chosen
        if not t.cap:
            cap = ""
        elif t.per == "year":
            cap = _("，每户每年最多 {cap} 分").format(cap=t.cap)
        else:
            cap = _("，每户每月最多 {cap} 分").format(cap=t.cap)
        box.update(
            _("[b]{code} {name}[/b]（{category}）{points} 分/{unit}{cap}").format(
                code=escape(t.code),
                name=escape(t.name),
                category=escape(t.category),
                points=f"{t.points:+d}",
                unit=escape(t.unit),
                cap=cap,
            )
        )

    # -- households -------------------------------------------------------------------------

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            if cards.looks_like_card(text):
                self.add(cards.check(text).household, qty=1)
                return
            found = households.search(text, limit=30)
            if len(found) == 1:
                self.add(found[0], qty=1)
            elif found:
                self.app.push_screen(self.household_picker(text), self.picked_household)
            else:
                self.say(_("没有找到“{text}”").format(text=text), error=True)
        except Refused as refusal:
            self.refused(refusal)

    def household_picker(self, text: str) -> PickerScreen:
        def search(query: str):
            return [
                (h.number, (h.number, h.head_name, h.village)) for h in households.search(query)
            ]

        return PickerScreen(_("选农户"), (_("户号"), _("户主"), _("村")), search, text)

    def picked_household(self, number: str | None) -> None:
        if number:
            self.add(households.shown(number), qty=1)

    def action_pick_village(self) -> None:
        within = self.actor.villages if self.actor.role == "cadre" else None

        def search(text: str):
            return [
                (v.code, (v.code, v.township, v.name))
                for v in setup.search_villages(text, within=within)
            ]

        columns = (_("村代码"), _("乡镇"), _("村"))
        self.app.push_screen(
            PickerScreen(_("选村（整村记分）"), columns, search), self.load_village
        )

    def load_village(self, code: str | None) -> None:
        if not code:
            return
        people = households.roster(code, active=True)
        for person in people:
            self.add(person, qty=0, check=False)
        self.query_one(QuantityGrid).move_cursor(row=0)
        self.recheck()
        self.focus_next_time = "#grid"
        self.say(
            _("已列出 {village} {count} 户：逐户输入数量，回车到下一户").format(
                village=setup.village(code).name, count=len(people)
            )
        )

    def add(self, person: HouseholdView, *, qty: int, check: bool = True) -> None:
        grid = self.query_one(QuantityGrid)
        if person.number not in self.rows:
            self.rows[person.number] = person
            grid.add_row(
                person.number, person.head_name, self.earned(person), "", "", "", key=person.number
            )
        grid.move_cursor(row=list(self.rows).index(person.number))
        if qty:
            grid.set_qty(person.number, grid.quantities.get(person.number, 0) + qty)
        if check:
            self.recheck()

    def earned(self, person: HouseholdView) -> str:
        if self.chosen is None:
            return ""
        return str(awards.earned_this_month(self.shop.clock, person.number, self.chosen.code))

    def action_remove_row(self) -> None:
        grid = self.query_one(QuantityGrid)
        key = grid.current_key()
        if key:
            grid.remove_row(key)
            self.rows.pop(key)
            grid.quantities.pop(key, None)
            self.recheck()

    def action_ask_clear(self) -> None:
        """A village's typed quantities are work: one stray Esc must not lose them."""
        self.ask_to_drop(self.action_clear, title=_("清空这张表？清空后要重新输入"))

    def action_clear(self) -> None:
        grid = self.query_one(QuantityGrid)
        grid.clear()
        grid.quantities.clear()
        self.rows.clear()
        self.clear_batch()
        self.focus_input()

    def clear_batch(self) -> None:
        """What belongs to one batch ends with it: the quantities and the note."""
        self.query_one(QuantityGrid).clear_quantities()
        self.query_one("#note", Input).value = ""
        self.recheck()

    # -- checking and writing ------------------------------------------------------------------

    @on(QuantityGrid.QuantityChanged)
    def quantity_changed(self) -> None:
        self.recheck()

    @on(QuantityGrid.Scanned)
    def scanned_on_grid(self, event: QuantityGrid.Scanned) -> None:
        self.take_scan(event.text)  # as if scanned into the box: a card adds its household

    @on(QuantityGrid.TooLong)
    def quantity_too_long(self) -> None:
        self.say(_("数量最多 {digits} 位数").format(digits=MAX_DIGITS), error=True)
        self.app.bell()

    def lines(self) -> list[awards.AwardLine]:
        grid = self.query_one(QuantityGrid)
        note = self.query_one("#note", Input).value
        assert self.chosen is not None
        return [
            awards.AwardLine(number, self.chosen.code, qty, note, line=n)
            for n, (number, qty) in enumerate(grid.quantities.items())
            if qty
        ]

    def recheck(self) -> dict[str, str]:
        """Fill the points and the problem of every row; returns the problems by household."""
        grid = self.query_one(QuantityGrid)
        columns = grid.columns_keys()
        problems: dict[str, str] = {}
        if self.chosen is not None and any(grid.quantities.values()):
            lines = self.lines()
            household_of = {line.line: line.household for line in lines}
            for line_no, refusal in awards.check_sheet(self.actor, self.shop.clock, lines):
                problems[household_of[line_no]] = refusal.render(_)
        for number, person in self.rows.items():
            qty = grid.quantities.get(number, 0)
            points = self.chosen.points * qty if self.chosen and qty else ""
            grid.update_cell(number, columns[POINTS], str(points))
            grid.update_cell(number, columns[2], self.earned(person))
            grid.update_cell(number, columns[PROBLEM], problems.get(number, ""), update_width=True)
        total = sum(self.chosen.points * q for q in grid.quantities.values()) if self.chosen else 0
        count = sum(1 for q in grid.quantities.values() if q)
        self.query_one("#totals", Static).update(
            _("{count} 户，合计 {total:+d} 分").format(count=count, total=total)
        )
        self.problems = problems
        self.say_problem(grid.current_key())
        return problems

    @on(QuantityGrid.RowHighlighted)
    def row_highlighted(self) -> None:
        self.say_problem(self.query_one(QuantityGrid).current_key())

    def say_problem(self, number: str | None) -> None:
        """The problem of the row under the cursor, whole on the message line (which wraps):
        the grid's column shows what of it fits."""
        problem = self.problems.get(number or "")
        if problem:
            self.say(problem, error=True)
        elif self.problem_said:
            self.say("")  # the problem said last is gone with its row or its quantity
        self.problem_said = bool(problem)

    def action_confirm(self) -> None:
        if self.chosen is None:
            self.say(_("请先按 F6 选积分项目"), error=True)
            return
        lines = self.lines()
        if not lines:
            self.say(_("还没有输入任何数量"), error=True)
            return
        problems = self.recheck()
        if problems:  # back from the dialog, the cursor waits on the first row to change
            grid = self.query_one(QuantityGrid)
            grid.move_cursor(row=min(map(grid.get_row_index, problems)))
            self.focus_next_time = "#grid"
        total = sum(self.chosen.points * int(ln.qty) for ln in lines)
        body = _("{task}：{count} 户，合计 {total:+d} 分。").format(
            task=self.chosen.name, count=len(lines), total=total
        )
        said = [
            _("{number} {name}：{why}").format(
                number=number, name=self.rows[number].head_name, why=why
            )
            for number, why in problems.items()
        ]
        self.app.push_screen(ConfirmScreen(_("确认入账"), body, problems=said), self.write)

    def write(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        try:
            recorded = awards.record(self.actor, self.shop.clock, self.lines())
        except Refused as refusal:
            self.refused(refusal)
            return
        self.action_clear()
        if recorded.postings:  # 公示: the number to find the public list by
            self.say(
                _("已进入公示 {postings}：{count} 户，期满后入账").format(
                    postings=_("、").join(recorded.postings), count=recorded.lines
                )
            )
            return
        self.say(_("已入账 {count} 户").format(count=len(recorded.entries)))


def cap_shown(task: TaskView) -> str:
    """The cap as the picker shows it: "20/月", "100/年", or nothing."""
    if not task.cap:
        return ""
    return (_("{cap}/年") if task.per == "year" else _("{cap}/月")).format(cap=task.cap)
