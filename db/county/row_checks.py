"""What the county checks of a month file's rows against its own books (docs/design.md §14).

The file is staged as schema `f` (db.county.staging), inside the merge's write transaction,
after its own checks (db.exchange.month_check) and those against the catalog
(db.county.catalog_checks, in the checker thread) have run. A station's key proves only which
station sent a file, not that its rows keep the rules, so every row is held against what the
county itself knows: its catalog, the monthly caps across its households, its roster (which
townships the station serves, which households and places exist, the cards it has), its clock,
and the balances its books hold. Every check is set-based SQL over the staged file, shaped to
look up the county's rows by their keys and indexes, never to scan them; what the checker thread
worked out per household (`Prepared`) is staged in temp tables and joined to the county's rows.

`check` returns every problem (the first SHOWN and a count) and adds notices for what can only
be checked later: a file that arrives before an earlier month of its station cannot be held
against that month's rows, so its balances (and the households that month created) are
checked when the earlier month arrives — and then that month's later months are walked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from catalog.messages import N_, Finding, Message
from db.county import field_checks, posting_checks, produce_checks, roster_checks
from db.county.catalog_checks import Found, Prepared, check_caps, problem
from db.exchange.month_check import Checked
from db.exchange.month_content import SHOWN, Problems
from db.exchange.sealed import TABLES
from db.exchange.union import one, scalar
from db.store.clock import month_bounds
from db.store.connection import database
from db.store.county_models import MonthlyFile
from db.store.dialect import insert_all, same
from db.store.ids import human, id_range


@dataclass(frozen=True)
class Scope:
    """Where the file's rows stand among the station's rows the county already has."""

    complete: bool  # the county has every entry the station wrote before this file's
    later_end: int | None  # the last of the station's later entries that join this file's


def check(checked: Checked, prepared: Prepared, now: str, notices: list[Finding]) -> Problems:
    """Every row of staged `f` against the county's books: the problems, after the file's
    own (`checked.problems`) and the catalog's (`prepared`), the first SHOWN of them all."""
    station, month = checked.station, checked.month
    low, high = id_range(station)
    start, end = month_bounds(month)
    scope = _scope(checked)
    later = scope.later_end is not None or _has_later(checked)
    served = "SELECT EXISTS (SELECT 1 FROM station_township WHERE station_id = ?)"
    params = {
        "me": station,
        "low": low,
        "high": high,
        "start": start,
        "end": end,
        "month": month,
        "first": checked.first if checked.first is not None else high,
        "last": checked.last if checked.last is not None else low,
        "later_end": scope.later_end or low,
        "complete": int(scope.complete),
        "scoped": int(bool(scalar(served, station))),
    }
    found = Found(SHOWN, database.execute_sql)
    if end > now:
        found.add(
            problem(
                "month_not_over",
                N_("县里的时钟是 {now}，{month} 还没有结束：月报不能早于月底"),
                month,
                now=now,
                month=month,
            )
        )
    earlier = checked.problems + prepared.problems
    if not later:
        earlier = earlier + prepared.over_cap
    with _staged(checked, prepared, params):
        if later:  # its later entries may reverse the file's: count every cap afresh
            check_caps(found, params, county=True, later=True)
        elif prepared.yearly:  # a year's cap: the county's other months count as well
            check_caps(found, params, county=True, later=False, fresh=True)
        elif scalar("SELECT EXISTS (SELECT 1 FROM shared)"):
            check_caps(found, params, county=True, later=False, households=SHARED, fresh=True)
        _reversals(found, params)
        if scope.later_end is not None and scope.complete:
            _later_reversals(params, checked, notices)
        _households(found, params, checked, scope, notices)
        roster_checks.check(found, params)
        produce_checks.check(found, params)
        posting_checks.check(found, params)
        field_checks.check(found, params)
        _balances(found, params, checked, scope, later, notices)
        _goods(found, params)
    return earlier + found.problems()


def _goods(found: Found, p: dict) -> None:
    """A station's own item never takes a code the county knows as its own or another
    station's."""
    found.gather(
        "SELECT s.code, COALESCE(m.station, '') FROM f.item AS s JOIN item AS m "  # noqa: S608
        f"ON m.code = s.code WHERE NOT {same('m.station', 's.station')} ORDER BY s.code",
        p,
        lambda r: problem(
            "item_taken",
            N_("商品 {code} 在县里已是{owner}的商品，站点不能用这个编码"),
            r[0],
            code=r[0],
            owner=r[1] or Message(N_("县目录")),
        ),
    )


