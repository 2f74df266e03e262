"""Small modal dialogs: pick from a search, type a number or a reason, confirm, read a slip."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from catalog.messages import N_, Message, Refused
from db.books import cards, stock
from pos.i18n import _, translate_bindings
from pos.screens.live import LiveScreen
from pos.screens.scanning import CatchesScans
from pos.widgets.list_table import ListTable

Row = tuple[str, Sequence[object]]  # (key returned when picked, cells shown)


class Dialog(CatchesScans, LiveScreen, ModalScreen):
    """A framed box in the middle of the screen; Esc closes it with None.

    A scan is never lost here (docs/design.md §8.2, pos/screens/scanning.py): one typed where
    no input has the focus, or run into a box (a reason, a name, a quantity), goes to
    `scanned(text)` instead of the dialog's own Enter, what the person typed left in the box.
    A dialog that has finished (a slip) closes and hands the scan on; one that still waits
    for an answer says why it does not take it.

    Typed work in a dialog's boxes (a form, a reason) is work like any other (§8.1): Esc asks
    before it is thrown away, and closing the till or another operator signing in names it.
    """

    #: whether a scan typed into a box is the box's own (a search box looks it up)
    BOXES_TAKE_SCANS = False
    #: whether what is typed in the boxes is work to ask about (not a search)
    BOXES_HOLD_WORK = True

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 80%; max-width: 96; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    Dialog .title { text-style: bold; margin-bottom: 1; }
    Dialog .summary { text-style: bold; margin-bottom: 1; }
    Dialog .hint { color: $text-muted; margin-top: 1; }
    Dialog .problem { color: $error; }
    Dialog Label { width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        #: what each box held once the dialog was built: typed work is what differs
        self.started: dict[int, str] | None = None

    def on_mount(self) -> None:
        # after the subclass's own on_mount (Textual runs it first), which may fill boxes
        self.call_after_refresh(self.remember_boxes)

    def remember_boxes(self) -> None:
        self.started = {id(box): box.value for box in self.query(Input)}

    def unsaved(self) -> Message | None:
        """The typed work in the boxes, named by the dialog's title; None if nothing typed."""
        if not self.holds_work() or self.started is None or not self.is_mounted:
            return None
        if all(box.value == self.started.get(id(box), "") for box in self.query(Input)):
            return None
        titles = self.query(".title")
        title = str(titles.first(Label).render()) if titles else ""
        return Message(N_("{title}：输入的内容还没有保存"), title=title)

    def holds_work(self) -> bool:
        return self.BOXES_HOLD_WORK

    def action_cancel(self) -> None:
        work = self.unsaved()
        if work is None:
            self.dismiss(None)
            return

        def answered(drop: bool | None) -> None:
            if drop:
                self.dismiss(None)

        self.app.push_screen(DropScreen([work]), answered)

    def takes_scan_out(self, box: Input) -> bool:
        return not self.BOXES_TAKE_SCANS

    def caught(self, text: str) -> None:
        self.scanned(text)

    def scanned(self, text: str) -> None:
        """A scan arrived while this dialog waits for an answer: say why it is not taken."""
        self.refuse_scan(text)

    def refuse_scan(self, text: str) -> None:
        why = _("扫到了“{text}”：请先回答这里（看最下面一行的按键），再扫").format(text=text[:40])
        problems = self.query("#problem")
        if problems:
            problems.first(Label).update(why)
        else:
            self.notify(why, severity="error")
        self.app.bell()

    def hand_on(self, text: str) -> None:
        """Close, and give the scan to the screen underneath as if typed in its scan box."""
        stack = self.app.screen_stack
        under = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        self.dismiss(None)
        take = getattr(under, "take_scan", None) or self.app.scan_elsewhere  # type: ignore[attr-defined]
        self.app.call_later(take, text)

    def is_card(self, text: str) -> bool:
        return cards.looks_like_card(text)

    def dismiss(self, result: object = None) -> AwaitComplete:
        # Keys typed in one burst can ask twice (two Enters): the second must not close the
        # screen underneath.
        if not self.is_active:
            return AwaitComplete(_nothing())
        return super().dismiss(result)


async def _nothing() -> None:
    return None


