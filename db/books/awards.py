"""Awarding and deducting points against the rules sheet, one household or a whole sheet.

A sheet is all-or-nothing: every line is checked against the books as they would stand after
the lines before it (balances, monthly caps), every bad line is named, and only a sheet with
no bad line is written, in one transaction.

What the checks read — the sheet's households, its tasks, what each household already has of
each capped task this month — is read for all lines at once (`_Books`). A sheet is checked
first in a read transaction, outside the write lock, so a till goes on selling while a
village's sheet is checked and a refused sheet never takes the lock; then checked again
under the lock, against the books as they are then (another award, a redemption or a roster
change may have come in between), which takes a few reads and the lines' arithmetic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from catalog.messages import N_, Message, Refused, SheetRefused
from catalog.pinyin import initials
from catalog.tabular import read_rows
from db.books import catalog_at, ledger, postings, views
from db.books.auth import ROLE_NAMES, Actor, require
from db.books.households import refuse_inactive
from db.books.views import TaskView
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import human
from db.store.models import Task, Village

MAX_QTY = 1000
OVER_MONTH_CAP = N_(
    "“{task}”每户每月最多 {cap} 分，{name} 本月已有 {used} 分，不能再记 {points} 分"
)
OVER_YEAR_CAP = N_("“{task}”每户每年最多 {cap} 分，{name} 今年已有 {used} 分，不能再记 {points} 分")

SHEET_COLUMNS = {
    "household": "household",
    "户号": "household",
    "task": "task",
    "项目编码": "task",
    "项目": "task",
    "编码": "task",
    "qty": "qty",
    "数量": "qty",
    "note": "note",
    "备注": "note",
    "说明": "note",
}


@dataclass(frozen=True)
class AwardLine:
    household: str
    task: str
    qty: int | str = 1
    note: str = ""
    line: int = 0  # where it stands in the sheet, for the messages


@dataclass
class _Pending:
    """What the lines already checked would do to the books."""

    balance: dict[str, int]
    task_points: dict[tuple[str, str], int]


class _Household(NamedTuple):
    number: str
    head_name: str
    status: str
    village_id: str
    balance: int


class _Task(NamedTuple):
    code: str
    name: str
    points: int | None  # None: its first value holds from a later date
    cap: int | None
    per: str  # what the cap counts: 'month' or 'year'
    active: bool


@dataclass
class _Books:
    """What the lines' checks read from the books, read for all lines at once."""

    households: dict[str, _Household]
    tasks: dict[str, _Task]
    used: dict[tuple[str, str], int]  # (household, task): points in the cap's month or year

    @classmethod
    def read(cls, lines: list[AwardLine], time: str) -> _Books:
        numbers = sorted({_text(line.household).upper() for line in lines} - {""})
        codes = sorted({_text(line.task).upper() for line in lines} - {""})
        households = {h.number: h for h in _rows(_Household, "household", "number", numbers)}
        tasks = {
            t.code: _Task(t.code, t.name, t.points, t.cap, t.per, t.active)
            for t in catalog_at.tasks_at(time, codes)
        }
        used: dict[tuple[str, str], int] = {}
        for per in catalog_at.PERIODS:
            capped = [c for c, t in tasks.items() if t.cap is not None and t.per == per]
            if capped:
                start, end = catalog_at.cap_window(time, per)
                used.update(ledger.task_points(households, capped, start, end))
        return cls(households, tasks, used)


def _text(cell: object) -> str:
    return str(cell).strip() if cell is not None else ""


def _rows(row: type, table: str, key: str, values: list[str], size: int = 500) -> list:
    """The rows of `table` whose `key` is one of `values`, as `row`s. SQL written here, not
    built by peewee: on every award that would cost more than the lookups themselves."""
    columns = ", ".join(row._fields)  # type: ignore[attr-defined]
    found = []
    for at in range(0, len(values), size):
        chunk = values[at : at + size]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT {columns} FROM {table} WHERE {key} IN ({marks})"  # noqa: S608 - names
        found += [row._make(r) for r in database.execute_sql(sql, chunk)]  # type: ignore[attr-defined]
    return found