SHARED = "(SELECT household_id FROM shared)"


@contextmanager
def _staged(checked: Checked, prepared: Prepared, p: dict) -> Iterator[None]:
    """Temp tables of the file's households: every one its entries and cards name (`named`),
    those the county has other entries of in the month (`shared`), and each one's lowest
    running sum (`lows`). Dropped after, kept in the transaction's temp schema meanwhile."""
    database.execute_sql("CREATE TEMP TABLE named (household_id TEXT PRIMARY KEY)")
    database.execute_sql("CREATE TEMP TABLE lows (h TEXT PRIMARY KEY, low INTEGER)")
    try:
        if checked.totals is not None:
            # one month's totals: one row a household
            insert_all("named", sorted({(row[1],) for row in checked.totals["month_household"]}))
        else:
            database.execute_sql(
                "INSERT INTO named SELECT household_id FROM f.ledger_entry WHERE true "
                "ON CONFLICT DO NOTHING"
            )
        database.execute_sql(
            "INSERT INTO named SELECT household_id FROM f.card WHERE true ON CONFLICT DO NOTHING"
        )
        database.execute_sql(
            "CREATE TEMP TABLE shared AS SELECT household_id FROM named AS n "
            "WHERE EXISTS (SELECT 1 FROM month_household AS mh WHERE mh.month = :month "
            "AND mh.household_id = n.household_id)",
            p,
        )
        insert_all("lows", prepared.lows)
        yield
    finally:
        for table in ("named", "lows", "shared"):
            database.execute_sql(f"DROP TABLE IF EXISTS {table}")


def _scope(checked: Checked) -> Scope:
    """Whether the station's earlier entries are all at the county (following the merged
    months' pieces of chain back to its first entry), and how far its later ones, merged
    before this file, run on from it without a gap."""
    pieces = [
        (m.before_id, m.last_id)
        for m in MonthlyFile.select().where(MonthlyFile.station == checked.station)
        if m.last_id is not None
    ]
    by_end = {last: before for before, last in pieces}
    by_start = {before: last for before, last in pieces}
    at, seen = checked.before, set()
    while at is not None and at in by_end and at not in seen:
        seen.add(at)
        at = by_end[at]
    complete = at is None
    later_end = None
    if checked.last is not None:
        at = checked.last
        while at in by_start and at not in seen:
            seen.add(at)
            at = by_start[at]
        later_end = at if at != checked.last else None
    return Scope(complete, later_end)


def _has_later(checked: Checked) -> bool:
    low, high = id_range(checked.station)
    top = one("SELECT MAX(id) FROM ledger_entry WHERE id >= ? AND id < ?", low, high)
    mine = checked.last or checked.before or low
    return bool(top and top[0] is not None and top[0] > mine)


# A reversal (of an entry, or of a redemption's stock move) is its target negated; the target
# is in the file or at the county, and no other row reverses it.
REVERSALS = (
    (
        "ledger_entry",
        "t.kind <> 'reversal' AND v.points = -t.points AND v.household_id = t.household_id "
        f"AND {same('v.task_id', 't.task_id')} AND {same('v.redemption_id', 't.redemption_id')} "
        "AND v.qty = t.qty",
        N_(
            "冲正条目 {record} 与它冲正的条目 {target} 对不上"
            "（户、项目、兑换单、数量，或积分不是相反数）"
        ),
    ),
    (
        "stock_move",
        "t.kind = 'redemption' AND t.reverses_id IS NULL AND v.item_id = t.item_id "
        f"AND {same('v.redemption_id', 't.redemption_id')} AND v.qty = -t.qty",
        N_("退回入库 {record} 与它退回的出库 {target} 对不上（商品、兑换单或数量）"),
    ),
)


def _reversals(found: Found, p: dict) -> None:
    for name, matches, template in REVERSALS:
        columns = TABLES[name].column_list
        found.gather(
            f"SELECT v.id, v.reverses_id, COALESCE(a.id, b.id) IS NULL, EXISTS (SELECT 1 "  # noqa: S608
            f"FROM {name} AS x WHERE x.reverses_id = v.reverses_id) FROM f.{name} AS v "
            f"LEFT JOIN f.{name} AS a ON a.id = v.reverses_id "
            f"LEFT JOIN {name} AS b ON b.id = v.reverses_id "
            "WHERE v.reverses_id IS NOT NULL AND CASE WHEN COALESCE(a.id, b.id) IS NULL "
            "THEN :complete = 1 OR v.reverses_id >= :first "
            f"ELSE EXISTS (SELECT 1 FROM {name} AS x WHERE x.reverses_id = v.reverses_id) "
            f"OR NOT (SELECT {matches} FROM (SELECT {columns} FROM f.{name} "
            f"WHERE id = v.reverses_id UNION ALL SELECT {columns} FROM {name} "
            "WHERE id = v.reverses_id) AS t LIMIT 1) END "
            "ORDER BY v.id",
            p,
            partial(_reversal_finding, name, template),
        )


