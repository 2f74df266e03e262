"""Printing cards from the shop screen, on a worker thread so the till stays responsive."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.message import Message
from textual.screen import Screen

from catalog.messages import Refused
from db.books.card_faces import faces
from pos.i18n import _
from pos.paper.cards import print_cards


class CardsPrinted(Message):
    def __init__(self, text: str, *, error: bool = False) -> None:
        super().__init__()
        self.text, self.error = text, error


class CardPrinter:
    """Mixed into a screen: `print_village(code)` / `print_household(number)` write a PDF or
    PNG into cards/ beside the database and post CardsPrinted back to the screen."""

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

    def cards_folder(self) -> Path:
        folder = self.app.shop.slips_dir.with_name("cards")  # type: ignore[attr-defined]
        folder.mkdir(parents=True, exist_ok=True)
        return folder