def award(
    actor: Actor, clock: Clock, household: str, task: str, qty: int | str = 1, note: str = ""
) -> int:
    """Award (or, for a deduction task, deduct) points at once; returns the entry id. With
    the county's posting days above 0 an award is posted instead: use `record_one`."""
    if postings.posting_days() > 0:  # refused before anything is written
        raise Refused("本县记分要先公示，公示期满后才入账")
    recorded = record_one(actor, clock, household, task, qty, note)
    return recorded.entries[0]


def record_one(
    actor: Actor, clock: Clock, household: str, task: str, qty: int | str = 1, note: str = ""
) -> Recorded:
    """`record` of one line: its refusal as it is, not as a sheet's."""
    try:
        return record(actor, clock, [AwardLine(household, task, qty, note)])
    except SheetRefused as refused:
        raise refused.problems[0][1] from None


@dataclass(frozen=True)
class Recorded:
    """What an award or a sheet wrote: ledger entries (posting days 0), or the postings its
    lines wait on (公示, docs/design.md §4.12), as numbers."""

    entries: tuple[int, ...] = ()
    postings: tuple[str, ...] = ()
    lines: int = 0
    points: int = 0


def apply_sheet(actor: Actor, clock: Clock, lines: list[AwardLine]) -> list[int]:
    """Write every line or none; returns the entry ids in line order (none when posted)."""
    return list(record(actor, clock, lines).entries)


def record(actor: Actor, clock: Clock, lines: list[AwardLine]) -> Recorded:
    """Write every line or none: as ledger entries, or, with the county's posting days above
    0, as lines of a posting for each village, credited after the period (`postings`)."""
    require(actor, "award")
    if not lines:
        raise Refused("表格中没有记分行")
    if len(lines) > 1:  # one line is checked as quickly as it is re-checked: under the lock
        problems = check_sheet(actor, clock, lines)
        if problems:
            raise SheetRefused(problems)
    with database.atomic():  # BEGIN IMMEDIATE: the books cannot move between check and write
        now = clock.now()
        entries, problems = _check_all(actor, stamp(now), lines)
        if problems:
            raise SheetRefused(problems)
        points = sum(e.points for e in entries)
        if postings.posting_days() > 0:
            posted = postings.post(actor, now, entries)
            return Recorded((), tuple(human(p) for p in posted), len(entries), points)
        ids = ledger.append(actor.name, actor.station, now, entries)
        audit.record(
            actor.name,
            actor.station,
            now,
            "award",
            f"{len(entries)} 行，合计 {points:+d} 分，条目 {human(ids[0])}–{human(ids[-1])}",
        )
    return Recorded(tuple(ids), (), len(entries), points)


def check_sheet(actor: Actor, clock: Clock, lines: list[AwardLine]) -> list[tuple[int, Refused]]:
    """What `apply_sheet` would refuse, line by line, without writing: for a screen to show
    before the cadre confirms. A read transaction: it takes no write lock."""
    require(actor, "award")
    with database.atomic("DEFERRED"):
        return _check_all(actor, stamp(clock.now()), lines)[1]


def _check_all(
    actor: Actor, time: str, lines: list[AwardLine]
) -> tuple[list[ledger.NewEntry], list[tuple[int, Refused]]]:
    books = _Books.read(lines, time)
    pending = _Pending(defaultdict(int), defaultdict(int))
    entries, problems = [], []
    for line in lines:
        try:
            entries.append(_check(actor, line, books, pending))
        except Refused as refusal:
            problems.append((line.line, refusal))
    return entries, problems