def _later_reversals(p: dict, checked: Checked, notices: list[Finding]) -> None:
    """Reversals in the station's later months, merged before this file, of this file's
    entries: they could not be checked then."""
    name, matches, _ = REVERSALS[0]
    rows = database.execute_sql(
        f"SELECT v.id, v.reverses_id FROM {name} AS v JOIN f.{name} AS t "  # noqa: S608
        "ON t.id = v.reverses_id WHERE v.id > :last AND v.id <= :later_end "
        f"AND NOT ({matches}) ORDER BY v.id LIMIT {SHOWN}",
        p,
    ).fetchall()
    for record, target in rows:
        message = Message(
            N_("站点 {station} 之后月份的冲正条目 {record} 与本月的条目 {target} 对不上"),
            station=checked.station,
            record=human(record),
            target=human(target),
        )
        notices.append(Finding("reversal_mismatch_later", message, "notice", record))


def _reversal_finding(name: str, template: str, row: tuple) -> Finding:
    record, target, missing, twice = row
    if missing:
        return problem(
            "reversal_unknown",
            N_("{table} {record} 冲正的 {target} 县里和文件里都没有"),
            record,
            table=name,
            record=human(record),
            target=human(target),
        )
    if twice:
        return problem(
            "reversed_twice",
            N_("{table} {record} 冲正的 {target} 在县里已经冲正过"),
            record,
            table=name,
            record=human(record),
            target=human(target),
        )
    return problem(
        "reversal_mismatch", template, record, record=human(record), target=human(target)
    )


# NOT EXISTS, not NOT IN: PostgreSQL cannot turn NOT IN into a join, and for a subquery larger
# than its work memory (a county's households) scans it again for every row.
UNKNOWN = (
    "SELECT n.household_id FROM {table} AS n WHERE NOT EXISTS (SELECT 1 FROM household AS h "
    "WHERE h.number = n.household_id) AND NOT EXISTS (SELECT 1 FROM f.household_version AS v "
    "WHERE v.number = n.household_id) ORDER BY n.household_id"
)


def _households(
    found: Found, p: dict, checked: Checked, scope: Scope, notices: list[Finding]
) -> None:
    """Entries and cards name households the county has, or that the file brings. A file
    that arrives before an earlier month of its station may name a household that month
    created: then it is a notice, and that month's merge checks again (the households its
    later months name that it does not bring are a notice then)."""
    unknown = [r[0] for r in database.execute_sql(UNKNOWN.format(table="named"))]
    later: list[str] = []
    if scope.later_end is not None and scope.complete:
        database.execute_sql(
            "CREATE TEMP TABLE later_named AS SELECT DISTINCT household_id "
            "FROM ledger_entry WHERE id > :last AND id <= :later_end",
            p,
        )
        try:
            later = [r[0] for r in database.execute_sql(UNKNOWN.format(table="later_named"))]
        finally:
            database.execute_sql("DROP TABLE later_named")
    if unknown and scope.complete:
        found.add(
            problem(
                "unknown_household",
                N_("县里和文件里都没有户 {numbers} 的档案（共 {count} 户）"),
                tuple(unknown[:10]),
                numbers=tuple(unknown[:10]),
                count=len(unknown),
            )
        )
    elif unknown:
        message = Message(
            N_("有 {count} 户的条目在县里还没有档案（建档那个月的月报未到）"), count=len(unknown)
        )
        notices.append(Finding("unknown_households", message, "notice"))
    if later:
        message = Message(
            N_("站点 {station} 之后月份的条目用到县里没有档案的户 {numbers}（共 {count} 户）"),
            station=checked.station,
            numbers=tuple(later[:10]),
            count=len(later),
        )
        notices.append(Finding("unknown_households_later", message, "notice", tuple(later)))


