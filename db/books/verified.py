"""The verified point: how far `aixin verify` got, so that `--since-last` checks only what
came after it (docs/design.md §4.8).

Records are followed in spans: the entries, stock moves or redemptions carrying one station's
ids (db/store/ids.py). For each span the point keeps the last id verified, how many of the
station's rows it had up to there, and for a chain checked whole here the link of that entry.
A span's rows above its point are new. Rows of a span that is not a whole chain can also
arrive below its point (the county's update brings another station's older entries of a
household that moved here): their count then differs from the point's, and the whole span is
taken as new. In a whole chain that cannot happen, as its ids have no gaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.messages import N_, Finding, Message
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import id_range
from db.store.models import Setting, Station, VerifiedPoint

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")  # a time that is not one is wrong anyway
TABLES = {"entries": "ledger_entry", "moves": "stock_move", "redemptions": "redemption"}


@dataclass
class Span:
    """One station's records of one kind, as this verify sees them."""

    records: str  # entries | moves | redemptions
    station: str
    low: int  # the station's ids are above it
    last: int  # the greatest id when verify began (`low` when there is none)
    head: str | None = None  # entries of a chain held whole here: the station's chain head
    after: int = 0  # since-last: ids above it are new (below `low + 1`: every one)
    start: str | None = None  # since-last: the verified link of entry `after`
    new: int = 0  # since-last: how many rows are new
    link: str | None = None  # once checked, for a chain: the link of entry `last`

    @property
    def chained(self) -> bool:
        return self.head is not None

    @property
    def table(self) -> str:
        return TABLES[self.records]


def local() -> str | None:
    setting = Setting.get_or_none(Setting.name == "station")
    return setting.value if setting else None


def at_county() -> bool:
    here = local()
    return here is not None and Station.get_by_id(here).kind == "county"


def spans() -> list[Span]:
    """Every station's spans as they stand now; a chain's head and its last entry are read in
    one statement, so they belong together."""
    here = local()
    whole = here is None or at_county()  # a station holds its own chain whole, the county all
    found = []
    for (code,) in database.execute_sql("SELECT code FROM station ORDER BY code").fetchall():
        low, high = id_range(code)
        chained = whole or code == here
        top, head = database.execute_sql(
            "SELECT (SELECT MAX(id) FROM ledger_entry WHERE id >= ? AND id < ?), chain_head "
            "FROM station WHERE code = ?",
            (low, high, code),
        ).fetchone()
        found.append(Span("entries", code, low, top or low, head if chained else None))
        for records in ("moves", "redemptions"):
            top = _one(f"SELECT MAX(id) FROM {TABLES[records]} WHERE id >= ? AND id < ?", low, high)  # noqa: S608
            found.append(Span(records, code, low, top or low))
    return found


def _one(sql: str, *params: object):
    return database.execute_sql(sql, params).fetchone()[0]


def _count(span: Span, above: int, upto: int) -> int:
    return _one(f"SELECT COUNT(*) FROM {span.table} WHERE id > ? AND id <= ?", above, upto)  # noqa: S608


def load() -> dict[tuple[str, str], VerifiedPoint]:
    return {(p.records, p.station): p for p in VerifiedPoint.select()}


def when(point: dict[tuple[str, str], VerifiedPoint]) -> str:
    return max(p.time for p in point.values())


def start_from(found: list[Span], point: dict[tuple[str, str], VerifiedPoint]) -> None:
    """Set where each span's new rows begin, and how many there are."""
    for span in found:
        kept = point.get((span.records, span.station))
        span.after = span.low - 1  # nothing verified: every row is new
        if kept is not None and (kept.link is not None) == span.chained:
            whole = span.chained or _count(span, span.low - 1, kept.last_id) == kept.rows
            if whole:
                span.after, span.start = kept.last_id, kept.link
        span.new = _count(span, span.after, span.last) if span.last > span.after else 0


def keep(found: list[Span], clock: Clock) -> None:
    """Move the point on to what this verify checked (it passed)."""
    time = stamp(clock.now())
    rows = []
    for span in found:
        if span.chained and span.link is None:
            continue  # not walked
        count = span.last - span.low if span.chained else _count(span, span.low - 1, span.last)
        rows.append(
            {
                "records": span.records,
                "station": span.station,
                "last_id": span.last,
                "rows": count,
                "link": span.link if span.chained else None,
                "time": time,
            }
        )
    with database.atomic():
        VerifiedPoint.delete().execute()
        if rows:
            VerifiedPoint.insert_many(rows).execute()


def touched(found: Iterable[Span], column: str, table: str, station: str | None = None) -> set:
    """The distinct `column` values of the spans' new rows (of `station`'s, when given)."""
    values: set = set()
    mine = " AND station = ?" if station is not None else ""
    for span in found:
        if span.new:
            params = (span.after, span.last) + ((station,) if station is not None else ())
            values.update(
                v
                for (v,) in database.execute_sql(
                    f"SELECT DISTINCT {column} FROM {table} WHERE id > ? AND id <= ?{mine}",  # noqa: S608
                    params,
                )
            )
    return values


REFERENCES = {
    "ledger_entry": (
        ("household_id", "household", "number"),
        ("task_id", "task", "code"),
        ("redemption_id", "redemption", "id"),
        ("reverses_id", "ledger_entry", "id"),
    ),
    "stock_move": (
        ("item_id", "item", "code"),
        ("redemption_id", "redemption", "id"),
        ("donation_id", "donation", "id"),
        ("count_id", "stock_count", "id"),
        ("reverses_id", "stock_move", "id"),
    ),
}


def references(entries: Iterable[Span], moves: Iterable[Span]) -> list[Finding]:
    """New entries and moves that name a record the books lack (as foreign_key_check would)."""
    found = []
    for span in [*entries, *moves]:
        if not span.new:
            continue
        for column, parent, key in REFERENCES[span.table]:
            rows = database.execute_sql(
                f"SELECT c.id FROM {span.table} c WHERE c.id > ? AND c.id <= ? "  # noqa: S608
                f"AND c.{column} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {parent} p WHERE p.{key} = c.{column}) LIMIT 5",
                (span.after, span.last),
            ).fetchall()
            for (row,) in rows:
                message = Message(
                    N_("{table} 第 {row} 行引用的 {parent} 不存在"),
                    table=span.table,
                    row=row,
                    parent=parent,
                )
                found.append(Finding("foreign_key", message, subject=(span.table, row)))
    return found


def months(entries: Iterable[Span], moves: Iterable[Span]) -> list[str]:
    """The months the new entries and moves fall in (whose county totals they move)."""
    found: set[str] = set()
    for span in [*entries, *moves]:
        if span.new:
            found.update(
                m
                for (m,) in database.execute_sql(
                    f"SELECT DISTINCT substr(time, 1, 7) FROM {span.table} "  # noqa: S608
                    "WHERE id > ? AND id <= ?",
                    (span.after, span.last),
                )
                if isinstance(m, str) and MONTH.match(m)
            )
    return sorted(found)
