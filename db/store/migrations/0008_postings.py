"""Posting before credit (公示, docs/design.md §4.12).

Frozen as SQL like 0001. It adds
- `county.posting_days`: how many days an award waits on the village's public list before a
  manager may credit it (0 to 30; 0 credits at once). Set at the county, carried to stations
  in setup and update files;
- `posting`: one public list of a village and month, published at a moment and running for
  `days` days, its last day `until`;
- `posting_line`: a line of a posting (household, task, signed points, quantity, note), what
  would have been a ledger entry;
- `objection`: an objection to a household's lines of a posting: who raised it, the reason,
  the operator who took it down;
- `objection_ruling`: a manager's outcome of one objection, upheld (the household's lines are
  dropped) or dismissed (they stand), with a note;
- `posting_credit`: a manager's crediting of a posting once its period is over;
- `posting_entry`: the ledger entry a credited line became (one each way).

Every one of them is a record like a ledger entry: triggers abort every UPDATE and DELETE, and
a change is a new row (an objection's ruling, a credit). The indexes keep the award path fast:
a household's posted lines of a task in the postings of a month (the monthly cap), a
posting's lines, its objections, a month's postings.
"""

TABLES = """
ALTER TABLE county ADD COLUMN posting_days INTEGER NOT NULL DEFAULT 0
    CHECK (typeof(posting_days) = 'integer' AND posting_days BETWEEN 0 AND 30);
CREATE TABLE posting (
    id INTEGER NOT NULL PRIMARY KEY, village_id VARCHAR(255) NOT NULL REFERENCES village (code),
    month TEXT NOT NULL, days INTEGER NOT NULL CHECK (typeof(days) = 'integer' AND days >= 1),
    published TEXT NOT NULL, until TEXT NOT NULL,
    operator TEXT NOT NULL, station TEXT NOT NULL);
CREATE INDEX posting_month ON posting (month);
CREATE INDEX posting_village_id_month ON posting (village_id, month);
CREATE TABLE posting_line (
    id INTEGER NOT NULL PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES posting (id),
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    task_id VARCHAR(255) NOT NULL REFERENCES task (code),
    points INTEGER NOT NULL CHECK (typeof(points) = 'integer'),
    qty INTEGER NOT NULL CHECK (typeof(qty) = 'integer'),
    note TEXT NOT NULL);
CREATE INDEX posting_line_posting_id ON posting_line (posting_id);
CREATE INDEX posting_line_household_id_task_id_posting_id
    ON posting_line (household_id, task_id, posting_id);
CREATE TABLE objection (
    id INTEGER NOT NULL PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES posting (id),
    household_id VARCHAR(255) NOT NULL REFERENCES household (number),
    raised_by TEXT NOT NULL, reason TEXT NOT NULL,
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX objection_posting_id_household_id ON objection (posting_id, household_id);
CREATE INDEX objection_household_id ON objection (household_id);
CREATE TABLE objection_ruling (
    id INTEGER NOT NULL PRIMARY KEY,
    objection_id INTEGER NOT NULL UNIQUE REFERENCES objection (id),
    upheld INTEGER NOT NULL CHECK (upheld IN (0, 1)), note TEXT NOT NULL,
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE TABLE posting_credit (
    id INTEGER NOT NULL PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES posting (id),
    operator TEXT NOT NULL, station TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX posting_credit_posting_id ON posting_credit (posting_id);
CREATE TABLE posting_entry (
    entry_id INTEGER NOT NULL PRIMARY KEY REFERENCES ledger_entry (id),
    line_id INTEGER NOT NULL UNIQUE REFERENCES posting_line (id),
    credit_id INTEGER NOT NULL REFERENCES posting_credit (id));
"""

IMMUTABLE = (
    "posting",
    "posting_line",
    "objection",
    "objection_ruling",
    "posting_credit",
    "posting_entry",
)

TRIGGER = """
CREATE TRIGGER {table}_no_{verb} BEFORE {event} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: write a new row instead'); END;
"""


def statements() -> list[str]:
    tables = [s.strip() for s in TABLES.split(";") if s.strip()]
    triggers = [
        TRIGGER.format(table=table, verb=event.lower(), event=event).strip()
        for table in IMMUTABLE
        for event in ("UPDATE", "DELETE")
    ]
    return tables + triggers


def up(migrator, db):
    for sql in statements():
        db.execute_sql(sql)
