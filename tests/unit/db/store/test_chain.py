"""The hash chain (docs/design.md §4.6): any changed, deleted or reordered entry is found and named.

Each tampering is done the way an intruder with the SQLite file would do it: triggers dropped,
and the cached balance fixed up as well, so only the chain can tell.
"""

from __future__ import annotations

import sqlite3

import pytest

from db.books import awards, redemptions
from db.books.verify import verify
from db.store import chain, chain_scan
from db.store.connection import close, connect
from db.store.ids import human
from pos.i18n import translator


@pytest.fixture
def ledger_file(station, tmp_path):
    """A station file with ten entries of different kinds; returns (path, entry ids)."""
    for task, qty in (("GY02", 1), ("HJ02", 2), ("PX01", 3), ("CY01", 1)):
        awards.award(station.manager, station.clock, "1012010001", task, qty, "依据")
        awards.award(station.manager, station.clock, "1012020001", task, qty)
    redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 2)])
    awards.award(station.manager, station.clock, "1012010002", "GY01", 2)
    path = tmp_path / "station.sqlite"
    ids = [r[0] for r in sqlite3.connect(path).execute("SELECT id FROM ledger_entry ORDER BY id")]
    assert len(ids) == 10 and verify().ok
    close()
    return path, ids


def tamper(path, *statements):
    raw = sqlite3.connect(path)
    for name in [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]:
        raw.execute(f'DROP TRIGGER "{name}"')
    for sql, params in statements:
        raw.execute(sql, params)
    # hide the change from the balance check: recompute the cache as an intruder would
    raw.execute(
        "UPDATE household SET balance = (SELECT COALESCE(SUM(points), 0) FROM "
        "ledger_entry WHERE household_id = number)"
    )
    raw.commit()
    raw.close()


def breaks(path) -> list[chain.Break]:
    """The chain breaks verify finds (it must find some) as its `chain` problems; walked
    row by row, or the quick way in pieces of three entries, it finds the same."""
    connect(path)
    report = verify()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chain_scan, "QUICK_FROM", 0)
        patch.setattr(chain_scan, "ENTRIES_A_PIECE", 3)
        quick = verify()
    close()
    assert [(f.code, f.subject) for f in quick.problems] == [
        (f.code, f.subject) for f in report.problems
    ]
    found = [f.subject for f in report.problems if f.code == "chain"]
    assert found, report.problems
    return found


def named(path) -> set[int]:
    """Every entry the breaks name."""
    return {entry for brk in breaks(path) for entry in brk.entries}


@pytest.mark.parametrize("n", range(10))
def test_a_changed_entry_is_named(ledger_file, n):
    path, ids = ledger_file
    tamper(path, ("UPDATE ledger_entry SET points = points + 5 WHERE id = ?", (ids[n],)))
    assert ids[n] in named(path)


@pytest.mark.parametrize("column", ["note", "operator", "time", "household_id", "kind"])
def test_any_column_counts(ledger_file, column):
    path, ids = ledger_file
    value = {
        "note": "改过",
        "operator": "manager2",
        "time": "2026-11-01 00:00:00",
        "household_id": "1012010002",
        "kind": "adjustment",
    }[column]
    tamper(path, (f"UPDATE ledger_entry SET {column} = ? WHERE id = ?", (value, ids[3])))
    assert ids[3] in named(path)


@pytest.mark.parametrize("n", range(10))
def test_a_deleted_entry_is_named(ledger_file, n):
    path, ids = ledger_file
    tamper(path, ("DELETE FROM ledger_entry WHERE id = ?", (ids[n],)))
    assert ids[n] in named(path)


@pytest.mark.parametrize("n", range(9))
def test_two_entries_swapped_are_named(ledger_file, n):
    """Neighbours trade places: each keeps its content but takes the other's number."""
    path, ids = ledger_file
    a, b = ids[n], ids[n + 1]
    tamper(
        path,
        ("UPDATE ledger_entry SET id = -1 WHERE id = :a", {"a": a}),
        ("UPDATE ledger_entry SET id = :a WHERE id = :b", {"a": a, "b": b}),
        ("UPDATE ledger_entry SET id = :b WHERE id = -1", {"b": b}),
    )
    assert a in named(path)


