"""`aixin demo --county-db`: demo stations enrolled in one county, as if they had been for months.

The demo county is made by `create` (books made for trying, its operator `county` with PIN
1234); a county made by `county init` is never used for a demo. The county side registers the
demo station (its two townships, a fresh station key) as of the day its history begins; after
the station is built, its finished months but the last are exported and merged, as if it had
sent them month by month. The last finished month is left for the person trying the county
loop to export and merge.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from catalog.messages import Refused
from db.books import auth
from db.books.setup import Place, add_places, local_station, new_key
from db.county import office, updates
from db.demo import names
from db.demo import station as demo
from db.exchange import export
from db.store import audit
from db.store.clock import Clock, FixedClock, next_month, stamp
from db.store.connection import database
from db.store.models import County, Household, Operator, Station, StationTownship

HISTORY = timedelta(days=120)  # how far back demo.build starts its clock


def county_name(code: str) -> str:
    return names.COUNTIES.get(code, names.DEFAULT_COUNTY_NAME)


def create(code: str, clock: Clock) -> Station:
    """Fill the empty database that is open as demo county `code`'s office."""
    with database.atomic():
        audit.mark_trial("demo")
        return office.init_county(code, county_name(code), clock, pin=demo.DEMO_PIN)


def _trial() -> None:
    if not audit.is_trial():
        raise Refused(
            "这个县级数据库不是演示建的：演示站点只登记到演示的县级数据库，请换一个 --county-db"
        )


def join(code: str, clock: Clock) -> str | None:
    """Demo county `code` in the open demo county database, added when it holds only others
    (docs/design.md §6.7); the name of its new operator when it was added, else None."""
    _trial()
    if County.get_or_none(County.code == code) is not None:
        return None
    name = office.first_operator(code)
    office.init_county(code, county_name(code), clock, pin=demo.DEMO_PIN)
    return name


def operator_of(code: str) -> str:
    """The name of demo county `code`'s first operator."""
    found = (
        Operator.select()
        .where((Operator.role == "county") & (Operator.county == code))
        .order_by(Operator.id)
        .first()
    )
    if found is None:
        raise Refused("县 {code} 不在这个数据库里", code=code)
    return found.name


def officer(clock: Clock, code: str | None = None) -> auth.Actor:
    """Demo county `code`'s operator (the database's own county's when None), signed in; a
    county not made by the demo is refused."""
    _trial()
    name = operator_of(code) if code else office.COUNTY_OPERATOR
    return auth.sign_in(name, demo.DEMO_PIN, clock)


def register(actor: auth.Actor, station: str, today: datetime) -> tuple[str, str, str]:
    """In the open county database: `actor` enrolls demo `station`; returns (card key, station
    key, the county's public key)."""
    home = office.officer(actor)
    if station[:6] != home.county_id:
        raise Refused("站点 {station} 不属于县 {county}", station=station, county=home.county_id)
    if Station.get_or_none(Station.code == station):
        raise Refused(
            "站点 {station} 已经登记在这个县数据库里：换一个 --station，或换一个县数据库",
            station=station,
        )
    townships = demo.demo_townships(station[:6], int(station[-2:]))
    taken = StationTownship.get_or_none(StationTownship.township.in_([t.code for t in townships]))
    if taken is not None:
        raise Refused(
            "演示站点 {station} 的乡镇已由站点 {other} 服务，请换一个站点编号",
            station=station,
            other=taken.station_id,
        )
    clash = _clashing_household(station[:6], townships)
    if clash is not None:
        raise Refused(
            "演示站点 {station} 的户号会与县 {other} 的户号重复（一个数据库里户号不能重复），"
            "请换一个站点编号",
            station=station,
            other=clash,
        )
    with database.atomic():
        add_places(townships, [])
        enrolled = FixedClock(today - HISTORY)
        here = office.register(
            actor,
            enrolled,
            station,
            demo.shop_name(townships),
            "shop",
            [t.code for t in townships],
            key=new_key(),
        )
        updates.signing_key(home.county_id)
    county = County.get_by_id(home.county_id)
    return county.card_key, here.key, str(county.public_key)


def _clashing_household(county: str, townships: list[Place]) -> str | None:
    """Another county whose households have numbers a demo station of `townships` would give
    (demo numbers begin with the township's last three digits); None when there is none."""
    for township in townships:
        found = (
            Household.select(Household.village)
            .where(
                Household.number.startswith(township.code[6:])
                & ~Household.village.startswith(county)
            )
            .first()
        )
        if found is not None:
            return str(found.village_id)[:6]
    return None


def earlier_months(today: datetime) -> list[str]:
    """The finished months of the open demo station but the last: what it has already sent."""
    last = stamp(today.replace(day=1) - timedelta(days=1))[:7]
    month, months = local_station().enrolled[:7], []
    while month < last:
        months.append(month)
        month = next_month(month)
    return months


def export_earlier(today: datetime, out: Path, clock: Clock) -> list[Path]:
    manager = auth.sign_in("manager", demo.DEMO_PIN, clock)
    return [export.export_month(manager, m, out, clock).path for m in earlier_months(today)]