def _balances(
    found: Found, p: dict, checked: Checked, scope: Scope, later: bool, notices: list[Finding]
) -> None:
    """No household is spent below zero by the station's own rows (docs/design.md §14.3).

    Walking the station's own entries for a household in id order — those of its earlier
    months the county has, then the file's — the running sum plus every credit (positive
    entry) other stations have given the household at the county never goes below zero at
    one of the station's own debits. Whatever the station knew of other stations' entries
    came from the county, so an honest file never fails this. Quickly: the county's balance
    for the household (its earlier own entries and every other station's, debits included)
    is at most that starting sum, so a household whose lowest running sum in the file
    (`lows`, from the checker thread) keeps it at or above zero needs nothing more; the few
    that do not are walked exactly."""
    if checked.first is None:
        return
    if not scope.complete:
        message = Message(
            N_("站点 {station} {month} 之前的月报还没有全部并入：余额等那几份并入时再核对"),
            station=checked.station,
            month=checked.month,
        )
        notices.append(Finding("balance_pending", message, "notice", checked.station))
        return
    database.execute_sql("CREATE TEMP TABLE suspects (h TEXT PRIMARY KEY)")
    try:
        if not later:
            database.execute_sql(
                "INSERT INTO suspects SELECT l.h FROM lows AS l "
                "LEFT JOIN household AS h ON h.number = l.h "
                "WHERE h.number IS NULL OR h.balance + l.low < 0"
            )
        else:  # the station's later months are here too: walk every household exactly
            database.execute_sql(
                "INSERT INTO suspects SELECT household_id FROM f.ledger_entry WHERE true "
                "ON CONFLICT DO NOTHING"
            )
            database.execute_sql(
                "INSERT INTO suspects SELECT household_id FROM ledger_entry "
                "WHERE id > :last AND id <= :later_end ON CONFLICT DO NOTHING",
                p,
            )
        if scalar("SELECT EXISTS (SELECT 1 FROM suspects)"):
            _walk(found, p, checked, notices)
    finally:
        database.execute_sql("DROP TABLE suspects")


WALK = (
    "WITH own AS (SELECT id, household_id, points FROM f.ledger_entry "
    "WHERE household_id IN (SELECT h FROM suspects) UNION ALL "
    "SELECT id, household_id, points FROM ledger_entry WHERE id > :last "
    "AND id <= :later_end AND household_id IN (SELECT h FROM suspects)), "
    "walk AS (SELECT id, household_id, points, SUM(points) OVER (PARTITION BY household_id "
    "ORDER BY id ROWS UNBOUNDED PRECEDING) AS run FROM own), "
    "base AS (SELECT s.h, COALESCE((SELECT SUM(e.points) FROM ledger_entry AS e "
    "WHERE e.household_id = s.h AND e.id >= :low AND e.id < :first), 0) "
    "+ COALESCE((SELECT SUM(e.points) FROM ledger_entry AS e WHERE e.household_id = s.h "
    "AND (e.id < :low OR e.id >= :high) AND e.points > 0), 0) AS start FROM suspects AS s), "
    "low AS (SELECT w.household_id, w.id, w.points, b.start + w.run AS after, "
    "ROW_NUMBER() OVER (PARTITION BY w.household_id ORDER BY w.id) AS k FROM walk AS w "
    "JOIN base AS b ON b.h = w.household_id WHERE w.points < 0 AND b.start + w.run < 0) "
    "SELECT household_id, id, points, after FROM low WHERE k = 1 AND id {side} ORDER BY id"
)


def _walk(found: Found, p: dict, checked: Checked, notices: list[Finding]) -> None:
    found.gather(
        WALK.format(side="<= :last"),
        p,
        lambda r: problem(
            "overdrawn",
            N_(
                "户 {household}：本站的条目 {entry}（{points} 分）使它的积分成为 {balance} 分"
                "（按县里已有的本站条目和其他站点给它的全部入账计）"
            ),
            r[0],
            household=r[0],
            entry=human(r[1]),
            points=r[2],
            balance=r[3],
        ),
    )
    for household, entry, points, after in database.execute_sql(
        WALK.format(side="> :last") + f" LIMIT {SHOWN}", p
    ):
        message = Message(
            N_(
                "户 {household}：站点 {station} 之后月份的条目 {entry}（{points} 分）"
                "使它的积分成为 "
                "{balance} 分（那份月报先于 {month} 并入，当时无法核对）"
            ),
            household=household,
            station=checked.station,
            entry=human(entry),
            points=points,
            balance=after,
            month=checked.month,
        )
        notices.append(Finding("overdrawn_later", message, "notice", household))
