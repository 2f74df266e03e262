"""A month file's rows against the county's catalog, in the merge's checker thread (§14.2).

What needs only the file and the county's rules sheet and goods — which a merge never changes
— is checked beside the writes, like the file's own checks: the catalog is copied once into an
in-memory database (`Catalog`), the file is attached to it as `f`, and the same SQL as at the
county runs there. `prepare` returns those problems, and what the write transaction then
needs of each household to finish the job quickly (db.county.row_checks): the caps the file
breaks on its own, and the lowest each household's running sum of the file's entries goes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from catalog.messages import N_, Finding, Message
from db.books.catalog_at import (
    cap_window,
    item_price_at,
    task_cap_at,
    task_per_at,
    task_points_at,
)
from db.books.corrections import KIND_NAMES
from db.exchange.month_content import SHOWN, Problems
from db.store.clock import month_bounds
from db.store.connection import database
from db.store.dialect import integers, same
from db.store.ids import human

UNKNOWN_TASK = N_("县目录里没有积分项目 {code}（{count} 条条目用到；站点自己加的？请先补进县目录）")
UNKNOWN_ITEM = N_("县目录里没有商品 {code}（{count} 行用到；站点自己加的？请先补进县目录）")
OVER_CAP = N_(
    "户 {household} 的积分项目 {task} 在 {month} 合计 {points} 分，超过每户每月上限 {cap} 分"
)
OVER_YEAR_CAP = N_(
    "户 {household} 的积分项目 {task} 在 {year} 年合计 {points} 分，超过每户每年上限 {cap} 分"
)

Execute = Callable[[str, dict], sqlite3.Cursor]


class Found:
    """Findings gathered up to `room`, and a count of the rest."""

    def __init__(self, room: int, execute: Execute) -> None:
        self.room = room
        self.execute = execute
        self.shown: list[Finding] = []
        self.more = 0

    def gather(self, sql: str, params: dict, make: Callable[[tuple], Finding]) -> None:
        room = max(self.room - len(self.shown), 0)
        rows = self.execute(f"{sql} LIMIT {room}", params).fetchall()
        self.shown.extend(make(tuple(integers(row))) for row in rows)
        if len(rows) == room:  # perhaps more than there is room for: count them
            count = f"SELECT COUNT(*) FROM ({sql}) AS found"  # noqa: S608 - constants
            total = self.execute(count, params).fetchone()[0]
            self.more += total - room

    def add(self, finding: Finding) -> None:
        if len(self.shown) < self.room:
            self.shown.append(finding)
        else:
            self.more += 1

    def problems(self) -> Problems:
        return Problems(tuple(self.shown), self.more)


def problem(code: str, template: str, subject: object = None, /, **fields: object) -> Finding:
    return Finding(code, Message(template, **fields), "problem", subject)


@dataclass(frozen=True)
class Catalog:
    """The county's rules sheet with its history, and its goods with their price history, as
    the checks need them (what a task was worth and an item cost when is read from them by
    db.books.catalog_at)."""

    tasks: tuple[tuple[str, int, int | None], ...]  # code, points, cap
    items: tuple[tuple[str, int], ...]  # code, price
    values: tuple[tuple[str, str, int, int | None, str], ...] = ()  # task, since, points, cap, per
    prices: tuple[tuple[int, str, str, int, int], ...] = ()  # id, item, since, old, new

    @property
    def yearly(self) -> bool:
        """Whether any task's cap counts a year (then the county's other months count too)."""
        return any(per == "year" for *_, per in self.values)


def county_catalog() -> Catalog:
    """The open county database's catalog."""
    return Catalog(
        tuple(database.execute_sql("SELECT code, points, cap FROM task").fetchall()),
        tuple(database.execute_sql("SELECT code, price FROM item").fetchall()),
        tuple(
            database.execute_sql(
                "SELECT task_id, since, points, cap, per FROM task_value"
            ).fetchall()
        ),
        tuple(
            database.execute_sql(
                "SELECT id, item_id, since, old_price, price FROM item_price"
            ).fetchall()
        ),
    )