class PickerScreen(Dialog):
    """Type to search, move with the arrows, Enter picks. Returns the row key or None."""

    BOXES_TAKE_SCANS = True  # a code scanned is looked up; a card, handed on (`picked`)
    BOXES_HOLD_WORK = False  # a search, given up with Esc
    BINDINGS = [Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]

    def __init__(
        self,
        title: str,
        columns: Sequence[str],
        search: Callable[[str], list[Row]],
        query: str = "",
        *,
        searches: str = "",
    ) -> None:
        """`searches` says what the search looks in (goods: name, pinyin initials or code)."""
        super().__init__()
        self.title_text, self.columns, self.search, self.query_text = title, columns, search, query
        self.searches = searches or _("输入名称、拼音首字母或编码")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield Input(self.query_text, placeholder=self.searches, id="query")
            yield ListTable(id="results")
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("↑↓ 选择，回车确定，Esc 取消"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        table.add_columns(*self.columns)
        self.refill(self.query_text)
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def refill(self, text: str) -> None:
        table = self.query_one(ListTable)
        table.clear()
        for key, cells in self.search(text)[:50]:
            table.add_row(*(str(c) for c in cells), key=key)

    def action_move(self, step: int) -> None:
        self.query_one(ListTable).step(step)

    @on(Input.Submitted, "#query")
    def picked(self, event: Input.Submitted) -> None:
        if self.is_card(event.value):  # a card scanned instead: the search is given up
            self.hand_on(event.value.strip())
            return
        key = self.query_one(ListTable).chosen()
        if key is not None:
            self.dismiss(key)


class AskScreen(Dialog):
    """One question, one line of answer. `number=True` returns an int, else the text."""

    def __init__(
        self,
        question: str,
        *,
        value: str = "",
        number: bool = False,
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.question, self.value, self.number, self.check = question, value, number, check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="title", markup=False)
            yield Input(self.value, id="answer", max_length=60 if self.number else 200)
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("回车确定，Esc 取消"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    def holds_work(self) -> bool:
        return not self.number  # a reason typed is work; a number is typed again in a moment

    @on(Input.Submitted, "#answer")
    def answered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.is_card(text) or (self.number and len(text) > 9):
            # a scan, not an answer; the box is cleared for the answer
            self.query_one("#answer", Input).value = ""
            self.refuse_scan(text)
            return
        problem = self.check(text) if self.check else None
        if self.number and not problem and not (text.lstrip("-").isdecimal()):
            problem = _("请输入整数")
        if problem:
            self.query_one("#problem", Label).update(problem)
            return
        self.dismiss(int(text) if self.number else text)


def goods_quantity(text: str, *, zero_removes: bool = False) -> str | None:
    """An AskScreen check for a quantity of goods, by the books' own rule; `zero_removes`
    lets 0 through for a line that 0 takes away."""
    if zero_removes and text == "0":
        return None
    try:
        stock.goods_qty(int(text) if text.isdecimal() else text)
    except Refused as refusal:
        return refusal.render(_)
    return None


class ConfirmScreen(Dialog):
    """Shows what is about to happen; F10 or Enter confirms (True), Esc goes back (None)."""

    BINDINGS = [Binding("f10,enter", "confirm", "确认")]

    def __init__(self, title: str, body: str, *, problems: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_text, self.body, self.problems = title, body, problems

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            with VerticalScroll():
                yield Static(self.body, markup=False)
                for problem in self.problems:
                    yield Static(problem, classes="problem", markup=False)
            yield Label("", classes="problem", id="problem", markup=False)
            hint = (
                _("有问题的行必须先改好，Esc 返回")
                if self.problems
                else _("F10 或回车确认，Esc 返回")
            )
            yield Label(hint, classes="hint")

    def action_confirm(self) -> None:
        if not self.problems:
            self.dismiss(True)


class TextScreen(Dialog):
    """A slip or a receipt to read; Enter or Esc closes it, and so does the next scan, which
    then goes to the screen underneath (the next household's card)."""

    BINDINGS = [Binding("enter", "cancel", "关闭")]

    def __init__(self, title: str, text: str, note: str = "", *, summary: str = "") -> None:
        """`summary`: the slip's figures that matter (the total, the balance after), kept in
        sight above the slip, which scrolls where the screen is short."""
        super().__init__()
        self.title_text, self.text, self.note, self.summary = title, text, note, summary

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            if self.summary:
                yield Label(self.summary, classes="summary", markup=False)
            with VerticalScroll(id="slip"):
                yield Static(self.text, markup=False)
            if self.note:
                yield Label(self.note, classes="hint", markup=False)
            yield Label(_("回车或 Esc 关闭；直接扫下一张卡也可以"), classes="hint", id="keys")

    def on_mount(self) -> None:
        self.call_after_refresh(self.say_it_scrolls)

    def say_it_scrolls(self) -> None:
        """A slip longer than the box: the keys say so, and the arrows scroll it."""
        if self.is_mounted and self.query_one("#slip", VerticalScroll).max_scroll_y > 0:
            self.query_one("#keys", Label).update(
                _("↑↓ 翻看；回车或 Esc 关闭；直接扫下一张卡也可以")
            )
            self.query_one("#slip", VerticalScroll).focus()

    def scanned(self, text: str) -> None:
        self.hand_on(text)


class DropScreen(Dialog):
    """Names the typed work that is about to be lost; Enter or F10 drops it (True)."""

    BINDINGS = [Binding("f10,enter", "confirm", "放弃")]

    def __init__(self, work: Sequence[Message], title: str = "") -> None:
        super().__init__()
        self.work, self.title_text = work, title or _("这些还没有保存的工作会丢掉")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            with VerticalScroll():
                for work in self.work:
                    yield Static("· " + work.render(_), markup=False)
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("回车或 F10 放弃这些工作，Esc 返回继续"), classes="hint")

    def action_confirm(self) -> None:
        self.dismiss(True)
