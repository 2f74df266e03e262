"""The honour roll's county setting travels (docs/design.md §7, §6.5).

Frozen as SQL like 0001. It adds `county.roll_names_deductions`: 1 when the county's honour
rolls list deductions by household, 0 (the default) when they count them without names. Like
the posting days it is the county's, set by `county settings` and carried to stations by setup
and update files. Books that held it as the station setting `roll_names_deductions` (which no
command could set) keep its value, and the setting row goes.
"""

CARRY = (
    "UPDATE county SET roll_names_deductions = 1 WHERE EXISTS "
    "(SELECT 1 FROM setting WHERE name = 'roll_names_deductions' AND value = '1')"
)
DROP_SETTING = "DELETE FROM setting WHERE name = 'roll_names_deductions'"

STATEMENTS = (
    "ALTER TABLE county ADD COLUMN roll_names_deductions INTEGER NOT NULL DEFAULT 0 "
    "CHECK (typeof(roll_names_deductions) = 'integer' AND roll_names_deductions IN (0, 1))",
    CARRY,
    DROP_SETTING,
)

POSTGRES = (
    "ALTER TABLE county ADD COLUMN roll_names_deductions INTEGER NOT NULL DEFAULT 0 "
    "CHECK (roll_names_deductions IN (0, 1))",
    CARRY,
    DROP_SETTING,
)


def up(migrator, db):
    from db.store.connection import is_postgres

    for sql in POSTGRES if is_postgres(db) else STATEMENTS:
        db.execute_sql(sql)