@dataclass(frozen=True)
class Prepared:
    """What the checker thread found of a file against the catalog, and worked out for the
    write transaction."""

    problems: Problems = Problems()  # the file's rows against the catalog
    over_cap: Problems = Problems()  # caps the file breaks on its own (before any reversal
    # the county may hold of its entries)
    lows: tuple[tuple[str, int], ...] = ()  # household, its lowest running sum at a debit
    yearly: bool = False  # a cap counts a year: the county's other months count too


# A station's own goods in its file, and their price changes, join the catalog the file is
# checked against: only rows of the sending station, with codes its number gives (the file's
# own checks name any other), and never in place of the county's.
OWN_GOODS = (
    "INSERT INTO item SELECT code, price FROM f.item WHERE station = :me "
    "AND code GLOB 'L' || substr(:me, 8, 2) || '-[0-9][0-9][0-9][0-9]' ON CONFLICT DO NOTHING",
    "INSERT INTO item_price SELECT id, item_id, since, old_price, price "
    "FROM f.item_price WHERE station = :me AND item_id IN (SELECT code FROM f.item "
    "WHERE station = :me) ON CONFLICT DO NOTHING",
)


def prepare(path: Path, catalog: Catalog, month: str, station: str = "") -> Prepared:
    """Check the file at `path` (of `station`) against `catalog` on a connection of its own."""
    conn = sqlite3.connect(":memory:", uri=True)
    try:
        conn.execute("CREATE TABLE task (code TEXT PRIMARY KEY, points INTEGER, cap INTEGER)")
        conn.execute("CREATE TABLE item (code TEXT PRIMARY KEY, price INTEGER)")
        conn.execute(
            "CREATE TABLE task_value (task_id TEXT, since TEXT, points INTEGER, cap INTEGER, "
            "per TEXT, PRIMARY KEY (task_id, since)) WITHOUT ROWID"
        )
        conn.executemany("INSERT INTO task VALUES (?, ?, ?)", catalog.tasks)
        conn.executemany("INSERT INTO task_value VALUES (?, ?, ?, ?, ?)", catalog.values)
        conn.execute(
            "CREATE TABLE item_price (id INTEGER PRIMARY KEY, item_id TEXT, since TEXT, "
            "old_price INTEGER, price INTEGER)"
        )
        conn.execute("CREATE INDEX item_price_item_id_since ON item_price (item_id, since)")
        conn.executemany("INSERT INTO item VALUES (?, ?)", catalog.items)
        conn.executemany("INSERT INTO item_price VALUES (?, ?, ?, ?, ?)", catalog.prices)
        uri = "file:" + pathname2url(str(path.resolve())) + "?mode=ro&immutable=1"
        conn.execute("ATTACH DATABASE ? AS f", (uri,))
        for sql in OWN_GOODS:
            conn.execute(sql, {"me": station})
        start, end = month_bounds(month)
        params = {"month": month, "start": start, "end": end}
        found = Found(SHOWN, conn.execute)
        check_catalog(found, params)
        caps = Found(SHOWN, conn.execute)
        check_caps(caps, params, county=False, later=False)
        lows = conn.execute(LOWS).fetchall()
        return Prepared(found.problems(), caps.problems(), tuple(lows), catalog.yearly)
    finally:
        conn.close()


# Each household's lowest running sum of the file's entries (in id order) at one of its debits.
LOWS = (
    "SELECT household_id, MIN(run) FROM (SELECT household_id, points, SUM(points) OVER "
    "(PARTITION BY household_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS run "
    "FROM f.ledger_entry) AS e WHERE points < 0 GROUP BY household_id"
)


