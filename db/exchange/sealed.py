"""The signed SQLite files that travel between stations and the county (docs/design.md §10).

Three kinds share one format: a station's monthly file (`month`), the county's update for a
station (`update`) and a new station's setup (`setup`). Each is a small SQLite file with the
tables of its kind, in the column order and with the type checks defined here, plus a
`manifest` row: who signed it, a JSON body (station, county, counts, totals, chain ends, schema
version, a digest of every table's rows in key order; an update's sequence number) and its
seal — an HMAC-SHA256 under the station's key for a monthly file, an Ed25519 signature by the
county (db/exchange/signing.py) for an update or setup file.

A reader takes a handed-in file only after checking what it is (`take`: a regular file within
`LIMITS`, an SQLite header in UTF-8 with this format's application id and version), and checks
it whole — integrity, the exact schema, the manifest's seal on its bytes, then the manifest
parsed within bounds, then every table against its digest — before anyone uses a row of it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from catalog.messages import N_, Message, Refused
from db.exchange import signing
from db.exchange.formats import (
    APPLICATION_ID,
    FORMAT,
    KIND_NAMES,
    KINDS,
    MANIFEST_DDL,
    TABLES,
    Table,
)
from db.store import faults, files

CHUNK = 1024  # rows per chunk digest: a mismatch is pinned to one chunk of rows
MAGIC = b"SQLite format 3\x00"
MB = 1 << 20
# Bounds on a handed-in file, far above any real one. The benchmark county (docs/design.md §9)
# has 19 stations writing 1.5 million entries a month: about 11 MB of monthly file a station.
# A monthly file may be 40 times that; an update or setup file carries a station's roster and
# every entry other stations wrote for its households (a few hundred MB for the 200,000-household
# benchmark station), so it may be several times that. A file beyond them is not one of ours.
# A transfer file holds one transfer of at most a few hundred lines: some kB.
LIMITS = {"month": 512 * MB, "update": 2048 * MB, "setup": 2048 * MB, "transfer": 4 * MB}
# A manifest lists a 16-hex digest per 1,024 rows of each table: some hundred kB for the
# largest file above. Its JSON is at most 4 deep (body, tables, table, chunks).
MANIFEST_BYTES = 8 * MB
MANIFEST_DEPTH = 8
ENCODINGS = {1: "UTF-8", 2: "UTF-16le", 3: "UTF-16be"}
# Who signs each kind, and the seal's length in hex digits.
SIGNERS = {
    "month": (re.compile(r"^\d{6}-\d{2}$"), 64),  # the station, HMAC-SHA256
    "update": (re.compile(r"^\d{6}$"), signing.SIGNATURE_HEX),  # the county, Ed25519
    "setup": (re.compile(r"^\d{6}$"), signing.SIGNATURE_HEX),
    "transfer": (re.compile(r"^\d{6}-\d{2}$"), 64),  # the sending station, HMAC-SHA256
}
HEX = re.compile(r"^[0-9a-fA-F]+$")


def create(path: Path, kind: str) -> None:
    """An empty file of `kind`: its tables, no rows yet. Created owner-only unless `path` is
    already there empty (as `files.output` gives it)."""
    with faults.storage(path):
        if path.exists() and path.stat().st_size > 0:
            path.unlink()
        if not path.exists():
            files.create_empty(path)
        conn = _open_for_writing(path)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {FORMAT}")
            for name in KINDS[kind]:
                conn.execute(TABLES[name].ddl())
            conn.execute(MANIFEST_DDL)
            conn.commit()
        finally:
            conn.close()


def _open_for_writing(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA encoding = 'UTF-8'")
    # The file is renamed into place only when whole, so it needs no journal of its own on
    # the disk: none is left beside it when a run is killed.
    conn.execute("PRAGMA journal_mode = MEMORY")
    return conn


def seal(path: Path, fields: dict, key: str) -> dict:
    """Digest every table of the filled file, write the manifest and its seal; return the body.

    `key`: the station's key (hex) for a monthly file, the county's private signing key (hex)
    for an update or setup file."""
    with faults.storage(path):
        conn = _open_for_writing(path)
        try:
            body = seal_attached(conn, "main", fields, key)
            conn.commit()
        finally:
            conn.close()
    return body


def seal_attached(conn: sqlite3.Connection, schema: str, fields: dict, key: str) -> dict:
    """`seal` for a file attached to `conn` as `schema`, inside the caller's transaction."""
    kind = fields["kind"]
    body = {
        **fields,
        "format": FORMAT,
        "tables": {
            name: _chained(conn, schema, fields)
            if CHAINED.get(kind) == name
            else _digest(conn, TABLES[name], schema)
            for name in KINDS[kind]
        },
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = text.encode("utf-8")
    if kind in ("month", "transfer"):
        signer, signature = fields["station"], hmac_hex(key, data)
    else:
        signer, signature = fields["county"], signing.sign(key, data)
    conn.execute(
        f"INSERT INTO {schema}.manifest (signer, body, mac) VALUES (?, ?, ?)",  # noqa: S608
        (signer, text, signature),
    )
    return body


# In a monthly file the ledger entries' digest is their hash chain: the last entry's link
# covers every column of every entry in id order, and the checker walks the chain (naming the
# entry at fault) instead of hashing the same rows a second time.
CHAINED = {"month": "ledger_entry"}


def _chained(conn: sqlite3.Connection, schema: str, fields: dict) -> dict:
    rows = conn.execute(f"SELECT COUNT(*) FROM {schema}.ledger_entry").fetchone()[0]  # noqa: S608
    return {"rows": rows, "digest": fields["entries"]["chain_end"], "chunks": []}


def hmac_hex(key: str, data: bytes) -> str:
    return hmac.new(bytes.fromhex(key), data, hashlib.sha256).hexdigest()


def mac(key: str, body: str) -> str:
    """The MAC of a monthly file's manifest body under the station's key."""
    return hmac_hex(key, body.encode("utf-8"))


def _rows_text(conn: sqlite3.Connection, table: Table, schema: str) -> Iterator[list[str]]:
    """The table's rows in key order, each as one unambiguous text, in chunks of CHUNK rows."""
    text = "||','||".join(f"quote({name})" for name in table.names)
    cursor = conn.execute(
        f"SELECT {text} FROM {schema}.{table.name} "  # noqa: S608 - constants
        f"ORDER BY {', '.join(table.key)}"
    )
    while batch := cursor.fetchmany(CHUNK):
        yield [row[0] for row in batch]


def _digest(conn: sqlite3.Connection, table: Table, schema: str = "main") -> dict:
    whole, chunks, rows = hashlib.sha256(), [], 0
    for batch in _rows_text(conn, table, schema):
        data = ("\n".join(batch) + "\n").encode("utf-8")
        whole.update(data)
        chunks.append(hashlib.sha256(data).hexdigest()[:16])
        rows += len(batch)
    return {"rows": rows, "digest": whole.hexdigest(), "chunks": chunks}


# The checks a file goes through; every refusal names one (marked for the translators).
CHECKS = (
    N_("文件类型"), N_("读取文件"), N_("SQLite 完整性"), N_("格式版本"), N_("县"), N_("站点"),
    N_("校验码（MAC）"), N_("县里的签名"), N_("清单与内容"), N_("账目链"), N_("与上月衔接"),
    N_("与下月衔接"), N_("同号不同内容（篡改）"), N_("同月重复"), N_("更新顺序"),
    N_("写入县数据库"), N_("写入本站数据库"),
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


def take(path: Path, copy: Path, kind: str) -> None:
    """Copy the handed-in `path` to the private `copy` (what is checked is what is used) and
    check its header. A fault of the disk the copy is written to is a StorageRefused."""
    try:
        files.take_in(path, copy, LIMITS[kind])
    except files.InputRefused as refused:
        check = "读取文件" if refused.reason == "read" else "文件类型"
        raise FileRefused(check, refused.message) from None
    check_header(copy, kind)


def check_header(path: Path, kind: str) -> None:
    """The first 100 bytes, read before SQLite opens the file: an SQLite database in UTF-8,
    in rollback-journal mode, with aixin's application id and this format's version."""
    with faults.storage(path), path.open("rb") as handle:
        head = handle.read(100)
    if len(head) < 100 or head[:16] != MAGIC:
        raise FileRefused("文件类型", "这不是 SQLite 数据库文件")
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        raise FileRefused("SQLite 完整性", "文件损坏或被截断（{error}）", error="page size")
    encoding = int.from_bytes(head[56:60], "big")
    if encoding != 1:
        raise FileRefused(
            "文件类型",
            "文件的文字编码是 {encoding}，aixin 的文件只用 UTF-8",
            encoding=ENCODINGS.get(encoding, str(encoding)),
        )
    what = Message(KIND_NAMES[kind])
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID or head[18:20] != b"\x01\x01":
        raise FileRefused("格式版本", "这不是 aixin 的{what}", what=what)
    version = int.from_bytes(head[60:64], "big", signed=True)
    if version != FORMAT:
        raise FileRefused(
            "格式版本", "文件格式版本是 {found}，本程序只认 {want}", found=version, want=FORMAT
        )


# verify(conn, signer, body bytes, seal): raises FileRefused unless the seal is right.
Verify = Callable[[sqlite3.Connection, str, bytes, str], None]


@dataclass
class Opened:
    """A checked-so-far file: its connection and its manifest, whose seal is checked."""

    conn: sqlite3.Connection
    body: dict
    text: str
    mac: str
    signer: str

    def close(self) -> None:
        self.conn.close()


def open_checked(path: Path, kind: str, verify: Verify) -> Opened:
    """Open `path` read-only and check it is a whole, untampered-with file of `kind`.

    Checks the header, integrity, the exact schema and the manifest row; then `verify` checks
    the seal on the manifest's bytes before they are parsed (within bounds). The caller then
    checks the body's fields and calls `check_tables`. Raises FileRefused naming the check.
    """
    check_header(path, kind)
    uri = "file:" + pathname2url(str(path.resolve())) + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        encoding = conn.execute("PRAGMA encoding").fetchone()[0]
        if encoding != "UTF-8":
            raise FileRefused(
                "文件类型", "文件的文字编码是 {encoding}，aixin 的文件只用 UTF-8", encoding=encoding
            )
        _integrity(conn)
        _schema(conn, kind)
        signer, data, signature = _manifest_row(conn, kind)
        verify(conn, signer, data, signature)
        text, body = _parse(data, kind)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        conn.close()
        raise FileRefused("SQLite 完整性", "文件损坏或被截断（{error}）", error=exc) from exc
    except BaseException:
        conn.close()
        raise
    return Opened(conn, body, text, signature, signer)


def _integrity(conn: sqlite3.Connection) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise FileRefused("SQLite 完整性", "文件损坏或被截断：{detail}", detail=tuple(problems))


def _schema(conn: sqlite3.Connection, kind: str) -> None:
    found = set()
    for kind_of, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master"):
        if kind_of == "index" and name.startswith("sqlite_autoindex_") and sql is None:
            continue
        found.add((kind_of, name, sql))
    expected = {("table", n, TABLES[n].ddl()) for n in KINDS[kind]}
    expected.add(("table", "manifest", MANIFEST_DDL))
    if found != expected:
        odd = sorted(str(name) for _, name, _ in found ^ expected)
        raise FileRefused(
            "格式版本",
            "表结构与{what}的格式不符（{tables}）",
            what=Message(KIND_NAMES[kind]),
            tables=tuple(odd[:5]),
        )


def _manifest_row(conn: sqlite3.Connection, kind: str) -> tuple[str, bytes, str]:
    """(signer, the body's bytes, the seal): of the right types and lengths, read as bytes so
    that the seal is checked on exactly what was signed."""
    rows = conn.execute(
        "SELECT typeof(signer), typeof(body), typeof(mac), length(CAST(body AS BLOB)), "
        "length(CAST(signer AS BLOB)), length(CAST(mac AS BLOB)) FROM manifest LIMIT 2"
    ).fetchall()
    missing = FileRefused("校验码（MAC）", "文件没有清单和校验码")
    if len(rows) != 1 or rows[0][:3] != ("text", "text", "text"):
        raise missing
    body_bytes, signer_bytes, seal_bytes = rows[0][3:]
    pattern, digits = SIGNERS[kind]
    if not 0 < body_bytes <= MANIFEST_BYTES:
        raise FileRefused(
            "清单与内容",
            "清单有 {size} 字节，超过了上限 {limit}",
            size=body_bytes,
            limit=MANIFEST_BYTES,
        )
    if signer_bytes > 16 or seal_bytes != digits:
        raise missing if seal_bytes == 0 else _bad_seal(kind)
    signer, data, signature = conn.execute(
        "SELECT CAST(signer AS BLOB), CAST(body AS BLOB), CAST(mac AS BLOB) FROM manifest"
    ).fetchone()
    try:
        signer_text, seal_text = signer.decode("ascii"), signature.decode("ascii")
    except UnicodeDecodeError:
        raise _bad_seal(kind) from None
    if not HEX.match(seal_text):
        raise _bad_seal(kind)
    if not pattern.match(signer_text):
        raise FileRefused("清单与内容", "清单的签发者 {signer} 不对", signer=signer_text)
    return signer_text, bytes(data), seal_text.lower()


def _bad_seal(kind: str) -> FileRefused:
    if kind == "transfer":
        return FileRefused("校验码（MAC）", "校验码不对：文件被改动过，或不是本县的站点发出的")
    if kind == "month":
        return FileRefused("校验码（MAC）", "清单的校验码不对：文件被改动过，或不是用本站密钥签的")
    return FileRefused("县里的签名", "签名不对：文件被改动过，或不是县里签发的")


def _depth(text: str) -> int:
    """How deep the JSON `text` nests (strings skipped), without recursing: stops counting
    past MANIFEST_DEPTH."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MANIFEST_DEPTH:
                break
        else:
            depth -= 1
    return deepest


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _reject(constant: str) -> None:
    raise ValueError(constant)


def _parse(data: bytes, kind: str) -> tuple[str, dict]:
    bad = FileRefused("清单与内容", "清单不是有效的 JSON")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise bad from None
    if _depth(text) > MANIFEST_DEPTH:
        raise FileRefused("清单与内容", "清单嵌套太深，不是 aixin 写的清单")
    try:
        body = json.loads(text, parse_constant=_reject)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("tables"), dict):
        raise bad
    if body.get("kind") != kind:
        raise FileRefused("格式版本", "这不是{what}", what=Message(KIND_NAMES[kind]))
    for name in ("county", "station", "schema"):
        if not isinstance(body.get(name), str):
            raise FileRefused("清单与内容", "清单缺少 {name}", name=name)
    return text, body


def check_hmac(key: str, data: bytes, signature: str) -> None:
    """A monthly file's MAC under the station's `key`."""
    try:
        want = hmac_hex(key, data)
    except ValueError as exc:
        raise FileRefused("校验码（MAC）", "站点密钥格式不对") from exc
    if not hmac.compare_digest(want, signature):
        raise _bad_seal("month")


def check_signature(public: str, data: bytes, signature: str) -> None:
    """An update or setup file's signature under the county's public key."""
    if not signing.valid(public, data, signature):
        raise _bad_seal("update")


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
        found = (
            _chained(opened.conn, "main", opened.body) if chained else _digest(opened.conn, table)
        )
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
