"""`aixin verify`: recompute everything the books cache or promise (docs/design.md §4).

Three depths (docs/design.md §4.8):
- `verify()`: every chain this file holds whole, link by link (on every core,
  db/store/chain_scan.py), every household's balance, this station's stock, every redemption
  and reversal, and at the county the monthly totals.
- `verify(integrity=True)`: the same, and SQLite's own check of the file beside it (PRAGMA
  quick_check: every page, record and index; foreign_key_check: every reference). Those read
  every page of every table and index, which costs more than all the rest together.
- `verify(since_last=True)`: only what came after the last verified point (db/books/
  verified.py), which every verify that passes moves on. A record older than the point
  changed behind the books' back is the full verify's to find.

What it finds are `Finding`s: a code (integrity, foreign_key, chain, chain_more, balance,
unknown_household, overdrawn, stock, negative_stock, redemption, reversal, posting, month_totals,
point_not_kept; for produce and cash, db/books/produce.py: produce_oversold, produce_overpaid,
produce_sale, produce_payout, cash_close, cash_move), a message whose fields name the record
at fault, and that record as the subject (for `chain`, the chain.Break); the caller renders
them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from peewee import DatabaseError

from catalog.messages import N_, Finding, Message
from db.books import field_checks, month_totals, produce, verified
from db.books.verified import Span
from db.store import chain, chain_scan
from db.store.clock import Clock, SystemClock
from db.store.connection import database, is_postgres
from db.store.faults import StorageRefused
from db.store.ids import human
from db.store.models import VerifiedPoint


@dataclass
class Report:
    problems: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    counted: dict[str, int] = field(default_factory=dict)
    since: str | None = None  # since-last: when the point it started from was verified

    @property
    def ok(self) -> bool:
        return not self.problems


SHOWN_BREAKS = 20  # per chain; then how many more
IN_CHUNK = 500  # values in one IN (...): old SQLite allows 999 parameters


def _rows(sql: str, *params: object) -> list[tuple]:
    return list(database.execute_sql(sql, params).fetchall())


def verify(
    *,
    since_last: bool = False,
    integrity: bool = False,
    clock: Clock | None = None,
    workers: int | None = None,
) -> Report:
    """Check the open books; `workers`: processes for the chains (default: one a core)."""
    report = Report()
    path = _file()
    checker = _Integrity(path) if integrity else None
    try:
        spans = verified.spans()
        point = verified.load() if since_last else {}
        if since_last and not point:
            report.notices.append(Finding("no_point", Message(NOT_VERIFIED_YET), "notice"))
        if point:
            report.since = verified.when(point)
            _since(report, spans, point)
        else:
            _whole(report, spans, path, workers)
    except (sqlite3.DatabaseError, DatabaseError) as exc:  # a damaged file
        report.problems.append(_damaged(exc))
    except StorageRefused as refused:  # the books' own connection says so for every fault
        if refused.fault != "corrupt":
            raise
        report.problems.append(_damaged(refused.__cause__ or refused))
    if checker is not None:
        report.problems[:0] = checker.findings()
    if report.ok:
        _keep(report, spans, clock or SystemClock())
    return report


NOT_VERIFIED_YET = N_("还没有核对过的记录，这次从头完整核对")


def _file() -> str | None:
    """The open books' file, for other connections to read (None: in memory, or on a
    PostgreSQL server)."""
    if is_postgres():
        return None
    name = str(getattr(database.obj, "database", "") or "")
    return None if name in ("", ":memory:") or name.startswith("file:") else name


def _damaged(exc: BaseException) -> Finding:
    return Finding("integrity", Message(N_("数据库文件损坏：{detail}"), detail=str(exc)))


def _keep(report: Report, spans: list[Span], clock: Clock) -> None:
    try:
        verified.keep(spans, clock)
    except (sqlite3.Error, DatabaseError, StorageRefused) as exc:  # read-only, busy: it stands
        message = Message(N_("核对无误，但没能记下核对到哪里（{error}）"), error=str(exc))
        report.notices.append(Finding("point_not_kept", message, "notice"))


# -- the whole file ------------------------------------------------------------------------


def _whole(report: Report, spans: list[Span], path: str | None, workers: int | None) -> None:
    chains = [s for s in spans if s.chained]
    scan = _start(chains, path, workers)
    try:
        _balances(report)  # while the chains are checked on the other cores
        local = verified.local()
        if local is not None:
            _stock(report, local)
        _redemptions(report)
        _reversals(report)
        report.problems.extend(produce.problems())
        _postings(report)
        report.problems.extend(field_checks.problems())
        if verified.at_county():
            report.problems.extend(month_totals.problems())
        _chains(report, chains, scan.results())
    finally:
        scan.stop()
    report.counted["households"] = _rows("SELECT COUNT(*) FROM household")[0][0]
    report.counted["entries"] = _rows("SELECT COUNT(*) FROM ledger_entry")[0][0]
    report.counted["moves"] = _rows("SELECT COUNT(*) FROM stock_move")[0][0]


def _start(chains: list[Span], path: str | None, workers: int | None) -> chain_scan.Scan:
    todo = [
        piece
        for s in chains
        for piece in chain_scan.pieces(
            s.station, s.low, s.last, s.head or "", chain_scan.ENTRIES_A_PIECE
        )
    ]
    size = sum(s.last - s.low for s in chains)
    quick = (
        size >= chain_scan.QUICK_FROM
        and not is_postgres()
        and chain.sqlite_agrees(database.connection())
    )
    if workers is None:
        workers = (os.cpu_count() or 1) if size >= chain_scan.PARALLEL_FROM else 0
    if path is None:  # in memory: nobody else can read it
        return _Here(todo, quick)
    return chain_scan.Scan(path, todo, quick, workers)


class _Here(chain_scan.Scan):
    """Pieces walked on the books' own connection (books in memory, or on a server)."""

    def __init__(self, todo: list[chain_scan.Piece], quick: bool) -> None:
        self.todo, self.quick, self.pool, self.futures = todo, quick, None, []

    def results(self) -> list[chain_scan.Walked]:
        return [_walk_here(p, self.quick) for p in self.todo]


