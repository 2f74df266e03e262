"""The records of docs/design.md §2–§3 as peewee models.

Ids of everything a station writes come from `db.ids` (station number + sequence), so merging
stations is a set union. Times are stored as 'YYYY-MM-DD HH:MM:SS' text from the injected clock.
Ledger entries and stock moves are never updated or deleted once written.
"""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from catalog.messages import N_
from db.store.connection import database

HOUSEHOLD_CATEGORIES = (
    N_("建档立卡贫困户"),
    N_("脱贫户"),
    N_("监测户"),
    N_("低保户"),
    N_("特困户"),
    N_("残疾户"),
    N_("易地搬迁户"),
    N_("一般农户"),
)
HOUSEHOLD_STATUSES = ("active", "moved", "deceased", "removed")
ROLES = ("clerk", "cadre", "manager", "county", "province")
STATION_KINDS = ("shop", "mobile", "village", "county")
# `handout`: a holiday hand-out's points and goods (migration 0010)
ENTRY_KINDS = ("award", "deduction", "redemption", "reversal", "adjustment", "base", "handout")
MOVE_KINDS = (
    "donation",
    "purchase",
    "redemption",
    "adjustment",
    "count",
    "writeoff",
    "transfer",
    "handout",
)
EVENT_RULES = ("category", "village", "household")
TASK_UNITS = ("次", "天", "月", "项", "人")


class Flag(BooleanField):
    """A yes/no kept as the integer 0 or 1, as the schema has it on both engines (PostgreSQL
    will not put a boolean into an INTEGER column)."""

    field_type = "INTEGER"

    def db_value(self, value: object) -> int | None:
        return None if value is None else int(bool(value))


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    """Facts about this installation, e.g. `station` = its own station code."""

    name = TextField(primary_key=True)
    value = TextField()


class County(BaseModel):
    code = CharField(primary_key=True)  # GB/T 2260, six digits
    name = TextField()
    fen_per_point = IntegerField(default=100)  # 100 fen = 1 yuan per point
    card_key = TextField()  # hex; signs member cards
    public_key = TextField(null=True)  # hex; the county's Ed25519 key that signs updates
    posting_days = IntegerField(default=0)  # 公示: days an award waits before credit (0: none)
    roll_names_deductions = IntegerField(default=0)  # 1: honour rolls name the deducted


class Station(BaseModel):
    county_id: str
    code = CharField(primary_key=True)  # county code + '-' + two digits, e.g. 451425-03
    county = ForeignKeyField(County, backref="stations")
    name = TextField()
    kind = CharField()
    key = TextField()  # hex; signs the station's monthly files
    enrolled = TextField()
    chain_head = TextField()  # hash of the newest ledger entry of this station known here
    # At the county: the last update sent to this station; at a station, on its own row, the
    # last update it applied (docs/design.md §10).
    update_seq = IntegerField(default=0)


class Township(BaseModel):
    code = CharField(primary_key=True)
    name = TextField()


class Village(BaseModel):
    township_id: str
    code = CharField(primary_key=True)
    township = ForeignKeyField(Township, backref="villages")
    name = TextField()


class Group(BaseModel):
    village_id: str
    code = CharField(primary_key=True)
    village = ForeignKeyField(Village, backref="groups")
    name = TextField()

    class Meta:
        table_name = "village_group"


class Household(BaseModel):
    village_id: str
    group_id: str | None
    number = CharField(primary_key=True)
    head_name = TextField()
    id_number = CharField()
    village = ForeignKeyField(Village, backref="households")
    group = ForeignKeyField(Group, null=True)
    category = CharField()
    members = IntegerField(default=1)
    phone = TextField(default="")
    status = CharField(default="active")
    initials = TextField(default="")  # pinyin initials, space-separated variants: ' zs cs'
    balance = IntegerField(default=0)  # cache of the sum of its entries
    updated = TextField()  # when and where the record last changed: merge keeps the newest
    updated_by = TextField()

    class Meta:
        indexes = ((("id_number",), False),)


class Card(BaseModel):
    household_id: str
    id = BigIntegerField(primary_key=True)
    household = ForeignKeyField(Household, backref="cards", index=False)
    serial = IntegerField()  # 1 for the first card, +1 on every reissue
    issued = TextField()
    revoked = TextField(null=True)
    operator = TextField()
    station = TextField()
    revoked_by = TextField(null=True)  # the station that revoked it (stamped by a trigger)

    class Meta:
        indexes = ((("household", "serial"), True),)


