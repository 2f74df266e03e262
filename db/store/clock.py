"""Injected time (docs/design.md §4.7): every service asks a clock, never `datetime.now()`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock local time, to the second."""

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)


@dataclass
class FixedClock:
    """A clock that reads `at`, moving on by `step` after every reading (tests, demo, replays)."""

    at: datetime
    step: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        current = self.at
        self.at = self.at + self.step
        return current

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)


def default_clock() -> Clock:
    """The system clock, or a fixed one when `AIXIN_CLOCK=YYYY-MM-DDTHH:MM:SS` is set.

    The variable makes demos, screenshots and command-line tests repeatable.
    """
    fixed = os.environ.get("AIXIN_CLOCK")
    if fixed:
        return FixedClock(datetime.fromisoformat(fixed), timedelta(seconds=1))
    return SystemClock()


def stamp(moment: datetime) -> str:
    """The one text form of a moment stored in the books: sortable, second precision."""
    return moment.strftime(TIME_FORMAT)


def month_bounds(month: str) -> tuple[str, str]:
    """'2026-10' -> ('2026-10-01 00:00:00', '2026-11-01 00:00:00'), for range queries."""
    start = datetime.strptime(month, "%Y-%m")
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return stamp(start), stamp(end)


def next_month(month: str) -> str:
    """'2026-12' -> '2027-01'."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}"
