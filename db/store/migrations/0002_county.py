"""Stations and the county: what the monthly files, the merge and the updates need.

Frozen as SQL like 0001. It adds
- `station_township`: the townships a station serves, set at enrollment, so the county knows
  whose roster and whose entries to send each station;
- `household_version`: every version a household record has had (written by triggers), so a
  month's file can carry exactly the changes made in that month, however often it is exported;
- `card.revoked_by`: the station that revoked a card (a trigger stamps the local station when a
  service revokes one), so each revocation travels in one station's file;
- `monthly_file`: at the county, one row per merged station month: the file's digest and where
  its piece of the station's hash chain begins and ends, for idempotence and continuity;
- `month_household`, `month_station`, `month_stock`: at the county, each month's points by
  household and by station and task, and stock moves by station and item — caches the merge
  keeps in the same transaction as the rows (and `aixin verify` recomputes), so county reports
  over tens of millions of entries take a moment.
"""

from db.store.connection import is_postgres
from db.store.references import server_schema

TABLES = """
CREATE TABLE station_township (
    station_id VARCHAR(255) NOT NULL REFERENCES station (code),
    township_id VARCHAR(255) NOT NULL REFERENCES township (code),
    PRIMARY KEY (station_id, township_id));
CREATE INDEX station_township_township_id ON station_township (township_id);
CREATE TABLE household_version (
    number VARCHAR(255) NOT NULL, head_name TEXT NOT NULL, id_number VARCHAR(255) NOT NULL,
    village_id VARCHAR(255) NOT NULL, group_id VARCHAR(255), category VARCHAR(255) NOT NULL,
    members INTEGER NOT NULL, phone TEXT NOT NULL,
    status VARCHAR(255) NOT NULL CHECK (status IN ('active', 'moved', 'deceased', 'removed')),
    initials TEXT NOT NULL, updated TEXT NOT NULL, updated_by TEXT NOT NULL,
    PRIMARY KEY (number, updated, updated_by));
CREATE INDEX household_version_updated ON household_version (updated_by, updated);
ALTER TABLE card ADD COLUMN revoked_by TEXT;
CREATE TABLE monthly_file (
    station_id VARCHAR(255) NOT NULL REFERENCES station (code), month VARCHAR(255) NOT NULL,
    digest TEXT NOT NULL, entries INTEGER NOT NULL, before_id INTEGER, last_id INTEGER,
    chain_start TEXT NOT NULL, chain_end TEXT NOT NULL,
    PRIMARY KEY (station_id, month));
CREATE TABLE month_household (
    month VARCHAR(255) NOT NULL, household_id VARCHAR(255) NOT NULL,
    award INTEGER NOT NULL, deduction INTEGER NOT NULL, redemption INTEGER NOT NULL,
    reversal INTEGER NOT NULL, adjustment INTEGER NOT NULL, entries INTEGER NOT NULL,
    redemptions INTEGER NOT NULL,
    PRIMARY KEY (month, household_id));
CREATE TABLE month_station (
    month VARCHAR(255) NOT NULL, station_id VARCHAR(255) NOT NULL,
    task_id VARCHAR(255) NOT NULL, kind VARCHAR(255) NOT NULL,
    points INTEGER NOT NULL, entries INTEGER NOT NULL,
    PRIMARY KEY (month, station_id, task_id, kind));
CREATE TABLE month_stock (
    month VARCHAR(255) NOT NULL, station_id VARCHAR(255) NOT NULL,
    item_id VARCHAR(255) NOT NULL, kind VARCHAR(255) NOT NULL,
    qty INTEGER NOT NULL, moves INTEGER NOT NULL,
    PRIMARY KEY (month, station_id, item_id, kind));
"""

