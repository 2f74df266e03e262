"""Holiday hand-outs on paper: the receipt (a slip's rows) and the sign-off sheet (签领表).

The sheet lists an event's eligible households of a village with a signature column, printed
before the hand-out and kept after it; households that received already show when. It is an
A4 `Document` (pos/paper/a4.py), drawn from what the books returned (`events.SheetRow`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from db.books.events import EventView, HandoutSlip, SheetRow
from db.store.ids import human
from pos.i18n import _
from pos.paper.a4 import Column, Document
from pos.paper.slips import RULE, Row, points


def receipt_rows(slip: HandoutSlip) -> list[Row]:
    rows: list[Row] = [
        (_("节日慰问领取单"), ""),
        (slip.station, ""),
        (_("单号"), human(slip.id)),
        (_("时间"), slip.time),
        RULE,
        (_("活动"), slip.event),
        (_("户号"), slip.household),
        (_("户主"), slip.head_name),
    ]
    if slip.village:
        rows.append((_("巡回村"), slip.village))
    rows.append(RULE)
    for line in slip.lines:
        rows.append((line.name, f"× {line.qty} {line.unit}"))
    if slip.points:
        rows.append((_("慰问积分"), points(slip.points)))
        rows.append((_("领取后余额"), points(slip.balance_after)))
    return rows + [
        RULE,
        (_("经办"), slip.operator),
        ("", ""),
        (_("领取人签字：") + "_" * 12, ""),
    ]


def package_text(event: EventView) -> str:
    parts = [f"{line.name} × {line.qty} {line.unit}" for line in event.lines]
    if event.points:
        parts.append(_("{points} 积分").format(points=event.points))
    return _("、").join(parts)


def sheet(event: EventView, rows: Sequence[SheetRow], village: str | None, out: Path) -> Path:
    """The sign-off sheet of `event` (of `village`, a name, or all villages) as A4 PDF."""
    title = _("{event}签领表").format(event=event.name)
    doc = Document(title)
    doc.heading(title)
    doc.line(
        _("活动编号：{number}    发放时间：{starts} 至 {ends}").format(
            number=human(event.id), starts=event.starts, ends=event.ends
        )
    )
    doc.line(_("慰问品：{package}").format(package=package_text(event)))
    if village:
        doc.line(_("村：{village}").format(village=village))
    received = sum(1 for r in rows if r.received)
    doc.line(
        _("应领 {eligible} 户，已领 {received} 户").format(eligible=len(rows), received=received)
    )
    doc.space(2)
    doc.table(
        (
            Column(_("序号"), 0.6, "R"),
            Column(_("户号"), 1.4),
            Column(_("户主"), 1.0),
            Column(_("村"), 1.2),
            Column(_("类别"), 1.2),
            Column(_("人口"), 0.6, "R"),
            Column(_("领取时间"), 1.6),
            Column(_("签名"), 1.6),
        ),
        [
            (
                n,
                r.household,
                r.head_name,
                r.village,
                _(r.category),
                r.members,
                r.received or "",
                "",
            )
            for n, r in enumerate(rows, 1)
        ],
        size=10,
    )
    doc.signatures((_("发放人："), _("村委会（盖章）："), _("日期：")))
    doc.footer(title)
    return doc.save(out)
