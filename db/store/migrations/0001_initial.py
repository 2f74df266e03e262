"""The first schema: every record of docs/design.md §2–§3.

Frozen as SQL, independent of db/models.py (tests/unit/test_schema.py checks that the two
agree). The checks and triggers make the database itself hold invariants 1 and 2: points and
quantities are integers, and ledger entries and stock moves can be neither changed nor deleted.
"""

from db.store.connection import is_postgres
from db.store.references import server_schema
from db.store.triggers import postgres_triggers

TABLES = """
CREATE TABLE setting (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE county (
    code VARCHAR(255) NOT NULL PRIMARY KEY, name TEXT NOT NULL,
    fen_per_point INTEGER NOT NULL CHECK (typeof(fen_per_point) = 'integer'),
    card_key TEXT NOT NULL);
CREATE TABLE station (
    code VARCHAR(255) NOT NULL PRIMARY KEY,
    county_id VARCHAR(255) NOT NULL REFERENCES county (code),
    name TEXT NOT NULL, kind VARCHAR(255) NOT NULL, key TEXT NOT NULL,
    enrolled TEXT NOT NULL, chain_head TEXT NOT NULL);
CREATE TABLE township (code VARCHAR(255) NOT NULL PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE village (
    code VARCHAR(255) NOT NULL PRIMARY KEY,
    township_id VARCHAR(255) NOT NULL REFERENCES township (code), name TEXT NOT NULL);
CREATE INDEX village_township_id ON village (township_id);
CREATE TABLE village_group (
    code VARCHAR(255) NOT NULL PRIMARY KEY,
    village_id VARCHAR(255) NOT NULL REFERENCES village (code), name TEXT NOT NULL);
CREATE INDEX village_group_village_id ON village_group (village_id);
CREATE TABLE household (
    number VARCHAR(255) NOT NULL PRIMARY KEY, head_name TEXT NOT NULL,
    id_number VARCHAR(255) NOT NULL,
    village_id VARCHAR(255) NOT NULL REFERENCES village (code),
    group_id VARCHAR(255) REFERENCES village_group (code),
    category VARCHAR(255) NOT NULL, members INTEGER NOT NULL, phone TEXT NOT NULL,
    status VARCHAR(255) NOT NULL
        CHECK (status IN ('active', 'moved', 'deceased', 'removed')),
    initials TEXT NOT NULL,
    balance INTEGER NOT NULL CHECK (typeof(balance) = 'integer'),
    updated TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE INDEX household_village_id ON household (village_id);
CREATE INDEX household_group_id ON household (group_id);
CREATE TABLE card (
    id INTEGER NOT NULL PRIMARY KEY,
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    serial INTEGER NOT NULL, issued TEXT NOT NULL, revoked TEXT,
    operator TEXT NOT NULL, station TEXT NOT NULL);
CREATE UNIQUE INDEX card_household_id_serial ON card (household_id, serial);
CREATE TABLE operator (
    id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,
    role VARCHAR(255) NOT NULL CHECK (role IN ('clerk', 'cadre', 'manager', 'county')),
    pin_hash TEXT NOT NULL, active INTEGER NOT NULL,
    household_id VARCHAR(255) REFERENCES household (number),
    failed_pins INTEGER NOT NULL, locked_until TEXT);
CREATE UNIQUE INDEX operator_name ON operator (name);
CREATE INDEX operator_household_id ON operator (household_id);
CREATE TABLE operator_village (
    operator_id INTEGER NOT NULL REFERENCES operator (id) ON DELETE CASCADE,
    village_id VARCHAR(255) NOT NULL REFERENCES village (code),
    PRIMARY KEY (operator_id, village_id));
CREATE INDEX operator_village_village_id ON operator_village (village_id);
CREATE TABLE task (
    code VARCHAR(255) NOT NULL PRIMARY KEY, name TEXT NOT NULL,
    category VARCHAR(255) NOT NULL,
    points INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points <> 0),
    unit VARCHAR(255) NOT NULL,
    cap INTEGER CHECK (cap IS NULL OR (typeof(cap) = 'integer' AND cap > 0)),
    active INTEGER NOT NULL);
CREATE TABLE item (
    code VARCHAR(255) NOT NULL PRIMARY KEY, name TEXT NOT NULL,
    unit VARCHAR(255) NOT NULL, category VARCHAR(255) NOT NULL,
    price INTEGER NOT NULL CHECK (typeof(price) = 'integer' AND price > 0),
    reorder_level INTEGER NOT NULL, active INTEGER NOT NULL, initials TEXT NOT NULL,
    stock INTEGER NOT NULL CHECK (typeof(stock) = 'integer'));
CREATE TABLE barcode (
    code VARCHAR(255) NOT NULL PRIMARY KEY,
    item_id VARCHAR(255) NOT NULL REFERENCES item (code));
CREATE INDEX barcode_item_id ON barcode (item_id);
CREATE TABLE redemption (
    id INTEGER NOT NULL PRIMARY KEY,
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    total INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total > 0),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX redemption_household_id ON redemption (household_id);
CREATE INDEX redemption_time ON redemption (time);
CREATE TABLE redemption_line (
    id INTEGER NOT NULL PRIMARY KEY,
    redemption_id INTEGER NOT NULL REFERENCES redemption (id),
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty > 0),
    price INTEGER NOT NULL CHECK (typeof(price) = 'integer'),
    points INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points = qty * price));
CREATE INDEX redemption_line_redemption_id ON redemption_line (redemption_id);
CREATE INDEX redemption_line_item_id ON redemption_line (item_id);
CREATE TABLE ledger_entry (
    id INTEGER NOT NULL PRIMARY KEY,
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    points INTEGER NOT NULL CHECK (typeof(points) = 'integer'),
    kind VARCHAR(255) NOT NULL CHECK (kind IN
        ('award', 'deduction', 'redemption', 'reversal', 'adjustment', 'base')),
    task_id VARCHAR(255) REFERENCES task (code),
    redemption_id INTEGER REFERENCES redemption (id),
    reverses_id INTEGER REFERENCES ledger_entry (id),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer'),
    note TEXT NOT NULL, operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL,
    prev_hash TEXT NOT NULL);
CREATE INDEX ledger_entry_household_id_id ON ledger_entry (household_id, id);
CREATE INDEX ledger_entry_redemption_id ON ledger_entry (redemption_id);
CREATE UNIQUE INDEX ledger_entry_reverses_id ON ledger_entry (reverses_id);
CREATE INDEX ledger_entry_time ON ledger_entry (time);
CREATE TABLE donor (
    id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,
    kind VARCHAR(255) NOT NULL CHECK (kind IN ('person', 'company')), phone TEXT NOT NULL);
CREATE TABLE donation (
    id INTEGER NOT NULL PRIMARY KEY, donor_id INTEGER NOT NULL REFERENCES donor (id),
    cash_fen INTEGER NOT NULL CHECK (typeof(cash_fen) = 'integer' AND cash_fen >= 0),
    note TEXT NOT NULL, operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX donation_donor_id ON donation (donor_id);
CREATE INDEX donation_time ON donation (time);
CREATE TABLE donation_line (
    id INTEGER NOT NULL PRIMARY KEY,
    donation_id INTEGER NOT NULL REFERENCES donation (id),
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty > 0),
    value_fen INTEGER NOT NULL CHECK (typeof(value_fen) = 'integer' AND value_fen >= 0));
CREATE INDEX donation_line_donation_id ON donation_line (donation_id);
CREATE INDEX donation_line_item_id ON donation_line (item_id);
CREATE TABLE stock_count (
    id INTEGER NOT NULL PRIMARY KEY, station TEXT NOT NULL, operator TEXT NOT NULL,
    started TEXT NOT NULL, finalized TEXT, finalized_by TEXT);
CREATE TABLE stock_count_line (
    id INTEGER NOT NULL PRIMARY KEY,
    count_id INTEGER NOT NULL REFERENCES stock_count (id),
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    expected INTEGER NOT NULL CHECK (typeof(expected) = 'integer'),
    counted INTEGER NOT NULL CHECK (typeof(counted) = 'integer' AND counted >= 0));
CREATE UNIQUE INDEX stock_count_line_count_id_item_id ON stock_count_line (count_id, item_id);
CREATE INDEX stock_count_line_item_id ON stock_count_line (item_id);
CREATE TABLE stock_move (
    id INTEGER NOT NULL PRIMARY KEY,
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty <> 0),
    kind VARCHAR(255) NOT NULL CHECK (kind IN ('donation', 'purchase', 'redemption',
        'adjustment', 'count', 'writeoff', 'transfer')),
    redemption_id INTEGER REFERENCES redemption (id),
    donation_id INTEGER REFERENCES donation (id),
    count_id INTEGER REFERENCES stock_count (id),
    reverses_id INTEGER REFERENCES stock_move (id),
    note TEXT NOT NULL, operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX stock_move_item_id_station ON stock_move (item_id, station);
CREATE INDEX stock_move_redemption_id ON stock_move (redemption_id);
CREATE INDEX stock_move_donation_id ON stock_move (donation_id);
CREATE INDEX stock_move_count_id ON stock_move (count_id);
CREATE UNIQUE INDEX stock_move_reverses_id ON stock_move (reverses_id);
CREATE INDEX stock_move_time ON stock_move (time);
CREATE TABLE audit (
    id INTEGER NOT NULL PRIMARY KEY, time TEXT NOT NULL, operator TEXT NOT NULL,
    station TEXT NOT NULL, action VARCHAR(255) NOT NULL, detail TEXT NOT NULL);
"""

