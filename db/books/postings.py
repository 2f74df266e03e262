"""Posting before credit (公示, docs/design.md §4.12).

With the county's posting days above 0, an award or deduction — one household, a sheet, a
village's grid — is not a ledger entry yet: `awards` hands its checked lines to `post`, which
writes one posting a village (its month, its period) holding them as lines. The balance does
not move; the monthly caps count the lines (`ledger.task_points`). During the period anyone's
objection to a household's lines is taken down (`object_to`); a manager rules on it
(`resolve`: upheld drops the household's lines, dismissed lets them stand). After the period a
manager credits the posting (`credit`): every line without an open or upheld objection becomes
a ledger entry naming the posting, in one transaction, the caps and balances checked again. A
line whose objection is still open waits; once it is dismissed, crediting again writes it.

Every row here is a record like an entry (triggers, migration 0008): a change is a new row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from catalog.messages import N_, Refused
from db.books import ledger
from db.books.auth import Actor, require
from db.books.households import refuse_inactive
from db.books.setup import local_station
from db.store import audit
from db.store.clock import Clock, month_bounds, stamp
from db.store.connection import database
from db.store.ids import human, next_ids, parse_human
from db.store.models import (
    Objection,
    ObjectionRuling,
    Posting,
    PostingCredit,
    PostingLine,
)

MAX_DAYS = 30
STATUSES = ("open", "due", "credited")
STATUS_NAMES = {"open": N_("公示中"), "due": N_("可入账"), "credited": N_("已入账")}
STANDING_NAMES = {
    "": N_("无异议"),
    "open": N_("有异议待处理"),
    "upheld": N_("异议成立，不入账"),
    "dismissed": N_("异议不成立"),
    "credited": N_("已入账"),
}


@dataclass(frozen=True)
class PostingView:
    id: int
    number: str  # as on paper: 451425-03-000007
    village: str  # code
    village_name: str
    month: str  # YYYY-MM
    days: int
    published: str  # YYYY-MM-DD HH:MM:SS
    start: str  # YYYY-MM-DD, the first day on the board
    until: str  # YYYY-MM-DD, the last day; credit from the day after
    households: int
    points: int  # of the lines that stand (not dropped by an upheld objection)
    status: str  # open, due, credited
    open_objections: int


@dataclass(frozen=True)
class LineView:
    task: str
    task_name: str
    qty: int
    points: int
    note: str


@dataclass(frozen=True)
class ObjectionView:
    raised_by: str
    reason: str
    operator: str
    time: str
    outcome: str  # '' (open), 'upheld', 'dismissed'
    ruled_by: str
    note: str


@dataclass(frozen=True)
class HouseholdLines:
    number: str
    head_name: str
    lines: tuple[LineView, ...]
    total: int
    standing: str  # a key of STANDING_NAMES
    objections: tuple[ObjectionView, ...]


@dataclass(frozen=True)
class PostingDetail:
    posting: PostingView
    households: tuple[HouseholdLines, ...]
    station: str  # the station's name and who posted it: where objections go
    operator: str


@dataclass(frozen=True)
class Credited:
    number: str
    entries: int
    points: int
    waiting: tuple[str, ...]  # households whose objection is still open


def posting_days() -> int:
    """The county's posting days as this station has them (0: credit at once)."""
    row = database.execute_sql("SELECT posting_days FROM county ORDER BY code LIMIT 1").fetchone()
    return int(row[0]) if row else 0


