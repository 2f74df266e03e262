"""One station's month file for the county benchmark, written the way `aixin export` writes one.

The same tables, an entries piece chained from the county's last entry of the station, a
hundred changed households with their places, sealed with the station's key by
`db.sealed.seal`. The rows come from the same generator as the county's history.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.exchange import sealed
from db.store import chain
from db.store.clock import month_bounds
from tests.bench.county_data import SPAN, Shape, code, helpers, station_rows


def month_file(county_path: Path, shape: Shape, n: int, out: Path) -> Path:
    """Station n's file for `shape.month`, chained from the county's last entry."""
    conn = sqlite3.connect(county_path)
    station, key = conn.execute(
        "SELECT code, key FROM station WHERE code = ?", (code(n),)
    ).fetchone()
    number = int(station.replace("-", ""))
    before = conn.execute(
        "SELECT MAX(id) FROM ledger_entry WHERE id >= ? AND id < ?",
        (number * SPAN, (number + 1) * SPAN),
    ).fetchone()[0]
    start = chain.link(
        conn.execute(f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id = ?", (before,)).fetchone()
    )
    conn.close()
    target = out / f"aixin-{station}-{shape.month}.sqlite"
    sealed.create(target, "month")
    conn = sqlite3.connect(target)
    conn.execute("ATTACH DATABASE ? AS c", (str(county_path),))
    helpers(conn, [shape.month])
    per_month = shape.month_entries // shape.stations
    first = before % SPAN + 1
    station_rows(conn, shape, n, first, first + per_month - 1, per_month, "main.")
    end = _chain(conn, start)
    _households(conn, station, shape)
    conn.commit()
    points, stock = conn.execute(
        "SELECT (SELECT SUM(points) FROM ledger_entry), "
        "(SELECT COALESCE(SUM(qty), 0) FROM stock_move)"
    ).fetchone()
    conn.close()
    fields = {
        "kind": "month",
        "county": "451425",
        "station": station,
        "month": shape.month,
        "schema": "0002_county",
        "stock": stock,
        "entries": {
            "before": before,
            "first": before + 1,
            "last": before + per_month,
            "points": points,
            "chain_start": start,
            "chain_end": end,
        },
    }
    sealed.seal(target, fields, key)
    return target


def _chain(conn: sqlite3.Connection, link: str) -> str:
    rows = conn.execute(f"SELECT {chain.COLUMNS} FROM ledger_entry ORDER BY id").fetchall()
    updates = []
    for row in rows:
        updates.append((link, row[0]))
        link = chain.link((*row[:-1], link))
    conn.executemany("UPDATE ledger_entry SET prev_hash = ? WHERE id = ?", updates)
    return link


def _households(conn: sqlite3.Connection, station: str, shape: Shape) -> None:
    """A hundred households of the station changed their phone number this month."""
    start = month_bounds(shape.month)[0]
    conn.execute(
        "INSERT INTO household_version SELECT number, head_name, id_number, village_id, "
        "group_id, category, members, '13800000000', status, initials, "
        "datetime(?, '+' || (rowid % 20) || ' days'), ? FROM c.household "
        "WHERE number IN (SELECT DISTINCT household_id FROM ledger_entry LIMIT 100) "
        "ORDER BY number",
        (start, station),
    )
    conn.execute(
        "INSERT INTO village SELECT code, township_id, name FROM c.village "
        "WHERE code IN (SELECT village_id FROM household_version)"
    )
    conn.execute(
        "INSERT INTO township SELECT code, name FROM c.township "
        "WHERE code IN (SELECT township_id FROM village)"
    )
