"""Produce sold for cash, the cash book and the county's notices (migration 0009).

Money is integer fen in tables of its own, never mixed with points (docs/design.md §4.11).
Every row here is an entry: written once, never changed or deleted (the migration's triggers).
"""

from __future__ import annotations

from peewee import BigIntegerField, CharField, ForeignKeyField, IntegerField, TextField

from db.store.models import BaseModel, Household

CASH_KINDS = ("sale", "payout", "close")


class ProduceLot(BaseModel):
    """A household's produce taken in on consignment at an agreed price per unit."""

    household_id: str
    id = BigIntegerField(primary_key=True)
    household = ForeignKeyField(Household, backref="produce_lots")
    name = TextField()
    unit = TextField()
    qty = IntegerField()
    price_fen = IntegerField()
    operator = TextField()
    station = TextField()
    time = TextField()


class ProduceSale(BaseModel):
    """Part of a lot sold for cash; a reversal sells the negated quantity back."""

    lot_id: int
    reverses_id: int | None
    id = BigIntegerField(primary_key=True)
    lot = ForeignKeyField(ProduceLot, backref="sales")
    qty = IntegerField()
    price_fen = IntegerField()
    amount_fen = IntegerField()  # qty × price_fen
    buyer = TextField(default="")
    reverses = ForeignKeyField("self", null=True, unique=True)
    operator = TextField()
    station = TextField()
    time = TextField()


class ProducePayout(BaseModel):
    """Cash paid to a household for what its lots earned."""

    household_id: str
    id = BigIntegerField(primary_key=True)
    household = ForeignKeyField(Household, backref="produce_payouts")
    amount_fen = IntegerField()
    operator = TextField()
    station = TextField()
    time = TextField()


class ProducePayoutLine(BaseModel):
    payout_id: int
    lot_id: int
    id = BigIntegerField(primary_key=True)
    payout = ForeignKeyField(ProducePayout, backref="lines")
    lot = ForeignKeyField(ProduceLot, backref="payout_lines")
    amount_fen = IntegerField()


class CashClose(BaseModel):
    """A day's cash close (现金日记账): counted against the books, the difference signed."""

    id = BigIntegerField(primary_key=True)
    day = TextField()
    expected_fen = IntegerField()
    counted_fen = IntegerField()
    difference_fen = IntegerField()  # counted - expected: below 0 a shortfall (短款)
    counted_to = BigIntegerField(null=True)  # the newest cash move `expected` sums up to
    note = TextField(default="")
    operator = TextField()  # who counted and signed
    station = TextField()
    time = TextField()

    class Meta:
        indexes = ((("station", "day"), True),)


class CashMove(BaseModel):
    """One move of the shop's cash book: a sale in, a payout out, a close's difference."""

    sale_id: int | None
    payout_id: int | None
    close_id: int | None
    id = BigIntegerField(primary_key=True)
    kind = CharField()
    amount_fen = IntegerField()
    sale = ForeignKeyField(ProduceSale, null=True, unique=True)
    payout = ForeignKeyField(ProducePayout, null=True, unique=True)
    close = ForeignKeyField(CashClose, null=True, unique=True)
    operator = TextField()
    station = TextField()
    time = TextField()


class Notice(BaseModel):
    """A policy notice from the county, for everyone or for those its lists name."""

    id = BigIntegerField(primary_key=True)
    title = TextField()
    text = TextField()
    start = TextField()  # YYYY-MM-DD, the first day it shows
    until = TextField(null=True)  # the last day, or none
    townships = TextField(default="")  # space-separated codes; empty: any
    categories = TextField(default="")  # space-separated household categories; empty: any
    households = TextField(default="")  # space-separated household numbers
    operator = TextField()
    time = TextField()


PRODUCE_MODELS: tuple[type[BaseModel], ...] = (
    ProduceLot,
    ProduceSale,
    ProducePayout,
    ProducePayoutLine,
    CashClose,
    CashMove,
    Notice,
)
