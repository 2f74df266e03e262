"""Produce sold for cash on consignment, the shop's cash book, and the county's notices.

Frozen as SQL like 0001. Money is integer fen, in tables of its own, never mixed with points
(docs/design.md §4.11). It adds
- `produce_lot`: a household's produce taken in on consignment: name, unit, quantity and the
  agreed price per unit in fen;
- `produce_sale`: part of a lot sold for cash, with its amount (quantity × the lot's price) and
  the buyer when named; a mistake is undone by a sale of the negated quantity that reverses it;
- `produce_payout`, `produce_payout_line`: cash paid to a household for what its lots earned,
  one line per lot, against a slip both sign;
- `cash_move`: the cash book: every sale in, every payout out, every difference a daily close
  found; its balance is the sum of its moves;
- `cash_close`: the daily close (现金日记账): the cash counted against the books (the sum of
  the station's moves up to `counted_to`), the difference, and who signed it;
- `notice`: a policy notice the county writes — title, text, period, and whom it is for
  (townships, household categories, households: space-separated lists, empty for any) — sent
  to the stations in update files.
Lots, sales, payouts, payout lines, cash moves, closes and notices are entries: the triggers
keep them from being changed or deleted, and a sale never takes a lot above what was taken in.
"""

from db.store.connection import is_postgres
from db.store.references import server_schema
from db.store.triggers import postgres_triggers

TABLES = """
CREATE TABLE produce_lot (
    id INTEGER NOT NULL PRIMARY KEY,
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    name TEXT NOT NULL, unit TEXT NOT NULL,
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty > 0),
    price_fen INTEGER NOT NULL CHECK (typeof(price_fen) = 'integer' AND price_fen > 0),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX produce_lot_household_id ON produce_lot (household_id);
CREATE INDEX produce_lot_time ON produce_lot (time);
CREATE TABLE produce_sale (
    id INTEGER NOT NULL PRIMARY KEY,
    lot_id INTEGER NOT NULL REFERENCES produce_lot (id),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer' AND qty <> 0),
    price_fen INTEGER NOT NULL CHECK (typeof(price_fen) = 'integer' AND price_fen > 0),
    amount_fen INTEGER NOT NULL
        CHECK (typeof(amount_fen) = 'integer' AND amount_fen = qty * price_fen),
    buyer TEXT NOT NULL,
    reverses_id INTEGER REFERENCES produce_sale (id),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX produce_sale_lot_id ON produce_sale (lot_id);
CREATE UNIQUE INDEX produce_sale_reverses_id ON produce_sale (reverses_id);
CREATE INDEX produce_sale_time ON produce_sale (time);
CREATE TABLE produce_payout (
    id INTEGER NOT NULL PRIMARY KEY,
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX produce_payout_household_id ON produce_payout (household_id);
CREATE INDEX produce_payout_time ON produce_payout (time);
CREATE TABLE produce_payout_line (
    id INTEGER NOT NULL PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES produce_payout (id),
    lot_id INTEGER NOT NULL REFERENCES produce_lot (id),
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0));
CREATE INDEX produce_payout_line_payout_id ON produce_payout_line (payout_id);
CREATE INDEX produce_payout_line_lot_id ON produce_payout_line (lot_id);
CREATE TABLE cash_close (
    id INTEGER NOT NULL PRIMARY KEY, day TEXT NOT NULL,
    expected_fen INTEGER NOT NULL CHECK (typeof(expected_fen) = 'integer'),
    counted_fen INTEGER NOT NULL CHECK (typeof(counted_fen) = 'integer' AND counted_fen >= 0),
    difference_fen INTEGER NOT NULL
        CHECK (typeof(difference_fen) = 'integer' AND difference_fen = counted_fen - expected_fen),
    counted_to INTEGER,
    note TEXT NOT NULL, operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE UNIQUE INDEX cash_close_station_day ON cash_close (station, day);
CREATE TABLE cash_move (
    id INTEGER NOT NULL PRIMARY KEY,
    kind VARCHAR(255) NOT NULL CHECK (kind IN ('sale', 'payout', 'close')),
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen <> 0),
    sale_id INTEGER REFERENCES produce_sale (id),
    payout_id INTEGER REFERENCES produce_payout (id),
    close_id INTEGER REFERENCES cash_close (id),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX cash_move_station_id ON cash_move (station, id);
CREATE UNIQUE INDEX cash_move_sale_id ON cash_move (sale_id);
CREATE UNIQUE INDEX cash_move_payout_id ON cash_move (payout_id);
CREATE UNIQUE INDEX cash_move_close_id ON cash_move (close_id);
CREATE INDEX cash_move_time ON cash_move (time);
CREATE TABLE notice (
    id INTEGER NOT NULL PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL,
    start TEXT NOT NULL, until TEXT,
    townships TEXT NOT NULL, categories TEXT NOT NULL, households TEXT NOT NULL,
    operator TEXT NOT NULL, time TEXT NOT NULL);
"""

IMMUTABLE = (
    "produce_lot",
    "produce_sale",
    "produce_payout",
    "produce_payout_line",
    "cash_close",
    "cash_move",
    "notice",
)

TRIGGER = """
CREATE TRIGGER {table}_no_{verb} BEFORE {event} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: write a reversal instead'); END;
"""

