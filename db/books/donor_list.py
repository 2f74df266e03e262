"""The donor acknowledgement list (爱心捐赠公示) of a month, as every receipt promises.

One line a donation the station took in that month, in the order received: date, donor (the
name as the receipt shows it), what was given (goods with quantities, cash), the estimated
value, the receipt number. Read from the donations and their lines, not from stock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from db.books.setup import here
from db.books.statements import check_month
from db.store.clock import Clock, month_bounds, stamp
from db.store.models import Donation, DonationLine, Donor, Item


@dataclass(frozen=True)
class DonorLine:
    receipt: int  # the donation's id (`ids.human` prints it)
    day: str  # 'YYYY-MM-DD'
    donor: str
    kind: str  # person | company
    goods: tuple[tuple[str, int, str], ...]  # (name, qty, unit), in the receipt's order
    cash_fen: int
    value_fen: int  # goods' estimated value plus cash


@dataclass(frozen=True)
class DonorList:
    station: str
    month: str
    lines: tuple[DonorLine, ...]
    donors: int  # distinct donors
    value_fen: int
    cash_fen: int
    made: str


def donor_list(month: str, clock: Clock) -> DonorList:
    month = check_month(month)
    low, high = month_bounds(month)
    gifts = list(
        cast(
            Iterable[tuple[int, str, str, str, int]],
            Donation.select(Donation.id, Donation.time, Donor.name, Donor.kind, Donation.cash_fen)
            .join(Donor)
            .where((Donation.time >= low) & (Donation.time < high))
            .order_by(Donation.time, Donation.id)
            .tuples(),
        )
    )
    goods: dict[int, list[tuple[str, int, str]]] = {}
    valued: dict[int, int] = {}
    if gifts:
        query = (
            DonationLine.select(
                DonationLine.donation,
                Item.name,
                DonationLine.qty,
                Item.unit,
                DonationLine.value_fen,
            )  # fmt: skip
            .join(Item)
            .join_from(DonationLine, Donation)
            .where((Donation.time >= low) & (Donation.time < high))
            .order_by(DonationLine.id)
            .tuples()
        )
        for gift, name, qty, unit, value in cast(Iterable[tuple[int, str, int, str, int]], query):
            goods.setdefault(gift, []).append((name, qty, unit))
            valued[gift] = valued.get(gift, 0) + value
    lines = tuple(
        DonorLine(
            id_, time[:10], name, kind, tuple(goods.get(id_, ())), cash, valued.get(id_, 0) + cash
        )  # fmt: skip
        for id_, time, name, kind, cash in gifts
    )
    return DonorList(
        here().name, month, lines, len({(ln.donor, ln.kind) for ln in lines}),
        sum(ln.value_fen for ln in lines), sum(ln.cash_fen for ln in lines), stamp(clock.now()),
    )  # fmt: skip