def _walk_here(piece: chain_scan.Piece, quick: bool) -> chain_scan.Walked:
    if is_postgres():
        return chain_scan.walk_books(piece)
    return chain_scan.walk(database.connection(), piece, quick)


def _chains(report: Report, chains: list[Span], walked: list[chain_scan.Walked]) -> None:
    by_station: dict[str, list[chain.Break]] = {s.station: [] for s in chains}
    for piece in walked:
        if piece.error is not None:
            report.problems.append(_damaged(sqlite3.DatabaseError(piece.error)))
        by_station[piece.piece.station].extend(piece.breaks)
        for span in chains:
            if span.station == piece.piece.station and piece.piece.head is not None:
                span.link = piece.end
    for span in chains:
        _breaks(report, span.station, by_station[span.station])
    report.counted["chains"] = len(chains)


def _breaks(report: Report, station: str, breaks: list[chain.Break]) -> None:
    for brk in breaks[:SHOWN_BREAKS]:
        message = Message(
            N_("站点 {station} 账目链：{problem}"), station=station, problem=brk.message
        )
        report.problems.append(Finding("chain", message, subject=brk))
    if len(breaks) > SHOWN_BREAKS:
        more = len(breaks) - SHOWN_BREAKS
        message = Message(
            N_("站点 {station} 账目链：还有 {count} 处断开"), station=station, count=more
        )
        report.problems.append(Finding("chain_more", message, subject=station))


