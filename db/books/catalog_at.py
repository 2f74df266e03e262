"""The catalog as it stood at a moment: what a task was worth, what an item cost.

Every check that asks "what was it worth then" asks here. They return SQL expressions, so that
a check over a million rows stays one set-based statement; `task`, `item` and `time` are SQL
expressions too (columns of the rows being checked), never input.
"""

from __future__ import annotations


def task_points_at(task: str, time: str, schema: str = "main") -> str:
    """SQL: the points per unit of task `task` at moment `time` (NULL for an unknown task)."""
    del time  # one value for all time, until the rules sheet keeps its history
    return f"(SELECT points FROM {schema}.task WHERE code = {task})"  # noqa: S608 - constants


def item_price_at(item: str, time: str, schema: str = "main", current: str | None = None) -> str:
    """SQL: the price in points of item `item` at moment `time` (NULL for an unknown item).

    `item_price` holds every change with the price before and after: the price at `time` is
    the one set by the last change at or before it, else the one the first later change
    replaced, else (never changed) the item's price — `current` when the row at hand is the
    item itself (its `price` column), else looked up."""
    listed = current or f"(SELECT price FROM {schema}.item WHERE code = {item})"  # noqa: S608
    return (
        f"COALESCE((SELECT p.price FROM {schema}.item_price AS p WHERE p.item_id = {item} "  # noqa: S608
        f"AND p.since <= {time} ORDER BY p.since DESC, p.id DESC LIMIT 1), "
        f"(SELECT p.old_price FROM {schema}.item_price AS p WHERE p.item_id = {item} "
        f"AND p.since > {time} ORDER BY p.since, p.id LIMIT 1), {listed})"
    )