def set_posting_days(actor: Actor, clock: Clock, days: int | str) -> int:
    """The county sets its posting days; stations get them in setup and update files."""
    require(actor, "county")
    value: object = days
    if isinstance(days, str) and days.strip().isdigit():
        value = int(days.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise Refused("公示天数应为 0 到 {most} 的整数，而不是“{days}”", most=MAX_DAYS, days=days)
    with database.atomic():
        now = clock.now()
        # the officer's county (docs/design.md §6.7); a station's books hold one county
        county = actor.county or local_station().county_id
        database.execute_sql("UPDATE county SET posting_days = ? WHERE code = ?", (value, county))
        audit.record(actor.name, actor.station, now, "posting_days", str(value))
    return value


def post(actor: Actor, now: datetime, entries: list[ledger.NewEntry]) -> list[int]:
    """Write `entries` as lines of new postings, one a village, published `now`; returns the
    postings' ids. Call inside the award's transaction, after its checks."""
    days = posting_days()
    numbers = sorted({e.household for e in entries})
    marks = ", ".join("?" * len(numbers))
    village = dict(
        database.execute_sql(
            f"SELECT number, village_id FROM household WHERE number IN ({marks})",  # noqa: S608
            numbers,
        ).fetchall()
    )
    by_village: dict[str, list[ledger.NewEntry]] = defaultdict(list)
    for e in entries:
        by_village[village[e.household]].append(e)
    time = stamp(now)
    until = (now.date() + timedelta(days=days - 1)).isoformat()
    ids = next_ids(Posting, actor.station, len(by_village))
    line_ids = iter(next_ids(PostingLine, actor.station, len(entries)))
    for posting_id, code in zip(ids, sorted(by_village), strict=True):
        database.execute_sql(
            "INSERT INTO posting (id, village_id, month, days, published, until, operator, "
            "station) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (posting_id, code, time[:7], days, time, until, actor.name, actor.station),
        )
        rows = [
            (
                next(line_ids),
                posting_id,
                e.household,
                e.task,
                e.points,
                e.qty,
                ledger.clean_note(e.note),
            )
            for e in by_village[code]
        ]
        database.connection().executemany(
            "INSERT INTO posting_line (id, posting_id, household_id, task_id, points, qty, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        audit.record(
            actor.name,
            actor.station,
            now,
            "post",
            f"公示 {human(posting_id)}：{len(rows)} 行，合计 {sum(r[4] for r in rows):+d} 分",
        )
    return ids


# Per posting: households, standing points, open objections, credits, lines not yet credited
# that could be (no open or upheld objection).
SUMMARY = """
SELECT p.id, p.village_id, v.name, p.month, p.days, p.published, p.until,
  (SELECT COUNT(DISTINCT l.household_id) FROM posting_line AS l WHERE l.posting_id = p.id),
  (SELECT COALESCE(SUM(l.points), 0) FROM posting_line AS l WHERE l.posting_id = p.id
     AND l.household_id NOT IN (SELECT o.household_id FROM objection AS o
       JOIN objection_ruling AS u ON u.objection_id = o.id
       WHERE o.posting_id = p.id AND u.upheld = 1)),
  (SELECT COUNT(*) FROM objection AS o WHERE o.posting_id = p.id
     AND o.id NOT IN (SELECT objection_id FROM objection_ruling)),
  (SELECT COUNT(*) FROM posting_credit AS c WHERE c.posting_id = p.id),
  (SELECT COUNT(*) FROM posting_line AS l WHERE l.posting_id = p.id
     AND l.id NOT IN (SELECT line_id FROM posting_entry)
     AND l.household_id NOT IN (SELECT o.household_id FROM objection AS o
       JOIN objection_ruling AS u ON u.objection_id = o.id
       WHERE o.posting_id = p.id AND u.upheld = 1))
FROM posting AS p JOIN village AS v ON v.code = p.village_id
"""


def _view(row: tuple, today: str) -> PostingView:
    pid, village, name, month, days, published, until, households, points = row[:9]
    open_objections, credits, pending = row[9:]
    if credits and not pending:
        status = "credited"
    elif today <= until:
        status = "open"
    else:
        status = "due"
    return PostingView(
        pid,
        human(pid),
        village,
        name,
        month,
        days,
        published,
        published[:10],
        until,
        households,
        points,
        status,
        open_objections,
    )


def postings(clock: Clock, status: str | None = None) -> list[PostingView]:
    """Every posting of these books, newest first; `status` keeps one kind."""
    if status is not None and status not in STATUSES:
        raise Refused("公示状态应为 open、due 或 credited，而不是“{status}”", status=status)
    today = clock.now().date().isoformat()
    with database.atomic("DEFERRED"):
        rows = database.execute_sql(SUMMARY + " ORDER BY p.id DESC").fetchall()
    found = [_view(r, today) for r in rows]
    return [p for p in found if status is None or p.status == status]


def _posting_id(number: str | int) -> int:
    posting_id = number if isinstance(number, int) else parse_human(number)
    if Posting.get_or_none(Posting.id == posting_id) is None:
        raise Refused("公示 {number} 不存在", number=number)
    return posting_id


def posting(clock: Clock, number: str | int) -> PostingView:
    posting_id = _posting_id(number)
    today = clock.now().date().isoformat()
    row = database.execute_sql(SUMMARY + " WHERE p.id = ?", (posting_id,)).fetchone()
    return _view(row, today)


def detail(clock: Clock, number: str | int) -> PostingDetail:
    """A posting with each household's lines, total, objections and standing: the public list."""
    with database.atomic("DEFERRED"):
        view = posting(clock, number)
        lines = database.execute_sql(
            "SELECT l.household_id, h.head_name, l.task_id, t.name, l.qty, l.points, l.note, "
            "EXISTS (SELECT 1 FROM posting_entry AS pe WHERE pe.line_id = l.id) "
            "FROM posting_line AS l JOIN household AS h ON h.number = l.household_id "
            "JOIN task AS t ON t.code = l.task_id WHERE l.posting_id = ? ORDER BY l.id",
            (view.id,),
        ).fetchall()
        objections = database.execute_sql(
            "SELECT o.household_id, o.raised_by, o.reason, o.operator, o.time, u.upheld, "
            "u.operator, u.note FROM objection AS o LEFT JOIN objection_ruling AS u "
            "ON u.objection_id = o.id WHERE o.posting_id = ? ORDER BY o.id",
            (view.id,),
        ).fetchall()
        station, operator = database.execute_sql(
            "SELECT s.name, p.operator FROM posting AS p JOIN station AS s ON s.code = p.station "
            "WHERE p.id = ?",
            (view.id,),
        ).fetchone()
    of: dict[str, list[ObjectionView]] = defaultdict(list)
    for household, by, reason, operator, time, upheld, ruler, note in objections:
        outcome = "" if upheld is None else ("upheld" if upheld else "dismissed")
        of[household].append(
            ObjectionView(by, reason, operator, time, outcome, ruler or "", note or "")
        )
    order: dict[str, tuple[str, list[LineView], list[bool]]] = {}
    for household, name, task, task_name, qty, points, note, credited in lines:
        _, found, flags = order.setdefault(household, (name, [], []))
        found.append(LineView(task, task_name, qty, points, note))
        flags.append(bool(credited))
    households = []
    for number, (name, found, flags) in order.items():
        outcomes = [o.outcome for o in of[number]]
        if "upheld" in outcomes:
            standing = "upheld"
        elif "" in outcomes:
            standing = "open"
        elif all(flags):
            standing = "credited"
        elif "dismissed" in outcomes:
            standing = "dismissed"
        else:
            standing = ""
        households.append(
            HouseholdLines(
                number,
                name,
                tuple(found),
                sum(line.points for line in found),
                standing,
                tuple(of[number]),
            )
        )
    return PostingDetail(view, tuple(households), station, operator)


def _household_in(posting_id: int, household: str) -> str:
    number = household.strip().upper()
    found = PostingLine.get_or_none(
        (PostingLine.posting == posting_id) & (PostingLine.household == number)
    )
    if found is None:
        raise Refused(
            "公示 {posting} 里没有户号 {number} 的记分", posting=human(posting_id), number=household
        )
    return number


def _text(value: str, what: str) -> str:
    text = ledger.clean_note(value or "")
    if not text:
        raise Refused("请填写{what}", what=what)
    return text


def object_to(
    actor: Actor, clock: Clock, number: str | int, household: str, reason: str, by: str
) -> int:
    """Take down an objection to a household's lines, during the posting's period."""
    require(actor, "object")
    reason = _text(reason, N_("异议理由"))
    by = _text(by, N_("提出异议的人"))
    with database.atomic():
        now = clock.now()
        view = posting(clock, number)
        target = _objectable(view, household)
        objection_id = next_ids(Objection, actor.station)[0]
        database.execute_sql(
            "INSERT INTO objection (id, posting_id, household_id, raised_by, reason, operator, "
            "station, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (objection_id, view.id, target, by, reason, actor.name, actor.station, stamp(now)),
        )
        audit.record(actor.name, actor.station, now, "object", f"公示 {view.number} {target}：{by}")
    return objection_id


def check_objection(clock: Clock, number: str | int, household: str) -> None:
    """Refuses, as `object_to` would, an objection to `household` in posting `number` now:
    said before the reason and the person are asked for."""
    _objectable(posting(clock, number), household)


def _objectable(view: PostingView, household: str) -> str:
    if view.status != "open":
        raise Refused(
            "公示 {posting} 的公示期已于 {until} 结束，不能再登记异议",
            posting=view.number,
            until=view.until,
        )
    return _household_in(view.id, household)


def resolve(
    actor: Actor, clock: Clock, number: str | int, household: str, *, uphold: bool, note: str = ""
) -> int:
    """Rule on every open objection to a household's lines; returns how many were ruled."""
    require(actor, "resolve_posting")
    with database.atomic():
        now = clock.now()
        view = posting(clock, number)
        target = _household_in(view.id, household)
        open_ids = [
            o.id
            for o in Objection.select(Objection.id).where(
                (Objection.posting == view.id)
                & (Objection.household == target)
                & Objection.id.not_in(ObjectionRuling.select(ObjectionRuling.objection))
            )
        ]
        if not open_ids:
            raise Refused(
                "公示 {posting} 里户号 {number} 没有待处理的异议",
                posting=view.number,
                number=target,
            )
        ids = next_ids(ObjectionRuling, actor.station, len(open_ids))
        database.connection().executemany(
            "INSERT INTO objection_ruling (id, objection_id, upheld, note, operator, station, "
            "time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (i, o, int(uphold), ledger.clean_note(note), actor.name, actor.station, stamp(now))
                for i, o in zip(ids, open_ids, strict=True)
            ],
        )
        audit.record(
            actor.name,
            actor.station,
            now,
            "resolve",
            f"公示 {view.number} {target}：{'成立' if uphold else '不成立'}",
        )
    return len(open_ids)


