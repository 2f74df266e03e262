"""The rules sheet keeps its history: what a task was worth, and its cap, from when.

Frozen as SQL like 0001. It adds
- `task_value`: one line per value a task has had — points per unit, the cap and whether the
  cap counts a month or a year (`per`) — each from its moment `since` ('YYYY-MM-DD HH:MM:SS',
  or a date, which sorts before every time of that day). The value of a task at time t is
  its line with the greatest `since` not after t (db/books/catalog_at.py, the only place
  that reads it): the primary key (task_id, since) finds it with one seek. Lines are never
  changed nor deleted, so a past award keeps the value it was made at;
- a line for every task already in the books, holding its points and monthly cap since
  always ('0001-01-01'), so the books read as they did.

The `task` row keeps the name, category, unit and whether the task is in use (`active`: a
task the county dropped is retired, never deleted, since entries point at it), and its
points and cap as of the newest line, for what only shows the rules sheet.
"""

from db.store.connection import is_postgres
from db.store.references import server_schema

TRIGGER = """
CREATE TRIGGER task_value_no_{verb} BEFORE {event} ON task_value
BEGIN SELECT RAISE(ABORT, 'task_value rows are immutable: add a line from a later date'); END
"""
STATEMENTS = (
    """CREATE TABLE task_value (
    task_id VARCHAR(255) NOT NULL REFERENCES task (code),
    since TEXT NOT NULL,
    points INTEGER NOT NULL CHECK (typeof(points) = 'integer' AND points <> 0),
    cap INTEGER CHECK (cap IS NULL OR (typeof(cap) = 'integer' AND cap > 0)),
    per VARCHAR(5) NOT NULL DEFAULT 'month' CHECK (per IN ('month', 'year')),
    PRIMARY KEY (task_id, since)) WITHOUT ROWID""",
    """INSERT INTO task_value (task_id, since, points, cap, per)
    SELECT code, '0001-01-01', points, cap, 'month' FROM task""",
    TRIGGER.format(verb="update", event="UPDATE").strip(),
    TRIGGER.format(verb="delete", event="DELETE").strip(),
)


# PostgreSQL: the same table (a heap with its primary key), the triggers of 0001's function.
POSTGRES_TABLES = (
    """CREATE TABLE task_value (
    task_id VARCHAR(255) COLLATE "C" NOT NULL REFERENCES task (code),
    since TEXT COLLATE "C" NOT NULL,
    points INTEGER NOT NULL CHECK (points <> 0),
    cap INTEGER CHECK (cap IS NULL OR (cap > 0)),
    per VARCHAR(5) COLLATE "C" NOT NULL DEFAULT 'month' CHECK (per IN ('month', 'year')),
    PRIMARY KEY (task_id, since))""",
    """INSERT INTO task_value (task_id, since, points, cap, per)
    SELECT code, '0001-01-01', points, cap, 'month' FROM task""",
)

POSTGRES = (
    *POSTGRES_TABLES,
    *(
        "CREATE TRIGGER task_value_no_{verb} BEFORE {event} ON task_value FOR EACH {each} "
        "EXECUTE FUNCTION aixin_immutable('add a line from a later date')".format(
            verb=event.lower(), event=event, each="STATEMENT" if event == "TRUNCATE" else "ROW"
        )
        for event in ("UPDATE", "DELETE", "TRUNCATE")
    ),
)


def up(migrator, db):
    for sql in server_schema(POSTGRES) if is_postgres(db) else STATEMENTS:
        db.execute_sql(sql)