# Sold never above taken in, nor below nothing, whoever writes the row.
WITHIN_LOT = """
CREATE TRIGGER produce_sale_within_lot BEFORE INSERT ON produce_sale
WHEN (SELECT COALESCE(SUM(qty), 0) FROM produce_sale WHERE lot_id = NEW.lot_id) + NEW.qty
    NOT BETWEEN 0 AND (SELECT qty FROM produce_lot WHERE id = NEW.lot_id)
BEGIN SELECT RAISE(ABORT, 'produce_sale: sold above what the lot took in'); END
"""


def statements() -> list[str]:
    tables = [s.strip() for s in TABLES.split(";") if s.strip()]
    triggers = [
        TRIGGER.format(table=table, verb=event.lower(), event=event).strip()
        for table in IMMUTABLE
        for event in ("UPDATE", "DELETE")
    ]
    return [*tables, *triggers, WITHIN_LOT.strip()]


STATEMENTS = tuple(statements())

# PostgreSQL: the same tables and indexes, the triggers of 0001's function, and the lot's
# bound as a PL/pgSQL trigger.
POSTGRES_TABLES = (
    """CREATE TABLE produce_lot (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    household_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES household (number),
    name TEXT COLLATE "C" NOT NULL, unit TEXT COLLATE "C" NOT NULL,
    qty INTEGER NOT NULL CHECK (qty > 0),
    price_fen INTEGER NOT NULL CHECK (price_fen > 0),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX produce_lot_household_id ON produce_lot (household_id)",
    "CREATE INDEX produce_lot_time ON produce_lot (time)",
    """CREATE TABLE produce_sale (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    lot_id BIGINT NOT NULL REFERENCES produce_lot (id),
    qty INTEGER NOT NULL CHECK (qty <> 0),
    price_fen INTEGER NOT NULL CHECK (price_fen > 0),
    amount_fen INTEGER NOT NULL
        CHECK (amount_fen = qty * price_fen),
    buyer TEXT COLLATE "C" NOT NULL,
    reverses_id BIGINT REFERENCES produce_sale (id),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX produce_sale_lot_id ON produce_sale (lot_id)",
    "CREATE UNIQUE INDEX produce_sale_reverses_id ON produce_sale (reverses_id)",
    "CREATE INDEX produce_sale_time ON produce_sale (time)",
    """CREATE TABLE produce_payout (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    household_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES household (number),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX produce_payout_household_id ON produce_payout (household_id)",
    "CREATE INDEX produce_payout_time ON produce_payout (time)",
    """CREATE TABLE produce_payout_line (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    payout_id BIGINT NOT NULL REFERENCES produce_payout (id),
    lot_id BIGINT NOT NULL REFERENCES produce_lot (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0))""",
    "CREATE INDEX produce_payout_line_payout_id ON produce_payout_line (payout_id)",
    "CREATE INDEX produce_payout_line_lot_id ON produce_payout_line (lot_id)",
    """CREATE TABLE cash_close (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, day TEXT COLLATE "C" NOT NULL,
    expected_fen INTEGER NOT NULL,
    counted_fen INTEGER NOT NULL CHECK (counted_fen >= 0),
    difference_fen INTEGER NOT NULL
        CHECK (difference_fen = counted_fen - expected_fen),
    counted_to BIGINT,
    note TEXT COLLATE "C" NOT NULL, operator TEXT COLLATE "C" NOT NULL,
        station TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL)""",
    "CREATE UNIQUE INDEX cash_close_station_day ON cash_close (station, day)",
    """CREATE TABLE cash_move (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind VARCHAR(255) COLLATE "C" NOT NULL CHECK (kind IN ('sale', 'payout', 'close')),
    amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),
    sale_id BIGINT REFERENCES produce_sale (id),
    payout_id BIGINT REFERENCES produce_payout (id),
    close_id BIGINT REFERENCES cash_close (id),
    operator TEXT COLLATE "C" NOT NULL, station TEXT COLLATE "C" NOT NULL,
        time TEXT COLLATE "C" NOT NULL)""",
    "CREATE INDEX cash_move_station_id ON cash_move (station, id)",
    "CREATE UNIQUE INDEX cash_move_sale_id ON cash_move (sale_id)",
    "CREATE UNIQUE INDEX cash_move_payout_id ON cash_move (payout_id)",
    "CREATE UNIQUE INDEX cash_move_close_id ON cash_move (close_id)",
    "CREATE INDEX cash_move_time ON cash_move (time)",
    """CREATE TABLE notice (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, title TEXT COLLATE "C" NOT NULL,
        text TEXT COLLATE "C" NOT NULL,
    start TEXT COLLATE "C" NOT NULL, until TEXT COLLATE "C",
    townships TEXT COLLATE "C" NOT NULL, categories TEXT COLLATE "C" NOT NULL,
        households TEXT COLLATE "C" NOT NULL,
    operator TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL)""",
)

PG_WITHIN_LOT = (
    """CREATE FUNCTION produce_sale_within_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT COALESCE(SUM(qty), 0) FROM produce_sale WHERE lot_id = NEW.lot_id) + NEW.qty
        NOT BETWEEN 0 AND (SELECT qty FROM produce_lot WHERE id = NEW.lot_id) THEN
        RAISE EXCEPTION 'produce_sale: sold above what the lot took in'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$""",
    "CREATE TRIGGER produce_sale_within_lot BEFORE INSERT ON produce_sale "
    "FOR EACH ROW EXECUTE FUNCTION produce_sale_within_lot()",
)
POSTGRES = (*POSTGRES_TABLES, *postgres_triggers(IMMUTABLE), *PG_WITHIN_LOT)


def up(migrator, db):
    for sql in server_schema(POSTGRES) if is_postgres(db) else statements():
        db.execute_sql(sql)