class _Integrity:
    """PRAGMA quick_check and foreign_key_check on a connection of their own, in a thread:
    SQLite lets go of Python while it reads, so the rest of verify goes on beside them.

    A PostgreSQL server keeps its pages (checksums) and every reference (its foreign keys
    are always enforced) itself: there is nothing of the kind to ask it."""

    def __init__(self, path: str | None) -> None:
        self.found: list[Finding] = []
        self.server = is_postgres()
        self.thread = None if path is None else threading.Thread(target=self._run, args=(path,))
        if self.thread is not None:
            self.thread.start()

    def _run(self, path: str) -> None:
        conn = sqlite3.connect(path)
        try:
            self.found = _integrity(conn)
        except sqlite3.DatabaseError as exc:
            self.found = [_damaged(exc)]
        finally:
            conn.close()

    def findings(self) -> list[Finding]:
        if self.server:
            return []
        if self.thread is None:
            return _integrity(database.connection())
        self.thread.join()
        return self.found


def _integrity(conn: sqlite3.Connection) -> list[Finding]:
    found = []
    result = conn.execute("PRAGMA quick_check").fetchall()
    if result != [("ok",)]:
        detail = tuple(r[0] for r in result[:5])  # SQLite's own words
        found.append(Finding("integrity", Message(N_("数据库文件损坏：{detail}"), detail=detail)))
    for table, row, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchmany(5):
        message = Message(
            N_("{table} 第 {row} 行引用的 {parent} 不存在"), table=table, row=row, parent=parent
        )
        found.append(Finding("foreign_key", message, subject=(table, row)))
    return found


BALANCES = (
    "WITH s AS (SELECT household_id, SUM(points) AS total FROM ledger_entry {where} "
    "GROUP BY household_id) "
    "SELECT h.number, h.head_name, h.balance, COALESCE(s.total, 0) FROM household h "
    "LEFT JOIN s ON s.household_id = h.number "
    "WHERE ({households}) AND (h.balance <> COALESCE(s.total, 0) OR h.balance < 0) "
    "UNION ALL SELECT s.household_id, NULL, NULL, s.total FROM s "
    "WHERE NOT EXISTS (SELECT 1 FROM household h WHERE h.number = s.household_id)"
)


def _balances(report: Report, households: Iterable[str] | None = None) -> None:
    """Every household's balance against its entries, or only those of `households`."""
    if households is None:
        rows = _rows(BALANCES.format(where="", households="true"))
    else:
        rows = []
        for chunk in _chunks(sorted(households)):
            marks = ", ".join("?" * len(chunk))
            sql = BALANCES.format(
                where=f"WHERE household_id IN ({marks})", households=f"h.number IN ({marks})"
            )
            rows += _rows(sql, *chunk, *chunk)
    for number, name, cached, total in rows:
        if cached is None:
            message = Message(
                N_("户号 {number} 不在户籍里，却有合计 {total} 分的条目"),
                number=number,
                total=total,
            )
            report.problems.append(Finding("unknown_household", message, subject=number))
        elif cached != total:
            message = Message(
                N_("户 {number}（{name}）余额记为 {cached} 分，条目合计 {total} 分"),
                number=number,
                name=name,
                cached=cached,
                total=total,
            )
            report.problems.append(Finding("balance", message, subject=number))
        else:
            message = Message(
                N_("户 {number}（{name}）透支 {points} 分（多个站点同时兑换）"),
                number=number,
                name=name,
                points=-total,
            )
            report.notices.append(Finding("overdrawn", message, "notice", number))


