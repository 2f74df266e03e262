"""Redemption: a household spends points on goods (docs/design.md §3, §4.4).

The redemption, its lines, its ledger entry and its stock moves are written in one
transaction that holds the write lock from the first read of the balance to the last write,
so a redemption never overdraws points or stock and is never half-written. `redeem` returns
the slip as it is printed (`views.Slip`), balances before and after included.
"""

from __future__ import annotations

from collections import defaultdict

from catalog.messages import Refused
from db.books import ledger, stock, visits
from db.books.auth import Actor, require
from db.books.households import require_active
from db.books.views import Slip, SlipLine
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import human, id_range, next_id, next_ids
from db.store.models import Entry, Household, Item, Redemption, RedemptionLine, Station

MAX_LINES = 50


def redeem(actor: Actor, clock: Clock, household: str, basket: list[tuple[str, int]]) -> Slip:
    """Exchange points for goods. `basket` holds (item code or barcode, quantity) pairs."""
    require(actor, "redeem")
    if not basket:
        raise Refused("购物篮是空的")
    if len(basket) > MAX_LINES:
        raise Refused("一次最多兑换 {most} 种商品", most=MAX_LINES)
    with database.atomic():
        now = clock.now()
        person = require_active(household)
        wanted: dict[str, int] = defaultdict(int)
        items = {}
        for code, qty in basket:
            item = stock.find_item(code)
            wanted[item.code] += stock.goods_qty(qty)
            items[item.code] = item
        for code, qty in wanted.items():
            if items[code].stock < qty:
                raise Refused(
                    "“{name}”库存只有 {stock} {unit}，兑换不了 {qty} {unit}",
                    name=items[code].name,
                    stock=items[code].stock,
                    qty=qty,
                    unit=items[code].unit,
                )
        total = sum(items[c].price * q for c, q in wanted.items())
        if total > person.balance:
            raise Refused(
                "{name} 积分不足：余额 {balance} 分，需要 {total} 分",
                name=person.head_name,
                balance=person.balance,
                total=total,
            )
        redemption = Redemption.create(
            id=next_id(Redemption, actor.station),
            household=person.number,
            total=total,
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        visits.record_redemption(actor.station, redemption.id)
        line_ids = next_ids(RedemptionLine, actor.station, len(wanted))
        RedemptionLine.insert_many(
            [
                {
                    "id": i,
                    "redemption": redemption.id,
                    "item": code,
                    "qty": qty,
                    "price": items[code].price,
                    "points": items[code].price * qty,
                }
                for i, (code, qty) in zip(line_ids, wanted.items(), strict=True)
            ]
        ).execute()
        ledger.append(
            actor.name,
            actor.station,
            now,
            [
                ledger.NewEntry(
                    household=person.number,
                    points=-total,
                    kind="redemption",
                    redemption=redemption.id,
                    qty=sum(wanted.values()),
                )
            ],
        )
        stock.append(
            actor.name,
            actor.station,
            now,
            [
                stock.NewMove(code, -qty, "redemption", redemption=redemption.id)
                for code, qty in wanted.items()
            ],
        )
        audit.record(
            actor.name,
            actor.station,
            now,
            "redemption",
            f"{person.number} {total} 分，{len(wanted)} 种商品",
        )
        station = Station.get_by_id(actor.station).name
    return Slip(
        id=redemption.id,
        station=station,
        time=redemption.time,
        household=person.number,
        head_name=person.head_name,
        lines=tuple(
            SlipLine(c, items[c].name, items[c].unit, items[c].price, q, items[c].price * q)
            for c, q in wanted.items()
        ),
        total=total,
        balance_before=person.balance,
        balance_after=person.balance - total,
        operator=actor.name,
    )


def slip(number: int) -> Slip:
    """Redemption `number`'s slip, read back from the books (to print it again).

    The balances are the household's sum of entries up to the redemption's own, in the order
    of their times (then ids): what the books now say it had then. An entry of another
    station dated before the sale but taken in after it counts, though the slip printed at
    the till did not know of it."""
    redemption = Redemption.get_or_none(Redemption.id == number)
    if redemption is None:
        raise Refused("兑换单 {slip} 不存在", slip=human(number))
    lines = (
        RedemptionLine.select(RedemptionLine, Item)
        .join(Item)
        .where(RedemptionLine.redemption == number)
        .order_by(RedemptionLine.id)
    )
    entry = Entry.get_or_none(Entry.redemption == number, Entry.kind == "redemption")
    last = entry.id if entry is not None else 0
    after = database.execute_sql(
        "SELECT COALESCE(SUM(points), 0) FROM ledger_entry WHERE household_id = ? "
        "AND (time < ? OR (time = ? AND id <= ?))",
        (redemption.household_id, redemption.time, redemption.time, last),
    ).fetchone()[0]
    station = Station.get_or_none(Station.code == redemption.station)
    return Slip(
        id=redemption.id,
        station=station.name if station else redemption.station,
        time=redemption.time,
        household=redemption.household_id,
        head_name=Household.get_by_id(redemption.household_id).head_name,
        lines=tuple(
            SlipLine(ln.item.code, ln.item.name, ln.item.unit, ln.price, ln.qty, ln.points)
            for ln in lines
        ),
        total=redemption.total,
        balance_before=after + redemption.total,
        balance_after=after,
        operator=redemption.operator,
    )


def latest(station: str) -> int | None:
    """The newest redemption `station` made (the slip a till prints again)."""
    low, high = id_range(station)
    return database.execute_sql(
        "SELECT MAX(id) FROM redemption WHERE id >= ? AND id < ?", (low, high)
    ).fetchone()[0]
