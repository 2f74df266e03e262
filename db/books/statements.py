"""A household's statement (积分对账单) for a period: what the household signs for.

The opening balance is the sum of the household's entries before the period, then every entry
of the period in the order it was written, each with its task or the goods it paid for and the
balance after it, and the closing balance; all from the ledger itself, never from the cached
balance, so a statement is what `verify` would recompute. Dates are whole days, both ends
included; no start means from the first entry, no end means up to today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from peewee import JOIN, fn

from catalog.messages import Refused
from db.books import views
from db.books.setup import here
from db.books.views import HouseholdView
from db.store.clock import Clock, stamp
from db.store.models import Entry, Item, RedemptionLine, Task

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# id, time, kind, task name, qty, points, note, redemption, reversed entry
EntryRow = tuple[int, str, str, str | None, int, int, str, int | None, int | None]


@dataclass(frozen=True)
class StatementLine:
    id: int
    time: str
    kind: str  # award, deduction, redemption, reversal, adjustment, base
    what: str  # the task's name, the goods ("大米 ×1、食盐 ×3"), or the note
    qty: int
    points: int
    balance: int  # after this entry
    note: str


@dataclass(frozen=True)
class Statement:
    household: HouseholdView
    station: str  # the station's name
    start: str  # 'YYYY-MM-DD'; '' from the first entry
    end: str  # 'YYYY-MM-DD'
    opening: int
    lines: tuple[StatementLine, ...]
    closing: int
    earned: int  # points in (awards, positive corrections) in the period
    spent: int  # points out (redemptions, deductions, negative corrections), as a positive count
    made: str  # when the statement was drawn up


def parse_day(text: str | None, what: str) -> date | None:
    """'2026-11-01' as a date; None for no date; Refused naming the option otherwise."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if not DAY.match(text):
            raise ValueError(text)
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise Refused(
            "日期 {what} 应写成 YYYY-MM-DD，例如 2026-11-01，而不是“{value}”", what=what, value=text
        ) from None


def check_month(month: str) -> str:
    month = month.strip()
    if not MONTH.match(month):
        raise Refused("月份应写成 YYYY-MM，例如 2026-10，而不是“{month}”", month=month)
    return month


def statement(
    household: str, clock: Clock, *, start: date | None = None, end: date | None = None
) -> Statement:
    """The statement of `household` from `start` to `end` (both days included)."""
    shown = views.household(household.strip())
    if shown is None:
        raise Refused("户号 {number} 不存在", number=household)
    now = clock.now()
    end = end or now.date()
    if start is not None and start > end:
        raise Refused("起始日期 {start} 晚于截止日期 {end}", start=start, end=end)
    low = stamp(datetime.combine(start, datetime.min.time())) if start else ""
    high = stamp(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    mine = Entry.household == shown.number
    opening = 0
    if start is not None:
        opening = (
            Entry.select(fn.COALESCE(fn.SUM(Entry.points), 0))
            .where(mine & (Entry.time < low))
            .scalar()
        )
    query = (
        Entry.select(
            Entry.id,
            Entry.time,
            Entry.kind,
            Task.name,
            Entry.qty,
            Entry.points,
            Entry.note,
            Entry.redemption,
            Entry.reverses,
        )  # fmt: skip
        .join(Task, JOIN.LEFT_OUTER)
        .where(mine & (Entry.time >= low) & (Entry.time < high))
        .order_by(Entry.time, Entry.id)
        .tuples()
    )
    rows = list(cast(Iterable[EntryRow], query))
    goods = _goods({slip for *_, slip, _rev in rows if slip is not None})
    undone = _reversed_tasks({rev for *_, rev in rows if rev is not None})
    balance, earned, spent, lines = opening, 0, 0, []
    for id_, time, kind, task, qty, points, note, slip, reverses in rows:
        balance += points
        earned += max(points, 0)
        spent += max(-points, 0)
        bought = goods.get(slip, "") if slip is not None else ""
        what = task or bought or (undone.get(reverses, "") if reverses is not None else "") or note
        lines.append(StatementLine(id_, time, kind, what, qty, points, balance, note))
    return Statement(
        shown, here().name, start.isoformat() if start else "", end.isoformat(), opening,
        tuple(lines), balance, earned, spent, stamp(now),
    )  # fmt: skip


def _goods(slips: set[int]) -> dict[int, str]:
    """Each redemption's goods as one short text, lines in order: '大米 ×1、食盐 ×3'."""
    found: dict[int, list[str]] = {}
    if not slips:
        return {}
    query = (
        RedemptionLine.select(RedemptionLine.redemption, Item.name, RedemptionLine.qty)
        .join(Item)
        .where(RedemptionLine.redemption.in_(sorted(slips)))
        .order_by(RedemptionLine.id)
        .tuples()
    )
    for slip, name, qty in cast(Iterable[tuple[int, str, int]], query):
        found.setdefault(slip, []).append(f"{name} ×{qty}")
    return {slip: "、".join(names) for slip, names in found.items()}


def _reversed_tasks(originals: set[int]) -> dict[int, str]:
    """A reversal shows what it undid: the original entry's task name (or its note)."""
    if not originals:
        return {}
    query = (
        Entry.select(Entry.id, Task.name, Entry.note)
        .join(Task, JOIN.LEFT_OUTER)
        .where(Entry.id.in_(sorted(originals)))
        .tuples()
    )
    found = cast(Iterable[tuple[int, str | None, str]], query)
    return {id_: task or note for id_, task, note in found}