class Operator(BaseModel):
    id: int
    household_id: str | None
    county_id: str | None
    name = CharField(unique=True)
    role = CharField()
    pin_hash = TextField()
    active = Flag(default=True)
    household = ForeignKeyField(Household, null=True)  # a cadre's own household
    failed_pins = IntegerField(default=0)
    locked_until = TextField(null=True)
    # A county officer's county (migration 0011): every county service acts for it alone.
    county = ForeignKeyField(County, null=True)


class OperatorVillage(BaseModel):
    """The villages a cadre may score; a cadre with none may score nowhere."""

    village_id: str

    operator = ForeignKeyField(Operator, backref="scope", on_delete="CASCADE")
    village = ForeignKeyField(Village)

    class Meta:
        primary_key = CompositeKey("operator", "village")


class Task(BaseModel):
    """One line of the rules sheet (积分明细表)."""

    code = CharField(primary_key=True)
    name = TextField()
    category = CharField()
    points = IntegerField()  # per unit; negative for deductions
    unit = CharField()
    # As of the newest line of its history (`TaskValue`), which may not be in force yet:
    # what a task is worth at a moment comes from db/books/catalog_at.py.
    cap = IntegerField(null=True)  # most points per household and month (or year)
    active = Flag(default=True)


class TaskValue(BaseModel):
    """A value a task has had: points per unit and cap, from `since` (migration 0005). Read
    only through db/books/catalog_at.py; never changed nor deleted."""

    task_id: str
    task = ForeignKeyField(Task, backref="values", column_name="task_id")
    since = TextField()
    points = IntegerField()
    cap = IntegerField(null=True)
    per = CharField(default="month")  # the cap counts a 'month' or a 'year'

    class Meta:
        table_name = "task_value"
        primary_key = CompositeKey("task", "since")
        without_rowid = True


class Item(BaseModel):
    code = CharField(primary_key=True)
    name = TextField()
    unit = CharField()
    category = CharField()
    price = IntegerField()  # points
    reorder_level = IntegerField(default=0)
    active = Flag(default=True)
    initials = TextField(default="")
    stock = IntegerField(default=0)  # cache of this station's moves
    station = TextField(null=True)  # NULL: the county's catalog; else the station that added it


class Barcode(BaseModel):
    item_id: str
    code = CharField(primary_key=True)
    item = ForeignKeyField(Item, backref="barcodes")


class ItemPrice(BaseModel):
    """A price change (明码标分) of one item from `since` on. Immutable (migration 0006)."""

    item_id: str
    id = BigIntegerField(primary_key=True)
    item = ForeignKeyField(Item, backref="prices")
    since = TextField()
    old_price = IntegerField()
    price = IntegerField()
    operator = TextField()
    station = TextField()

    class Meta:
        indexes = ((("item", "since"), False),)


class Redemption(BaseModel):
    household_id: str
    id = BigIntegerField(primary_key=True)
    household = ForeignKeyField(Household, backref="redemptions")
    total = IntegerField()
    operator = TextField()
    station = TextField()
    time = TextField()


class RedemptionLine(BaseModel):
    item_id: str
    id = BigIntegerField(primary_key=True)
    redemption = ForeignKeyField(Redemption, backref="lines")
    item = ForeignKeyField(Item)
    qty = IntegerField()
    price = IntegerField()
    points = IntegerField()


class Entry(BaseModel):
    """A ledger entry: points in or out of one household. Immutable."""

    household_id: str
    task_id: str | None
    redemption_id: int | None
    reverses_id: int | None

    id = BigIntegerField(primary_key=True)
    household = ForeignKeyField(Household, backref="entries", index=False)
    points = IntegerField()
    kind = CharField()
    task = ForeignKeyField(Task, null=True, index=False)
    redemption = ForeignKeyField(Redemption, null=True)
    reverses = ForeignKeyField("self", null=True, unique=True)
    qty = IntegerField(default=1)
    note = TextField(default="")
    operator = TextField()
    station = TextField()
    time = TextField()
    prev_hash = TextField()

    class Meta:
        table_name = "ledger_entry"
        indexes = (
            (("household", "id"), False),
            (("time",), False),
            (("household", "task", "time"), False),
        )


class Donor(BaseModel):
    id = BigIntegerField(primary_key=True)
    name = TextField()
    kind = CharField(default="person")  # person | company
    phone = TextField(default="")

    class Meta:
        indexes = ((("name", "kind"), False),)


class Donation(BaseModel):
    donor_id: int
    id = BigIntegerField(primary_key=True)
    donor = ForeignKeyField(Donor, backref="donations")
    cash_fen = IntegerField(default=0)
    note = TextField(default="")
    operator = TextField()
    station = TextField()
    time = TextField()


class DonationLine(BaseModel):
    item_id: str
    id = BigIntegerField(primary_key=True)
    donation = ForeignKeyField(Donation, backref="lines")
    item = ForeignKeyField(Item)
    qty = IntegerField()
    value_fen = IntegerField(default=0)


