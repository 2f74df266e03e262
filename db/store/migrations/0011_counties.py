"""Many counties in one database (docs/design.md §6.7).

Frozen as SQL like 0001. It adds
- `operator.county_id`: the county a county officer (role `county`) works for. Every county
  service acts for that county only: its stations, places, households, files and reports.
  The county officers already in the books are bound to the county of the database's own
  office (the `setting` row `station`); other operators have none;
- the role `province`: reads the province report (the counties' totals side by side) and
  nothing else. SQLite cannot alter a CHECK: the role's CHECK is widened in place in the schema
  text, as 0010 did (a wider CHECK changes nothing stored);
- one signing key per county: the `setting` row `county_signing_key` becomes
  `county_signing_key:<county>`, so a county added later gets its own.
"""

ADD_COLUMN = "ALTER TABLE operator ADD COLUMN county_id VARCHAR(255) REFERENCES county (code)"
INDEX = "CREATE INDEX operator_county_id ON operator (county_id)"
# The county of the database's own office: the county officers already here work for it.
BIND = (
    "UPDATE operator SET county_id = (SELECT s.county_id FROM station AS s "
    "JOIN setting AS g ON g.value = s.code WHERE g.name = 'station' AND s.kind = 'county') "
    "WHERE role = 'county'"
)
KEY = (
    "UPDATE setting SET name = 'county_signing_key:' || (SELECT s.county_id FROM station AS s "
    "JOIN setting AS g ON g.value = s.code WHERE g.name = 'station' AND s.kind = 'county') "
    "WHERE name = 'county_signing_key' AND EXISTS (SELECT 1 FROM station AS s "
    "JOIN setting AS g ON g.value = s.code WHERE g.name = 'station' AND s.kind = 'county')"
)
OLD_ROLES = "'manager', 'county'))"
NEW_ROLES = "'manager', 'county', 'province'))"

STATEMENTS = (ADD_COLUMN, INDEX, BIND, KEY)

POSTGRES = (
    'ALTER TABLE operator ADD COLUMN county_id VARCHAR(255) COLLATE "C" REFERENCES county (code)',
    INDEX,
    "ALTER TABLE operator DROP CONSTRAINT IF EXISTS operator_role_check",
    "ALTER TABLE operator ADD CONSTRAINT operator_role_check "
    "CHECK (role IN ('clerk', 'cadre', 'manager', 'county', 'province'))",
    BIND,
    KEY,
)


def _widen_sqlite(db) -> None:
    cookie = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    db.execute_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' "
        "AND name = 'operator'",
        (OLD_ROLES, NEW_ROLES),
    )
    db.execute_sql(f"PRAGMA schema_version = {cookie + 1}")
    db.execute_sql("PRAGMA writable_schema = OFF")


def up(migrator, db):
    from db.store.connection import is_postgres

    if is_postgres(db):
        for sql in POSTGRES:
            db.execute_sql(sql)
        return
    for sql in STATEMENTS:
        db.execute_sql(sql)
    _widen_sqlite(db)
