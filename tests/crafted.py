"""Month files altered as an insider could: rows changed, then re-sealed with the station's key.

Whoever holds a station's key can rewrite any row of its month file and seal it again: the
chain recomputed, the manifest's totals and digests made to agree, the MAC right. What the
county refuses of such a file it refuses for the rows themselves (db.exchange.month_content,
db.county.row_checks).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from db.exchange import sealed
from db.store import chain


def station_key(county_path: Path, code: str) -> str:
    raw = sqlite3.connect(county_path)
    key = raw.execute("SELECT key FROM station WHERE code = ?", (code,)).fetchone()[0]
    raw.close()
    return key


def reseal(path: Path, key: str, edit=lambda fields: None, rechain: bool = False) -> None:
    """Rewrite the manifest the way someone holding the station key could."""
    raw = sqlite3.connect(path)
    body = json.loads(raw.execute("SELECT body FROM manifest").fetchone()[0])
    fields = {k: v for k, v in body.items() if k not in ("tables", "format")}
    edit(fields)
    if rechain:
        link = fields["entries"]["chain_start"]
        for row in raw.execute(f"SELECT {chain.COLUMNS} FROM ledger_entry ORDER BY id").fetchall():
            raw.execute("UPDATE ledger_entry SET prev_hash = ? WHERE id = ?", (link, row[0]))
            link = chain.link((*row[:-1], link))
        fields["entries"]["chain_end"] = link
    raw.execute("DELETE FROM manifest")
    raw.commit()
    raw.close()
    sealed.seal(path, fields, key)


def craft(source: Path, target: Path, key: str, *statements: str | tuple[str, tuple]) -> Path:
    """A copy of month file `source` with `statements` run on it, made whole again and sealed
    with `key`: the chain relinked, the manifest's points and stock totals and its last entry
    made to agree with the rows."""
    shutil.copy(source, target)
    raw = sqlite3.connect(target)
    for statement in statements:
        sql, params = (statement, ()) if isinstance(statement, str) else statement
        raw.execute(sql, params)
    raw.commit()
    points, top = raw.execute(
        "SELECT COALESCE(SUM(points), 0), MAX(id) FROM ledger_entry"
    ).fetchone()
    stock = raw.execute("SELECT COALESCE(SUM(qty), 0) FROM stock_move").fetchone()[0]
    raw.close()

    def totals(fields: dict) -> None:
        fields["stock"] = stock
        fields["entries"]["points"] = points
        if top is not None:
            fields["entries"]["last"] = top

    reseal(target, key, totals, rechain=True)
    return target