class StockCount(BaseModel):
    """A stock count: clerks enter counted quantities, a manager finalizes it."""

    id = BigIntegerField(primary_key=True)
    station = TextField()
    operator = TextField()
    started = TextField()
    finalized = TextField(null=True)
    finalized_by = TextField(null=True)


class StockCountLine(BaseModel):
    id = BigIntegerField(primary_key=True)
    count = ForeignKeyField(StockCount, backref="lines")
    item = ForeignKeyField(Item)
    expected = IntegerField()
    counted = IntegerField()

    class Meta:
        indexes = ((("count", "item"), True),)


class StockMove(BaseModel):
    """A change of one item's stock at one station. Immutable."""

    item_id: str

    id = BigIntegerField(primary_key=True)
    item = ForeignKeyField(Item, backref="moves", index=False)
    qty = IntegerField()
    kind = CharField()
    redemption = ForeignKeyField(Redemption, null=True)
    donation = ForeignKeyField(Donation, null=True)
    count = ForeignKeyField(StockCount, null=True)
    reverses = ForeignKeyField("self", null=True, unique=True)
    note = TextField(default="")
    operator = TextField()
    station = TextField()
    time = TextField()

    class Meta:
        indexes = ((("item", "station"), False), (("time",), False))


class Audit(BaseModel):
    """Every sign-in (good or bad) and every write, with who and where."""

    id = BigIntegerField(primary_key=True)
    time = TextField()
    operator = TextField()
    station = TextField()
    action = CharField()
    detail = TextField(default="")


class StationTownship(BaseModel):
    """The townships a station serves: whose roster and entries the county sends it."""

    station_id: str
    township_id: str
    station = ForeignKeyField(Station, backref="townships")
    township = ForeignKeyField(Township)

    class Meta:
        primary_key = CompositeKey("station", "township")


class HouseholdVersion(BaseModel):
    """Every version a household record has had; triggers write it (migration 0002)."""

    number = CharField()
    head_name = TextField()
    id_number = CharField()
    village_id = CharField()
    group_id = CharField(null=True)
    category = CharField()
    members = IntegerField()
    phone = TextField()
    status = CharField()
    initials = TextField()
    updated = TextField()
    updated_by = TextField()

    class Meta:
        primary_key = CompositeKey("number", "updated", "updated_by")


class VerifiedPoint(BaseModel):
    """How far `aixin verify` got, per kind of record (entries, moves, redemptions) and the
    station whose ids they carry (migration 0003)."""

    records = CharField()
    station = CharField()
    last_id = BigIntegerField()  # the greatest id checked; the range's floor when none
    rows = IntegerField()  # the station's rows of this kind up to `last_id`
    link = TextField(null=True)  # a chain checked whole: the link of entry `last_id`
    time = TextField()

    class Meta:
        primary_key = CompositeKey("records", "station")


class Posting(BaseModel):
    """A public list (公示) of a village and month: awards waiting to be credited (0008)."""

    village_id: str
    id = BigIntegerField(primary_key=True)
    village = ForeignKeyField(Village, index=False)
    month = TextField()  # YYYY-MM: the month whose caps its lines count in
    days = IntegerField()
    published = TextField()
    until = TextField()  # YYYY-MM-DD: the posting's last day; credit from the day after
    operator = TextField()
    station = TextField()

    class Meta:
        indexes = ((("month",), False), (("village", "month"), False))


class PostingLine(BaseModel):
    """What would have been a ledger entry, while it waits on the public list. Immutable."""

    posting_id: int
    household_id: str
    task_id: str
    id = BigIntegerField(primary_key=True)
    posting = ForeignKeyField(Posting, backref="lines")
    household = ForeignKeyField(Household, index=False)
    task = ForeignKeyField(Task, index=False)
    points = IntegerField()
    qty = IntegerField()
    note = TextField()

    class Meta:
        indexes = ((("household", "task", "posting"), False),)


class Objection(BaseModel):
    """An objection to a household's lines of a posting. Immutable; its ruling is a row."""

    posting_id: int
    household_id: str
    id = BigIntegerField(primary_key=True)
    posting = ForeignKeyField(Posting, index=False)
    household = ForeignKeyField(Household)
    raised_by = TextField()
    reason = TextField()
    operator = TextField()
    station = TextField()
    time = TextField()

    class Meta:
        indexes = ((("posting", "household"), False),)


class ObjectionRuling(BaseModel):
    objection_id: int
    id = BigIntegerField(primary_key=True)
    objection = ForeignKeyField(Objection, unique=True)
    upheld = IntegerField()  # 1: the household's lines are dropped; 0: they stand
    note = TextField()
    operator = TextField()
    station = TextField()
    time = TextField()


