"""The mobile shop's visits (流动超市): one village, one day, open until closed.

While a visit is open at a station, every redemption and hand-out made there records it
(`visit_redemption`, `handout.visit_id`), so the station's list of visits shows who was reached
where. One visit at a time is open at a station; opening another closes none silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from catalog.messages import N_, Message, Refused
from db.books import households
from db.books.auth import Actor, require
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import human, next_id
from db.store.models import Village, Visit, VisitRedemption

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str, what: str) -> str:
    """A day typed as YYYY-MM-DD; `what` (a msgid) names the field in the refusal."""
    try:
        if not DAY.match(text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise Refused(
            "{what}应为 YYYY-MM-DD 的日期，而不是“{text}”", what=Message(what), text=text
        ) from None


@dataclass(frozen=True)
class VisitView:
    id: int
    village_code: str
    village: str  # the village's name
    day: str
    opened: str
    closed: str | None
    households: int  # households reached: redeemed or received a hand-out
    redemptions: int
    handouts: int


def _view(visit: Visit) -> VisitView:
    counts = database.execute_sql(
        "SELECT (SELECT COUNT(*) FROM visit_redemption WHERE visit_id = :v), "
        "(SELECT COUNT(*) FROM handout WHERE visit_id = :v), "
        "(SELECT COUNT(*) FROM (SELECT r.household_id FROM visit_redemption x "
        "JOIN redemption r ON r.id = x.redemption_id WHERE x.visit_id = :v "
        "UNION SELECT household_id FROM handout WHERE visit_id = :v))",
        {"v": visit.id},
    ).fetchone()
    return VisitView(
        id=visit.id,
        village_code=visit.village_id,
        village=Village.get_by_id(visit.village_id).name,
        day=visit.day,
        opened=visit.opened,
        closed=visit.closed,
        households=counts[2],
        redemptions=counts[0],
        handouts=counts[1],
    )


def open_visit(station: str) -> VisitView | None:
    """The visit open at `station`, if any."""
    visit = (
        Visit.select()
        .where(Visit.station == station, Visit.closed.is_null())
        .order_by(Visit.id.desc())
        .first()
    )
    return _view(visit) if visit else None


def start(actor: Actor, clock: Clock, village: str, day: str | None = None) -> VisitView:
    """Open a visit of `village` (its code, or its name when unique) on `day` (today when
    None) at the actor's station."""
    require(actor, "visit")
    place = households.village_of(village.strip())
    village = place.code
    with database.atomic():
        now = clock.now()
        when = parse_day(day, N_("日期")) if day else stamp(now)[:10]
        current = open_visit(actor.station)
        if current is not None:
            raise Refused(
                "{village} {day} 的巡回还开着：请先结束它",
                village=current.village,
                day=current.day,
            )
        visit_id = next_id(Visit, actor.station)
        Visit.create(
            id=visit_id,
            village=village,
            day=when,
            operator=actor.name,
            station=actor.station,
            opened=stamp(now),
        )
        audit.record(actor.name, actor.station, now, "visit", f"{human(visit_id)} {village} {when}")
        return _view(Visit.get_by_id(visit_id))


def close(actor: Actor, clock: Clock) -> VisitView:
    """Close the visit open at the actor's station."""
    require(actor, "visit")
    with database.atomic():
        now = clock.now()
        current = open_visit(actor.station)
        if current is None:
            raise Refused("现在没有开着的巡回")
        Visit.update(closed=stamp(now)).where(Visit.id == current.id).execute()
        audit.record(actor.name, actor.station, now, "visit-close", human(current.id))
        return _view(Visit.get_by_id(current.id))


def record_redemption(station: str, redemption: int) -> None:
    """Inside the redemption's transaction: the open visit, if any, records it."""
    current = (
        Visit.select(Visit.id)
        .where(Visit.station == station, Visit.closed.is_null())
        .order_by(Visit.id.desc())
        .first()
    )
    if current is not None:
        VisitRedemption.insert(redemption=redemption, visit=current.id).execute()


def visits() -> list[VisitView]:
    """Every visit, newest first, with how many households it reached."""
    return [_view(v) for v in Visit.select().order_by(Visit.day.desc(), Visit.id.desc())]
