"""Write paths that stay fast as the books grow, and where `aixin verify` got to.

Frozen as SQL like 0001. It adds
- `ledger_entry (household_id, task_id, time)`: a task's points for one household in one
  month (the monthly cap, checked on every award and every line of a sheet) read from the
  household's own entries of that task in that month, with or without table statistics;
- `donor (name, kind)`: a donation finds its donor without reading every donor;
- `household (id_number)`: adding or editing a household makes sure no other has its ID
  number without reading the whole roster;
- the indexes on an entry's or a move's redemption, and a move's donation and count, made
  partial (`WHERE … IS NOT NULL`): nearly every entry has no redemption, and with table
  statistics SQLite counted those NULLs as one huge group, took the index for useless and
  read the whole ledger to find one redemption's entry. Without the NULLs each key has one
  or a few rows, with statistics or without;
- `verified_point`: per kind of record and station, the last id `aixin verify` checked, how
  many of the station's rows it had up to there, and for a chain checked whole the link of
  that entry, so that `aixin verify --since-last` checks only what came after
  (db/books/verify.py).
"""

from db.store.connection import is_postgres
from db.store.references import server_schema

TABLES = """
CREATE INDEX ledger_entry_household_id_task_id_time ON ledger_entry (household_id, task_id, time);
CREATE INDEX donor_name_kind ON donor (name, kind);
CREATE INDEX household_id_number ON household (id_number);
DROP INDEX ledger_entry_redemption_id;
CREATE INDEX ledger_entry_redemption_id ON ledger_entry (redemption_id)
    WHERE redemption_id IS NOT NULL;
DROP INDEX stock_move_redemption_id;
CREATE INDEX stock_move_redemption_id ON stock_move (redemption_id)
    WHERE redemption_id IS NOT NULL;
DROP INDEX stock_move_donation_id;
CREATE INDEX stock_move_donation_id ON stock_move (donation_id) WHERE donation_id IS NOT NULL;
DROP INDEX stock_move_count_id;
CREATE INDEX stock_move_count_id ON stock_move (count_id) WHERE count_id IS NOT NULL;
CREATE TABLE verified_point (
    records VARCHAR(255) NOT NULL CHECK (records IN ('entries', 'moves', 'redemptions')),
    station VARCHAR(255) NOT NULL,
    last_id INTEGER NOT NULL, rows INTEGER NOT NULL, link TEXT, time TEXT NOT NULL,
    PRIMARY KEY (records, station));
"""


def statements() -> list[str]:
    return [s.strip() for s in TABLES.split(";") if s.strip()]


STATEMENTS = tuple(statements())

# PostgreSQL: the same indexes (partial ones too) and table.
POSTGRES = (
    """CREATE INDEX ledger_entry_household_id_task_id_time ON ledger_entry (household_id, task_id,
    time)""",
    "CREATE INDEX donor_name_kind ON donor (name, kind)",
    "CREATE INDEX household_id_number ON household (id_number)",
    "DROP INDEX ledger_entry_redemption_id",
    """CREATE INDEX ledger_entry_redemption_id ON ledger_entry (redemption_id)
    WHERE redemption_id IS NOT NULL""",
    "DROP INDEX stock_move_redemption_id",
    """CREATE INDEX stock_move_redemption_id ON stock_move (redemption_id)
    WHERE redemption_id IS NOT NULL""",
    "DROP INDEX stock_move_donation_id",
    """CREATE INDEX stock_move_donation_id ON stock_move (donation_id)
    WHERE donation_id IS NOT NULL""",
    "DROP INDEX stock_move_count_id",
    """CREATE INDEX stock_move_count_id ON stock_move (count_id) WHERE count_id IS NOT NULL""",
    """CREATE TABLE verified_point (
    records VARCHAR(255) COLLATE "C" NOT NULL CHECK (records IN ('entries', 'moves',
        'redemptions')),
    station VARCHAR(255) COLLATE "C" NOT NULL,
    last_id BIGINT NOT NULL, rows INTEGER NOT NULL, link TEXT COLLATE "C",
        time TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (records, station))""",
)


def up(migrator, db):
    for sql in server_schema(POSTGRES) if is_postgres(db) else statements():
        db.execute_sql(sql)
