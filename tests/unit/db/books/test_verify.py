"""`aixin verify` at its three depths (db/books/verify.py, docs/design.md §4.8): the whole
books, the file's own integrity beside them, and only what came after the verified point."""

from __future__ import annotations

import sqlite3

import pytest
from peewee import OperationalError

from db.books import awards, corrections, redemptions, verified
from db.books.verify import verify
from db.store import chain, chain_scan
from db.store.connection import close, connect, database
from db.store.models import VerifiedPoint

SHOP = "451425-03"
NEWEST = "(SELECT MAX(id) FROM ledger_entry)"


def codes(report) -> list[str]:
    return [f.code for f in report.problems]


def raw(station, *statements) -> None:
    """Change the books behind their back, as an intruder with the file would."""
    path = database.obj.database
    close()
    conn = sqlite3.connect(path)
    for name in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]:
        conn.execute(f'DROP TRIGGER "{name}"')
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    connect(path)


def day_of_work(station) -> None:
    for number in ("1012010001", "1012010002", "1012020001"):
        awards.award(station.manager, station.clock, number, "GY02")
    redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])


def test_a_verify_that_passes_keeps_the_point_it_got_to(station):
    day_of_work(station)
    assert verify(clock=station.clock).ok
    point = {(p.records, p.station): p for p in VerifiedPoint.select()}
    entries = point[("entries", SHOP)]
    top, head = database.execute_sql(
        "SELECT MAX(id), (SELECT chain_head FROM station WHERE code = ?) FROM ledger_entry",
        (SHOP,),
    ).fetchone()
    assert (entries.last_id, entries.link, entries.time) == (top, head, "2026-11-23 09:00:25")
    assert (
        point[("moves", SHOP)].rows
        == database.execute_sql("SELECT COUNT(*) FROM stock_move").fetchone()[0]
    )


def test_since_last_checks_only_what_came_after(station):
    day_of_work(station)
    assert verify(clock=station.clock).ok
    verified_at = VerifiedPoint.get().time
    awards.award(station.manager, station.clock, "1012020002", "GY02")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010002", [("G007", 1)])
    corrections.reverse_redemption(station.manager, station.clock, slip.id, "拿错了")
    report = verify(since_last=True, clock=station.clock)
    assert report.ok, report.problems
    assert report.since == verified_at
    assert report.counted == {"households": 2, "entries": 3, "moves": 2, "chains": 1}
    again = verify(since_last=True, clock=station.clock)
    assert again.ok and again.counted["entries"] == 0 and again.since > report.since


def test_since_last_without_a_point_checks_everything(station):
    day_of_work(station)
    report = verify(since_last=True, clock=station.clock)
    assert report.ok and report.since is None
    assert [n.code for n in report.notices] == ["no_point"]
    assert report.counted["households"] == 6


@pytest.mark.parametrize(
    ("tampering", "found"),
    [
        (
            f"UPDATE ledger_entry SET points = points + 1 WHERE id = {NEWEST}",
            "chain",
        ),
        ("UPDATE household SET balance = balance + 1 WHERE number = '1012020002'", "balance"),
        ("UPDATE item SET stock = stock + 1 WHERE code = 'G019'", "stock"),
        ("UPDATE ledger_entry SET points = 1 WHERE kind = 'reversal'", "reversal"),
        (
            "UPDATE redemption SET total = total + 1 WHERE id = (SELECT MAX(id) FROM redemption)",
            "redemption",
        ),
        (f"DELETE FROM ledger_entry WHERE id = {NEWEST}", "chain"),
        ("DELETE FROM household WHERE number = '1012020002'", "unknown_household"),
        (
            f"UPDATE ledger_entry SET task_id = 'NOPE' WHERE id = {NEWEST}",
            "foreign_key",
        ),
    ],
)
def test_since_last_finds_what_is_wrong_with_the_new_records(station, tampering, found):
    day_of_work(station)
    assert verify(clock=station.clock).ok
    awards.award(station.manager, station.clock, "1012020002", "GY02")
    slip = redemptions.redeem(station.clerk, station.clock, "1012010002", [("G019", 1)])
    corrections.reverse_redemption(station.manager, station.clock, slip.id, "拿错了")
    redemptions.redeem(station.clerk, station.clock, "1012010002", [("G019", 1)])
    raw(station, tampering)
    assert found in codes(verify(since_last=True, clock=station.clock))
    assert found in codes(verify(integrity=True, clock=station.clock))


