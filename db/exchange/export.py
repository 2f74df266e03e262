"""`aixin export`: one signed file per station and month (docs/design.md §6).

The file holds everything the station recorded in the month: its ledger entries (the piece of
its hash chain from the month's first entry to its last), stock moves, redemptions and their
lines, donations with lines and donors, the stock counts its moves refer to, every version of a
household record the station wrote in the month (with the places they name), and the cards it
issued or revoked — each as it stood at the end of the month; which rows exactly, and what
each satisfies, `db.exchange.month_content` declares. Exporting a month again gives the same
contents: nothing in it depends on when it was exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import N_, Message, Refused
from db.books.auth import Actor, require
from db.books.setup import local_station
from db.exchange import month_content, sealed
from db.store import audit, chain, files
from db.store.clock import Clock, month_bounds, stamp
from db.store.connection import database, schema_version
from db.store.ids import human, id_range

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Exported:
    path: Path
    station: str
    month: str
    counts: dict[str, int]


def file_name(station: str, month: str) -> str:
    return f"aixin-{station}-{month}.sqlite"


def check_month(month: str) -> str:
    month = month.strip()
    if not MONTH.match(month):
        raise Refused("月份应写成 YYYY-MM，例如 2026-10，而不是“{month}”", month=month)
    return month


def export_month(actor: Actor, month: str, out_dir: Path, clock: Clock) -> Exported:
    """`actor`, a manager, writes this station's file for `month` into `out_dir`; returns
    where and what. The export is recorded once the file is there."""
    require(actor, "export")
    month = check_month(month)
    here = local_station()
    if here.kind == "county":
        raise Refused("这是县级数据库：月报由各站点导出")
    start, end = month_bounds(month)
    if end > stamp(clock.now()):
        raise Refused("{month} 还没有结束：只能导出已经结束的月份", month=month)
    if month < here.enrolled[:7]:
        raise Refused(
            "站点 {code} 于 {enrolled} 才登记，没有 {month} 的账",
            code=here.code,
            enrolled=here.enrolled[:10],
            month=month,
        )
    low, high = id_range(here.code)
    before, last = _cut(low, high, start), _cut(low, high, end)
    chain_start, chain_end, points = _chain_piece(here.code, low, before, last)
    target = out_dir / file_name(here.code, month)
    params = {
        "low": low,
        "high": high,
        "start": start,
        "end": end,
        "me": here.code,
        "before": before or low,
        "last": last or low,
    }
    with files.output(target) as partial:  # owner-only, and there only when whole
        sealed.create(partial, "month")
        stock = _copy(partial, params)
        some = last is not None and last != before
        fields = {
            "kind": "month",
            "county": here.county_id,
            "station": here.code,
            "month": month,
            "schema": schema_version(database.obj),
            "stock": stock,
            "entries": {
                "before": before,
                "first": (before or low) + 1 if some else None,
                "last": last if some else None,
                "points": points,
                "chain_start": chain_start,
                "chain_end": chain_end,
            },
        }
        body = sealed.seal(partial, fields, here.key)
    with database.atomic():
        audit.record(actor.name, here.code, clock.now(), "export", f"{month} {target.name}")
    counts = {name: info["rows"] for name, info in body["tables"].items()}
    return Exported(target, here.code, month, counts)


def _cut(low: int, high: int, moment: str) -> int | None:
    """The station's newest entry written before `moment` (by id, so a clock that once ran
    backwards still splits the chain into whole pieces)."""
    row = database.execute_sql(
        "SELECT id FROM ledger_entry WHERE id >= ? AND id < ? AND time < ? "
        "ORDER BY id DESC LIMIT 1",
        (low, high, moment),
    ).fetchone()
    return row[0] if row else None


def _chain_piece(
    station: str, low: int, before: int | None, last: int | None
) -> tuple[str, str, int]:
    """The links around the month's entries, after checking the piece is whole."""
    start = chain.GENESIS
    if before is not None:
        sql = f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id = ?"  # noqa: S608 - constants
        row = database.execute_sql(sql, (before,)).fetchone()
        start = chain.link(row)
    if last is None or last == before:
        return start, start, 0
    rows = database.execute_sql(
        f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id > ? AND id <= ? ORDER BY id",  # noqa: S608
        ((before or low), last),
    ).fetchall()
    breaks, end = chain.check(rows, start=start, first=(before or low) + 1)
    if breaks or len(rows) != last - (before or low):
        where = (
            breaks[0].message
            if breaks
            else Message(N_("条目 {entry} 之前有缺号"), entry=human(last))
        )
        raise Refused("本站账目链有问题（{where}），不能导出：请先运行 aixin verify", where=where)
    return start, end, sum(row[2] for row in rows)


def _copy(partial: Path, params: dict) -> int:
    """Fill the file set-based, table by table, as `month_content.PARTS` declares; returns
    the sum of its stock moves."""
    database.execute_sql("ATTACH DATABASE ? AS x", (str(partial),))
    try:
        database.execute_sql("PRAGMA x.journal_mode = MEMORY")  # no -journal beside it
        with database.atomic():
            month_content.copy_into(database.execute_sql, params)
            stock = database.execute_sql("SELECT COALESCE(SUM(qty), 0) FROM x.stock_move")
            return int(stock.fetchone()[0])
    finally:
        database.execute_sql("DETACH DATABASE x")
