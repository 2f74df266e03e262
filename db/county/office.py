"""The county office: its database, enrolling stations, sending them updates (docs/design.md §6).

The county database has the same schema as a station's. Its own station is `<county>-00`, of
kind `county`; it holds the roster and catalogs every station starts from, a row per enrolled
station with the station's key, and — after merges — every station's books. Its operators have
the role `county`: `init_county` makes the first, `county`, and every county service asks for
one of them (`officer`).
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
from db.store.models import County, Station, StationTownship, Township

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
    """Fill the empty database that is open as county `code`'s office, with its first county
    operator, `county`, whose PIN is `pin`."""
    if not PIN_PATTERN.match(pin):
        raise Refused("密码应为 4 到 8 位数字")
    with database.atomic():
        county = add_county(code, name, card_key=card_key, fen_per_point=fen_per_point)
        updates.signing_key(county.code)  # its key pair: the private half never leaves here
        office = add_station(clock, county, office_code(code), f"{county.name}扶贫办", "county")
        make_local(office)
        load_catalogs(default_tasks(), default_goods())
        add_operator(COUNTY_OPERATOR, "county", pin, clock)
        audit.record(
            COUNTY_OPERATOR, office.code, clock.now(), "county-init", f"{code} {county.name}"
        )
    return office


def has_county() -> bool:
    """Whether the open books hold a county already (a new PostgreSQL database holds none)."""
    return County.select().exists()


def county_office() -> Station:
    here = local_station()
    if here.kind != "county":
        raise Refused(
            "这不是县级数据库（站点 {code}）：请用 aixin county init 建的数据库", code=here.code
        )
    return here


def officer(actor: Actor) -> Station:
    """The county office, for `actor` — refused unless a county operator (DESIGN.md §2)."""
    require(actor, "county")
    return county_office()


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
        if not Township.get_or_none(Township.code == township):
            raise Refused("乡镇代码 {code} 不在本县花名册中", code=township)
    station = add_station(clock, County.get_by_id(office.county_id), code, name, kind, key=key)
    for township in places:
        StationTownship.create(station=station, township=township)
    audit.record(
        actor.name,
        office.code,
        clock.now(),
        "enroll",
        f"{code} {station.name} {kind} {'、'.join(places) or '全县'}",
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
    station = Station.get_or_none(Station.code == code.strip())
    if station is None or station.kind == "county":
        raise Refused("站点 {code} 没有在本县登记", code=code)
    body = updates.write(station.code, out, "update", clock)
    with database.atomic():
        audit.record(actor.name, office.code, clock.now(), "update", f"{station.code} {out.name}")
    return body


def valid_county_code(code: str) -> str:
    if not re.match(r"^\d{6}$", code.strip()):
        raise Refused("县代码应为 6 位数字（GB/T 2260），而不是 {code}", code=code)
    return code.strip()
