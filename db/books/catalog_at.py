"""The catalog as it stood at a moment: what a task was worth, what an item cost.

This is the one place that answers "what was it worth then". A task's points per unit and its
cap (with whether the cap counts a month or a year) have a history, `task_value` (migration
0005): the value at time t is the line with the greatest `since` not after t, found with one
seek on the table's primary key. A task with no line at all (a row made by hand, before
0005) is worth what its row says. The award path, its cap check, the county's row checks of
a station's month file and the rules sheet shown all ask here. An item's price has its
history too (`item_price`, migration 0006), and a past redemption's check asks the price here.

The functions return SQL expressions, so that a check over a million rows stays one
set-based statement; `task`, `item` and `time` are SQL expressions too (columns of the rows
being checked, or a parameter), never input. `tasks_at` is the same for a handful of codes,
for the award path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from db.store.clock import month_bounds
from db.store.connection import database

ALWAYS = "0001-01-01"  # the `since` of a value that has held from the start
PERIODS = ("month", "year")


def _at(column: str, task: str, time: str, schema: str) -> str:
    """SQL: `column` of the task's line in force at `time`; a task with no history at all
    (a row made before it was kept) is worth what its row says."""
    line = (
        f"SELECT {column} FROM {schema}task_value WHERE task_id = {task} "  # noqa: S608
        f"AND since <= {time} ORDER BY since DESC LIMIT 1"
    )
    kept = f"SELECT 1 FROM {schema}task_value WHERE task_id = {task}"  # noqa: S608
    row = f"SELECT {column} FROM {schema}task WHERE code = {task}"  # noqa: S608
    return f"(CASE WHEN EXISTS ({kept}) THEN ({line}) ELSE ({row}) END)"


def task_points_at(task: str, time: str, schema: str = "") -> str:
    """SQL: the points per unit of task `task` at moment `time` (NULL for an unknown task, or
    one whose first value came after `time`)."""
    return _at("points", task, time, schema)


def task_cap_at(task: str, time: str, schema: str = "") -> str:
    """SQL: the cap of task `task` at moment `time`, in absolute points (NULL for none)."""
    return _at("cap", task, time, schema)


def task_per_at(task: str, time: str, schema: str = "") -> str:
    """SQL: what the cap of task `task` counts at moment `time`: 'month' or 'year'."""
    line = (
        f"SELECT per FROM {schema}task_value WHERE task_id = {task} "  # noqa: S608
        f"AND since <= {time} ORDER BY since DESC LIMIT 1"
    )
    return f"COALESCE(({line}), 'month')"


def item_price_at(item: str, time: str, schema: str = "", current: str | None = None) -> str:
    """SQL: the price in points of item `item` at moment `time` (NULL for an unknown item).

    `item_price` holds every change with the price before and after: the price at `time` is
    the one set by the last change at or before it, else the one the first later change
    replaced, else (never changed) the item's price — `current` when the row at hand is the
    item itself (its `price` column), else looked up."""
    listed = current or f"(SELECT price FROM {schema}item WHERE code = {item})"  # noqa: S608
    return (
        f"COALESCE((SELECT p.price FROM {schema}item_price AS p WHERE p.item_id = {item} "  # noqa: S608
        f"AND p.since <= {time} ORDER BY p.since DESC, p.id DESC LIMIT 1), "
        f"(SELECT p.old_price FROM {schema}item_price AS p WHERE p.item_id = {item} "
        f"AND p.since > {time} ORDER BY p.since, p.id LIMIT 1), {listed})"
    )


def cap_window(time: str, per: str) -> tuple[str, str]:
    """[start, end) of the month or the year of `time` that a cap counts."""
    if per == "year":
        year = int(time[:4])
        return f"{year:04d}-01-01 00:00:00", f"{year + 1:04d}-01-01 00:00:00"
    return month_bounds(time[:7])


class TaskAt(NamedTuple):
    """A line of the rules sheet as it stood at a moment."""

    code: str
    name: str
    category: str
    points: int | None  # None: the task had no value yet then
    unit: str
    cap: int | None
    per: str
    active: bool


TASKS_AT = (
    "WITH at (time) AS (SELECT ?) "
    "SELECT code, name, category, {points}, unit, {cap}, {per}, active FROM task AS t "
    "WHERE {where} ORDER BY code"
)


def tasks_at(time: str, codes: Iterable[str] | None = None) -> list[TaskAt]:
    """The tasks `codes` (every task when None) as they stood at `time` ('YYYY-MM-DD
    HH:MM:SS'), in code order: one statement, each value by one seek."""
    at = "(SELECT time FROM at)"
    fields = {
        "points": task_points_at("t.code", at),
        "cap": task_cap_at("t.code", at),
        "per": task_per_at("t.code", at),
    }
    wanted = None if codes is None else sorted(set(codes))
    found: list[TaskAt] = []
    for chunk in _chunks(wanted):
        where = "1" if chunk is None else f"code IN ({', '.join('?' * len(chunk))})"
        sql = TASKS_AT.format(where=where, **fields)
        rows = database.execute_sql(sql, [time, *(chunk or [])])
        for code, name, category, points, unit, cap, per, active in rows:
            found.append(TaskAt(code, name, category, points, unit, cap, per, bool(active)))
    return found


def _chunks(codes: list[str] | None, size: int = 900) -> Iterable[list[str] | None]:
    if codes is None:
        yield None
        return
    for at in range(0, len(codes), size):
        yield codes[at : at + size]
