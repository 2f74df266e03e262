"""Printing from the shop screen on worker threads, so the till stays responsive: member
cards to a PDF, and slips to the station's thermal receipt printer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App
from textual.message import Message
from textual.screen import Screen

from catalog.messages import Refused
from db.books import station_settings
from db.books.card_faces import faces
from db.store.ids import human
from pos.i18n import _
from pos.paper import slips, thermal
from pos.paper.cards import print_cards
from pos.paper.slips import Row
from pos.screens.dialogs import TextScreen


class CardsPrinted(Message):
    def __init__(self, text: str, *, error: bool = False) -> None:
        super().__init__()
        self.text, self.error = text, error


class CardPrinter:
    """Mixed into a screen: `print_cards_to` writes cards as a PDF or PNG into cards/ beside
    the database, `draw_paper` an A4 list into papers/; both post CardsPrinted back."""

    @work(thread=True, group="cards")
    def print_cards_to(self, out: Path, village: str | None, households: tuple[str, ...]) -> None:
        screen: Screen = self  # type: ignore[assignment]
        try:
            chosen = faces(village=village, households=households)
            if not chosen:
                raise Refused("没有可打印的卡")
            print_cards(chosen, out)
        except Refused as refusal:
            screen.post_message(CardsPrinted(refusal.render(_), error=True))
            return
        text = _("已生成 {count} 张卡：{path}（打印时选“实际大小”）").format(
            count=len(chosen), path=out
        )
        screen.post_message(CardsPrinted(text))

    @work(thread=True, group="paper")
    def draw_paper(self, draw: Callable[[Path], Path], out: Path) -> None:
        """Draw an A4 list (from a view the books returned on the UI thread) into `out`."""
        screen: Screen = self  # type: ignore[assignment]
        try:
            draw(out)
        except Refused as refusal:
            screen.post_message(CardsPrinted(refusal.render(_), error=True))
            return
        screen.post_message(CardsPrinted(_("已保存：{path}").format(path=out)))

    def papers_folder(self) -> Path:
        """papers/ beside the database: statements, donor lists, honour rolls."""
        folder = self.app.shop.slips_dir.with_name("papers")  # type: ignore[attr-defined]
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def cards_folder(self) -> Path:
        folder = self.app.shop.slips_dir.with_name("cards")  # type: ignore[attr-defined]
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def hand_to_printer(app: App, rows: list[Row], number: int) -> None:
    """Send a slip to the station's receipt printer, if it has one, on a worker thread.

    The sale or donation is booked and its slip saved before this is called; a printer that
    is off, unplugged or out of paper only costs a toast telling the clerk to print it again
    (F12). The setting is read here, on the UI thread: the worker touches no database."""
    try:
        spec_text, image = station_settings.printer()
        spec = thermal.parse(spec_text)
    except Refused as refusal:
        app.notify(refusal.render(_), severity="error", timeout=20)
        return
    if spec.kind == "none":
        return

    def job() -> None:
        try:
            thermal.print_slip(spec, rows, human(number), image=image)
        except Refused as refusal:
            text = _("{reason}；单据已保存，按 F12 补打").format(reason=refusal.render(_))
            app.call_from_thread(app.notify, text, severity="error", timeout=30)

    app.run_worker(job, thread=True, group="printer", name="slip")


def keep(screen, rows: list[Row], kind: str, number: int) -> tuple[str, bool]:
    """Save a slip (`slips.KINDS`) and send it to the printer: (where it was saved, True) or
    (why it could not be, False). What it records is booked either way, and F12 or `aixin
    slip` prints it again."""
    try:
        saved = slips.save(rows, screen.shop.slips_dir, kind, number), True
    except Refused as refusal:
        saved = refusal.render(_), False
    hand_to_printer(screen.app, rows, number)
    return saved


def issue(screen, title: str, rows: list[Row], kind: str, number: int) -> None:
    """`keep` the slip and show it; when it could not be saved, say why, in red."""
    saved, whole = keep(screen, rows, kind, number)
    if not whole:
        screen.say(saved, error=True)
    screen.app.push_screen(TextScreen(title, slips.as_text(rows), saved))
