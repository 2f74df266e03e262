"""Checking a chain in pieces, the quick way or row by row, finds exactly the breaks one walk
over the whole chain finds (db/store/chain_scan.py), whatever was done to the rows."""

from __future__ import annotations

import contextlib
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.store import chain, chain_scan

STATION = "451425-03"
LOW = 45142503 * 10**10
SCHEMA = (
    "CREATE TABLE ledger_entry (id INTEGER PRIMARY KEY, household_id, points, kind, task_id, "
    "redemption_id INTEGER, reverses_id INTEGER, qty, note, operator, station, time, prev_hash)"
)


def linked(count: int, notes=None) -> list[tuple]:
    rows, link = [], chain.GENESIS
    for n in range(count):
        note = notes[n % len(notes)] if notes else f"第 {n} 条"
        row = (
            LOW + 1 + n,
            f"10120100{n % 7:02d}",
            n % 9 - 2 or 5,
            "award" if n % 4 else "redemption",
            None if n % 4 == 0 else "GY01",
            LOW + n if n % 4 == 0 else None,
            None,
            1 + n % 3,
            note,
            "manager",
            STATION,
            f"2026-11-{1 + n // 100:02d} 09:00:{n % 60:02d}",
            link,
        )
        rows.append(row)
        link = chain.link(row)
    return rows


def books(tmp_path, rows) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "chain.sqlite")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("DROP TABLE IF EXISTS ledger_entry")
    conn.execute(SCHEMA)
    conn.executemany(f"INSERT INTO ledger_entry VALUES ({', '.join('?' * 13)})", rows)
    conn.commit()
    return conn


def whole_walk(conn, head):
    """The reference: one walk over every row with chain.check."""
    conn.text_factory = chain_scan._text
    rows = conn.execute(f"SELECT {chain.COLUMNS} FROM ledger_entry ORDER BY id").fetchall()
    conn.text_factory = str
    return chain.check(rows, head=head, first=LOW + 1)


def in_pieces(conn, head, size, quick):
    top = conn.execute("SELECT MAX(id) FROM ledger_entry").fetchone()[0] or LOW
    walked = [
        chain_scan.walk(conn, p, quick) for p in chain_scan.pieces(STATION, LOW, top, head, size)
    ]
    assert all(w.error is None for w in walked)
    return [b for w in walked for b in w.breaks], walked[-1].end


def test_sqlite_writes_the_hashed_text_as_python_does_for_every_character(tmp_path):
    conn = books(tmp_path, [])
    assert chain.sqlite_agrees(conn)
    everything = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    for start in range(0, len(everything), 50_000):
        note = everything[start : start + 50_000]
        row = (
            LOW + 1,
            "1012010001",
            -3,
            "award",
            None,
            None,
            2**62,
            1,
            note,
            "m",
            STATION,
            "t",
            "x",
        )
        sql = f"SELECT CAST(json_array({', '.join('?' * 13)}) AS BLOB)"
        made = conn.execute(sql, row).fetchone()[0]
        assert made == json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode()


def test_a_database_in_utf16_is_not_read_the_quick_way():
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    conn.execute("CREATE TABLE t (x)")
    assert not chain.sqlite_agrees(conn)


@pytest.mark.parametrize("size", [1, 3, 7, 50])
@pytest.mark.parametrize("quick", [True, False])
def test_an_untouched_chain_is_whole_in_any_pieces(tmp_path, size, quick):
    rows = linked(40, notes=['引号 " 与 \\ 反斜杠', "制表\t换行\n", "emoji 🧧", ""])
    conn = books(tmp_path, rows)
    head = chain.link(rows[-1])
    assert in_pieces(conn, head, size, quick) == ([], head) == whole_walk(conn, head)


