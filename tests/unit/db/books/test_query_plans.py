"""Every query of a write path uses a selective index, with table statistics and without
(STYLE.md "Queries that stay fast"; issue 9 item 10).

Each write path runs on a skewed station — a few households with thousands of entries of one
task, one item with thousands of moves, thousands of reversals — while every statement it
sends is recorded. Then each statement's `EXPLAIN QUERY PLAN` must not scan a table that
grows with the books, and each read, run again alone, must take a handful of SQLite's
instructions, not thousands: an index that matches the filter, not one that only looks like
it (the `reverses_id IS NULL` walk of issue 9)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from db.books import auth, awards, cards, corrections, households, postings, redemptions, stock
from db.store.audit import BooksClock
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from db.store.ids import id_range, next_id
from db.store.models import Entry, Redemption
from tests.conftest import NOW, build_station
from tests.helpers import Station

SHOP = "451425-03"
HEAVY = ("1012010001", "1012010002", "1012020001")  # the households with very many entries
PER_HEAVY = 3_000
# Tables that grow with the books; a scan of any of them on a write path is a bug.
GROWING = (
    "ledger_entry",
    "stock_move",
    "household",
    "household_version",
    "card",
    "audit",
    "redemption",
    "redemption_line",
    "donation",
    "donation_line",
    "donor",
    "stock_count",
    "stock_count_line",
    "posting",
    "posting_line",
    "objection",
    "objection_ruling",
    "posting_credit",
    "posting_entry",
)
SCAN = re.compile(r"\bSCAN (\w+)")
ALIAS = re.compile(r'"(\w+)" AS "(\w+)"')  # peewee names every table: "ledger_entry" AS "t1"
# A read on a write path visits a few rows: looking up one household's entries of one task
# in one month costs a few hundred instructions; walking thousands of rows costs far more.
MOST_INSTRUCTIONS = 20_000


def skew() -> None:
    """Thousands of households and donors; thousands of entries for the heavy households,
    over two years, a fifth of them reversed; thousands of moves of one item; then the caches
    made right."""
    low, _ = id_range(SHOP)
    database.execute_sql(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 2999) "
        "INSERT INTO household (number, head_name, id_number, village_id, category, members, "
        "phone, status, initials, balance, updated, updated_by) SELECT 2012020000 + k, '韦某', "
        "printf('45142519800101%04d', k), '451425101202', '脱贫户', 1, '', 'active', '', 0, "
        "'2026-01-01 00:00:00', ? FROM n",
        (SHOP,),
    )
    database.execute_sql(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 1999) "
        "INSERT INTO donor (id, name, kind, phone) SELECT ? + 100 + k, '捐赠人' || k, "
        "'person', '' FROM n",
        (low,),
    )
    top = database.execute_sql("SELECT COALESCE(MAX(id), ?) FROM ledger_entry", (low,)).fetchone()[
        0
    ]
    count = len(HEAVY) * PER_HEAVY
    database.execute_sql(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < ?) "
        "INSERT INTO ledger_entry (id, household_id, points, kind, task_id, qty, note, operator, "
        "station, time, prev_hash) SELECT ? + 1 + k, "
        "CASE k % 3 WHEN 0 THEN ? WHEN 1 THEN ? ELSE ? END, 2, 'award', 'GY02', 1, '', "
        "'manager', ?, datetime('2024-11-01', '+' || (k / 6) || ' hours'), '' FROM n",
        (count - 1, top, *HEAVY, SHOP),
    )
    database.execute_sql(
        "INSERT INTO ledger_entry (id, household_id, points, kind, task_id, reverses_id, qty, "
        "note, operator, station, time, prev_hash) SELECT ? + ROW_NUMBER() OVER (ORDER BY id), "
        "household_id, -points, 'reversal', task_id, id, 1, '', 'manager', station, time, '' "
        "FROM ledger_entry WHERE id > ? AND id % 5 = 0",
        (top + count, top),
    )
    # 公示: two years of postings of both villages, thousands of lines of the heavy households,
    # objections and rulings on a tenth, credits naming the old entries.
    database.execute_sql(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 599) "
        "INSERT INTO posting (id, village_id, month, days, published, until, operator, station) "
        "SELECT ? + 1 + k, CASE k % 2 WHEN 0 THEN '451425101201' ELSE '451425101202' END, "
        "strftime('%Y-%m', datetime('2024-11-01', '+' || (k / 25) || ' months')), 3, "
        "datetime('2024-11-01', '+' || (k / 25) || ' months'), "
        "date('2024-11-03', '+' || (k / 25) || ' months'), 'manager', ? FROM n",
        (low, SHOP),
    )
    database.execute_sql(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < ?) "
        "INSERT INTO posting_line (id, posting_id, household_id, task_id, points, qty, note) "
        "SELECT ? + 1 + k, ? + 1 + (k % 600), CASE (k % 600) % 2 WHEN 0 THEN "
        "CASE k % 4 WHEN 0 THEN ? ELSE ? END ELSE ? END, 'GY02', 10, 1, '' FROM n",
        (count - 1, low, low, HEAVY[0], HEAVY[1], HEAVY[2]),
    )
    database.execute_sql(
        "INSERT INTO objection (id, posting_id, household_id, raised_by, reason, operator, "
        "station, time) SELECT id, posting_id, household_id, '村民', '有异议', 'clerk', ?, "
        "'2024-11-02 09:00:00' FROM posting_line WHERE id % 10 = 0",
        (SHOP,),
    )
    database.execute_sql(
        "INSERT INTO objection_ruling (id, objection_id, upheld, note, operator, station, time) "
        "SELECT id, id, id % 20 = 0, '', 'manager', ?, '2024-11-02 10:00:00' FROM objection",
        (SHOP,),
    )
    database.execute_sql(
        "INSERT INTO posting_credit (id, posting_id, operator, station, time) "
        "SELECT id, id, 'manager', ?, '2024-11-05 09:00:00' FROM posting",
        (SHOP,),
    )
    database.execute_sql(
        "INSERT INTO posting_entry (entry_id, line_id, credit_id) SELECT e.id, l.id, "
        "l.posting_id FROM posting_line AS l JOIN ledger_entry AS e ON e.id = ? + (l.id - ?) "
        "WHERE l.id % 3 = 0",
        (top, low),
    )
    low_moves = database.execute_sql(
        "SELECT COALESCE(MAX(id), ?) FROM stock_move WHERE id >= ?", (low, low)
    ).fetchone()[0]
    database.execute_sql(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 4999) "
        "INSERT INTO stock_move (id, item_id, qty, kind, note, operator, station, time) "
        "SELECT ? + 1 + k, 'G001', 1, 'purchase', '', 'manager', ?, "
        "datetime('2024-11-01', '+' || k || ' hours') FROM n",
        (low_moves, SHOP),
    )
    database.execute_sql(
        "UPDATE household SET balance = (SELECT COALESCE(SUM(points), 0) FROM ledger_entry "
        "WHERE household_id = number)"
    )
    database.execute_sql(
        "UPDATE item SET stock = (SELECT COALESCE(SUM(qty), 0) FROM stock_move "
        "WHERE item_id = code AND station = ?)",
        (SHOP,),
    )


def write_paths(station) -> dict[str, Callable[[], object]]:
    clock, manager, clerk, cadre = station.clock, station.manager, station.clerk, station.cadre
    books_clock = BooksClock(clock)

    def reverse_an_award():
        entry = awards.award(manager, books_clock, HEAVY[0], "GY01")
        corrections.reverse_entry(manager, books_clock, entry, "记错了")

    def reverse_a_redemption():
        slip = redemptions.redeem(clerk, books_clock, HEAVY[1], [("G001", 1)])
        corrections.reverse_redemption(manager, books_clock, slip.id, "拿错了")

    def count_stock():
        count = stock.start_count(clerk, books_clock)
        stock.record_count(clerk, books_clock, count, "G001", 3)
        stock.record_count(clerk, books_clock, count, "G007", 20)
        stock.count_lines(count)
        stock.open_count(SHOP)
        stock.finalize_count(manager, books_clock, count)

    def sheet():
        lines = [awards.AwardLine(h, t, 1) for h in HEAVY for t in ("GY02", "HJ01", "PX01")]
        awards.check_sheet(manager, books_clock, lines)
        awards.apply_sheet(manager, books_clock, lines)

    def posted(lines):
        database.execute_sql("UPDATE county SET posting_days = 3")
        return awards.record(manager, books_clock, lines).postings[0]

    def post_a_sheet():
        posted([awards.AwardLine(h, t, 1) for h in HEAVY for t in ("GY02", "HJ01", "PX01")])

    def object_and_rule():
        number = posted([awards.AwardLine(HEAVY[0], "HJ01", 1)])
        postings.object_to(clerk, books_clock, number, HEAVY[0], "没做", "村民")
        postings.resolve(manager, books_clock, number, HEAVY[0], uphold=False)

    def credit():
        number = posted([awards.AwardLine(HEAVY[1], "HJ01", 1)])
        clock.at += timedelta(days=4)
        postings.credit(manager, books_clock, number)

    return {
        "posted sheet": post_a_sheet,
        "objection and ruling": object_and_rule,
        "posting credit": credit,
        "sign-in": lambda: auth.sign_in("manager", "1234", books_clock),
        "the books' clock": books_clock.now,
        "ids": lambda: next_id(Entry, SHOP) + next_id(Redemption, SHOP),
        "award": lambda: awards.award(manager, books_clock, HEAVY[0], "GY02"),
        "award by a cadre": lambda: awards.award(cadre, books_clock, HEAVY[1], "HJ01"),
        "earned this month": lambda: awards.earned_this_month(books_clock, HEAVY[2], "GY02"),
        "sheet": sheet,
        "redemption": lambda: redemptions.redeem(clerk, books_clock, HEAVY[2], [("G001", 2)]),
        "reversal of an award": reverse_an_award,
        "reversal of a redemption": reverse_a_redemption,
        "adjustment": lambda: corrections.adjust_points(manager, books_clock, HEAVY[0], 5, "补"),
        "donation": lambda: stock.take_donation(
            clerk, books_clock, "天等县供销合作社", [], cash_fen=100, donor_kind="company"
        ),
        "stock adjustment": lambda: stock.adjust(
            manager, books_clock, "G001", 2, "purchase", "进货"
        ),
        "stock count": count_stock,
        "card reissue": lambda: cards.reissue(manager, books_clock, HEAVY[2]),
        "household edit": lambda: households.set_status(manager, books_clock, HEAVY[2], "moved"),
    }


def statements(run: Callable[[], object]) -> list[str]:
    sent: list[str] = []
    conn = database.connection()
    conn.set_trace_callback(sent.append)
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    return [s for s in sent if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", s, re.I)]


def instructions(sql: str) -> int:
    conn = database.connection()
    steps = [0]

    def count() -> int:
        steps[0] += 100
        return 0

    conn.set_progress_handler(count, 100)
    try:
        conn.execute(sql).fetchall()
    finally:
        conn.set_progress_handler(None, 100)
    return steps[0]


@pytest.fixture(scope="module")
def skewed_files(tmp_path_factory) -> dict[str, Path]:
    """The skewed station built once, saved without statistics and with them."""
    made = {}
    folder = tmp_path_factory.mktemp("skewed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        build_station(folder / "plain.sqlite", FixedClock(NOW, timedelta(seconds=1)))
        skew()
        close()
    made["without statistics"] = folder / "plain.sqlite"
    made["with ANALYZE"] = folder / "analyzed.sqlite"
    shutil.copy(made["without statistics"], made["with ANALYZE"])
    conn = sqlite3.connect(made["with ANALYZE"])
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    return made


@pytest.fixture(params=["without statistics", "with ANALYZE"])
def skewed(request, skewed_files, tmp_path) -> Station:
    path = tmp_path / "station.sqlite"
    shutil.copy(skewed_files[request.param], path)
    connect(path)
    has_statistics = database.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).fetchone()[0]
    assert has_statistics == (request.param == "with ANALYZE")
    clock = FixedClock(NOW + timedelta(days=1), timedelta(seconds=1))
    yield Station(
        clock=clock,
        manager=auth.sign_in("manager", "1234", clock),
        clerk=auth.sign_in("clerk", "1234", clock),
        cadre=auth.sign_in("cadre", "1234", clock),
    )
    close()


@pytest.mark.parametrize(
    "path",
    [
        "sign-in",
        "the books' clock",
        "ids",
        "award",
        "award by a cadre",
        "earned this month",
        "sheet",
        "redemption",
        "reversal of an award",
        "reversal of a redemption",
        "adjustment",
        "donation",
        "stock adjustment",
        "stock count",
        "card reissue",
        "household edit",
        "posted sheet",
        "objection and ruling",
        "posting credit",
    ],
)
def test_every_query_of_a_write_path_uses_a_selective_index(skewed, path):
    sent = statements(write_paths(skewed)[path])
    assert sent, "the path sent no statement: is it recorded?"
    for sql in sent:
        plan = [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql)]
        named = {alias: table for table, alias in ALIAS.findall(sql)}
        scanned = [
            named.get(t, t)
            for step in plan
            for t in SCAN.findall(step)
            if named.get(t, t) in GROWING
        ]
        assert not scanned, f"{path}: {sql}\n" + "\n".join(plan)
        if sql.lstrip().upper().startswith("SELECT"):
            cost = instructions(sql)
            assert cost <= MOST_INSTRUCTIONS, f"{path}: {cost} instructions: {sql}\n" + "\n".join(
                plan
            )
