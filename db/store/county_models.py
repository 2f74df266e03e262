"""The county's own tables (migration 0002): merged months and the monthly totals.

They exist in every database, as the schema is one, but only the county office fills them.
"""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    CharField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from db.store.models import BaseModel, Station


class MonthlyFile(BaseModel):
    """At the county: one merged station month and its piece of the station's hash chain."""

    station_id: str
    station = ForeignKeyField(Station, backref="monthly_files")
    month = CharField()
    digest = TextField()
    entries = IntegerField()
    before_id = BigIntegerField(null=True)  # the station's last entry before the month
    last_id = BigIntegerField(null=True)  # its last entry in the month
    chain_start = TextField()
    chain_end = TextField()

    class Meta:
        primary_key = CompositeKey("station", "month")


class MonthHousehold(BaseModel):
    """At the county: one household's points in one month, by kind (a cache of its entries)."""

    month = CharField()
    household_id = CharField()
    award = IntegerField()
    deduction = IntegerField()
    redemption = IntegerField()
    reversal = IntegerField()
    adjustment = IntegerField()  # adjustments and opening balances
    entries = IntegerField()
    redemptions = IntegerField()  # redemption slips: beneficiary visits

    class Meta:
        primary_key = CompositeKey("month", "household_id")


class MonthStation(BaseModel):
    """At the county: one station's points in one month by task ('' for none) and kind."""

    month = CharField()
    station_id = CharField()
    task_id = CharField()
    kind = CharField()
    points = IntegerField()
    entries = IntegerField()

    class Meta:
        primary_key = CompositeKey("month", "station_id", "task_id", "kind")


class MonthStock(BaseModel):
    """At the county: one station's stock moves of one item in one month, by kind."""

    month = CharField()
    station_id = CharField()
    item_id = CharField()
    kind = CharField()
    qty = IntegerField()
    moves = IntegerField()

    class Meta:
        primary_key = CompositeKey("month", "station_id", "item_id", "kind")


COUNTY_MODELS: tuple[type[BaseModel], ...] = (MonthlyFile, MonthHousehold, MonthStation, MonthStock)