# Balance changes touch neither `updated` nor `updated_by`, so they leave no version. Two edits
# in the same second by the same station are one version: the later content stands. (Not
# INSERT OR REPLACE: an upsert on household overrides a trigger's conflict clause and fails.)
KEEP_VERSION = """
UPDATE household_version SET head_name = NEW.head_name, id_number = NEW.id_number,
    village_id = NEW.village_id, group_id = NEW.group_id, category = NEW.category,
    members = NEW.members, phone = NEW.phone, status = NEW.status, initials = NEW.initials
WHERE number = NEW.number AND updated = NEW.updated AND updated_by = NEW.updated_by;
INSERT INTO household_version (number, head_name, id_number, village_id, group_id, category,
    members, phone, status, initials, updated, updated_by)
SELECT NEW.number, NEW.head_name, NEW.id_number, NEW.village_id, NEW.group_id, NEW.category,
    NEW.members, NEW.phone, NEW.status, NEW.initials, NEW.updated, NEW.updated_by
WHERE NOT EXISTS (SELECT 1 FROM household_version
    WHERE number = NEW.number AND updated = NEW.updated AND updated_by = NEW.updated_by);
"""
TRIGGERS = (
    "CREATE TRIGGER household_version_on_insert AFTER INSERT ON household\n"
    "BEGIN" + KEEP_VERSION + "END",
    "CREATE TRIGGER household_version_on_update AFTER UPDATE OF updated, updated_by ON household\n"
    "WHEN NEW.updated IS NOT OLD.updated OR NEW.updated_by IS NOT OLD.updated_by\n"
    "BEGIN" + KEEP_VERSION + "END",
    """CREATE TRIGGER card_revoked_here AFTER UPDATE OF revoked ON card
WHEN OLD.revoked IS NULL AND NEW.revoked IS NOT NULL AND NEW.revoked_by IS NULL
BEGIN UPDATE card SET revoked_by = (SELECT value FROM setting WHERE name = 'station')
WHERE id = NEW.id; END""",
)
BACKFILL = (
    """INSERT INTO household_version (number, head_name, id_number, village_id, group_id,
    category, members, phone, status, initials, updated, updated_by)
SELECT number, head_name, id_number, village_id, group_id, category, members, phone, status,
    initials, updated, updated_by FROM household""",
    """UPDATE card SET revoked_by = (SELECT value FROM setting WHERE name = 'station')
WHERE revoked IS NOT NULL""",
)


def statements() -> list[str]:
    tables = [s.strip() for s in TABLES.split(";") if s.strip()]
    return tables + list(TRIGGERS) + list(BACKFILL)


STATEMENTS = tuple(statements())