CREDITABLE = """
SELECT l.id, l.household_id, l.task_id, l.points, l.qty, l.note, h.head_name, h.status
FROM posting_line AS l JOIN household AS h ON h.number = l.household_id
WHERE l.posting_id = :p AND l.id NOT IN (SELECT line_id FROM posting_entry)
  AND l.household_id NOT IN (SELECT o.household_id FROM objection AS o
    LEFT JOIN objection_ruling AS u ON u.objection_id = o.id
    WHERE o.posting_id = :p AND (u.upheld IS NULL OR u.upheld = 1))
ORDER BY l.id
"""


def credit(actor: Actor, clock: Clock, number: str | int) -> Credited:
    """After the period: every line without an open or upheld objection becomes a ledger entry
    naming the posting, in one transaction; the caps and balances are checked again."""
    require(actor, "credit_posting")
    with database.atomic():
        now = clock.now()
        view = posting(clock, number)
        if now.date().isoformat() <= view.until:
            raise Refused(
                "公示 {posting} 要公示到 {until}，{day} 起才能入账",
                posting=view.number,
                until=view.until,
                day=(date.fromisoformat(view.until) + timedelta(days=1)).isoformat(),
            )
        rows = database.execute_sql(CREDITABLE, {"p": view.id}).fetchall()
        waiting = tuple(
            r[0]
            for r in database.execute_sql(
                "SELECT DISTINCT o.household_id FROM objection AS o WHERE o.posting_id = ? "
                "AND o.id NOT IN (SELECT objection_id FROM objection_ruling) ORDER BY 1",
                (view.id,),
            )
        )
        if not rows:
            if waiting:
                raise Refused(
                    "公示 {posting} 还有异议没有处理（{households}），处理后才能入账",
                    posting=view.number,
                    households=waiting,
                )
            raise Refused("公示 {posting} 已经入账", posting=view.number)
        _check_again(view, rows)
        tag = f"公示 {view.number}"
        entries = [
            ledger.NewEntry(
                household=household,
                points=points,
                kind="deduction" if points < 0 else "award",
                task=task,
                qty=qty,
                note=f"{tag} {note}".strip(),
            )
            for _, household, task, points, qty, note, _, _ in rows
        ]
        ids = ledger.append(actor.name, actor.station, now, entries)
        credit_id = next_ids(PostingCredit, actor.station)[0]
        database.execute_sql(
            "INSERT INTO posting_credit (id, posting_id, operator, station, time) "
            "VALUES (?, ?, ?, ?, ?)",
            (credit_id, view.id, actor.name, actor.station, stamp(now)),
        )
        database.connection().executemany(
            "INSERT INTO posting_entry (entry_id, line_id, credit_id) VALUES (?, ?, ?)",
            [(e, r[0], credit_id) for e, r in zip(ids, rows, strict=True)],
        )
        points = sum(e.points for e in entries)
        audit.record(
            actor.name,
            actor.station,
            now,
            "credit",
            f"{tag}：{len(entries)} 行，合计 {points:+d} 分，条目 {human(ids[0])}–{human(ids[-1])}",
        )
    return Credited(view.number, len(entries), points, waiting)