class PostingCredit(BaseModel):
    posting_id: int
    id = BigIntegerField(primary_key=True)
    posting = ForeignKeyField(Posting)
    operator = TextField()
    station = TextField()
    time = TextField()


class PostingEntry(BaseModel):
    """The ledger entry a credited line became."""

    entry_id = BigIntegerField(primary_key=True)
    line = ForeignKeyField(PostingLine, unique=True)
    credit = ForeignKeyField(PostingCredit, index=False)


class Transfer(BaseModel):
    """Goods one station sends another (migration 0010); written at both ends, same id."""

    id = BigIntegerField(primary_key=True)
    sender = TextField()
    receiver = TextField()
    operator = TextField()
    time = TextField()
    note = TextField(default="")


class TransferLine(BaseModel):
    item_id: str
    id = BigIntegerField(primary_key=True)
    transfer = ForeignKeyField(Transfer, backref="lines")
    item = ForeignKeyField(Item)
    qty = IntegerField()


class TransferReceipt(BaseModel):
    """The receiving station took transfer `transfer` in: once, as its key says."""

    transfer = ForeignKeyField(Transfer, primary_key=True)
    station = TextField()
    operator = TextField()
    time = TextField()


class TransferMove(BaseModel):
    """The transfer a stock move belongs to: out at the sender, in at the receiver."""

    transfer_id: int
    move = ForeignKeyField(StockMove, primary_key=True)
    transfer = ForeignKeyField(Transfer)


class Visit(BaseModel):
    """The mobile shop at one village on one day; open while `closed` is NULL."""

    village_id: str
    id = BigIntegerField(primary_key=True)
    village = ForeignKeyField(Village)
    day = TextField()
    operator = TextField()
    station = TextField()
    opened = TextField()
    closed = TextField(null=True)

    class Meta:
        indexes = ((("station", "closed"), False),)


class VisitRedemption(BaseModel):
    visit_id: int
    redemption = ForeignKeyField(Redemption, primary_key=True)
    visit = ForeignKeyField(Visit)


class Event(BaseModel):
    """A holiday hand-out (节日慰问): its period and the package's points."""

    id = BigIntegerField(primary_key=True)
    name = TextField()
    starts = TextField()  # YYYY-MM-DD, both days included
    ends = TextField()
    points = IntegerField(default=0)
    operator = TextField()
    station = TextField()
    time = TextField()


class EventRule(BaseModel):
    """Who is eligible: a household of any listed category, village or number (EVENT_RULES)."""

    event = ForeignKeyField(Event, backref="rules")
    kind = CharField()
    value = TextField()

    class Meta:
        primary_key = CompositeKey("event", "kind", "value")


class EventItem(BaseModel):
    item_id: str
    event = ForeignKeyField(Event, backref="items")
    item = ForeignKeyField(Item)
    qty = IntegerField()

    class Meta:
        primary_key = CompositeKey("event", "item")


class Handout(BaseModel):
    """One household's package of one event, at most once (a unique index)."""

    event_id: int
    household_id: str
    id = BigIntegerField(primary_key=True)
    event = ForeignKeyField(Event, backref="handouts", index=False)
    household = ForeignKeyField(Household)
    entry = ForeignKeyField(Entry, null=True)
    visit = ForeignKeyField(Visit, null=True)
    operator = TextField()
    station = TextField()
    time = TextField()

    class Meta:
        indexes = ((("event", "household"), True),)


class HandoutLine(BaseModel):
    item_id: str
    id = BigIntegerField(primary_key=True)
    handout = ForeignKeyField(Handout, backref="lines")
    item = ForeignKeyField(Item)
    qty = IntegerField()
    move = ForeignKeyField(StockMove, unique=True)


MODELS: tuple[type[BaseModel], ...] = (
    Setting,
    County,
    Station,
    Township,
    Village,
    Group,
    Household,
    Card,
    Operator,
    OperatorVillage,
    Task,
    TaskValue,
    Item,
    Barcode,
    ItemPrice,
    Redemption,
    RedemptionLine,
    Entry,
    Donor,
    Donation,
    DonationLine,
    StockCount,
    StockCountLine,
    StockMove,
    Audit,
    StationTownship,
    HouseholdVersion,
    VerifiedPoint,
    Posting,
    PostingLine,
    Objection,
    ObjectionRuling,
    PostingCredit,
    PostingEntry,
    Transfer,
    TransferLine,
    TransferReceipt,
    TransferMove,
    Visit,
    VisitRedemption,
    Event,
    EventRule,
    EventItem,
    Handout,
    HandoutLine,
)