# PostgreSQL: the same tables, and the triggers as PL/pgSQL functions (an upsert is fine here).
POSTGRES_TABLES = (
    """CREATE TABLE station_township (
    station_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES station (code),
    township_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES township (code),
    PRIMARY KEY (station_id, township_id))""",
    "CREATE INDEX station_township_township_id ON station_township (township_id)",
    """CREATE TABLE household_version (
    number VARCHAR(255) COLLATE "C" NOT NULL, head_name TEXT COLLATE "C" NOT NULL,
        id_number VARCHAR(255) COLLATE "C" NOT NULL,
    village_id VARCHAR(255) COLLATE "C" NOT NULL, group_id VARCHAR(255) COLLATE "C",
        category VARCHAR(255) COLLATE "C" NOT NULL,
    members INTEGER NOT NULL, phone TEXT COLLATE "C" NOT NULL,
    status VARCHAR(255) COLLATE "C" NOT NULL CHECK (status IN ('active', 'moved', 'deceased',
        'removed')),
    initials TEXT COLLATE "C" NOT NULL, updated TEXT COLLATE "C" NOT NULL,
        updated_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (number, updated, updated_by))""",
    "CREATE INDEX household_version_updated ON household_version (updated_by, updated)",
    'ALTER TABLE card ADD COLUMN revoked_by TEXT COLLATE "C"',
    """CREATE TABLE monthly_file (
    station_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES station (code),
        month VARCHAR(255) COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL, entries INTEGER NOT NULL, before_id BIGINT,
        last_id BIGINT,
    chain_start TEXT COLLATE "C" NOT NULL, chain_end TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (station_id, month))""",
    """CREATE TABLE month_household (
    month VARCHAR(255) COLLATE "C" NOT NULL, household_id VARCHAR(255) COLLATE "C" NOT NULL,
    award INTEGER NOT NULL, deduction INTEGER NOT NULL, redemption INTEGER NOT NULL,
    reversal INTEGER NOT NULL, adjustment INTEGER NOT NULL, entries INTEGER NOT NULL,
    redemptions INTEGER NOT NULL,
    PRIMARY KEY (month, household_id))""",
    """CREATE TABLE month_station (
    month VARCHAR(255) COLLATE "C" NOT NULL, station_id VARCHAR(255) COLLATE "C" NOT NULL,
    task_id VARCHAR(255) COLLATE "C" NOT NULL, kind VARCHAR(255) COLLATE "C" NOT NULL,
    points INTEGER NOT NULL, entries INTEGER NOT NULL,
    PRIMARY KEY (month, station_id, task_id, kind))""",
    """CREATE TABLE month_stock (
    month VARCHAR(255) COLLATE "C" NOT NULL, station_id VARCHAR(255) COLLATE "C" NOT NULL,
    item_id VARCHAR(255) COLLATE "C" NOT NULL, kind VARCHAR(255) COLLATE "C" NOT NULL,
    qty INTEGER NOT NULL, moves INTEGER NOT NULL,
    PRIMARY KEY (month, station_id, item_id, kind))""",
    """INSERT INTO household_version (number, head_name, id_number, village_id, group_id,
    category, members, phone, status, initials, updated, updated_by)
SELECT number, head_name, id_number, village_id, group_id, category, members, phone, status,
    initials, updated, updated_by FROM household""",
    """UPDATE card SET revoked_by = (SELECT value FROM setting WHERE name = 'station')
WHERE revoked IS NOT NULL""",
)

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION household_keep_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_version (number, head_name, id_number, village_id, group_id,
        category, members, phone, status, initials, updated, updated_by)
    VALUES (NEW.number, NEW.head_name, NEW.id_number, NEW.village_id, NEW.group_id,
        NEW.category, NEW.members, NEW.phone, NEW.status, NEW.initials, NEW.updated,
        NEW.updated_by)
    ON CONFLICT (number, updated, updated_by) DO UPDATE SET head_name = EXCLUDED.head_name,
        id_number = EXCLUDED.id_number, village_id = EXCLUDED.village_id,
        group_id = EXCLUDED.group_id, category = EXCLUDED.category,
        members = EXCLUDED.members, phone = EXCLUDED.phone, status = EXCLUDED.status,
        initials = EXCLUDED.initials;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER household_version_on_insert AFTER INSERT ON household\n"
    "FOR EACH ROW EXECUTE FUNCTION household_keep_version()",
    "CREATE TRIGGER household_version_on_update AFTER UPDATE OF updated, updated_by ON household\n"
    "FOR EACH ROW WHEN (NEW.updated IS DISTINCT FROM OLD.updated\n"
    "    OR NEW.updated_by IS DISTINCT FROM OLD.updated_by)\n"
    "EXECUTE FUNCTION household_keep_version()",
    """CREATE FUNCTION card_revoked_here() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revoked_by := (SELECT value FROM setting WHERE name = 'station');
    RETURN NEW;
END $$""",
    """CREATE TRIGGER card_revoked_here BEFORE UPDATE OF revoked ON card
FOR EACH ROW WHEN (OLD.revoked IS NULL AND NEW.revoked IS NOT NULL AND NEW.revoked_by IS NULL)
EXECUTE FUNCTION card_revoked_here()""",
)
POSTGRES = (*POSTGRES_TABLES[:-2], *POSTGRES_TRIGGERS, *POSTGRES_TABLES[-2:])


def up(migrator, db):
    for sql in server_schema(POSTGRES) if is_postgres(db) else statements():
        db.execute_sql(sql)
