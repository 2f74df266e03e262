"""The honour roll (积分光荣榜) of a village and month: the households that earned most.

Earned means the points of the month's awards (work against the rules sheet) that no reversal
has undone, per household of the village; the roll ranks them, equal points sharing a rank,
and keeps every household whose rank is within `top`. Deductions of the month are counted for
the village (entries, households, points) without names — a roll on the wall praises, it does
not shame — unless the county says otherwise (`county settings --name-deductions yes`, which
reaches stations in setup and update files), when they are listed by household too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from peewee import JOIN, fn

from catalog.messages import Refused
from db.books.auth import Actor, require
from db.books.setup import here, local_station, village
from db.books.statements import check_month
from db.books.views import VillageView
from db.store import audit
from db.store.clock import Clock, month_bounds, stamp
from db.store.connection import database
from db.store.models import County, Entry, Household

TOP = 10


@dataclass(frozen=True)
class RollLine:
    rank: int
    household: str
    head_name: str
    points: int
    entries: int


@dataclass(frozen=True)
class HonourRoll:
    village: VillageView
    station: str
    month: str
    lines: tuple[RollLine, ...]
    earning: int  # households of the village that earned in the month
    earned: int  # their points together
    deduction_entries: int
    deduction_households: int
    deduction_points: int  # negative
    named_deductions: tuple[RollLine, ...]  # empty unless the county names them
    made: str


def _sums(kind: str, village_code: str, low: str, high: str) -> list[tuple[str, str, int, int]]:
    """(household, head name, points, entries) of `kind`, not reversed, in [low, high)."""
    undo = Entry.alias()
    query = (
        Entry.select(Household.number, Household.head_name, fn.SUM(Entry.points), fn.COUNT(1))
        .join(Household, on=(Entry.household == Household.number))
        .join_from(Entry, undo, JOIN.LEFT_OUTER, on=(undo.reverses == Entry.id))
        .where(
            (Household.village == village_code)
            & (Entry.kind == kind)
            & (Entry.time >= low)
            & (Entry.time < high)
            & undo.id.is_null()
        )
        .group_by(Household.number)
        .tuples()
    )
    return list(cast(Iterable[tuple[str, str, int, int]], query))


def honour_roll(village_code: str, month: str, clock: Clock, *, top: int = TOP) -> HonourRoll:
    month = check_month(month)
    if top < 1:
        raise Refused("光荣榜至少列 1 户，而不是 {top}", top=top)
    place = village(village_code.strip())
    low, high = month_bounds(month)
    earned = [row for row in _sums("award", place.code, low, high) if row[2] > 0]
    earned.sort(key=lambda row: (-row[2], row[0]))
    lines: list[RollLine] = []
    for n, (number, name, points, count) in enumerate(earned):
        rank = lines[-1].rank if lines and lines[-1].points == points else n + 1
        if rank > top:
            break
        lines.append(RollLine(rank, number, name, points, count))
    deducted = _sums("deduction", place.code, low, high)
    named: tuple[RollLine, ...] = ()
    if names_deductions():
        deducted.sort(key=lambda row: (row[2], row[0]))
        named = tuple(RollLine(0, *row) for row in deducted)
    return HonourRoll(
        place, here().name, month, tuple(lines), len(earned), sum(r[2] for r in earned),
        sum(r[3] for r in deducted), len(deducted), sum(r[2] for r in deducted), named,
        stamp(clock.now()),
    )  # fmt: skip


def names_deductions() -> bool:
    """Whether this station's county lists deductions on its honour rolls by household."""
    county = County.get_or_none(County.code == local_station().county_id)
    return bool(county and county.roll_names_deductions)


def set_names_deductions(actor: Actor, clock: Clock, named: bool) -> None:
    """The county says whether its honour rolls name the households deducted; stations get it
    in setup and update files, as they get the posting days."""
    require(actor, "county")
    with database.atomic():
        # the officer's county (docs/design.md §6.7); a station's books hold one county
        county = actor.county or local_station().county_id
        County.update(roll_names_deductions=int(named)).where(County.code == county).execute()
        audit.record(
            actor.name, actor.station, clock.now(), "roll_names_deductions", str(int(named))
        )
