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

from catalog.messages import Refused
from db.books import stock
from pos.i18n import _, translate_bindings
from pos.screens.live import LiveScreen
from pos.widgets.list_table import ListTable

Row = tuple[str, Sequence[object]]  # (key returned when picked, cells shown)


class Dialog(LiveScreen, ModalScreen):
    """A framed box in the middle of the screen; Esc closes it with None."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 80%; max-width: 96; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    Dialog .title { text-style: bold; margin-bottom: 1; }
    Dialog .hint { color: $text-muted; margin-top: 1; }
    Dialog .problem { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)

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

    BINDINGS = [Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]

    def __init__(
        self,
        title: str,
        columns: Sequence[str],
        search: Callable[[str], list[Row]],
        query: str = "",
    ) -> None:
        super().__init__()
        self.title_text, self.columns, self.search, self.query_text = title, columns, search, query

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield Input(self.query_text, placeholder=_("输入名称、拼音首字母或编码"), id="query")
            yield ListTable(id="results")
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
    def picked(self) -> None:
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
            yield Input(
                self.value,
                type="integer" if self.number else "text",
                id="answer",
                max_length=10 if self.number else 200,
            )
            yield Label("", classes="problem", id="problem", markup=False)
            yield Label(_("回车确定，Esc 取消"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def answered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
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
    """A slip or a receipt to read; Enter or Esc closes it."""

    BINDINGS = [Binding("enter", "cancel", "关闭")]

    def __init__(self, title: str, text: str, note: str = "") -> None:
        super().__init__()
        self.title_text, self.text, self.note = title, text, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            with VerticalScroll():
                yield Static(self.text, markup=False)
            if self.note:
                yield Label(self.note, classes="hint", markup=False)