IMMUTABLE = ("ledger_entry", "stock_move", "redemption", "redemption_line", "audit")

TRIGGER = """
CREATE TRIGGER {table}_no_{verb} BEFORE {event} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: write a reversal instead'); END;
"""


def statements() -> list[str]:
    tables = [s.strip() for s in TABLES.split(";") if s.strip()]
    triggers = [
        TRIGGER.format(table=table, verb=event.lower(), event=event).strip()
        for table in IMMUTABLE
        for event in ("UPDATE", "DELETE")
    ]
    return tables + triggers


STATEMENTS = tuple(statements())

# PostgreSQL (the county's database at province scale): the same tables, columns, indexes and
# CHECKs. Text compares byte by byte as in SQLite (COLLATE "C", whatever the server's locale),
# ids are 64-bit and keep the values they are given (GENERATED BY DEFAULT, so rows copied in
# from stations keep theirs), and a column's type is its CHECK (PostgreSQL stores no other type
# in an INTEGER column, so the typeof() CHECKs have nothing left to say).
POSTGRES_TABLES = (
    """CREATE TABLE setting (name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE county (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY, name TEXT COLLATE "C" NOT NULL,
    fen_per_point INTEGER NOT NULL,
    card_key TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE station (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
    county_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES county (code),
    name TEXT COLLATE "C" NOT NULL, kind VARCHAR(255) COLLATE "C" NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
    enrolled TEXT COLLATE "C" NOT NULL, chain_head TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE township (code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE village (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
    township_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES township (code),
        name TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX village_township_id ON village (township_id)",
    """CREATE TABLE village_group (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
    village_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES village (code),
        name TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX village_group_village_id ON village_group (village_id)",
    """CREATE TABLE household (
    number VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY, head_name TEXT COLLATE "C" NOT NULL,
    id_number VARCHAR(255) COLLATE "C" NOT NULL,
    village_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES village (code),
    group_id VARCHAR(255) COLLATE "C" REFERENCES village_group (code),
    category VARCHAR(255) COLLATE "C" NOT NULL, members INTEGER NOT NULL,
        phone TEXT COLLATE "C" NOT NULL,
    status VARCHAR(255) COLLATE "C" NOT NULL
        CHECK (status IN ('active', 'moved', 'deceased', 'removed')),
    initials TEXT COLLATE "C" NOT NULL,
    balance INTEGER NOT NULL,
    updated TEXT COLLATE "C" NOT NULL, updated_by TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX household_village_id ON household (village_id)",
    "CREATE INDEX household_group_id ON household (group_id)",
    """CREATE TABLE card (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    household_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES household (number),
    serial INTEGER NOT NULL, issued TEXT COLLATE "C" NOT NULL, revoked TEXT COLLATE "C",
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL)""",
    "CREATE UNIQUE INDEX card_household_id_serial ON card (household_id, serial)",
    """CREATE TABLE operator (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name VARCHAR(255) COLLATE "C" NOT NULL,
    role VARCHAR(255) COLLATE "C" NOT NULL CHECK (role IN ('clerk', 'cadre', 'manager',
        'county')),
    pin_hash TEXT COLLATE "C" NOT NULL, active INTEGER NOT NULL,
    household_id VARCHAR(255) COLLATE "C" REFERENCES household (number),
    failed_pins INTEGER NOT NULL, locked_until TEXT COLLATE "C")""",
    "CREATE UNIQUE INDEX operator_name ON operator (name)",
    "CREATE INDEX operator_household_id ON operator (household_id)",
    """CREATE TABLE operator_village (
    operator_id BIGINT NOT NULL REFERENCES operator (id) ON DELETE CASCADE,
    village_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES village (code),
    PRIMARY KEY (operator_id, village_id))""",
    "CREATE INDEX operator_village_village_id ON operator_village (village_id)",
    """CREATE TABLE task (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY, name TEXT COLLATE "C" NOT NULL,
    category VARCHAR(255) COLLATE "C" NOT NULL,
    points INTEGER NOT NULL CHECK (points <> 0),
    unit VARCHAR(255) COLLATE "C" NOT NULL,
    cap INTEGER CHECK (cap IS NULL OR (cap > 0)),
    active INTEGER NOT NULL)""",
    """CREATE TABLE item (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY, name TEXT COLLATE "C" NOT NULL,
    unit VARCHAR(255) COLLATE "C" NOT NULL, category VARCHAR(255) COLLATE "C" NOT NULL,
    price INTEGER NOT NULL CHECK (price > 0),
    reorder_level INTEGER NOT NULL, active INTEGER NOT NULL,
        initials TEXT COLLATE "C" NOT NULL,
    stock INTEGER NOT NULL)""",
    """CREATE TABLE barcode (
    code VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code))""",
    "CREATE INDEX barcode_item_id ON barcode (item_id)",
    """CREATE TABLE redemption (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    household_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES household (number),
    total INTEGER NOT NULL CHECK (total > 0),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX redemption_household_id ON redemption (household_id)",
    "CREATE INDEX redemption_time ON redemption (time)",
    """CREATE TABLE redemption_line (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    redemption_id BIGINT NOT NULL REFERENCES redemption (id),
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (qty > 0),
    price INTEGER NOT NULL,
    points INTEGER NOT NULL CHECK (points = qty * price))""",
    "CREATE INDEX redemption_line_redemption_id ON redemption_line (redemption_id)",
    "CREATE INDEX redemption_line_item_id ON redemption_line (item_id)",
    """CREATE TABLE ledger_entry (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    household_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES household (number),
    points INTEGER NOT NULL,
    kind VARCHAR(255) COLLATE "C" NOT NULL CONSTRAINT ledger_entry_kind CHECK (kind IN
        ('award', 'deduction', 'redemption', 'reversal', 'adjustment', 'base')),
    task_id VARCHAR(255) COLLATE "C" REFERENCES task (code),
    redemption_id BIGINT REFERENCES redemption (id),
    reverses_id BIGINT REFERENCES ledger_entry (id),
    qty INTEGER NOT NULL,
    note TEXT COLLATE "C" NOT NULL, operator TEXT COLLATE "C" NOT NULL,
        station TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL,
    prev_hash TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX ledger_entry_household_id_id ON ledger_entry (household_id, id)",
    "CREATE INDEX ledger_entry_redemption_id ON ledger_entry (redemption_id)",
    "CREATE UNIQUE INDEX ledger_entry_reverses_id ON ledger_entry (reverses_id)",
    "CREATE INDEX ledger_entry_time ON ledger_entry (time)",
    """CREATE TABLE donor (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT COLLATE "C" NOT NULL,
    kind VARCHAR(255) COLLATE "C" NOT NULL CHECK (kind IN ('person', 'company')),
        phone TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE donation (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        donor_id BIGINT NOT NULL REFERENCES donor (id),
    cash_fen INTEGER NOT NULL CHECK (cash_fen >= 0),
    note TEXT COLLATE "C" NOT NULL, operator TEXT COLLATE "C" NOT NULL,
        station TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX donation_donor_id ON donation (donor_id)",
    "CREATE INDEX donation_time ON donation (time)",
    """CREATE TABLE donation_line (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    donation_id BIGINT NOT NULL REFERENCES donation (id),
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (qty > 0),
    value_fen INTEGER NOT NULL CHECK (value_fen >= 0))""",
    "CREATE INDEX donation_line_donation_id ON donation_line (donation_id)",
    "CREATE INDEX donation_line_item_id ON donation_line (item_id)",
    """CREATE TABLE stock_count (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, station TEXT COLLATE "C" NOT NULL,
        operator TEXT COLLATE "C" NOT NULL,
    started TEXT COLLATE "C" NOT NULL, finalized TEXT COLLATE "C",
        finalized_by TEXT COLLATE "C")""",
    """CREATE TABLE stock_count_line (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    count_id BIGINT NOT NULL REFERENCES stock_count (id),
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    expected INTEGER NOT NULL,
    counted INTEGER NOT NULL CHECK (counted >= 0))""",
    """CREATE UNIQUE INDEX stock_count_line_count_id_item_id
    ON stock_count_line (count_id, item_id)""",
    "CREATE INDEX stock_count_line_item_id ON stock_count_line (item_id)",
    """CREATE TABLE stock_move (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (qty <> 0),
    kind VARCHAR(255) COLLATE "C" NOT NULL CONSTRAINT stock_move_kind
        CHECK (kind IN ('donation', 'purchase',
        'redemption',
        'adjustment', 'count', 'writeoff', 'transfer')),
    redemption_id BIGINT REFERENCES redemption (id),
    donation_id BIGINT REFERENCES donation (id),
    count_id BIGINT REFERENCES stock_count (id),
    reverses_id BIGINT REFERENCES stock_move (id),
    note TEXT COLLATE "C" NOT NULL, operator TEXT COLLATE "C" NOT NULL,
        station TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX stock_move_item_id_station ON stock_move (item_id, station)",
    "CREATE INDEX stock_move_redemption_id ON stock_move (redemption_id)",
    "CREATE INDEX stock_move_donation_id ON stock_move (donation_id)",
    "CREATE INDEX stock_move_count_id ON stock_move (count_id)",
    "CREATE UNIQUE INDEX stock_move_reverses_id ON stock_move (reverses_id)",
    "CREATE INDEX stock_move_time ON stock_move (time)",
    """CREATE TABLE audit (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, time TEXT COLLATE "C" NOT NULL,
        operator TEXT COLLATE "C" NOT NULL,
    station TEXT COLLATE "C" NOT NULL, action VARCHAR(255) COLLATE "C" NOT NULL,
        detail TEXT COLLATE "C" NOT NULL)""",
)

IMMUTABLE_REFUSAL = """CREATE FUNCTION aixin_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable: %', TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'restrict_violation';
END $$"""

POSTGRES = (*POSTGRES_TABLES, IMMUTABLE_REFUSAL, *postgres_triggers(IMMUTABLE))


def up(migrator, db):
    for sql in server_schema(POSTGRES) if is_postgres(db) else statements():
        db.execute_sql(sql)
