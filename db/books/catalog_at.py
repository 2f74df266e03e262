"""The catalog as it stood at a moment: what a task was worth, what an item cost.

Today a task has one value and an item one price: the current rows of `task` and `item`. When
the catalog keeps its history (issue 10), these two functions are where it slots in: every
check that asks "what was it worth then" asks here. They return SQL expressions, so that a
check over a million rows stays one set-based statement; `task`, `item` and `time` are SQL
expressions too (columns of the rows being checked), never input.
"""

from __future__ import annotations


def task_points_at(task: str, time: str, schema: str = "main") -> str:
    """SQL: the points per unit of task `task` at moment `time` (NULL for an unknown task)."""
    del time  # one value for all time, until the rules sheet keeps its history
    return f"(SELECT points FROM {schema}.task WHERE code = {task})"  # noqa: S608 - constants


def item_price_at(item: str, time: str, schema: str = "main") -> str:
    """SQL: the price in points of item `item` at moment `time` (NULL for an unknown item)."""
    del time  # one price for all time, until prices keep their history
    return f"(SELECT price FROM {schema}.item WHERE code = {item})"  # noqa: S608 - constants
