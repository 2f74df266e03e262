"""Checking long hash chains quickly: in pieces, on every core (DESIGN.md §4.6).

Whether a piece of a chain (a range of entry ids) is whole depends only on its own rows and
the row before it, so pieces are checked apart, each in a process of its own, and their
breaks put end to end are exactly those `chain.check` finds walking the whole chain.

Each piece is first checked the quick way: SQLite writes every row's hashed text
(`chain.SQL_TEXT`), Python only hashes it and compares it with the next row's link. A piece
that does not come out whole that way — a break, or a row of a type aixin never writes — is
walked again by `chain.check`, row by row in Python, which names its breaks. The quick way
is used only where `chain.sqlite_agrees` found SQLite's text to be `chain.link`'s.
"""

from __future__ import annotations

import binascii
import hashlib
import multiprocessing
import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from db.store import chain

BATCH = 20_000
ENTRIES_A_PIECE = 250_000
# Below this many entries, starting processes costs more than it saves; below the other,
# making sure SQLite writes the hashed text as Python would.
PARALLEL_FROM = 400_000
QUICK_FROM = 20_000

ROWS = f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id >= ? AND id <= ? ORDER BY id"  # noqa: S608 - constant columns
# The hashed texts of a run of entries, in id order, in one value: JSON escapes every byte
# below 0x20, so 0x01 parts them. (Each ends in its own link, `,"<link>"]`.)
TEXTS = (
    "SELECT CAST(group_concat(t, char(1)) AS BLOB) FROM "  # noqa: S608 - constant columns
    f"(SELECT {chain.SQL_TEXT} AS t FROM ledger_entry WHERE id >= ? AND id <= ? ORDER BY id)"
)
BEFORE = (
    f"SELECT {chain.COLUMNS} FROM ledger_entry "  # noqa: S608 - constant columns
    "WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1"
)


@dataclass(frozen=True)
class Piece:
    """Entries `first` to `last` (ids, both included) of the chain of the station whose ids
    start at `low`; `head`, on the chain's last piece, is the link the station keeps."""

    station: str
    low: int
    first: int
    last: int
    head: str | None = None


@dataclass(frozen=True)
class Walked:
    """A piece checked: its breaks, the link of its last entry, or SQLite's words when the
    file could not be read (a damaged file)."""

    piece: Piece
    breaks: tuple[chain.Break, ...] = ()
    end: str = chain.GENESIS
    error: str | None = None


def pieces(
    station: str, low: int, last: int, head: str, size: int = ENTRIES_A_PIECE
) -> list[Piece]:
    """The station's chain, entries up to id `last`, cut into pieces of about `size`."""
    cuts = list(range(low, last + 1, size)) or [low]
    return [
        Piece(station, low, a, min(a + size - 1, last), head if a == cuts[-1] else None)
        for a in cuts
    ]


def walk(conn: sqlite3.Connection, piece: Piece, quick: bool) -> Walked:
    """Check one piece on `conn` (the quick way first when `quick`)."""
    conn.text_factory = _text  # text that is not UTF-8 must not stop the walk
    try:
        before = conn.execute(BEFORE, (piece.low, piece.first)).fetchone()
        start = chain.GENESIS if before is None else chain.link_or_not(before)
        after = None if before is None else before[0]
        end = _whole(conn, piece, after, start) if quick else None
        if end is not None:
            return Walked(piece, (), end)
        rows = conn.execute(ROWS, (piece.first, piece.last))
        breaks, end = chain.check(rows, start, piece.head, piece.low + 1, after)
    except sqlite3.DatabaseError as exc:
        return Walked(piece, error=str(exc))
    finally:
        conn.text_factory = str
    return Walked(piece, tuple(breaks), end)