TAMPERING = st.sampled_from(
    [
        "UPDATE ledger_entry SET points = points + 1 WHERE id = :id",
        "UPDATE ledger_entry SET note = note || '!' WHERE id = :id",
        "UPDATE ledger_entry SET note = X'FF00' WHERE id = :id",  # a BLOB
        "UPDATE ledger_entry SET note = CAST(X'C328' AS TEXT) WHERE id = :id",  # not UTF-8
        "UPDATE ledger_entry SET points = 1.5 WHERE id = :id",
        "UPDATE ledger_entry SET redemption_id = 'abc' WHERE id = :id",
        "UPDATE ledger_entry SET prev_hash = 'x' || prev_hash WHERE id = :id",
        "UPDATE ledger_entry SET prev_hash = char(31) || substr(prev_hash, 2) WHERE id = :id",
        "UPDATE ledger_entry SET prev_hash = substr(prev_hash, 1, 31) WHERE id = :id",
        "UPDATE ledger_entry SET prev_hash = upper(prev_hash) WHERE id = :id",
        "UPDATE ledger_entry SET prev_hash = substr(prev_hash, 1, 30) || 'zz' WHERE id = :id",
        "DELETE FROM ledger_entry WHERE id = :id",
        "UPDATE ledger_entry SET id = id + 1000 WHERE id = :id",
        "UPDATE ledger_entry SET id = 45142503" + "0" * 10 + " WHERE id = :id",  # id == low
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(st.tuples(TAMPERING, st.integers(0, 29)), max_size=4),
    size=st.sampled_from([1, 2, 5, 13]),
    head_changed=st.booleans(),
)
def test_pieces_find_what_one_walk_finds(tmp_path, changes, size, head_changed):
    rows = linked(30)
    conn = books(tmp_path, rows)
    for sql, n in changes:
        with contextlib.suppress(sqlite3.IntegrityError):  # an id taken already
            conn.execute(sql, {"id": LOW + 1 + n})
    conn.commit()
    head = "0" * 32 if head_changed else chain.link(rows[-1])
    expected = whole_walk(conn, head)
    assert in_pieces(conn, head, size, quick=False) == expected
    assert in_pieces(conn, head, size, quick=True) == expected


def test_a_scan_on_processes_finds_what_one_walk_finds(tmp_path):
    rows = linked(60)
    conn = books(tmp_path, rows)
    conn.execute("UPDATE ledger_entry SET points = 99 WHERE id = ?", (LOW + 17,))
    conn.execute("DELETE FROM ledger_entry WHERE id = ?", (LOW + 40,))
    conn.commit()
    head = chain.link(rows[-1])
    todo = chain_scan.pieces(STATION, LOW, LOW + 60, head, size=10)
    walked = chain_scan.Scan(str(tmp_path / "chain.sqlite"), todo, True, workers=2).results()
    assert [b for w in walked for b in w.breaks] == whole_walk(conn, head)[0] != []
    assert walked[-1].end == chain.link(rows[-1])


def test_a_damaged_file_is_an_error_not_a_crash(tmp_path):
    rows = linked(3)
    books(tmp_path, rows).close()
    piece = chain_scan.Piece(STATION, LOW, LOW, LOW + 3, chain.link(rows[-1]))
    conn = sqlite3.connect(tmp_path / "chain.sqlite")
    conn.execute("DROP TABLE ledger_entry")
    assert chain_scan.walk(conn, piece, True).error is not None


@pytest.mark.parametrize(
    "link",
    [
        "upper(prev_hash)",  # the same bytes as hex, but not as aixin writes them
        "'x' || substr(prev_hash, 2)",
        "char(8) || substr(prev_hash, 2)",  # escaped as \b: "b" and 31 digits in the text
        "substr(prev_hash, 1, 31) || char(34)",
    ],
)
def test_a_link_that_only_looks_right_is_a_break_both_ways(tmp_path, link):
    rows = linked(12)
    conn = books(tmp_path, rows)
    conn.execute(f"UPDATE ledger_entry SET prev_hash = {link} WHERE id = ?", (LOW + 6,))
    conn.commit()
    head = chain.link(rows[-1])
    expected = whole_walk(conn, head)
    assert expected[0] != []
    assert in_pieces(conn, head, 4, quick=True) == expected == in_pieces(conn, head, 4, False)
