"""Holiday hand-outs (节日慰问): an event, who is eligible, one package per household.

An event has a name, a period (both days included), who is eligible and a package: goods and
quantities and/or points. Eligibility (docs/design.md §3): an active household of one of the
listed categories (when any are listed) and of one of the listed villages (when any are
listed), or one of the listed households; an event that lists only households is for those
alone, one that lists nothing for every active household. A household receives an event's
package once (a unique index on the hand-out): goods leave as stock moves of kind `handout`,
points arrive as a ledger entry of kind `handout`, all in one transaction with the hand-out.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.messages import N_, Message, Refused
from db.books import ledger, stock, visits
from db.books.auth import Actor, in_place, require
from db.books.households import refuse_inactive
from db.books.ledger import clean_note
from db.books.visits import parse_day
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import human, next_id, next_ids, parse_human
from db.store.models import (
    HOUSEHOLD_CATEGORIES,
    Event,
    EventItem,
    EventRule,
    Handout,
    HandoutLine,
    Household,
    Item,
    Station,
    Village,
)

# A package of points is a gift, not a wage: bounded far above any holiday's.
MAX_POINTS = 10_000
MAX_ITEMS = 20
MAX_RULES = 2_000


@dataclass(frozen=True)
class PackageLine:
    code: str
    name: str
    unit: str
    qty: int


@dataclass(frozen=True)
class EventView:
    id: int  # `ids.human` prints the number
    name: str
    starts: str
    ends: str
    points: int
    lines: tuple[PackageLine, ...]
    categories: tuple[str, ...]
    villages: tuple[str, ...]
    households: tuple[str, ...]
    eligible: int
    received: int


@dataclass(frozen=True)
class Standing:
    """A household against an event: may it receive, why not, and did it already."""

    event: EventView
    household: str
    head_name: str
    eligible: bool
    reason: Message  # why (not) eligible
    received: str | None  # when it received, if it did


@dataclass(frozen=True)
class SheetRow:
    household: str
    head_name: str
    village: str
    category: str
    members: int
    received: str | None


@dataclass(frozen=True)
class HandoutSlip:
    """What the receipt of a hand-out shows."""

    id: int
    event: str
    station: str
    time: str
    household: str
    head_name: str
    lines: tuple[PackageLine, ...]
    points: int
    balance_after: int
    operator: str
    village: str | None  # the visit's village, on the road


def parse_lines(texts: list[str] | tuple[str, ...]) -> list[tuple[str, int]]:
    """`CODE:QTY` items of the command line, as (code, qty); refuses anything else."""
    lines = []
    for text in texts:
        code, sep, qty = text.rpartition(":")
        if not sep or not code.strip() or not qty.strip().isdigit():
            raise Refused("物品应写成 编码:数量，例如 G001:2，而不是“{text}”", text=text)
        lines.append((code.strip(), stock.goods_qty(int(qty))))
    return lines


def add(
    actor: Actor,
    clock: Clock,
    name: str,
    starts: str,
    ends: str,
    *,
    categories: tuple[str, ...] = (),
    villages: tuple[str, ...] = (),
    households: tuple[str, ...] = (),
    items: list[tuple[str, int]] | None = None,
    points: int = 0,
) -> int:
    """A manager sets up an event for the station's households, or a county officer for the
    county's, which reaches the stations in their next update files; returns its id."""
    in_place(actor, "manage_events")
    mine = actor.county or ""  # a county officer names places of their own county only
    name = clean_note(name).strip()
    if not name:
        raise Refused("请写上慰问活动的名称")
    first, last = parse_day(starts, N_("开始日期")), parse_day(ends, N_("结束日期"))
    if last < first:
        raise Refused("结束日期 {ends} 早于开始日期 {starts}", starts=first, ends=last)
    if type(points) is not int or not 0 <= points <= MAX_POINTS:
        raise Refused(
            "慰问积分应为 0 到 {most} 之间的整数，而不是“{points}”", most=MAX_POINTS, points=points
        )
    lines = list(items or [])
    if not lines and not points:
        raise Refused("慰问包是空的：请写上物品（--item）或积分（--points）")
    if len(lines) > MAX_ITEMS:
        raise Refused("一次慰问最多 {most} 种物品", most=MAX_ITEMS)
    if len(categories) + len(villages) + len(households) > MAX_RULES:
        raise Refused("名单最多 {most} 条", most=MAX_RULES)
    for category in categories:
        if category not in HOUSEHOLD_CATEGORIES:
            raise Refused(
                "户类别应为 {known} 之一，而不是“{category}”",
                known=tuple(Message(c) for c in HOUSEHOLD_CATEGORIES),
                category=category,
            )
    for code in villages:
        if Village.get_or_none(Village.code == code) is None or not code.startswith(mine):
            raise Refused("没有编码为 {village} 的村", village=code)
    for number in households:
        found = Household.get_or_none(Household.number == number)
        if found is None or not found.village_id.startswith(mine):
            raise Refused("户号 {household} 不在本站的花名册里", household=number)
    package: dict[str, int] = {}
    for code, qty in lines:
        item = stock.find_item(code)
        package[item.code] = package.get(item.code, 0) + qty
    with database.atomic():
        now = clock.now()
        event_id = next_id(Event, actor.station)
        Event.create(
            id=event_id,
            name=name,
            starts=first,
            ends=last,
            points=points,
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        rules = [
            {"event": event_id, "kind": kind, "value": value}
            for kind, values in (
                ("category", categories),
                ("village", villages),
                ("household", households),
            )
            for value in sorted(set(values))
        ]
        if rules:
            EventRule.insert_many(rules).execute()
        if package:
            EventItem.insert_many(
                [{"event": event_id, "item": c, "qty": q} for c, q in package.items()]
            ).execute()
        audit.record(actor.name, actor.station, now, "event", f"{human(event_id)} {name}")
    return event_id


def number(text: str) -> int:
    """An event's number as typed ('451425-03-000001'): refuses one the books lack."""
    event_id = parse_human(text)
    if Event.get_or_none(Event.id == event_id) is None:
        raise Refused("没有编号为 {number} 的慰问活动", number=text.strip())
    return event_id


def _eligible_sql(event_id: int) -> tuple[str, list]:
    """The WHERE clause (over `household h`) of the event's eligible households: of the
    county of the station that set it (a database may hold several, docs/design.md §6.7)."""
    county = Event.get_by_id(event_id).station[:6]
    rules: dict[str, list[str]] = {"category": [], "village": [], "household": []}
    for rule in EventRule.select().where(EventRule.event == event_id):
        rules[rule.kind].append(rule.value)
    narrow, params = [], []
    for kind, column in (("category", "h.category"), ("village", "h.village_id")):
        if rules[kind]:
            narrow.append(f"{column} IN ({', '.join('?' * len(rules[kind]))})")
            params += rules[kind]
    listed = rules["household"]
    if narrow or not listed:
        clause = " AND ".join(narrow) or "true"
        if listed:
            clause = f"({clause}) OR h.number IN ({', '.join('?' * len(listed))})"
            params += listed
    else:
        clause = f"h.number IN ({', '.join('?' * len(listed))})"
        params += listed
    return f"h.status = 'active' AND substr(h.village_id, 1, 6) = ? AND ({clause})", [
        county,
        *params,
    ]


def view(event_id: int) -> EventView:
    event = Event.get_by_id(event_id)
    rules: dict[str, list[str]] = {"category": [], "village": [], "household": []}
    for rule in EventRule.select().where(EventRule.event == event_id).order_by(EventRule.value):
        rules[rule.kind].append(rule.value)
    lines = tuple(
        PackageLine(row.item.code, row.item.name, row.item.unit, row.qty)
        for row in EventItem.select(EventItem, Item)
        .join(Item)
        .where(EventItem.event == event_id)
        .order_by(Item.code)
    )
    where, params = _eligible_sql(event_id)
    eligible = database.execute_sql(
        f"SELECT COUNT(*) FROM household h WHERE {where}",  # noqa: S608 - built of constants
        params,
    ).fetchone()[0]
    received = Handout.select().where(Handout.event == event_id).count()
    return EventView(
        id=event.id,
        name=event.name,
        starts=event.starts,
        ends=event.ends,
        points=event.points,
        lines=lines,
        categories=tuple(rules["category"]),
        villages=tuple(rules["village"]),
        households=tuple(rules["household"]),
        eligible=eligible,
        received=received,
    )


def events() -> list[EventView]:
    """Every event, newest first, with how many are eligible and how many received."""
    return [
        view(e.id) for e in Event.select(Event.id).order_by(Event.starts.desc(), Event.id.desc())
    ]


def current(day: str) -> list[EventView]:
    """The events whose period holds `day` (YYYY-MM-DD)."""
    return [
        view(e.id)
        for e in Event.select(Event.id)
        .where(Event.starts <= day, Event.ends >= day)
        .order_by(Event.starts, Event.id)
    ]


def standing(event_id: int, household: str) -> Standing:
    """May `household` receive event `event_id`'s package, and did it already?"""
    event = view(event_id)
    person = Household.get_or_none(Household.number == household)
    if person is None:
        raise Refused("户号 {household} 不在本站的花名册里", household=household)
    done = Handout.get_or_none(Handout.event == event_id, Handout.household == household)
    where, params = _eligible_sql(event_id)
    eligible = (
        database.execute_sql(
            f"SELECT 1 FROM household h WHERE h.number = ? AND {where}",  # noqa: S608
            [household, *params],
        ).fetchone()
        is not None
    )
    return Standing(
        event=event,
        household=household,
        head_name=person.head_name,
        eligible=eligible,
        reason=_reason(event, person, eligible),
        received=done.time if done else None,
    )


def _reason(event: EventView, person: Household, eligible: bool) -> Message:
    if person.status != "active":
        return Message(N_("该户状态不是在册，不能领取"))
    if person.number in event.households:
        return Message(N_("该户在本次慰问的名单里"))
    if eligible:
        if not event.categories and not event.villages:
            return Message(N_("本次慰问发给所有在册农户"))
        return Message(N_("该户的类别和所在村符合本次慰问的条件"))
    if event.categories and person.category not in event.categories:
        return Message(
            N_("该户是{category}，本次慰问只发给 {categories}"),
            category=Message(person.category),
            categories=tuple(Message(c) for c in event.categories),
        )
    if event.villages and person.village_id not in event.villages:
        village = Village.get_by_id(person.village_id).name
        names = tuple(v.name for v in Village.select().where(Village.code.in_(event.villages)))
        return Message(
            N_("该户在{village}，本次慰问只发给 {villages}"), village=village, villages=names
        )
    return Message(N_("该户不在本次慰问的名单里"))


def handout(actor: Actor, clock: Clock, event_id: int, household: str) -> HandoutSlip:
    """Give `household` the package of event `event_id`, once; returns the receipt."""
    require(actor, "handout")
    with database.atomic():
        now = clock.now()
        today = stamp(now)[:10]
        check = standing(event_id, household)
        event = check.event
        person = Household.get_by_id(household)
        if person.status != "active":
            refuse_inactive(person.status, person.head_name, person.number)
        if check.received:
            raise Refused(
                "{name}（{household}）已于 {time} 领过“{event}”，不能再领",
                name=person.head_name,
                household=household,
                time=check.received,
                event=event.name,
            )
        if not check.eligible:
            raise Refused(
                "{name}（{household}）不能领“{event}”：{reason}",
                name=person.head_name,
                household=household,
                event=event.name,
                reason=check.reason,
            )
        if not event.starts <= today <= event.ends:
            raise Refused(
                "“{event}”的发放时间是 {starts} 至 {ends}，今天是 {today}",
                event=event.name,
                starts=event.starts,
                ends=event.ends,
                today=today,
            )
        visit = visits.open_visit(actor.station)
        handout_id = next_id(Handout, actor.station)
        entry_id = None
        if event.points:
            [entry_id] = ledger.append(
                actor.name,
                actor.station,
                now,
                [
                    ledger.NewEntry(
                        household=household,
                        points=event.points,
                        kind="handout",
                        note=f"{human(event.id)} {event.name}",
                    )
                ],
            )
        Handout.create(
            id=handout_id,
            event=event.id,
            household=household,
            entry=entry_id,
            visit=visit.id if visit else None,
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        moves = stock.append(
            actor.name,
            actor.station,
            now,
            [
                stock.NewMove(line.code, -line.qty, "handout", note=human(handout_id))
                for line in event.lines
            ],
        )
        if event.lines:
            HandoutLine.insert_many(
                [
                    {"id": i, "handout": handout_id, "item": line.code, "qty": line.qty, "move": m}
                    for i, line, m in zip(
                        next_ids(HandoutLine, actor.station, len(event.lines)),
                        event.lines,
                        moves,
                        strict=True,
                    )
                ]
            ).execute()
        audit.record(actor.name, actor.station, now, "handout", f"{human(event.id)} {household}")
        station = Station.get_by_id(actor.station).name
        balance = Household.get_by_id(household).balance
    return HandoutSlip(
        id=handout_id,
        event=event.name,
        station=station,
        time=stamp(now),
        household=household,
        head_name=person.head_name,
        lines=event.lines,
        points=event.points,
        balance_after=balance,
        operator=actor.name,
        village=visit.village if visit else None,
    )


def sheet(event_id: int, village: str | None = None) -> list[SheetRow]:
    """The eligible households of the event (of one village), in village and number order,
    each with when it received: the sign-off sheet (签领表)."""
    if village is not None and Village.get_or_none(Village.code == village) is None:
        raise Refused("没有编码为 {village} 的村", village=village)
    where, params = _eligible_sql(event_id)
    if village is not None:
        where += " AND h.village_id = ?"
        params.append(village)
    rows = database.execute_sql(
        "SELECT h.number, h.head_name, v.name, h.category, h.members, o.time "  # noqa: S608
        "FROM household h JOIN village v ON v.code = h.village_id "
        "LEFT JOIN handout o ON o.event_id = ? AND o.household_id = h.number "
        f"WHERE {where} ORDER BY h.village_id, h.number",
        [event_id, *params],
    )
    return [SheetRow(*row) for row in rows]
