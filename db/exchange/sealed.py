"""The signed SQLite files that travel between stations and the county (docs/design.md §6).

Three kinds share one format: a station's monthly file (`month`), the county's update for a
station (`update`) and a new station's setup (`setup`). Each is a small SQLite file with the
tables of its kind, in the column order and with the type checks defined here, plus a
`manifest` row: a JSON body (station, county, counts, totals, chain ends, schema version and a
digest of every table's rows in key order) and an HMAC-SHA256 of that body under the station's
key. A reader checks the file whole — SQLite integrity, the exact schema, the manifest, the MAC
and every table against its digest — before anyone uses a row of it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from catalog.messages import N_, Message, Refused
from db.exchange.formats import (
    APPLICATION_ID,
    FORMAT,
    KIND_NAMES,
    KINDS,
    MANIFEST_DDL,
    TABLES,
    Table,
)

CHUNK = 1024  # rows per chunk digest: a mismatch is pinned to one chunk of rows
MAGIC = b"SQLite format 3\x00"


def create(path: Path, kind: str) -> None:
    """An empty file of `kind`: its tables, no rows yet."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {FORMAT}")
        for name in KINDS[kind]:
            conn.execute(TABLES[name].ddl())
        conn.execute(MANIFEST_DDL)
        conn.commit()
    finally:
        conn.close()


def seal(path: Path, fields: dict, key: str) -> dict:
    """Digest every table of the filled file, write the manifest and its MAC; return the body."""
    conn = sqlite3.connect(path)
    try:
        kind = fields["kind"]
        body = {
            **fields,
            "format": FORMAT,
            "tables": {
                name: _chained(conn, fields)
                if CHAINED.get(kind) == name
                else _digest(conn, TABLES[name])
                for name in KINDS[kind]
            },
        }
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        conn.execute("INSERT INTO manifest (body, mac) VALUES (?, ?)", (text, mac(key, text)))
        conn.commit()
    finally:
        conn.close()
    return body


# In a monthly file the ledger entries' digest is their hash chain: the last entry's link
# covers every column of every entry in id order, and the checker walks the chain (naming the
# entry at fault) instead of hashing the same rows a second time.
CHAINED = {"month": "ledger_entry"}


def _chained(conn: sqlite3.Connection, fields: dict) -> dict:
    rows = conn.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0]
    return {"rows": rows, "digest": fields["entries"]["chain_end"], "chunks": []}


def mac(key: str, body: str) -> str:
    return hmac.new(bytes.fromhex(key), body.encode("utf-8"), hashlib.sha256).hexdigest()


def _rows_text(conn: sqlite3.Connection, table: Table) -> Iterator[list[str]]:
    """The table's rows in key order, each as one unambiguous text, in chunks of CHUNK rows."""
    text = "||','||".join(f"quote({name})" for name in table.names)
    cursor = conn.execute(
        f"SELECT {text} FROM {table.name} ORDER BY {', '.join(table.key)}"  # noqa: S608 - constants
    )
    while batch := cursor.fetchmany(CHUNK):
        yield [row[0] for row in batch]


def _digest(conn: sqlite3.Connection, table: Table) -> dict:
    whole, chunks, rows = hashlib.sha256(), [], 0
    for batch in _rows_text(conn, table):
        data = ("\n".join(batch) + "\n").encode("utf-8")
        whole.update(data)
        chunks.append(hashlib.sha256(data).hexdigest()[:16])
        rows += len(batch)
    return {"rows": rows, "digest": whole.hexdigest(), "chunks": chunks}


# The checks a file goes through; every refusal names one (marked for the translators).
CHECKS = (
    N_("文件类型"), N_("读取文件"), N_("SQLite 完整性"), N_("格式版本"), N_("县"), N_("站点"),
    N_("校验码（MAC）"), N_("清单与内容"), N_("账目链"), N_("与上月衔接"), N_("与下月衔接"),
    N_("同号不同内容（篡改）"), N_("同月重复"), N_("写入县数据库"), N_("写入本站数据库"),
)  # fmt: skip


class FileRefused(Refused):
    """A file that failed one of CHECKS: which check, and why (naming the row)."""

    HEAD = N_("{check}不通过：")

    def __init__(self, check: str, reason: str | Message, **fields: object) -> None:
        self.check = check
        super().__init__(reason, **fields)

    def render(self, translate: Callable[[str], str] = str) -> str:
        head = translate(self.HEAD).format(check=translate(self.check))
        return head + super().render(translate)


@dataclass
class Opened:
    """A checked-so-far file: its connection and its manifest (MAC not yet checked)."""

    conn: sqlite3.Connection
    body: dict
    text: str
    mac: str

    def close(self) -> None:
        self.conn.close()


