"""The shop's work in the field: transfers, the mobile shop's visits, holiday hand-outs.

Frozen as SQL like 0001 (docs/design.md §3, §4). It adds
- `transfer`, `transfer_line`: goods one station sends another (the sender writes them when it
  sends, the receiver when it takes the file in), and `transfer_receipt`: the receiving
  station's act of taking a transfer in, once (its primary key is the transfer), and
  `transfer_move`: which transfer each stock move of either end belongs to, so the county
  reconciles what left the sender with what reached the receiver;
- `visit`: the mobile shop (流动超市) at one village on one day, and `visit_redemption`: the
  redemptions made on it (a hand-out names its visit itself);
- `event`, `event_rule`, `event_item`: a holiday hand-out (节日慰问) — its period, who is
  eligible (household categories, villages, listed households) and its package (goods and
  points); `handout`, `handout_line`: one household's package, once per event (a unique index);
- the kind `handout` for ledger entries and stock moves. SQLite cannot alter a CHECK, and a
  table rebuild of the ledger would copy every entry: the two CHECKs are widened in place in
  the schema text (allowed: a wider CHECK changes nothing stored), the schema cookie moved on.

Transfers, receipts, visits' redemptions, hand-outs and their lines are entries: immutable
like the ledger (the triggers of 0001).
"""

from db.store.connection import is_postgres
from db.store.references import server_schema
from db.store.triggers import postgres_triggers

TABLES = """
CREATE TABLE transfer (
    id INTEGER NOT NULL PRIMARY KEY, sender TEXT NOT NULL, receiver TEXT NOT NULL,
    operator TEXT NOT NULL, time TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX transfer_receiver ON transfer (receiver);
CREATE TABLE transfer_line (
    id INTEGER NOT NULL PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES transfer (id),
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty > 0));
CREATE INDEX transfer_line_transfer_id ON transfer_line (transfer_id);
CREATE TABLE transfer_receipt (
    transfer_id INTEGER NOT NULL PRIMARY KEY REFERENCES transfer (id),
    station TEXT NOT NULL, operator TEXT NOT NULL, time TEXT NOT NULL);
CREATE TABLE transfer_move (
    move_id INTEGER NOT NULL PRIMARY KEY REFERENCES stock_move (id),
    transfer_id INTEGER NOT NULL REFERENCES transfer (id));
CREATE INDEX transfer_move_transfer_id ON transfer_move (transfer_id);
CREATE TABLE visit (
    id INTEGER NOT NULL PRIMARY KEY,
    village_id VARCHAR(255) NOT NULL REFERENCES village (code),
    day TEXT NOT NULL, operator TEXT NOT NULL, station TEXT NOT NULL,
    opened TEXT NOT NULL, closed TEXT);
CREATE INDEX visit_station_closed ON visit (station, closed);
CREATE TABLE visit_redemption (
    redemption_id INTEGER NOT NULL PRIMARY KEY REFERENCES redemption (id),
    visit_id INTEGER NOT NULL REFERENCES visit (id));
CREATE INDEX visit_redemption_visit_id ON visit_redemption (visit_id);
CREATE TABLE event (
    id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,
    starts TEXT NOT NULL, ends TEXT NOT NULL CHECK (ends >= starts),
    points INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points >= 0),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE TABLE event_rule (
    event_id INTEGER NOT NULL REFERENCES event (id),
    kind VARCHAR(255) NOT NULL CHECK (kind IN ('category', 'village', 'household')),
    value TEXT NOT NULL,
    PRIMARY KEY (event_id, kind, value));
CREATE TABLE event_item (
    event_id INTEGER NOT NULL REFERENCES event (id),
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty > 0),
    PRIMARY KEY (event_id, item_id));
CREATE TABLE handout (
    id INTEGER NOT NULL PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES event (id),
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    entry_id INTEGER REFERENCES ledger_entry (id),
    visit_id INTEGER REFERENCES visit (id),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE UNIQUE INDEX handout_event_id_household_id ON handout (event_id, household_id);
CREATE INDEX handout_visit_id ON handout (visit_id) WHERE visit_id IS NOT NULL;
CREATE TABLE handout_line (
    id INTEGER NOT NULL PRIMARY KEY,
    handout_id INTEGER NOT NULL REFERENCES handout (id),
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty > 0),
    move_id INTEGER NOT NULL REFERENCES stock_move (id));
CREATE INDEX handout_line_handout_id ON handout_line (handout_id);
CREATE UNIQUE INDEX handout_line_move_id ON handout_line (move_id)
"""

IMMUTABLE = (
    "transfer",
    "transfer_line",
    "transfer_receipt",
    "transfer_move",
    "visit_redemption",
    "event",
    "event_rule",
    "event_item",
    "handout",
    "handout_line",
)

TRIGGER = """
CREATE TRIGGER {table}_no_{verb} BEFORE {event} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: write a reversal instead'); END;
"""

# The CHECKs of 0001 on the kinds, and what they become.
WIDEN = (
    ("ledger_entry", "'adjustment', 'base')", "'adjustment', 'base', 'handout')"),
    (
        "stock_move",
        "'count', 'writeoff', 'transfer')",
        "'count', 'writeoff', 'transfer', 'handout')",
    ),
)


