"""Checking a station's monthly file on its own, before the county database is touched.

`check_file` runs every check that needs only the file and the station's key: SQLite
integrity, the exact schema, the manifest and its MAC, every table against its digest, the
piece of the hash chain, and every row against what a month file holds
(`db.exchange.month_content`). A failed check of the file as a whole refuses it at once; rows
that break a rule are all collected in `Checked.problems`, for the merge to refuse the file
with them and with what the county's books show (`db.county.row_checks`). It is a pure
function of its arguments, so a batch of files can be checked side by side.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import N_, Message
from db.books import month_totals
from db.exchange import month_content, sealed
from db.exchange.export import MONTH
from db.exchange.month_content import Problems
from db.exchange.sealed import FileRefused
from db.store import chain
from db.store.clock import month_bounds
from db.store.ids import human, id_range

NONE = N_("（无）")


@dataclass(frozen=True)
class Checked:
    """A month file that passed every check of the file as a whole (its rows' problems, if
    any, in `problems`)."""

    county: str
    station: str
    month: str
    digest: str  # of the manifest body: two files are the same file when these agree
    before: int | None
    first: int | None
    last: int | None
    chain_start: str
    chain_end: str
    counts: dict[str, int]
    totals: dict[str, list[tuple]] | None = None  # its monthly totals (db.month_totals)
    problems: Problems = Problems()  # rows that break month_content's rules


@dataclass(frozen=True)
class Keys:
    """What the county knows that a file is checked against."""

    county: str
    stations: dict[str, str]  # station code -> key
    schemas: frozenset[str]


def check_file(path: Path, keys: Keys) -> Checked:
    def verify(_conn: sqlite3.Connection, signer: str, data: bytes, signature: str) -> None:
        # The MAC first, on the manifest's bytes: nothing of the body is parsed before it.
        if signer[:6] != keys.county:
            raise FileRefused(
                "县", "文件来自县 {other}，不是本县（{mine}）", other=signer[:6], mine=keys.county
            )
        if signer not in keys.stations:
            raise FileRefused("站点", "站点 {station} 没有在本县登记", station=signer)
        sealed.check_hmac(keys.stations[signer], data, signature)

    opened = sealed.open_checked(path, "month", verify)
    try:
        body = opened.body
        station = opened.signer
        if body["county"] != keys.county or body["station"] != station:
            raise FileRefused("清单与内容", "清单里的站点与签名的站点不符")
        if body["schema"] not in keys.schemas:
            raise FileRefused(
                "格式版本",
                "站点的数据库版本 {schema} 县里不认识，请先升级县里的程序",
                schema=body["schema"],
            )
        month = body.get("month")
        if not isinstance(month, str) or not MONTH.match(month):
            raise FileRefused("清单与内容", "清单里的月份不对")
        entries = _entries_section(body)
        _check_chain(opened.conn, station, entries)
        sealed.check_tables(opened, "month")
        problems = _check_rows(opened.conn, station, month, body)
        totals = month_totals.compute(opened.conn)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise FileRefused("SQLite 完整性", "文件读不出来（{error}）", error=exc) from exc
    finally:
        opened.close()
    return Checked(
        county=body["county"],
        station=station,
        month=month,
        digest=hashlib.sha256(opened.text.encode("utf-8")).hexdigest(),
        before=entries["before"],
        first=entries["first"],
        last=entries["last"],
        chain_start=entries["chain_start"],
        chain_end=entries["chain_end"],
        counts={name: info["rows"] for name, info in body["tables"].items()},
        totals=totals,
        problems=problems,
    )


def _entries_section(body: dict) -> dict:
    entries = body.get("entries")
    ok = (
        isinstance(entries, dict)
        and all(
            isinstance(entries.get(k), int) or (entries.get(k) is None and k != "points")
            for k in ("before", "first", "last", "points")
        )
        and all(isinstance(entries.get(k), str) for k in ("chain_start", "chain_end"))
    )
    if not ok or not isinstance(body.get("stock"), int):
        raise FileRefused("清单与内容", "清单里的账目链或合计不完整")
    return entries  # type: ignore[return-value]


def _check_chain(conn: sqlite3.Connection, station: str, entries: dict) -> None:
    low, high = id_range(station)
    before, first, last = entries["before"], entries["first"], entries["last"]
    if before is None and entries["chain_start"] != chain.GENESIS:
        raise FileRefused("账目链", "站点的第一条账目应从链的起点开始")
    start_id = (before if before is not None else low) + 1
    if not low <= start_id - 1 < high or (first is not None and first != start_id):
        raise FileRefused("清单与内容", "清单里的条目编号不属于站点 {station}", station=station)
    rows = conn.execute(f"SELECT {chain.COLUMNS} FROM ledger_entry ORDER BY id")  # noqa: S608
    breaks, end = chain.check(rows, start=entries["chain_start"], first=start_id)
    if breaks:
        raise FileRefused("账目链", breaks[0].message)
    count, total, top = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(points), 0), MAX(id) FROM ledger_entry"
    ).fetchone()
    if top != last or (count and top != start_id + count - 1):
        raise FileRefused(
            "清单与内容",
            "清单记的最后一条是 {listed}，文件里是 {found}",
            listed=human(last) if last else Message(NONE),
            found=human(top) if top else Message(NONE),
        )
    if end != entries["chain_end"]:
        raise FileRefused("账目链", "最后一条的链值与清单不符（条目被删改或调换）")
    if total != entries["points"]:
        raise FileRefused(
            "清单与内容",
            "条目积分合计 {found}，清单记的是 {listed}",
            found=total,
            listed=entries["points"],
        )


def _check_rows(conn: sqlite3.Connection, station: str, month: str, body: dict) -> Problems:
    """Every row against the rules of its table (month_content.PARTS); the stock total
    against the manifest. Bad rows are returned, not raised: the merge adds what the
    county's books show and refuses the file with every reason at once."""
    low, high = id_range(station)
    start, end = month_bounds(month)
    entries = body["entries"]
    params = {
        "low": low,
        "high": high,
        "me": station,
        "start": start,
        "end": end,
        "before": entries["before"] or low,
        "last": entries["last"] or entries["before"] or low,
    }
    stock = conn.execute("SELECT COALESCE(SUM(qty), 0) FROM stock_move").fetchone()[0]
    if stock != body["stock"]:
        raise FileRefused(
            "清单与内容",
            "出入库数量合计 {found}，清单记的是 {listed}",
            found=stock,
            listed=body["stock"],
        )
    return month_content.check(conn, params)
