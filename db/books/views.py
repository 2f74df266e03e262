"""What the books hand to the screens and the command line: small frozen values.

Screens, widgets and commands never hold a peewee model: the services they call return these,
each read in one query, so nothing goes back to the database later by a lazy attribute. ID
numbers leave the books masked; only `households.form_for` (the edit form) has the whole one.
Names are data: the screens translate only the msgids (category, status, kind).
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from db.books.idnumber import mask
from db.store.models import Card, Entry, Group, Household, Item, Task, TaskValue, Township, Village


@dataclass(frozen=True)
class StationView:
    code: str  # e.g. 451425-03
    name: str
    kind: str  # shop, mobile, village, county
    county: str  # the county's code


@dataclass(frozen=True)
class VillageView:
    code: str
    name: str
    township: str  # the township's name


@dataclass(frozen=True)
class CardView:
    household: str
    serial: int  # 1 for the first card
    issued: str  # 'YYYY-MM-DD HH:MM:SS'


@dataclass(frozen=True)
class HouseholdView:
    number: str
    head_name: str
    masked_id: str  # '4514**********1234'
    village_code: str
    village: str  # names, as on the card
    township: str
    group: str  # '' when the household is in no group
    category: str  # a msgid of HOUSEHOLD_CATEGORIES
    members: int
    phone: str
    status: str  # active, moved, deceased, removed
    balance: int
    card: CardView | None  # the live card


@dataclass(frozen=True)
class EntryView:
    id: int
    time: str
    points: int
    kind: str  # award, deduction, redemption, reversal, adjustment, base
    task: str | None  # the task's name
    qty: int
    operator: str
    note: str
    redemption: int | None
    reversed: bool  # a later entry has undone it


@dataclass(frozen=True)
class ItemView:
    code: str
    name: str
    unit: str
    category: str
    price: int  # points
    stock: int  # at this station
    reorder_level: int


@dataclass(frozen=True)
class TaskView:
    code: str
    name: str
    category: str
    points: int  # per unit; negative for deductions
    unit: str
    cap: int | None  # most points per household and month (or year: `per`)
    per: str = "month"


@dataclass(frozen=True)
class CountLine:
    """One item of a stock count: the books' figure when counted, and what was on the shelf."""

    code: str
    name: str
    expected: int
    counted: int


@dataclass(frozen=True)
class SlipLine:
    code: str
    name: str
    unit: str
    price: int
    qty: int
    points: int


@dataclass(frozen=True)
class Slip:
    """A redemption as its slip shows it; `id` is the slip number (`ids.human` prints it)."""

    id: int
    station: str  # the station's name
    time: str
    household: str
    head_name: str
    lines: tuple[SlipLine, ...]
    total: int
    balance_before: int
    balance_after: int
    operator: str
    reprinted: str = ""  # a slip printed again: when


@dataclass(frozen=True)
class ReceiptLine:
    code: str
    name: str
    unit: str
    qty: int
    value_fen: int  # estimated; 0 when not valued


@dataclass(frozen=True)
class Receipt:
    """A donation as its acknowledgement shows it; `id` is the receipt number."""

    id: int
    station: str  # the station's name
    time: str
    donor: str
    lines: tuple[ReceiptLine, ...]
    cash_fen: int
    operator: str
    reprinted: str = ""  # a receipt printed again: when


def households_query():
    """Households with their places and live card, in the column order `_household` takes."""
    return (
        Household.select(
            Household.number,
            Household.head_name,
            Household.id_number,
            Household.village,
            Village.name,
            Township.name,
            Group.name,
            Household.category,
            Household.members,
            Household.phone,
            Household.status,
            Household.balance,
            Card.serial,
            Card.issued,
        )
        .join(Village)
        .join(Township)
        .switch(Household)
        .join(Group, JOIN.LEFT_OUTER)
        .switch(Household)
        .join(
            Card,
            JOIN.LEFT_OUTER,
            on=((Card.household == Household.number) & Card.revoked.is_null()),
        )
    )


def households(query) -> list[HouseholdView]:
    """The rows of a `households_query()`, filtered and ordered by the caller."""
    return [_household(*row) for row in query.tuples()]


def household(number: str) -> HouseholdView | None:
    found = households(households_query().where(Household.number == number))
    return found[0] if found else None


def _household(
    number: str,
    head_name: str,
    id_number: str,
    village_code: str,
    village: str,
    township: str,
    group: str | None,
    category: str,
    members: int,
    phone: str,
    status: str,
    balance: int,
    serial: int | None,
    issued: str | None,
) -> HouseholdView:
    card = CardView(number, serial, issued) if serial is not None and issued else None
    return HouseholdView(
        number,
        head_name,
        mask(id_number),
        village_code,
        village,
        township,
        group or "",
        category,
        members,
        phone,
        status,
        balance,
        card,
    )


def card(row: Card) -> CardView:
    return CardView(row.household_id, row.serial, row.issued)


def entries_query():
    """Entries with their task's name and whether a reversal undid them."""
    undo = Entry.alias()
    return (
        Entry.select(
            Entry.id,
            Entry.time,
            Entry.points,
            Entry.kind,
            Task.name,
            Entry.qty,
            Entry.operator,
            Entry.note,
            Entry.redemption,
            undo.id,
        )
        .join(Task, JOIN.LEFT_OUTER)
        .switch(Entry)
        .join(undo, JOIN.LEFT_OUTER, on=(undo.reverses == Entry.id))
    )


def entries(query) -> list[EntryView]:
    """The rows of an `entries_query()`, filtered and ordered by the caller."""
    return [
        EntryView(id_, time, points, kind, task, qty, who, note, slip, undone is not None)
        for id_, time, points, kind, task, qty, who, note, slip, undone in query.tuples()
    ]


def item(row: Item) -> ItemView:
    return ItemView(
        row.code, row.name, row.unit, row.category, row.price, row.stock, row.reorder_level
    )


def task(row: Task) -> TaskView:
    return TaskView(row.code, row.name, row.category, row.points, row.unit, row.cap, _per(row))


def _per(row: Task) -> str:
    """What the newest line of the task's history says its cap counts."""
    found = (
        TaskValue.select(TaskValue.per)
        .where(TaskValue.task == row.code)
        .order_by(TaskValue.since.desc())
        .limit(1)
        .scalar()
    )
    return str(found or "month")
