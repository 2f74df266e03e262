"""The county office: its database, enrolling stations, sending them updates (docs/design.md §6).

The county database has the same schema as a station's. Its own station is `<county>-00`, of
kind `county`; it holds the roster and catalogs every station starts from, a row per enrolled
station with the station's key, and — after merges — every station's books. Its operators have
the role `county`: `init_county` makes the first, `county`, and every county service asks for
one of them (`officer`).

A database may hold several counties (docs/design.md §6.7): each has its office `<county>-00`
and its officers, bound to it (`operator.county_id`); `officer` gives the office of the
signed-in officer's county, and every service here acts for that county alone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from catalog.loader import default_goods, default_tasks
from catalog.messages import Refused
from db.books.auth import PIN_PATTERN, Actor, add_operator, hash_pin, require
from db.books.setup import (
    KIND_NAMES,
    add_county,
    add_station,
    load_catalogs,
    local_station,
    make_local,
)
from db.county import updates
from db.county.updates import FirstOperator
from db.store import audit
from db.store.clock import Clock
from db.store.connection import database
from db.store.ids import station_number
from db.store.models import County, Operator, Setting, Station, StationTownship, Township

ENROLL_KINDS = {kind: name for kind, name in KIND_NAMES.items() if kind != "county"}
COUNTY_OPERATOR = "county"  # the operator `init_county` makes


def office_code(county: str) -> str:
    return f"{county}-00"


def init_county(
    code: str,
    name: str,
    clock: Clock,
    *,
    pin: str,
    card_key: str | None = None,
    fen_per_point: int = 100,
) -> Station:
    """Make county `code`'s office in the open database, with its first county operator (PIN
    `pin`), and return the office.

    In an empty database the office becomes the database's own station and the default
    catalogs are loaded; its operator is `county`. A database that holds other counties gets
    one more (docs/design.md §6.7): the catalogs stay as they are (one for the database), and
    the operator is `county` if no one has that name, else `county-<code>` (`first_operator`).
    """
    if not PIN_PATTERN.match(pin):
        raise Refused("密码应为 4 到 8 位数字")
    with database.atomic():
        first = Setting.get_or_none(Setting.name == "station") is None
        if not first:
            county_office()  # more counties, in a county database only
            if County.get_or_none(County.code == code):
                raise Refused("县 {code} 已经在这个数据库里", code=code)
        operator = first_operator(code)
        county = add_county(code, name, card_key=card_key, fen_per_point=fen_per_point)
        updates.signing_key(county.code)  # its key pair: the private half never leaves here
        office = add_station(clock, county, office_code(code), f"{county.name}扶贫办", "county")
        if first:
            make_local(office)
            load_catalogs(default_tasks(), default_goods())
        add_operator(operator, "county", pin, clock, county=code)
        audit.record(operator, office.code, clock.now(), "county-init", f"{code} {county.name}")
    return office


def first_operator(county: str) -> str:
    """The name `init_county` gives county `county`'s first operator."""
    taken = Operator.get_or_none(Operator.name == COUNTY_OPERATOR) is not None
    return f"{COUNTY_OPERATOR}-{county}" if taken else COUNTY_OPERATOR


def has_county() -> bool:
    """Whether the open books hold a county already (a new PostgreSQL database holds none)."""
    return County.select().exists()


def county_office(code: str | None = None) -> Station:
    """County `code`'s office (the database's own station when None); refused when this is not
    a county database or holds no such county."""
    here = local_station()
    if here.kind != "county":
        raise Refused(
            "这不是县级数据库（站点 {code}）：请用 aixin county init 建的数据库", code=here.code
        )
    if code is None or code == here.county_id:
        return here
    office = Station.get_or_none(Station.code == office_code(code))
    if office is None or office.kind != "county":
        raise Refused("县 {code} 不在这个数据库里", code=code)
    return office


def officer(actor: Actor) -> Station:
    """The office of `actor`'s county — refused unless a county operator (DESIGN.md §2). In a
    database of several counties every county service acts for that county alone (§6.7)."""
    require(actor, "county")
    return county_office(actor.county)


def counties() -> list[County]:
    """The counties of this database, by code."""
    return list(County.select().order_by(County.code))


def own_station(office: Station, code: str) -> Station:
    """Station `code` of `office`'s county; another county's station is refused like an
    unknown one."""
    station = Station.get_or_none(Station.code == code.strip())
    if station is None or station.kind == "county" or station.county_id != office.county_id:
        raise Refused("站点 {code} 没有在本县登记", code=code)
    return station


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def register(
    actor: Actor,
    clock: Clock,
    code: str,
    name: str,
    kind: str,
    townships: Sequence[str] = (),
    *,
    key: str | None = None,
) -> Station:
    """`actor` adds station `code`, serving `townships` (every township when none are given).

    Call inside a transaction; `enroll` does, and writes the setup file in the same one.
    """
    office = officer(actor)
    code = code.strip()
    station_number(code)
    if code == office.code:
        raise Refused("站点编码 {code} 是县里自己的，请换一个", code=code)
    if kind not in ENROLL_KINDS:
        raise Refused(
            "站点类型应为 shop（乡镇超市）、mobile（流动超市）或 village（村级服务点），"
            "而不是 {kind}",
            kind=kind,
        )
    places = list(dict.fromkeys(t.strip() for t in townships))
    for township in places:
        if not in_county(township, office.county_id) or not Township.get_or_none(
            Township.code == township
        ):
            raise Refused("乡镇代码 {code} 不在本县花名册中", code=township)
    station = add_station(clock, County.get_by_id(office.county_id), code, name, kind, key=key)
    for township in places:
        StationTownship.create(station=station, township=township)
    audit.record(
        actor.name,
        office.code,
        clock.now(),
        "enroll",
        f"{code} {station.name} {kind} townships={','.join(places) or '*'}",
    )
    return station


def enroll(
    actor: Actor,
    clock: Clock,
    code: str,
    name: str,
    kind: str,
    out: Path,
    *,
    townships: Sequence[str] = (),
    manager_pin: str,
) -> Station:
    """`actor` enrolls station `code` and writes its setup file to `out`.

    Its first operator is `manager` with `manager_pin`; the file carries only the PIN's hash.
    """
    officer(actor)
    if not PIN_PATTERN.match(manager_pin):
        raise Refused("密码应为 4 到 8 位数字")
    manager = FirstOperator("manager", "manager", hash_pin(manager_pin))
    updates.write(
        code.strip(),
        out,
        "setup",
        clock,
        [manager],
        inside=lambda: register(actor, clock, code, name, kind, townships),
    )
    return Station.get_by_id(code.strip())


def write_update(actor: Actor, code: str, out: Path, clock: Clock) -> dict:
    """`actor` writes the update file for station `code`; returns its manifest."""
    office = officer(actor)
    station = own_station(office, code)
    body = updates.write(station.code, out, "update", clock)
    with database.atomic():
        audit.record(actor.name, office.code, clock.now(), "update", f"{station.code} {out.name}")
    return body


def in_county(place: str, county: str) -> bool:
    """Whether place `place` (a township's, village's or group's code) is county `county`'s:
    place codes begin with their county's six digits (GB/T 2260, docs/design.md §6.7)."""
    return place.startswith(county)


def valid_county_code(code: str) -> str:
    if not re.match(r"^\d{6}$", code.strip()):
        raise Refused("县代码应为 6 位数字（GB/T 2260），而不是 {code}", code=code)
    return code.strip()