def _chunks(values: list, size: int = IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _stock(report: Report, station: str, items: Iterable[str] | None = None) -> None:
    """This station's stock of every item (or of `items`) against its moves."""
    chosen = list(items) if items is not None else None
    where, params = "true", []
    if chosen is not None:
        if not chosen:
            return
        where, params = f"i.code IN ({', '.join('?' * len(chosen))})", chosen
    rows = _rows(
        "SELECT i.code, i.name, i.stock, COALESCE(s.total, 0) FROM item i "  # noqa: S608 - marks
        "LEFT JOIN (SELECT item_id, SUM(qty) AS total FROM stock_move WHERE station = ? "
        "GROUP BY item_id) s ON s.item_id = i.code "
        f"WHERE {where} AND (i.stock <> COALESCE(s.total, 0) OR i.stock < 0)",
        station,
        *params,
    )
    for code, name, cached, total in rows:
        if cached != total:
            message = Message(
                N_("商品 {code}（{name}）库存记为 {cached}，出入库合计 {total}"),
                code=code,
                name=name,
                cached=cached,
                total=total,
            )
            report.problems.append(Finding("stock", message, subject=code))
        else:
            message = Message(
                N_("商品 {code}（{name}）库存为负：{total}"), code=code, name=name, total=total
            )
            report.problems.append(Finding("negative_stock", message, subject=code))


REDEMPTIONS = (
    "SELECT r.id, r.total, COALESCE(l.points, 0), COALESCE(e.points, 0) FROM redemption r "
    "LEFT JOIN (SELECT redemption_id, SUM(points) AS points FROM redemption_line "
    "GROUP BY redemption_id) l ON l.redemption_id = r.id "
    "LEFT JOIN ledger_entry e ON e.redemption_id = r.id AND e.kind = 'redemption' "
    "WHERE ({where}) AND (r.total <> COALESCE(l.points, 0) "
    "OR -r.total <> COALESCE(e.points, 0))"
)


def _redemptions(report: Report, new: Span | None = None) -> None:
    """Every redemption (or those of `new`) against its lines and its entry."""
    if new is None:
        rows = _rows(REDEMPTIONS.format(where="true"))
    else:
        rows = _rows(REDEMPTIONS.format(where="r.id > ? AND r.id <= ?"), new.after, new.last)
    for slip, total, lines, entry in rows:
        message = Message(
            N_("兑换单 {slip} 合计 {total} 分，明细合计 {lines} 分，扣分条目 {entry} 分"),
            slip=human(slip),
            total=total,
            lines=lines,
            entry=-entry,
        )
        report.problems.append(Finding("redemption", message, subject=slip))


# 公示 (docs/design.md §4.12): every entry a credited line became is that line (household, task,
# points, quantity, kind by its sign), written by the credit at its time, after the posting's
# last day, and no line is credited whose household had an upheld objection, or one still
# open when the credit was written.
POSTED_ENTRIES = """
SELECT pe.entry_id, l.posting_id FROM posting_entry AS pe
JOIN posting_line AS l ON l.id = pe.line_id JOIN posting AS p ON p.id = l.posting_id
JOIN posting_credit AS c ON c.id = pe.credit_id
LEFT JOIN ledger_entry AS e ON e.id = pe.entry_id
WHERE {within} (e.id IS NULL OR c.posting_id <> l.posting_id OR e.household_id <> l.household_id
   OR COALESCE(e.task_id, '') <> l.task_id OR e.points <> l.points OR e.qty <> l.qty
   OR e.kind <> CASE WHEN l.points < 0 THEN 'deduction' ELSE 'award' END
   OR e.time <> c.time OR substr(c.time, 1, 10) <= p.until
   OR EXISTS (SELECT 1 FROM objection AS o LEFT JOIN objection_ruling AS u
     ON u.objection_id = o.id WHERE o.posting_id = l.posting_id
     AND o.household_id = l.household_id AND o.time <= c.time
     AND (u.id IS NULL OR u.time > c.time OR u.upheld = 1)))
ORDER BY pe.entry_id
"""


def _postings(report: Report, new: Span | None = None) -> None:
    """Every entry a credit wrote (or those among the entries of `new`) against its line."""
    if new is None:
        rows = _rows(POSTED_ENTRIES.format(within=""))
    else:
        within = "pe.entry_id > ? AND pe.entry_id <= ? AND"
        rows = _rows(POSTED_ENTRIES.format(within=within), new.after, new.last)
    for entry, posting in rows:
        message = Message(
            N_("条目 {entry} 与公示 {posting} 的记分行或入账不相符"),
            entry=human(entry),
            posting=human(posting),
        )
        report.problems.append(Finding("posting", message, subject=entry))


REVERSALS = (
    "SELECT r.id, o.id, o.kind FROM ledger_entry r {by} "
    "JOIN ledger_entry o ON o.id = r.reverses_id "
    "WHERE ({where}) AND (r.kind <> 'reversal' OR o.kind = 'reversal' "
    "OR r.points <> -o.points OR r.household_id <> o.household_id)"
)


def _reversals(report: Report, new: Span | None = None) -> None:
    """Every reversal (or those among the entries of `new`) against the entry it reverses.
    All of them are found through the index on what they reverse: SQLite would rather read
    every entry (PostgreSQL takes no such hint, and needs none)."""
    if new is None:
        by = "" if is_postgres() else "INDEXED BY ledger_entry_reverses_id"
        sql = REVERSALS.format(by=by, where="r.reverses_id IS NOT NULL")
        rows = _rows(sql)
    else:
        sql = REVERSALS.format(by="", where="r.id > ? AND r.id <= ?")
        rows = _rows(sql, new.after, new.last)
    for reversal, original, _kind in rows:
        message = Message(
            N_("冲正条目 {reversal} 与原条目 {original} 不相符"),
            reversal=human(reversal),
            original=human(original),
        )
        report.problems.append(Finding("reversal", message, subject=reversal))


# -- since the last verified point -----------------------------------------------------------


def _since(report: Report, spans: list[Span], point: dict[tuple[str, str], VerifiedPoint]) -> None:
    verified.start_from(spans, point)
    for span in spans:
        if span.records == "entries" and span.chained:
            _chain_since(report, span)
    entries = [s for s in spans if s.records == "entries"]
    moves = [s for s in spans if s.records == "moves"]
    households = verified.touched(entries, "household_id", "ledger_entry")
    _balances(report, households)
    local = verified.local()
    if local is not None:
        _stock(report, local, verified.touched(moves, "item_id", "stock_move", station=local))
    for span in spans:
        if span.records == "redemptions":
            _redemptions(report, span)
        elif span.records == "entries":
            _reversals(report, span)
            _postings(report, span)
    report.problems.extend(verified.references(entries, moves))
    report.problems.extend(produce.problems())  # small books: whole each time
    report.problems.extend(field_checks.problems())
    if verified.at_county():
        report.problems.extend(month_totals.problems(verified.months(entries, moves)))
    report.counted["households"] = len(households)
    report.counted["entries"] = sum(s.new for s in entries)
    report.counted["moves"] = sum(s.new for s in moves)
    report.counted["chains"] = sum(1 for s in entries if s.chained)


def _chain_since(report: Report, span: Span) -> None:
    """The chain from its verified entry on: that entry still has the link it had, and every
    entry after it joins on, up to the station's head."""
    first = span.low + 1
    if span.after < first:  # nothing of this chain verified yet: all of it
        walked = _walk_here(
            chain_scan.Piece(span.station, span.low, span.low, span.last, span.head), quick=False
        )
        _chains(report, [span], [walked])
        return
    row = _rows(f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id = ?", span.after)  # noqa: S608
    if not row or chain.link_or_not(row[0]) != span.start:
        message = Message(
            N_("站点 {station} 账目链：上次核对过的条目 {entry} 已被改动或删除，请完整核对一遍"),
            station=span.station,
            entry=human(span.after),
        )
        report.problems.append(Finding("chain", message, subject=chain.Break("start", span.after)))
        return
    rows = database.execute_sql(
        f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id > ? AND id <= ? ORDER BY id",  # noqa: S608
        (span.after, span.last),
    )
    breaks, end = chain.check(rows, span.start or "", span.head, first, span.after)
    span.link = end
    _breaks(report, span.station, breaks)
