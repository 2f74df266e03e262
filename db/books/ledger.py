"""Writing and reading the points ledger.

`append` is the only way entries get into the books: it numbers them, links them into the
station's hash chain and moves the households' cached balances, all inside the caller's
transaction, so a business operation is written whole or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from peewee import SQL, ColumnBase, Field, NodeList

from catalog.messages import Refused
from db.books import views
from db.books.views import EntryView
from db.store import chain
from db.store.clock import stamp
from db.store.connection import database
from db.store.ids import human, next_ids
from db.store.models import Entry, Household


@dataclass(frozen=True)
class NewEntry:
    household: str
    points: int
    kind: str
    task: str | None = None
    redemption: int | None = None
    reverses: int | None = None
    qty: int = 1
    note: str = ""


# The hot path of every award, sheet and redemption, as SQL written once: building these with
# peewee cost several times what SQLite takes to run them (tests/bench/README.md).
HEAD = "SELECT chain_head FROM station WHERE code = ?"
INSERT = f"INSERT INTO ledger_entry ({chain.COLUMNS}) VALUES "  # noqa: S608 - constant columns
ROW = f"({', '.join('?' * len(chain.FIELDS))})"
ROWS_A_STATEMENT = 999 // len(chain.FIELDS)  # old SQLite takes at most 999 parameters
MOVE_HEAD = "UPDATE station SET chain_head = ? WHERE code = ?"
MOVE_BALANCE = "UPDATE household SET balance = balance + ? WHERE number = ?"


def append(operator: str, station: str, when: datetime, entries: list[NewEntry]) -> list[int]:
    """Write `entries` for `station`; returns their ids. Call inside `database.atomic()`."""
    if not entries:
        return []
    head = database.execute_sql(HEAD, (station,)).fetchone()[0]
    ids = next_ids(Entry, station, len(entries))
    time = stamp(when)
    rows = []
    for entry_id, e in zip(ids, entries, strict=True):
        row = (
            entry_id,
            e.household,
            e.points,
            e.kind,
            e.task,
            e.redemption,
            e.reverses,
            e.qty,
            clean_note(e.note),
            operator,
            station,
            time,
            head,
        )
        rows.append(row)
        head = chain.link(row)
    for at in range(0, len(rows), ROWS_A_STATEMENT):
        part = rows[at : at + ROWS_A_STATEMENT]
        database.execute_sql(INSERT + ", ".join([ROW] * len(part)), [v for r in part for v in r])
    database.execute_sql(MOVE_HEAD, (head, station))
    moved: dict[str, int] = defaultdict(int)
    for e in entries:
        moved[e.household] += e.points
    for household, points in moved.items():
        database.execute_sql(MOVE_BALANCE, (points, household))
    return ids


def clean_note(note: str) -> str:
    """Notes are one line of plain text: control characters become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in note).split())[:200]


def balance(household: str) -> int:
    row = Household.get_or_none(Household.number == household)
    if row is None:
        raise Refused("户号 {number} 不存在", number=household)
    return row.balance


def _of_household(query, household: str, spent: bool | None):
    query = query.where(Entry.household == household)
    if spent is not None:  # a redemption's reversal carries the redemption, so it sits beside it
        query = query.where(Entry.redemption.is_null(not spent))
    return query


def history(
    household: str, *, limit: int = 20, offset: int = 0, spent: bool | None = None
) -> list[EntryView]:
    """The household's entries, newest first, as shown: task name, reversed or not.

    `spent=True` keeps redemptions and their reversals, `spent=False` everything earned,
    deducted or corrected; None keeps both.
    """
    query = _of_household(views.entries_query(), household, spent)
    return views.entries(query.order_by(Entry.id.desc()).limit(limit).offset(offset))


def history_size(household: str, *, spent: bool | None = None) -> int:
    return _of_household(Entry.select(), household, spent).count()


def entry(entry_id: int) -> EntryView:
    found = views.entries(views.entries_query().where(Entry.id == entry_id))
    if not found:
        raise Refused("条目 {entry} 不存在", entry=human(entry_id))
    return found[0]


def task_points_in_month(household: str, task: str, start: str, end: str) -> int:
    """Points a household got from one task by entries written in [start, end), each netted
    by its reversal whenever that was written: what counts against the task's monthly cap.

    A reversal written in this month of last month's award frees nothing in this month."""
    return task_points([household], [task], start, end).get((household, task), 0)


def task_points(
    households: Iterable[str], tasks: Iterable[str], start: str, end: str
) -> dict[tuple[str, str], int]:
    """`task_points_in_month` for every pair of `households` and `tasks` at once (pairs with
    no entries are left out): what a sheet's monthly caps are checked against.

    Read from those households' entries of those tasks in that month (the index on
    household, task and time); `+reverses_id` keeps SQLite off the index on reverses, where
    nearly every entry is NULL, whatever its statistics say."""
    codes = sorted(set(tasks))
    found: dict[tuple[str, str], int] = {}
    if not codes:
        return found
    for chunk in _chunks(sorted(set(households)), IN_CHUNK - len(codes)):
        sql = TASK_POINTS.format(
            households=", ".join("?" * len(chunk)), tasks=", ".join("?" * len(codes))
        )
        rows = database.execute_sql(sql, (*chunk, *codes, start, end))
        found.update({(h, t): int(total) for h, t, total in rows})
        sql = POSTED_POINTS.format(
            households=", ".join("?" * len(chunk)), tasks=", ".join("?" * len(codes))
        )
        for h, t, total in database.execute_sql(sql, (*chunk, *codes, start[:7])):
            found[(h, t)] = found.get((h, t), 0) + int(total)
    return found


TASK_POINTS = (
    "SELECT e.household_id, e.task_id, SUM(e.points + COALESCE(r.points, 0)) "
    "FROM ledger_entry e LEFT JOIN ledger_entry r ON r.reverses_id = e.id "
    "WHERE e.household_id IN ({households}) AND e.task_id IN ({tasks}) "
    "AND +e.reverses_id IS NULL AND e.time >= ? AND e.time < ? "
    "AND NOT EXISTS (SELECT 1 FROM posting_entry AS pe WHERE pe.entry_id = e.id) "
    "GROUP BY e.household_id, e.task_id"
)
# 公示 (docs/design.md §4.12): a posted line counts against the caps of its posting's month from
# the moment it is posted, until an upheld objection drops it; once credited it still counts
# there, through its line, and its entry (left out above) not again in the month of crediting.
POSTED_POINTS = (
    "SELECT l.household_id, l.task_id, SUM(l.points) FROM posting_line AS l "
    "WHERE l.household_id IN ({households}) AND l.task_id IN ({tasks}) "
    "AND l.posting_id IN (SELECT id FROM posting WHERE month = ?) "
    "AND NOT EXISTS (SELECT 1 FROM objection AS o JOIN objection_ruling AS u "
    "ON u.objection_id = o.id WHERE o.posting_id = l.posting_id "
    "AND o.household_id = l.household_id AND u.upheld = 1) "
    "GROUP BY l.household_id, l.task_id"
)
IN_CHUNK = 900  # values in one IN (...): SQLite before 3.32 takes at most 999 parameters


def _chunks(values: list[str], size: int) -> Iterator[list[str]]:
    for at in range(0, len(values), max(1, size)):
        yield values[at : at + max(1, size)]


def unindexed(column: Field) -> ColumnBase:
    """`+column`: the same value, which SQLite will not look up through an index on it."""
    return NodeList((SQL("+"), column), glue="")
