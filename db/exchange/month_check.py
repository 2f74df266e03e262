"""Checking a station's monthly file on its own, before the county database is touched.

`check_file` runs every check that needs only the file and the station's key: SQLite
integrity, the exact schema, the manifest and its MAC, every table against its digest, the
piece of the hash chain, and that every row is one this station recorded in this month. It is
a pure function of its arguments, so a batch of files can be checked side by side.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import N_, Message
from db.books import month_totals
from db.exchange import sealed
from db.exchange.export import MONTH
from db.exchange.sealed import FileRefused
from db.store import chain
from db.store.clock import month_bounds
from db.store.ids import human, id_range

# Rows a month file must not hold: (table, condition, what is wrong with such a row).
# `:low`/`:high` are the station's ids, `:me` its code, `:start`/`:end` the month.
PROBES = (
    (
        "ledger_entry",
        "id < :low OR id >= :high OR station <> :me OR kind NOT IN ('award', "
        "'deduction', 'redemption', 'reversal', 'adjustment', 'base')",
        N_("不是本站的账目条目"),
    ),
    (
        "ledger_entry",
        "kind = 'redemption' AND redemption_id NOT IN (SELECT id FROM redemption)",
        N_("兑换条目没有对应的兑换单"),
    ),
    (
        "stock_move",
        "id < :low OR id >= :high OR station <> :me OR time < :start "
        "OR time >= :end OR qty = 0 OR kind NOT IN ('donation', 'purchase', 'redemption', "
        "'adjustment', 'count', 'writeoff', 'transfer')",
        N_("不是本站本月的出入库记录"),
    ),
    (
        "stock_move",
        "(kind = 'redemption' AND reverses_id IS NULL AND redemption_id NOT IN "
        "(SELECT id FROM redemption)) OR (kind = 'donation' AND donation_id NOT IN "
        "(SELECT id FROM donation)) OR (count_id IS NOT NULL AND count_id NOT IN "
        "(SELECT id FROM stock_count))",
        N_("出入库记录没有对应的兑换单、捐赠或盘点单"),
    ),
    (
        "redemption",
        "id < :low OR id >= :high OR station <> :me OR time < :start OR time >= :end",
        N_("不是本站本月的兑换单"),
    ),
    (
        "redemption_line",
        "id < :low OR id >= :high OR redemption_id NOT IN (SELECT id FROM redemption)",
        N_("兑换明细没有对应的兑换单"),
    ),
    (
        "donation",
        "id < :low OR id >= :high OR station <> :me OR time < :start "
        "OR time >= :end OR donor_id NOT IN (SELECT id FROM donor)",
        N_("不是本站本月的捐赠"),
    ),
    (
        "donation_line",
        "id < :low OR id >= :high OR donation_id NOT IN (SELECT id FROM donation)",
        N_("捐赠明细没有对应的捐赠"),
    ),
    ("stock_count", "id < :low OR id >= :high OR station <> :me", N_("不是本站的盘点单")),
    (
        "stock_count_line",
        "id < :low OR id >= :high OR count_id NOT IN (SELECT id FROM stock_count)",
        N_("盘点明细没有对应的盘点单"),
    ),
    (
        "household_version",
        "updated_by <> :me OR updated < :start OR updated >= :end "
        "OR village_id NOT IN (SELECT code FROM village) OR status NOT IN "
        "('active', 'moved', 'deceased', 'removed')",
        N_("不是本站本月的农户档案"),
    ),
    ("village", "township_id NOT IN (SELECT code FROM township)", N_("村没有对应的乡镇")),
    (
        "card",
        "NOT ((id >= :low AND id < :high AND issued >= :start AND issued < :end) "
        "OR (revoked_by = :me AND revoked >= :start AND revoked < :end)) "
        "OR (revoked IS NOT NULL AND revoked_by IS NOT :me)",
        N_("不是本站本月发放或作废的卡"),
    ),
)


NONE = N_("（无）")


@dataclass(frozen=True)
class Checked:
    """A month file that passed every check of its own."""

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
        _check_rows(opened.conn, station, month, body)
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


def _check_rows(conn: sqlite3.Connection, station: str, month: str, body: dict) -> None:
    """Every row is this station's, of this month, and refers to rows the file holds."""
    low, high = id_range(station)
    start, end = month_bounds(month)
    p = {"low": low, "high": high, "me": station, "start": start, "end": end}
    for table, condition, what in PROBES:
        key = ", ".join(sealed.TABLES[table].key)
        sql = f"SELECT {key} FROM {table} WHERE {condition} LIMIT 1"  # noqa: S608 - constants
        row = conn.execute(sql, p).fetchone()
        if row is not None:
            raise FileRefused(
                "清单与内容",
                "{table} 的 {key}：{what}",
                table=table,
                key=" ".join(map(str, row)),
                what=Message(what),
            )
    stock = conn.execute("SELECT COALESCE(SUM(qty), 0) FROM stock_move").fetchone()[0]
    if stock != body["stock"]:
        raise FileRefused(
            "清单与内容",
            "出入库数量合计 {found}，清单记的是 {listed}",
            found=stock,
            listed=body["stock"],
        )