def check_catalog(found: Found, p: dict) -> None:
    """Awards and deductions name a task of the county's rules sheet, of their sign, and are
    worth its points × quantity at the time; goods are the county's, at its price."""
    found.gather(
        "SELECT e.task_id, COUNT(*) FROM f.ledger_entry AS e WHERE e.kind IN ('award', "
        "'deduction') AND NOT EXISTS (SELECT 1 FROM task AS t WHERE t.code = e.task_id) "
        "GROUP BY e.task_id ORDER BY e.task_id",
        p,
        lambda r: problem("unknown_task", UNKNOWN_TASK, r[0], code=r[0], count=r[1]),
    )
    value = task_points_at("e.task_id", "e.time")
    found.gather(  # the value looked up once a row: a column of a one-row subquery
        f"SELECT e.id, e.kind, e.task_id, e.points, e.qty, {value} FROM f.ledger_entry AS e "  # noqa: S608
        "WHERE e.kind IN ('award', 'deduction') AND (SELECT v.value IS NOT NULL AND "
        f"(NOT {same('e.points', 'v.value * e.qty')} OR (e.kind = 'award') <> (v.value > 0)) "
        f"FROM (SELECT {value} AS value) AS v) ORDER BY e.id",
        p,
        _task_finding,
    )
    posted = task_points_at("l.task_id", "p.published")
    found.gather(  # 公示: a posted line is what its entry will be, valued when it was posted
        "SELECT l.id, CASE WHEN l.points < 0 THEN 'deduction' ELSE 'award' END, l.task_id, "  # noqa: S608
        f"l.points, l.qty, {posted} FROM f.posting_line AS l JOIN f.posting AS p "
        "ON p.id = l.posting_id WHERE (SELECT v.value IS NOT NULL AND "
        f"(NOT {same('l.points', 'v.value * l.qty')} OR (l.points > 0) <> (v.value > 0)) "
        f"FROM (SELECT {posted} AS value) AS v) ORDER BY l.id",
        p,
        _task_finding,
    )
    found.gather(
        "SELECT l.task_id, COUNT(*) FROM f.posting_line AS l WHERE NOT EXISTS "
        "(SELECT 1 FROM task AS t WHERE t.code = l.task_id) GROUP BY l.task_id ORDER BY l.task_id",
        p,
        lambda r: problem("unknown_task", UNKNOWN_TASK, r[0], code=r[0], count=r[1]),
    )
    found.gather(
        "SELECT item_id, COUNT(*) FROM (SELECT item_id FROM f.redemption_line "
        "UNION ALL SELECT item_id FROM f.stock_move UNION ALL SELECT item_id FROM f.donation_line "
        "UNION ALL SELECT item_id FROM f.stock_count_line) AS used "
        "WHERE NOT EXISTS (SELECT 1 FROM item AS i WHERE i.code = used.item_id) "
        "GROUP BY item_id ORDER BY item_id",
        p,
        lambda r: problem("unknown_item", UNKNOWN_ITEM, r[0], code=r[0], count=r[1]),
    )
    price = item_price_at("l.item_id", "r.time")
    found.gather(
        "SELECT id, item_id, price, listed FROM (SELECT l.id, l.item_id, l.price, "  # noqa: S608
        f"{price} AS listed FROM f.redemption_line AS l JOIN f.redemption AS r "
        "ON r.id = l.redemption_id) AS l WHERE listed IS NOT NULL AND price <> listed ORDER BY id",
        p,
        lambda r: problem(
            "wrong_price",
            N_("兑换明细 {line}：商品 {item} 按 {price} 分兑换，县目录的积分价是 {listed} 分"),
            r[0],
            line=human(r[0]),
            item=r[1],
            price=r[2],
            listed=r[3],
        ),
    )


def _task_finding(row: tuple) -> Finding:
    entry, kind, task, points, qty, value = row
    if (kind == "award") != (value > 0):
        return problem(
            "task_kind",
            N_("条目 {entry} 记为{kind}，但积分项目 {task} 的分值是 {value}"),
            entry,
            entry=human(entry),
            kind=Message(KIND_NAMES[kind]),
            task=task,
            value=value,
        )
    return problem(
        "task_points",
        N_("条目 {entry}：积分 {points} 不等于项目 {task} 的分值 {value} × 数量 {qty}"),
        entry,
        entry=human(entry),
        points=points,
        task=task,
        value=value,
        qty=qty,
    )


