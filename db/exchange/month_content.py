"""What a station's month file holds, table by table, declared once (docs/design.md §6.2, §14).

`PARTS` (db/exchange/month_parts/) names, for every table of a month file, which rows of the
station's books it holds and what each of those rows satisfies. `aixin export` copies the rows
that meet a part's `selects` (in the order of `PARTS`: later parts refer to rows already in the
file); the county's checker demands of every row of a file it is handed that it meets the
`selects` *and* the `rules`. The books keep every rule, so a genuine file passes them all; a row
that breaks one was made or changed outside the services, and the file is refused with every
such row named. What needs the county's own books (its catalog, roster, balances, the months
before) is checked at the county, in `db.county.row_checks`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from catalog.messages import N_, Finding, Message, Translate
from db.exchange.formats import TABLES
from db.exchange.month_parts import PARTS
from db.exchange.month_parts.rules import Rule
from db.exchange.sealed import FileRefused
from db.store.ids import human

__all__ = ["PARTS", "SHOWN", "Problems", "RowsRefused", "check", "copy_into"]

SHOWN = 20  # a refused file names this many problems, then says how many more


@dataclass(frozen=True)
class Problems:
    """The first SHOWN problems found, and how many more there were."""

    shown: tuple[Finding, ...] = ()
    more: int = 0

    def __bool__(self) -> bool:
        return bool(self.shown) or self.more > 0

    def __add__(self, other: Problems) -> Problems:
        shown = (self.shown + other.shown)[:SHOWN]
        spilled = len(self.shown) + len(other.shown) - len(shown)
        return Problems(shown, self.more + other.more + spilled)


ROWS_CHECK = N_("逐行核对")  # the check a file with bad rows fails (beside sealed.CHECKS)


class RowsRefused(FileRefused):
    """A month file refused for its rows: every problem found (the first SHOWN, and a count)."""

    def __init__(self, station: str, month: str, problems: Problems) -> None:
        self.problems = problems
        super().__init__(
            ROWS_CHECK,
            N_("站点 {station} {month} 的月报有 {count} 处不符，整份拒收"),
            station=station,
            month=month,
            count=len(problems.shown) + problems.more,
        )

    def render(self, translate: Translate = str) -> str:
        lines = [super().render(translate)]
        lines += ["  " + finding.render(translate) for finding in self.problems.shown]
        if self.problems.more:
            more = Message(N_("还有 {count} 处没有列出"), count=self.problems.more)
            lines.append("  " + more.render(translate))
        return "\n".join(lines)


ROW = N_("{table} {key}：{what}")


def row_key(name: str, row: tuple) -> str:
    """A row's key as a person reads it: ids as on slips, other keys as they are."""
    if TABLES[name].key == ("id",) and isinstance(row[0], int):
        return human(row[0])
    return " ".join(map(str, row))


def row_finding(name: str, key: tuple, rule: Rule) -> Finding:
    text = row_key(name, key)
    message = Message(ROW, table=name, key=text, what=Message(rule.what))
    return Finding(rule.code, message, "problem", (name, text))


def _broken(rule: Rule) -> str:
    """SQL: 1 when a row breaks `rule` (its condition false or NULL), else 0. As a CASE, not
    `IS NOT TRUE`: SQLite then needs only whether an `IN (SELECT …)` matches, which its index
    on the list answers, not whether the list holds a NULL, which takes a scan of it a row."""
    return f"CASE WHEN ({rule.condition}) THEN 0 ELSE 1 END"


def check(conn: sqlite3.Connection, params: dict) -> Problems:
    """Every row of the file (its connection's `main`) against its part: the first SHOWN
    (row, rule) pairs that fail, and how many more. One pass over each table."""
    shown: list[Finding] = []
    more = 0
    for part in PARTS:
        rules = part.all_rules
        bits = [f"({_broken(r)} << {n})" for n, r in enumerate(rules)]
        mask = " | ".join(bits).format(f="main.")
        key = ", ".join(TABLES[part.name].key)
        sql = f"SELECT {key}, {mask} AS bad FROM main.{part.name} WHERE bad <> 0"  # noqa: S608
        room = SHOWN - len(shown)
        found = conn.execute(f"{sql} ORDER BY {key} LIMIT {max(room, 0)}", params).fetchall()
        for *row, bad in found:
            for n, rule in enumerate(rules):
                if bad >> n & 1:
                    shown.append(row_finding(part.name, tuple(row), rule))
        if len(found) == room:  # perhaps more than shown: count them all
            flags = " + ".join(_broken(r) for r in rules).format(f="main.")
            total = conn.execute(
                f"SELECT COALESCE(SUM({flags}), 0) FROM main.{part.name}",  # noqa: S608
                params,
            ).fetchone()[0]
            already = sum(bin(bad).count("1") for *_, bad in found)
            more += total - already
    spilled = max(len(shown) - SHOWN, 0)
    return Problems(tuple(shown[:SHOWN]), more + spilled)


def copy_into(execute: Callable[[str, dict], object], params: dict) -> None:
    """Fill an attached, empty month file (schema `x`) from the books, part by part."""
    for part in PARTS:
        table = TABLES[part.name]
        execute(
            f"INSERT INTO x.{part.name} ({table.column_list}) "  # noqa: S608 - constants
            f"SELECT {part.columns or table.column_list} FROM main.{part.name} "
            f"WHERE {part.select('x.')} ORDER BY {', '.join(table.key)}",
            params,
        )
