"""Injected time (docs/design.md §4.7): every service asks a clock, never `datetime.now()`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from catalog.messages import Refused

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


def env_clock() -> FixedClock | None:
    """The fixed clock `AIXIN_CLOCK=YYYY-MM-DDTHH:MM:SS` asks for, or None when it is not set.

    It makes demos, screenshots and command-line tests repeatable; `audit.BooksClock` reads it
    only on books made for trying (demo, tests), never on a station's or a county's.
    """
    fixed = os.environ.get("AIXIN_CLOCK", "").strip()
    if not fixed:
        return None
    try:
        at = datetime.fromisoformat(fixed)
    except ValueError:
        raise Refused(
            "AIXIN_CLOCK 应写成 YYYY-MM-DDTHH:MM:SS，例如 2026-11-23T09:30:00，而不是“{value}”",
            value=fixed,
        ) from None
    return FixedClock(at.replace(tzinfo=None, microsecond=0), timedelta(seconds=1))


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