def open_checked(path: Path, kind: str) -> Opened:
    """Open `path` read-only and check it is a whole, untampered-with file of `kind`.

    Checks integrity, exact schema and manifest shape; the caller checks the MAC (it knows the
    key) and then calls `check_tables`. Raises FileRefused naming the failed check.
    """
    with path.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise FileRefused("文件类型", "这不是 SQLite 数据库文件")
    uri = "file:" + pathname2url(str(path.resolve())) + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        _integrity(conn)
        _schema(conn, kind)
        text, signature = _manifest_row(conn)
        body = _parse(text, kind)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        conn.close()
        raise FileRefused("SQLite 完整性", "文件损坏或被截断（{error}）", error=exc) from exc
    except Refused:
        conn.close()
        raise
    return Opened(conn, body, text, signature)


def _integrity(conn: sqlite3.Connection) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise FileRefused("SQLite 完整性", "文件损坏或被截断：{detail}", detail=tuple(problems))


def _schema(conn: sqlite3.Connection, kind: str) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    if app != APPLICATION_ID:
        raise FileRefused("格式版本", "这不是 aixin 的{what}", what=Message(KIND_NAMES[kind]))
    if version != FORMAT:
        raise FileRefused(
            "格式版本", "文件格式版本是 {found}，本程序只认 {want}", found=version, want=FORMAT
        )
    found = set()
    for kind_of, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master"):
        if kind_of == "index" and name.startswith("sqlite_autoindex_") and sql is None:
            continue
        found.add((kind_of, name, sql))
    expected = {("table", n, TABLES[n].ddl()) for n in KINDS[kind]}
    expected.add(("table", "manifest", MANIFEST_DDL))
    if found != expected:
        odd = sorted(name for _, name, _ in found ^ expected)
        raise FileRefused(
            "格式版本",
            "表结构与{what}的格式不符（{tables}）",
            what=Message(KIND_NAMES[kind]),
            tables=tuple(odd[:5]),
        )


def _manifest_row(conn: sqlite3.Connection) -> tuple[str, str]:
    rows = conn.execute("SELECT body, mac FROM manifest LIMIT 2").fetchall()
    if len(rows) != 1:
        raise FileRefused("校验码（MAC）", "文件没有清单和校验码")
    text, signature = rows[0]
    if not isinstance(text, str) or not isinstance(signature, str) or not signature:
        raise FileRefused("校验码（MAC）", "文件没有清单和校验码")
    return text, signature


def _parse(text: str, kind: str) -> dict:
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("tables"), dict):
        raise FileRefused("清单与内容", "清单不是有效的 JSON")
    if body.get("kind") != kind:
        raise FileRefused("格式版本", "这不是{what}", what=Message(KIND_NAMES[kind]))
    for name in ("county", "station", "schema"):
        if not isinstance(body.get(name), str):
            raise FileRefused("清单与内容", "清单缺少 {name}", name=name)
    return body


def check_mac(opened: Opened, key: str) -> None:
    if not hmac.compare_digest(mac(key, opened.text), opened.mac.lower()):
        raise FileRefused("校验码（MAC）", "清单的校验码不对：文件被改动过，或不是用本站密钥签的")


def check_tables(opened: Opened, kind: str) -> None:
    """Every table's rows against the manifest's count and digest (naming the first bad chunk).

    The chained table (CHAINED) is only matched against the chain's end and count: the
    caller must have walked its chain first (db.month_check does).
    """
    listed = opened.body["tables"]
    for name in KINDS[kind]:
        table = TABLES[name]
        entry = listed.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("chunks"), list):
            raise FileRefused("清单与内容", "清单里没有表 {table}", table=name)
        chained = CHAINED.get(kind) == name
        found = _chained(opened.conn, opened.body) if chained else _digest(opened.conn, table)
        if found == entry:
            continue
        for index, (have, want) in enumerate(zip(found["chunks"], entry["chunks"], strict=False)):
            if have != want:
                first = opened.conn.execute(
                    f"SELECT {', '.join(table.key)} FROM {name} "  # noqa: S608 - constants
                    f"ORDER BY {', '.join(table.key)} LIMIT 1 OFFSET ?",
                    (index * CHUNK,),
                ).fetchone()
                raise FileRefused(
                    "清单与内容",
                    "表 {table} 从第 {row} 行（{key}）起的内容与清单不符",
                    table=name,
                    row=index * CHUNK + 1,
                    key=" ".join(map(str, first)),
                )
        raise FileRefused(
            "清单与内容",
            "表 {table} 有 {found} 行，清单记的是 {listed} 行",
            table=name,
            found=found["rows"],
            listed=entry.get("rows"),
        )