def walk_books(piece: Piece) -> Walked:
    """Check one piece on the books' own connection, row by row: the county's books on a
    PostgreSQL server, which no process of this PC can open as a file."""
    from db.store.connection import database

    before = database.execute_sql(BEFORE, (piece.low, piece.first)).fetchone()
    start = chain.GENESIS if before is None else chain.link_or_not(before)
    after = None if before is None else before[0]
    rows = database.execute_sql(ROWS, (piece.first, piece.last))
    breaks, end = chain.check(rows, start, piece.head, piece.low + 1, after)
    return Walked(piece, tuple(breaks), end)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")  # unlinkable, so it breaks the chain


def _whole(conn: sqlite3.Connection, piece: Piece, after: int | None, start: str) -> str | None:
    """The link of the piece's last entry if the piece is whole, else None (or not sure)."""
    first_id = max(piece.first, piece.low + 1)
    if (after is None) != (first_id == piece.low + 1) or (
        after is not None and after != first_id - 1
    ):
        return None  # the entry before it is missing
    lowest, highest = conn.execute(
        "SELECT MIN(id), MAX(id) FROM ledger_entry WHERE id >= ? AND id <= ?",
        (piece.first, piece.last),
    ).fetchone()
    if (lowest, highest) != (first_id, piece.last):
        return None
    sha256 = hashlib.sha256
    try:
        expected = bytes.fromhex(start)
    except ValueError:  # the link before is not one aixin writes
        return None
    for low in range(first_id, piece.last + 1, BATCH):
        high = min(low + BATCH - 1, piece.last)
        try:
            run = conn.execute(TEXTS, (low, high)).fetchone()[0]
        except sqlite3.Error:  # a BLOB: JSON cannot hold it
            return None
        texts = run.split(b"\x01") if run else []
        if len(texts) != high - low + 1:
            return None  # a gap
        # `,"` before the last 32 bytes: the link needed no escaping, so those bytes are it
        opened = b"".join([text[-36:-34] for text in texts])
        written = b"".join([text[-34:-2] for text in texts])
        if written != written.lower():  # links are written in small letters
            return None
        try:
            links = binascii.unhexlify(written)
        except binascii.Error:  # a link that is not hex
            return None
        made = b"".join([sha256(text).digest()[:16] for text in texts])
        if opened != b',"' * len(texts) or links[:16] != expected or made[:-16] != links[16:]:
            return None
        expected = made[-16:]
    end = expected.hex()
    if piece.head is not None and end != piece.head:
        return None
    return end


class Scan:
    """Pieces being checked: on `workers` processes, or here when `workers` is 0 (then the
    work is done when `results` is asked for)."""

    def __init__(self, path: str, todo: Sequence[Piece], quick: bool, workers: int) -> None:
        self.path, self.todo, self.quick = path, list(todo), quick
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[Walked]] = []
        if workers > 0 and len(self.todo) > 1:
            try:
                self.pool = ProcessPoolExecutor(
                    min(workers, len(self.todo)),
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_open,
                    initargs=(path,),
                )
                self.futures = [self.pool.submit(_walk_here, p, quick) for p in self.todo]
            except (OSError, RuntimeError):  # no processes to be had: walk them here
                self.stop()

    def results(self) -> list[Walked]:
        """Every piece's result, in the order given."""
        if self.pool is not None:
            try:
                return [future.result() for future in self.futures]
            except (OSError, RuntimeError):  # a worker died (BrokenProcessPool): do it here
                pass
            finally:
                self.stop()
        conn = sqlite3.connect(self.path)
        try:
            return [walk(conn, p, self.quick) for p in self.todo]
        finally:
            conn.close()

    def stop(self) -> None:
        """Let the processes go (whatever they were doing is not wanted any more)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


_conn: sqlite3.Connection | None = None


def _open(path: str) -> None:
    global _conn
    _conn = sqlite3.connect(path)
    _conn.execute("PRAGMA query_only = 1")


def _walk_here(piece: Piece, quick: bool) -> Walked:
    assert _conn is not None
    return walk(_conn, piece, quick)
