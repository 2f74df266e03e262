"""公示 (via F11): the postings by status; the public list to read (Enter) or print (F6);
objections taken down (F7) and ruled on (F8); crediting once the period is over (F10).
docs/design.md §4.12."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message

from catalog.messages import Refused
from db.books import postings
from db.books.postings import STANDING_NAMES, STATUS_NAMES, PostingDetail, PostingView
from pos.i18n import _
from pos.screens.base import ShopScreen
from pos.screens.dialogs import AskScreen, ConfirmScreen, PickerScreen, TextScreen
from pos.widgets.list_table import ListTable

ORDER = {"due": 0, "open": 1, "credited": 2}  # what needs doing first


class PostingPrinted(Message):
    def __init__(self, text: str, *, error: bool = False) -> None:
        super().__init__()
        self.text, self.error = text, error


class PostingsScreen(ShopScreen):
    FOCUS = "ListTable"
    BINDINGS = [
        Binding("enter", "read", "查看", show=False),
        Binding("f6", "print", "打印"),
        Binding("f7", "object", "异议"),
        Binding("f8", "resolve", "处理"),
        Binding("f10", "credit", "入账"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame_top()
        yield ListTable(id="postings")
        yield from self.compose_frame_bottom()

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(_("编号"), _("村"), _("户数"), _("积分"), _("止"), _("状态"))
        self.query_one("#message").hint(  # type: ignore[attr-defined]
            _("↑↓ 选择，回车查看公示名单")
        )
        self.fill()

    def allowed(self, action: str) -> bool:
        if action == "object":
            return self.actor.may("object")
        if action == "resolve":
            return self.actor.may("resolve_posting")
        if action == "credit":
            return self.actor.may("credit_posting")
        return True

    def fill(self) -> None:
        found = postings.postings(self.shop.clock)
        found.sort(key=lambda p: (ORDER[p.status], -p.id))
        table = self.query_one(ListTable)
        table.clear()
        for p in found:
            table.add_row(
                p.number,
                p.village_name,
                p.households,
                p.points,
                p.until,
                _(STATUS_NAMES[p.status])
                + (f" ({p.open_objections} !)" if p.open_objections else ""),
                key=p.number,
            )

    def chosen(self) -> str | None:
        table = self.query_one(ListTable)
        if not table.row_count:
            self.say(_("还没有公示"), error=True)
            return None
        return str(table.chosen())

    def action_read(self) -> None:
        number = self.chosen()
        if number is None:
            return
        try:
            detail = postings.detail(self.shop.clock, number)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.app.push_screen(TextScreen(number, as_text(detail)))

    def action_print(self) -> None:
        number = self.chosen()
        if number is not None:
            self.say(_("正在生成公示名单……"))
            self.print_to(number, self.folder() / f"公示-{number}.pdf")

    def folder(self) -> Path:
        return self.shop.slips_dir.with_name("postings")

    @work(thread=True, group="posting")
    def print_to(self, number: str, out: Path) -> None:
        from pos.paper import posting_list

        try:
            posting_list.write_pdf(postings.detail(self.shop.clock, number), out, _)
        except Refused as refusal:
            self.post_message(PostingPrinted(refusal.render(_), error=True))
            return
        self.post_message(PostingPrinted(_("公示名单已写出：{path}").format(path=out)))

    @on(PostingPrinted)
    def printed(self, event: PostingPrinted) -> None:
        self.say(event.text, error=event.error)

    def action_object(self) -> None:
        number = self.chosen()
        if number is None:
            return
        answers: list[str] = []

        def asked(answer: str | None) -> None:
            if not answer:
                return
            answers.append(answer)
            if len(answers) < 3:
                questions = (_("异议理由"), _("提出异议的人"))
                self.app.push_screen(AskScreen(questions[len(answers) - 1]), asked)
                return
            household, reason, by = answers
            try:
                postings.object_to(self.actor, self.shop.clock, number, household, reason, by)
            except Refused as refusal:
                self.refused(refusal)
                return
            self.say(_("已登记异议：公示 {number} 户号 {household}，由站长处理").format(
                number=number, household=household.upper()
            ))  # fmt: skip
            self.fill()

        def in_posting(household: str) -> str | None:  # said before the reason is asked for
            try:
                postings.check_objection(self.shop.clock, number, household)
            except Refused as refusal:
                return refusal.render(_)
            return None

        self.app.push_screen(AskScreen(_("对哪一户有异议？（户号）"), check=in_posting), asked)

    def action_resolve(self) -> None:
        number = self.chosen()
        if number is None:
            return

        def household_given(household: str | None) -> None:
            if not household:
                return
            options = [
                ("uphold", (_("异议成立：这户的积分不入账"),)),
                ("dismiss", (_("异议不成立：这户的积分照常入账"),)),
            ]
            picker = PickerScreen(_("处理异议"), (_("结果"),), lambda _text: options)
            self.app.push_screen(picker, lambda outcome: self.resolve(number, household, outcome))

        self.app.push_screen(AskScreen(_("处理哪一户的异议？（户号）")), household_given)

    def resolve(self, number: str, household: str, outcome: str | None) -> None:
        if outcome is None:
            return
        uphold = outcome == "uphold"
        try:
            postings.resolve(self.actor, self.shop.clock, number, household, uphold=uphold)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.say(_("异议成立：这户的积分不入账") if uphold else _("异议不成立：这户的积分照常入账"))
        self.fill()

    def action_credit(self) -> None:
        number = self.chosen()
        if number is None:
            return
        try:
            view = postings.posting(self.shop.clock, number)
        except Refused as refusal:
            self.refused(refusal)
            return
        body = summary(view)
        self.app.push_screen(ConfirmScreen(_("期满入账"), body), lambda ok: self.credit(number, ok))

    def credit(self, number: str, confirmed: bool | None) -> None:
        if not confirmed:
            return
        try:
            done = postings.credit(self.actor, self.shop.clock, number)
        except Refused as refusal:
            self.refused(refusal)
            return
        self.say(
            _("公示 {number} 已入账：{count} 行，合计 {points} 分").format(
                number=done.number, count=done.entries, points=f"{done.points:+d}"
            )
        )
        self.fill()


def summary(view: PostingView) -> str:
    return _("公示期：{start} 至 {until}（{days} 天），公示编号 {number}").format(
        start=view.start, until=view.until, days=view.days, number=view.number
    ) + "\n" + _("合计：{households} 户，{points} 分").format(
        households=view.households, points=view.points
    )  # fmt: skip


def as_text(detail: PostingDetail) -> str:
    """The public list as lines to read on the screen."""
    view = detail.posting
    lines = [
        _("{village} {month} 积分公示").format(village=view.village_name, month=view.month),
        summary(view),
        "",
    ]
    for h in detail.households:
        standing = f"  [{_(STANDING_NAMES[h.standing])}]" if h.standing else ""
        lines.append(f"{h.number} {h.head_name}  {h.total:+d}{standing}")
        for line in h.lines:
            lines.append(f"    {line.task_name} ×{line.qty}  {line.points:+d}")
        for o in h.objections:
            lines.append(f"    ! {o.raised_by}: {o.reason} ({o.operator} {o.time[:16]})")
    return "\n".join(lines)
