"""Each station's hash chain over its ledger entries (docs/design.md §4.6).

An entry stores the link of the entry before it; the station stores the link of its newest
entry. Changing, deleting or reordering any entry breaks a link that `verify`, the monthly
export and the county merge all check with `check`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalog.messages import N_, Message
from db.store.ids import human

GENESIS = "0" * 32

# The entry's columns in the order they are hashed; `prev_hash` last.
FIELDS = (
    "id",
    "household_id",
    "points",
    "kind",
    "task_id",
    "redemption_id",
    "reverses_id",
    "qty",
    "note",
    "operator",
    "station",
    "time",
    "prev_hash",
)
COLUMNS = ", ".join(FIELDS)


# json.dumps with options builds a new encoder on every call, which costs more than the
# hash itself; one shared encoder writes the same text (verify links millions of rows).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def link(row: Sequence[object]) -> str:
    """The link of one entry: its columns in FIELDS order, hashed (128 bits, hex)."""
    text = _ENCODE(row if isinstance(row, list | tuple) else list(row))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# No entry written by aixin links to this: what a row that cannot be hashed "links" to (a
# BLOB or text that is not UTF-8, put there behind the books' back).
UNLINKABLE = "-"


def link_or_not(row: Sequence[object]) -> str:
    try:
        return link(row)
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        return UNLINKABLE


# The text `link` hashes, built by SQLite itself: json_array writes every text and integer
# byte for byte as `_ENCODE` does (`sqlite_agrees` makes sure on the SQLite at hand), NULL
# as null. A value of another type (a REAL, a BLOB: never written by aixin) gives other text
# or an error, so the row does not link; whoever reads it then checks it with `check`.
SQL_TEXT = f"CAST(json_array({COLUMNS}) AS BLOB)"


def sqlite_agrees(conn: sqlite3.Connection) -> bool:
    """Whether SQLite's JSON text is byte for byte `link`'s on this connection's database, for
    every character there is and integers of every size (a database kept in UTF-16 is not)."""
    values, text = _probe()
    marks = ", ".join("?" * len(values))
    try:
        made = conn.execute(f"SELECT CAST(json_array({marks}) AS BLOB)", values).fetchone()  # noqa: S608
    except sqlite3.Error:
        return False
    return made[0] == text


@functools.cache
def _probe() -> tuple[tuple[object, ...], bytes]:
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    values = (every, 0, -1, 2**63 - 1, -(2**63), 451425030000000001, None)
    return values, _ENCODE(list(values)).encode("utf-8")


# What a break in the chain means, by its code; the entries are named by their slip form.
GAP = N_("条目 {first} 缺失（被删除），链在条目 {entry} 处断开")
GAP_RANGE = N_("条目 {first} 至 {last} 缺失（被删除），链在条目 {entry} 处断开")
START = N_("条目 {entry} 与链的起点不符（被改动、删除或调换）")
CHANGED = N_("条目 {previous} 或 {entry} 被改动或调换了顺序")
HEAD = N_("最后的条目 {entry} 与站点记下的链头不符：它被改动，或其后的条目 {next} 起被删除")
HEAD_EMPTY = N_("站点记下的链头与账目不符：条目被删除")


@dataclass(frozen=True)
class Break:
    """Where one station's chain breaks, as data: `code` says how, the ids say where.

    - `gap`: entries `first` to `last` are missing; the chain goes on at `entry`.
    - `start`: `entry`, the first one checked, does not join the link before it.
    - `changed`: `entry` does not join `previous`: one of them was changed, or they swapped.
    - `head`: the newest entry, `entry`, is not the station's head (None: no entry is left).
    """

    code: str
    entry: int | None
    previous: int | None = None
    first: int | None = None
    last: int | None = None

    @property
    def entries(self) -> tuple[int, ...]:
        """Every entry the break names (after the newest, `head` names the next one)."""
        named = [self.first, self.last, self.previous, self.entry]
        if self.code == "head" and self.entry is not None:
            named.append(self.entry + 1)
        return tuple(sorted({e for e in named if e is not None}))

    @property
    def message(self) -> Message:
        entry = None if self.entry is None else human(self.entry)
        if self.code == "gap":
            assert self.first is not None and self.last is not None
            if self.first == self.last:
                return Message(GAP, first=human(self.first), entry=entry)
            return Message(GAP_RANGE, first=human(self.first), last=human(self.last), entry=entry)
        if self.code == "start":
            return Message(START, entry=entry)
        if self.code == "changed":
            assert self.previous is not None
            return Message(CHANGED, previous=human(self.previous), entry=entry)
        if self.entry is None:
            return Message(HEAD_EMPTY)
        return Message(HEAD, entry=entry, next=human(self.entry + 1))


def check(
    rows: Iterable[Sequence[object]],
    start: str = GENESIS,
    head: str | None = None,
    first: int | None = None,
    after: int | None = None,
) -> tuple[list[Break], str]:
    """Walk one station's entries in id order; return the breaks found and the last link.

    `start` is the link before the first row (GENESIS, or the previous month's head);
    `head`, when given, is the link the station says its newest entry has; `first`, when
    given, is the id the first row must have. A station numbers its entries without gaps,
    so a gap is a deletion even where someone recomputed the links after it.

    `after`, when given, is the entry whose link `start` is: the walk goes on from there,
    as if the entries up to it had just been walked (a piece of a longer chain).
    """
    breaks: list[Break] = []
    expected = start
    previous = after if after is not None else None if first is None else first - 1
    for row in rows:
        entry, prev_hash = row[0], row[-1]
        assert isinstance(entry, int)
        if previous is not None and entry != previous + 1:
            breaks.append(Break("gap", entry, first=previous + 1, last=entry - 1))
        elif prev_hash != expected:
            if previous is None or (first is not None and previous < first):
                breaks.append(Break("start", entry))
            else:
                breaks.append(Break("changed", entry, previous=previous))
        expected, previous = link_or_not(row), entry
    if head is not None and expected != head:
        if first is not None and previous is not None and previous < first:
            previous = None  # no entry was checked
        breaks.append(Break("head", previous))
    return breaks, expected