def _check(actor: Actor, line: AwardLine, books: _Books, pending: _Pending):
    if not _text(line.household):  # a sheet's empty cell: "户号  不存在" would puzzle
        raise Refused("户号一栏是空的，请填上户号")
    if not _text(line.task):
        raise Refused("项目编码一栏是空的，请填上积分项目编码")
    qty = _quantity(line.qty)
    household = books.households.get(_text(line.household).upper())
    if household is None:
        raise Refused("户号 {number} 不存在", number=line.household)
    refuse_inactive(household.status, household.head_name, household.number)
    _check_scope(actor, household)
    task = books.tasks.get(_text(line.task).upper())
    if task is None:
        raise Refused("积分项目 {code} 不存在", code=line.task)
    if not task.active:
        raise Refused("积分项目 {code}（{name}）已停用", code=task.code, name=task.name)
    if task.points is None:
        raise Refused("积分项目 {code}（{name}）还没有到起用日期", code=task.code, name=task.name)
    points = task.points * qty
    key = (household.number, task.code)
    if task.cap is not None:
        used = books.used.get(key, 0) + pending.task_points[key]
        if abs(used + points) > task.cap:
            over = OVER_YEAR_CAP if task.per == "year" else OVER_MONTH_CAP
            raise Refused(
                over,
                task=task.name,
                cap=task.cap,
                name=household.head_name,
                used=abs(used),
                points=abs(points),
            )
    balance = household.balance + pending.balance[household.number]
    if balance + points < 0:
        raise Refused(
            "{name} 余额 {balance} 分，扣 {points} 分后会成为负数",
            name=household.head_name,
            balance=balance,
            points=-points,
        )
    pending.task_points[key] += points
    pending.balance[household.number] += points
    return ledger.NewEntry(
        household=household.number,
        points=points,
        kind="deduction" if points < 0 else "award",
        task=task.code,
        qty=qty,
        note=line.note,
    )


def _quantity(qty: int | str) -> int:
    """A whole number of units from 1 to MAX_QTY; whatever else is given, the refusal names
    the range (a typed "-1" is a whole number, only out of range)."""
    value: object = qty
    if isinstance(qty, str) and re.fullmatch(r"[+-]?[0-9]{1,9}", qty.strip()):
        value = int(qty)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QTY:
        raise Refused("数量应为 1 到 {most} 的整数，而不是“{qty}”", most=MAX_QTY, qty=qty)
    return value


def _check_scope(actor: Actor, household: _Household) -> None:
    if actor.household and actor.household == household.number:
        raise Refused(
            "不能给自己家记分或扣分（{name}，{number}）",
            name=household.head_name,
            number=household.number,
        )
    if actor.role == "cadre" and household.village_id not in actor.villages:
        raise Refused(
            "{role} {who} 不负责 {village}，不能给 {name} 记分",
            role=Message(ROLE_NAMES[actor.role]),
            who=actor.name,
            village=Village.get_by_id(household.village_id).name,
            name=household.head_name,
        )


def search_tasks(text: str = "", clock: Clock | None = None) -> list[TaskView]:
    """Active lines of the rules sheet by name, code or pinyin initials, in code order; with
    `clock`, their values as they stand now (without, as of the newest line of each)."""
    text = text.strip().lower()
    rows = [
        views.task(t)
        for t in Task.select().where(Task.active == 1).order_by(Task.code)
        if not text or text in t.name or t.code.lower().startswith(text) or text in initials(t.name)
    ]
    if clock is None:
        return rows
    now = {t.code: t for t in catalog_at.tasks_at(stamp(clock.now()), [r.code for r in rows])}
    shown = []
    for r in rows:
        at = now[r.code]
        if at.points is not None:  # a task whose first value holds from a later date: not yet
            shown.append(TaskView(r.code, r.name, r.category, at.points, r.unit, at.cap, at.per))
    return shown


def earned_this_month(clock: Clock, household: str, task: str) -> int:
    """What the household has from `task` in the cap's month (or year), as its cap counts it."""
    time = stamp(clock.now())
    found = catalog_at.tasks_at(time, [task])
    per = found[0].per if found else "month"
    start, end = catalog_at.cap_window(time, per)
    return ledger.task_points_in_month(household, task, start, end)


def task(code: str) -> TaskView:
    row = Task.get_or_none(Task.code == code.strip().upper())
    if row is None:
        raise Refused("积分项目 {code} 不存在", code=code)
    return views.task(row)


def read_sheet(path: str | Path) -> list[AwardLine]:
    """The lines of an award sheet (xlsx or csv): household, task, qty, note."""
    rows = read_rows(path, SHEET_COLUMNS, ("household", "task"))
    return [
        AwardLine(
            row.get("household"), row.get("task"), row.get("qty") or "1", row.get("note"), row.line
        )
        for row in rows
    ]
