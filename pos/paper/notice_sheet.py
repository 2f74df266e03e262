"""The notice sheet for the wall: the notices current on a day, one after another (A4)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from catalog.messages import Translate
from db.books.notices import NoticeView
from pos.paper.a4 import Document


def notice_sheet(
    station: str, day: str, shown: Sequence[NoticeView], out: Path, translate: Translate
) -> Path:
    _ = translate
    document = Document(_("政策通知"))
    document.heading(_("{station} 政策通知").format(station=station))
    document.line(_("{day} 有效的通知").format(day=day), align="C")
    document.space()
    if not shown:
        document.line(_("今天没有有效的通知"))
    for notice in shown:
        document.line(notice.title, size=13, bold=True)
        period = notice.start + (f" — {notice.until}" if notice.until else "")
        document.line(
            _("{period}，发给{whom}").format(period=period, whom=notice.whom.render(_)), size=9
        )
        document.line(notice.text)
        document.space()
    document.footer(_("{station} {day}").format(station=station, day=day))
    return document.save(out)