# What the county holds of a household's points from a task in the cap's month or year (`c.per`),
# netted by reversals.
COUNTY_USED = (
    "COALESCE((SELECT SUM(m.points + COALESCE((SELECT x.points FROM ledger_entry AS x "
    "WHERE x.reverses_id = m.id), 0)) FROM ledger_entry AS m "
    "WHERE m.household_id = c.household AND m.task_id = c.task AND +m.reverses_id IS NULL "
    "AND m.time || '' >= (CASE c.per WHEN 'year' THEN :ystart ELSE :start END) "
    "AND m.time || '' < (CASE c.per WHEN 'year' THEN :yend ELSE :end END) "
    "AND NOT EXISTS (SELECT 1 FROM posting_entry AS pe WHERE pe.entry_id = m.id)), 0) "
    "+ COALESCE((SELECT SUM(l.points) FROM posting_line AS l JOIN posting AS p "
    "ON p.id = l.posting_id WHERE l.household_id = c.household AND l.task_id = c.task "
    "AND (CASE c.per WHEN 'year' THEN substr(p.month, 1, 4) = substr(:month, 1, 4) "
    "ELSE p.month = :month END) AND NOT EXISTS (SELECT 1 FROM objection AS o "
    "JOIN objection_ruling AS r ON r.objection_id = o.id WHERE o.posting_id = p.id "
    "AND o.household_id = l.household_id AND r.upheld = 1)), 0)"
)
# 公示 (docs/design.md §4.12): the file's posted lines of its month count, as at the station,
# unless an upheld objection in the file dropped them; the entries credits made count in their
# postings' months through their lines, not again here. A line counts at its posting's time.
POSTED = (
    "SELECT l.household_id, l.task_id, p.published, l.points FROM f.posting_line AS l "
    "JOIN f.posting AS p ON p.id = l.posting_id WHERE p.month = :month {only}"
    "AND NOT EXISTS (SELECT 1 FROM f.objection AS o JOIN f.objection_ruling AS r "
    "ON r.objection_id = o.id WHERE o.posting_id = l.posting_id "
    "AND o.household_id = l.household_id AND r.upheld = 1)"
)
LATER_REVERSAL = (
    " + COALESCE((SELECT c.points FROM ledger_entry AS c WHERE c.reverses_id = e.id), 0)"
)


def check_caps(
    found: Found, p: dict, *, county: bool, later: bool, households: str = "", fresh: bool = False
) -> None:
    """A task's cap holds per household, over the month or the year it counts (the cap in
    force at the group's last entry, db.books.catalog_at): the file's entries and (`county`)
    the county's for that household, task and month or year, each netted by its reversal
    whenever written (as `db.books.ledger.task_points_in_month` counts them at a station) —
    in the file, and (`later`) among the station's later entries the county has. `households`
    limits the households looked at (an SQL list); `fresh` leaves out what the file breaks on
    its own."""
    only = f"AND e.household_id IN {households} " if households else ""
    ystart, yend = cap_window(p["month"] + "-01", "year")
    p = {**p, "ystart": ystart, "yend": yend}
    cap, per = task_cap_at("u.task", "u.last"), task_per_at("u.task", "u.last")
    found.gather(
        "WITH rev AS (SELECT reverses_id, points FROM f.ledger_entry WHERE kind = 'reversal'), "  # noqa: S608
        "used AS (SELECT household, task, MAX(time) AS last, SUM(points) AS points FROM ("
        "SELECT e.household_id AS household, e.task_id AS task, e.time AS time, "
        f"e.points + COALESCE(r.points, 0){LATER_REVERSAL if later else ''} AS points "
        "FROM f.ledger_entry AS e LEFT JOIN rev AS r ON r.reverses_id = e.id "
        f"WHERE e.task_id IS NOT NULL AND e.reverses_id IS NULL {only}"
        "AND NOT EXISTS (SELECT 1 FROM f.posting_entry AS pe WHERE pe.entry_id = e.id) "
        f"UNION ALL {POSTED.format(only=only.replace('e.household_id', 'l.household_id'))}"
        ") AS rows GROUP BY 1, 2), "
        f"capped AS (SELECT u.household, u.task, u.points, {cap} AS cap, {per} AS per "
        "FROM used AS u) "
        f"SELECT household, task, cap, total, per FROM (SELECT c.household, c.task, c.cap, "
        f"c.points + {COUNTY_USED if county else '0'} AS total, c.per, c.points "
        "FROM capped AS c WHERE c.cap IS NOT NULL) AS c WHERE ABS(total) > c.cap "
        f"{'AND ABS(c.points) <= c.cap ' if fresh else ''}ORDER BY 1, 2",
        p,
        lambda r: problem(
            "over_cap",
            OVER_YEAR_CAP if r[4] == "year" else OVER_CAP,
            (r[0], r[1]),
            household=r[0],
            task=r[1],
            **({"year": p["month"][:4]} if r[4] == "year" else {"month": p["month"]}),
            points=r[3],
            cap=r[2],
        ),
    )
