"""The PostgreSQL triggers that keep a table's rows immutable, for the migrations.

`aixin_immutable(hint)` is the trigger function 0001 makes; each migration that adds tables
whose rows are entries calls `postgres_triggers` for them. The text this writes is part of
every migration that uses it: change it only together with a new migration.
"""

from __future__ import annotations

# TRUNCATE, which SQLite lacks, is refused as well; the argument says what to do instead.
PG_TRIGGER = (
    "CREATE TRIGGER {table}_no_{verb} BEFORE {event} ON {table} FOR EACH {each} "
    "EXECUTE FUNCTION aixin_immutable('{hint}')"
)


def postgres_triggers(tables: tuple[str, ...], hint: str = "write a reversal instead") -> list[str]:
    """UPDATE, DELETE and TRUNCATE refused on every table of `tables`."""
    return [
        PG_TRIGGER.format(
            table=table,
            verb=event.lower(),
            event=event,
            each="STATEMENT" if event == "TRUNCATE" else "ROW",
            hint=hint,
        )
        for table in tables
        for event in ("UPDATE", "DELETE", "TRUNCATE")
    ]