def test_recomputing_every_link_after_a_delete_still_shows_the_gap(ledger_file):
    path, ids = ledger_file
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER ledger_entry_no_delete")
    raw.execute("DROP TRIGGER ledger_entry_no_update")
    raw.execute("DELETE FROM ledger_entry WHERE id = ?", (ids[4],))
    head = chain.GENESIS
    for row in raw.execute(f"SELECT {chain.COLUMNS} FROM ledger_entry ORDER BY id").fetchall():
        raw.execute("UPDATE ledger_entry SET prev_hash = ? WHERE id = ?", (head, row[0]))
        head = chain.link((*row[:-1], head))
    raw.execute("UPDATE station SET chain_head = ?", (head,))
    raw.execute(
        "UPDATE household SET balance = (SELECT COALESCE(SUM(points), 0) FROM "
        "ledger_entry WHERE household_id = number)"
    )
    raw.commit()
    [gap] = breaks(path)
    assert gap == chain.Break("gap", ids[5], first=ids[4], last=ids[4])
    assert (
        gap.message.render()
        == f"条目 {human(ids[4])} 缺失（被删除），链在条目 {human(ids[5])} 处断开"
    )


def test_untouched_file_verifies(ledger_file):
    path, _ = ledger_file
    connect(path)
    assert verify().ok
    close()


def linked(ids, start=chain.GENESIS):
    """Rows for `ids`, each linked to the one before."""
    rows, link = [], start
    for entry in ids:
        row = (entry, "1012010001", 1, "award", "GY01", None, None, 1, "", "m", "s", "t", link)
        rows.append(row)
        link = chain.link(row)
    return rows, link


def test_breaks_are_codes_and_entries():
    base = 451425030000000000
    rows, head = linked([base + n for n in range(1, 7)])
    assert chain.check(rows, head=head, first=base + 1) == ([], head)
    gap = rows[:1] + rows[3:]
    assert chain.check(gap, head=head, first=base + 1)[0] == [
        chain.Break("gap", base + 4, first=base + 2, last=base + 3)
    ]
    changed = [*rows[:2], (*rows[2][:2], 9, *rows[2][3:]), *rows[3:]]
    assert chain.check(changed, first=base + 1)[0] == [
        chain.Break("changed", base + 4, previous=base + 3)
    ]
    assert chain.check(rows[1:], first=base + 2)[0] == [chain.Break("start", base + 2)]
    assert chain.check(rows[:5], head=head, first=base + 1)[0] == [chain.Break("head", base + 5)]
    assert chain.check([], head=head, first=base + 1)[0] == [chain.Break("head", None)]


def test_a_break_renders_in_the_operator_s_language():
    base = 451425030000000000
    gap = chain.Break("gap", base + 4, first=base + 2, last=base + 3)
    assert gap.message.render() == (
        "条目 451425-03-000002 至 451425-03-000003 缺失（被删除），链在条目 451425-03-000004 处断开"
    )
    english = translator("en")
    assert gap.message.render(english) == (
        "Entries 451425-03-000002 to 451425-03-000003 are missing (deleted); "
        "the chain breaks at entry 451425-03-000004"
    )
    assert chain.Break("head", base + 5).entries == (base + 5, base + 6)
    assert chain.Break("head", None).message.template == chain.HEAD_EMPTY


def test_a_chain_broken_everywhere_is_named_twenty_times_then_counted(station, tmp_path):
    people = ("1012010001", "1012010002", "1012010003", "1012020001", "1012020002", "1012020003")
    lines = [awards.AwardLine(number, "PX01", 1) for number in people for _ in range(4)]
    assert len(awards.apply_sheet(station.manager, station.clock, lines)) == 24
    close()
    path = tmp_path / "station.sqlite"
    tamper(path, ("UPDATE ledger_entry SET points = points + 1", ()))
    connect(path)
    found = verify().problems
    assert [f.code for f in found] == ["chain"] * 20 + ["chain_more"]
    assert (found[-1].subject, dict(found[-1].fields)) == (
        "451425-03",
        {"station": "451425-03", "count": 4},
    )