def statements() -> list[str]:
    tables = [s.strip() for s in TABLES.split(";") if s.strip()]
    triggers = [
        TRIGGER.format(table=table, verb=event.lower(), event=event).strip()
        for table in IMMUTABLE
        for event in ("UPDATE", "DELETE")
    ]
    return tables + triggers


STATEMENTS = tuple(statements())

# PostgreSQL: the same tables and indexes, the triggers of 0001's function, and the two CHECKs
# widened the way PostgreSQL does it: the old one dropped, the wider one added NOT VALID (it
# holds for every row written from now on; the rows already there met the narrower one).
POSTGRES_TABLES = (
    """CREATE TABLE transfer (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, sender TEXT COLLATE "C" NOT NULL,
        receiver TEXT COLLATE "C" NOT NULL,
    operator TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL,
        note TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX transfer_receiver ON transfer (receiver)",
    """CREATE TABLE transfer_line (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    transfer_id BIGINT NOT NULL REFERENCES transfer (id),
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (qty > 0))""",
    "CREATE INDEX transfer_line_transfer_id ON transfer_line (transfer_id)",
    """CREATE TABLE transfer_receipt (
    transfer_id BIGINT NOT NULL PRIMARY KEY REFERENCES transfer (id),
    station TEXT COLLATE "C" NOT NULL, operator TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE transfer_move (
    move_id BIGINT NOT NULL PRIMARY KEY REFERENCES stock_move (id),
    transfer_id BIGINT NOT NULL REFERENCES transfer (id))""",
    "CREATE INDEX transfer_move_transfer_id ON transfer_move (transfer_id)",
    """CREATE TABLE visit (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    village_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES village (code),
    day TEXT COLLATE "C" NOT NULL, operator TEXT COLLATE "C" NOT NULL,
        station TEXT COLLATE "C" NOT NULL,
    opened TEXT COLLATE "C" NOT NULL, closed TEXT COLLATE "C")""",
    "CREATE INDEX visit_station_closed ON visit (station, closed)",
    """CREATE TABLE visit_redemption (
    redemption_id BIGINT NOT NULL PRIMARY KEY REFERENCES redemption (id),
    visit_id BIGINT NOT NULL REFERENCES visit (id))""",
    "CREATE INDEX visit_redemption_visit_id ON visit_redemption (visit_id)",
    """CREATE TABLE event (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT COLLATE "C" NOT NULL,
    starts TEXT COLLATE "C" NOT NULL, ends TEXT COLLATE "C" NOT NULL CHECK (ends >= starts),
    points INTEGER NOT NULL CHECK (points >= 0),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    """CREATE TABLE event_rule (
    event_id BIGINT NOT NULL REFERENCES event (id),
    kind VARCHAR(255) COLLATE "C" NOT NULL CHECK (kind IN ('category', 'village',
        'household')),
    value TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (event_id, kind, value))""",
    """CREATE TABLE event_item (
    event_id BIGINT NOT NULL REFERENCES event (id),
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (event_id, item_id))""",
    """CREATE TABLE handout (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES event (id),
    household_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES household (number),
    entry_id BIGINT REFERENCES ledger_entry (id),
    visit_id BIGINT REFERENCES visit (id),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    """CREATE UNIQUE INDEX handout_event_id_household_id ON handout (event_id, household_id)""",
    "CREATE INDEX handout_visit_id ON handout (visit_id) WHERE visit_id IS NOT NULL",
    """CREATE TABLE handout_line (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    handout_id BIGINT NOT NULL REFERENCES handout (id),
    item_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES item (code),
    qty INTEGER NOT NULL CHECK (qty > 0),
    move_id BIGINT NOT NULL REFERENCES stock_move (id))""",
    "CREATE INDEX handout_line_handout_id ON handout_line (handout_id)",
    "CREATE UNIQUE INDEX handout_line_move_id ON handout_line (move_id)",
)

PG_WIDEN = (
    "ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_kind",
    """ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_kind CHECK (kind IN
    ('award', 'deduction', 'redemption', 'reversal', 'adjustment', 'base', 'handout')) NOT VALID""",
    "ALTER TABLE stock_move DROP CONSTRAINT stock_move_kind",
    """ALTER TABLE stock_move ADD CONSTRAINT stock_move_kind CHECK (kind IN ('donation',
    'purchase', 'redemption', 'adjustment', 'count', 'writeoff', 'transfer', 'handout'))
    NOT VALID""",
)
POSTGRES = (*POSTGRES_TABLES, *postgres_triggers(IMMUTABLE), *PG_WIDEN)


def up(migrator, db):
    if is_postgres(db):
        for sql in server_schema(POSTGRES):
            db.execute_sql(sql)
        return
    for sql in statements():
        db.execute_sql(sql)
    cookie = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    for table, old, new in WIDEN:
        db.execute_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
            (old, new, table),
        )
    db.execute_sql(f"PRAGMA schema_version = {cookie + 1}")
    db.execute_sql("PRAGMA writable_schema = OFF")
