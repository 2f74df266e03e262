"""Each station's hash chain over its ledger entries (DESIGN.md §4.6).

An entry stores the link of the entry before it; the station stores the link of its newest
entry. Changing, deleting or reordering any entry breaks a link that `verify`, the monthly
export and the county merge all check with `check`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Break:
    entry: int
    reason: str

    def __str__(self) -> str:
        return self.reason


def check(
    rows: Iterable[Sequence[object]],
    start: str = GENESIS,
    head: str | None = None,
    first: int | None = None,
) -> tuple[list[Break], str]:
    """Walk one station's entries in id order; return the breaks found and the last link.

    `start` is the link before the first row (GENESIS, or the previous month's head);
    `head`, when given, is the link the station says its newest entry has; `first`, when
    given, is the id the first row must have. A station numbers its entries without gaps,
    so a gap is a deletion even where someone recomputed the links after it.
    """
    breaks: list[Break] = []
    expected = start
    previous = None if first is None else first - 1
    for row in rows:
        entry, prev_hash = row[0], row[-1]
        assert isinstance(entry, int)
        if previous is not None and entry != previous + 1:
            gone = (
                human(previous + 1)
                if entry == previous + 2
                else (f"{human(previous + 1)} 至 {human(entry - 1)}")
            )
            breaks.append(
                Break(entry, f"条目 {gone} 缺失（被删除），链在条目 {human(entry)} 处断开")
            )
        elif prev_hash != expected:
            if previous is None or (first is not None and previous < first):
                reason = f"条目 {human(entry)} 与链的起点不符（被改动、删除或调换）"
            else:
                reason = f"条目 {human(previous)} 或 {human(entry)} 被改动或调换了顺序"
            breaks.append(Break(entry, reason))
        expected, previous = link(row), entry
    if head is not None and expected != head:
        if previous is None:
            reason = "站点记下的链头与账目不符：条目被删除"
        else:
            reason = (
                f"最后的条目 {human(previous)} 与站点记下的链头不符："
                f"它被改动，或其后的条目 {human(previous + 1)} 起被删除"
            )
        breaks.append(Break(previous or 0, reason))
    return breaks, expected