def _check_again(view: PostingView, rows: list[tuple]) -> None:
    """The caps of the posting's month (its lines counted in already) and the balances, as
    the books stand now: other stations' entries may have come in an update meanwhile."""
    households = sorted({r[1] for r in rows})
    tasks = sorted({r[2] for r in rows})
    caps = dict(
        database.execute_sql(
            f"SELECT code, cap FROM task WHERE cap IS NOT NULL AND code IN "  # noqa: S608
            f"({', '.join('?' * len(tasks))})",
            tasks,
        ).fetchall()
    )
    used = ledger.task_points(households, list(caps), *month_bounds(view.month))
    names = {r[1]: r[6] for r in rows}
    for (household, task), points in sorted(used.items()):
        if abs(points) > caps[task]:
            raise Refused(
                "{name} 在 {month} 的“{task}”已有 {points} 分，超过每月上限 {cap} 分，不能入账",
                name=names.get(household, household),
                month=view.month,
                task=task,
                points=abs(points),
                cap=caps[task],
            )
    moved: dict[str, int] = defaultdict(int)
    for r in rows:
        refuse_inactive(r[7], r[6], r[1])
        moved[r[1]] += r[3]
    for household, points in sorted(moved.items()):
        balance = ledger.balance(household)
        if balance + points < 0:
            raise Refused(
                "{name} 余额 {balance} 分，扣 {points} 分后会成为负数",
                name=names[household],
                balance=balance,
                points=-points,
            )