def test_the_verified_entry_itself_changed_is_found(station):
    day_of_work(station)
    assert verify(clock=station.clock).ok
    awards.award(station.manager, station.clock, "1012020002", "GY02")
    last = VerifiedPoint.get(VerifiedPoint.records == "entries").last_id
    raw(station, f"UPDATE ledger_entry SET note = 'x' WHERE id = {last}")
    [problem] = verify(since_last=True, clock=station.clock).problems
    assert (problem.code, problem.subject) == ("chain", chain.Break("start", last))


def test_an_older_record_changed_is_the_full_verify_s_to_find(station):
    """Since-last trusts what was verified: a change before the point is found by the full
    verify, as documented; since-last checks only that the chain still joins at the point."""
    day_of_work(station)
    assert verify(clock=station.clock).ok
    first = database.execute_sql("SELECT MIN(id) FROM ledger_entry").fetchone()[0]
    raw(station, f"UPDATE ledger_entry SET note = 'x' WHERE id = {first}")
    assert verify(since_last=True, clock=station.clock).ok
    assert "chain" in codes(verify(clock=station.clock))


def test_a_failed_verify_keeps_the_old_point(station):
    day_of_work(station)
    assert verify(clock=station.clock).ok
    before = list(VerifiedPoint.select().tuples())
    awards.award(station.manager, station.clock, "1012020002", "GY02")
    raw(station, "UPDATE household SET balance = balance + 1 WHERE number = '1012020002'")
    assert not verify(clock=station.clock).ok
    assert list(VerifiedPoint.select().tuples()) == before
    assert "balance" in codes(verify(since_last=True, clock=station.clock))


def test_a_point_that_cannot_be_written_is_a_notice(station, monkeypatch):
    def busy(*_):
        raise OperationalError("database is locked")

    monkeypatch.setattr(verified, "keep", busy)
    report = verify(clock=station.clock)
    assert report.ok and [n.code for n in report.notices] == ["point_not_kept"]


def test_other_stations_entries_arriving_below_the_point_are_checked(station):
    """An update brings another station's older entries (a household moved here): the span's
    count differs from the point's, so all of that station's entries here are checked."""
    day_of_work(station)
    assert verify(clock=station.clock).ok
    other = 45142504 * 10**10
    raw(
        station,
        "INSERT INTO station VALUES ('451425-04', '451425', '流动超市', 'mobile', 'k', "
        f"'2026-01-01 00:00:00', '{chain.GENESIS}', 0)",
        f"INSERT INTO ledger_entry VALUES ({other + 5}, '1012020003', 7, 'award', 'GY02', NULL, "
        "NULL, 1, '', 'm', '451425-04', '2026-11-02 00:00:00', 'x')",
    )
    assert verify(since_last=True, clock=station.clock).counted["entries"] == 1
    report = verify(clock=station.clock)  # the cache did not move: a balance off by 7
    assert codes(report) == ["balance"]


def test_integrity_adds_sqlite_s_own_checks(station):
    day_of_work(station)
    assert verify(integrity=True, clock=station.clock).ok
    raw(
        station,
        "PRAGMA foreign_keys = OFF",
        "DELETE FROM task WHERE code = 'PX01'",
        "INSERT INTO ledger_entry SELECT id + 100, household_id, 0, kind, 'PX01', redemption_id, "
        "reverses_id, qty, note, operator, station, time, prev_hash FROM ledger_entry LIMIT 1",
    )
    assert "foreign_key" in codes(verify(integrity=True, clock=station.clock))
    assert "foreign_key" not in codes(verify(clock=station.clock))


def test_a_damaged_file_is_a_finding_not_a_crash(station):
    day_of_work(station)
    path = database.obj.database
    root = database.execute_sql(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ledger_entry'"
    ).fetchone()[0]
    page = database.execute_sql("PRAGMA page_size").fetchone()[0]
    close()  # the WAL is written back: the entries are in the file
    with open(path, "r+b") as file:  # the entries' page, its cells scribbled over
        file.seek((root - 1) * page + 8)
        file.write(b"\x7f" * 64)
    connect(path)
    assert "integrity" in codes(verify(clock=station.clock))
    assert "integrity" in codes(verify(integrity=True, clock=station.clock))


def test_the_quick_way_on_processes_finds_what_the_walk_finds(station, monkeypatch):
    day_of_work(station)
    raw(
        station,
        "UPDATE ledger_entry SET points = points + 1 WHERE id = (SELECT MIN(id) + 2 FROM "
        "ledger_entry)",
    )
    walked = verify(clock=station.clock)
    monkeypatch.setattr(chain_scan, "QUICK_FROM", 0)
    monkeypatch.setattr(chain_scan, "ENTRIES_A_PIECE", 2)
    quick = verify(clock=station.clock, workers=2)
    assert (
        [(f.code, f.subject) for f in quick.problems]
        == [(f.code, f.subject) for f in walked.problems]
        != []
    )
