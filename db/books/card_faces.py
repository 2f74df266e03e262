"""What goes on printed member cards: which households, and the words and payload of each.

Headless on purpose: the command line, the shop screen and the benchmark all ask this module
for the faces and hand them to the renderer in `pos.cards`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from catalog.messages import Refused
from db.books.cards import cardable, payload
from db.books.setup import local_station
from db.store.models import Card, County, Household, Township, Village


@dataclass(frozen=True)
class CardFace:
    """Everything printed on one card."""

    payload: str
    household: str
    head_name: str
    village: str
    township: str
    county: str
    station: str
    issued: str  # YYYY-MM-DD
    serial: int


def faces(*, village: str | None = None, households: Sequence[str] = ()) -> list[CardFace]:
    """The live cards to print: named households, one village's, or every active household's.

    Named households must each exist, be active and have a live card, or the whole print is
    refused naming the first that does not: a sheet with a silent gap gets handed out wrong.
    """
    here = local_station()
    county = here.county
    query = (
        Household.select(
            Household.number,
            Household.head_name,
            Village.name,
            Township.name,
            Card.serial,
            Card.issued,
        )
        .join(Village)
        .join(Township)
        .switch(Household)
        .join(Card, on=((Card.household == Household.number) & Card.revoked.is_null()))
        .where(Household.status == "active")
        .order_by(Village.code, Household.number)
    )
    numbers = [n.strip().upper() for n in households]
    if village is not None:
        if not Village.get_or_none(Village.code == village.strip()):
            raise Refused("村代码 {code} 不存在", code=village)
        query = query.where(Household.village == village.strip())
    if numbers:
        _check_named(numbers)
        query = query.where(Household.number.in_(numbers))
    found = cast(Iterable[tuple[str, str, str, str, int, str]], query.tuples())
    counties = {county.code: county}
    if here.kind == "county":  # a database of several counties (docs/design.md §6.7)
        counties.update((c.code, c) for c in County.select())

    def of(number: str) -> County:  # the household's village's county, else this one's
        village_code = Household.get_by_id(number).village_id if len(counties) > 1 else ""
        return counties.get(village_code[:6], county)

    rows = [
        CardFace(
            payload=payload(of(number), number, serial),
            household=number,
            head_name=name,
            village=village_name,
            township=township_name,
            county=of(number).name,
            station=here.name,
            issued=issued[:10],
            serial=serial,
        )
        for number, name, village_name, township_name, serial, issued in found
    ]
    if numbers:
        # In the order asked for, once each: the person at the desk reads them off a list.
        by_number = {face.household: face for face in rows}
        for number in numbers:
            if number not in by_number:  # named, fine, but outside --village
                raise Refused("户 {number} 不在村 {code}", number=number, code=village)
        rows = [by_number[n] for n in dict.fromkeys(numbers)]
    if not rows:
        raise Refused("没有要打印的卡：所选范围内没有持有效卡的正常户")
    return rows


def _check_named(numbers: list[str]) -> None:
    for number in numbers:
        cardable(number)
        if not Card.select().where((Card.household == number) & Card.revoked.is_null()).exists():
            raise Refused("户 {number} 还没有有效的积分卡，请站长发卡", number=number)
