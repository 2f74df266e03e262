"""Goods from one station to another (调拨): the mobile shop's stock, two shops sharing theirs.

`send` books the goods out of the sender (stock moves of kind `transfer`, below zero refused)
and writes the transfer file in the same transaction, so goods leave exactly when their file
could be written. `receive` checks the file whole before it uses a row (db/exchange/sealed.py:
a regular file within its bound, the header, integrity, the exact schema, the seal, the
manifest, every table against its digest), then its rows: one transfer, from the signer to
this station, its lines within bounds and of goods this station knows. It books the goods in
and records the receipt in one transaction; a transfer received before changes nothing and
says so (`transfer_receipt`'s key is the transfer).

The seal is an HMAC-SHA256 under a key derived from the county's card key, which every
station of the county holds: a station cannot check another's own key, and the county, which
sees both ends in the month files, reconciles every transfer (sent = received) — so a transfer
a key holder forged shows there as received but never sent (docs/design.md §14).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import Refused
from db.books import stock
from db.books.auth import Actor, require
from db.books.setup import local_station
from db.exchange import sealed
from db.exchange.sealed import FileRefused
from db.store import audit, files
from db.store.clock import Clock, stamp
from db.store.connection import database, schema_version
from db.store.ids import STATION_CODE, human, id_range, next_id, next_ids
from db.store.models import County, Item, Transfer, TransferLine, TransferMove, TransferReceipt

MAX_LINES = 200


@dataclass(frozen=True)
class TransferLineView:
    code: str
    name: str
    unit: str
    qty: int


@dataclass(frozen=True)
class TransferView:
    id: int  # `ids.human` prints the number
    sender: str
    receiver: str
    time: str
    lines: tuple[TransferLineView, ...]
    received: str | None  # when this station took it in (at the receiver)
    status: str = "sent"  # sent | received | unchanged (received before)


def transfer_key(card_key: str) -> str:
    """The county-wide key that seals transfer files, derived from the county's card key."""
    return hmac.new(bytes.fromhex(card_key), b"aixin transfer file", hashlib.sha256).hexdigest()


def _key() -> str:
    here = local_station()
    return transfer_key(County.get_by_id(here.county_id).card_key)


def send(
    actor: Actor, clock: Clock, receiver: str, lines: list[tuple[str, int]], out: Path
) -> TransferView:
    """Book `lines` (item code or barcode, qty) out to station `receiver`; write the file."""
    require(actor, "transfer")
    here = local_station()
    receiver = receiver.strip()
    if not STATION_CODE.match(receiver):
        raise Refused(
            "站点编码应为“6 位县代码-2 位序号”，例如 451425-03，而不是 {code}", code=receiver
        )
    if receiver == here.code:
        raise Refused("不能调拨给本站自己")
    if receiver[:6] != here.county_id:
        raise Refused(
            "站点 {station} 不是本县（{county}）的", station=receiver, county=here.county_id
        )
    if not lines:
        raise Refused("请写上要调拨的商品（--item 编码:数量）")
    if len(lines) > MAX_LINES:
        raise Refused("一次最多调拨 {most} 种商品", most=MAX_LINES)
    wanted: dict[str, int] = {}
    for code, qty in lines:
        item = stock.find_item(code)
        wanted[item.code] = stock.goods_qty(wanted.get(item.code, 0) + stock.goods_qty(qty))
    with database.atomic():
        now = clock.now()
        transfer_id = next_id(Transfer, here.code)
        Transfer.create(
            id=transfer_id,
            sender=here.code,
            receiver=receiver,
            operator=actor.name,
            time=stamp(now),
            note="",
        )
        line_ids = next_ids(TransferLine, here.code, len(wanted))
        TransferLine.insert_many(
            [
                {"id": i, "transfer": transfer_id, "item": code, "qty": qty}
                for i, (code, qty) in zip(line_ids, wanted.items(), strict=True)
            ]
        ).execute()
        moves = stock.append(
            actor.name,
            here.code,
            now,
            [
                stock.NewMove(code, -qty, "transfer", note=f"{human(transfer_id)} → {receiver}")
                for code, qty in wanted.items()
            ],
        )
        _link(moves, transfer_id)
        audit.record(
            actor.name, here.code, now, "transfer-send", f"{human(transfer_id)} → {receiver}"
        )
        _write(
            out,
            (transfer_id, here.code, receiver, actor.name, stamp(now), ""),
            [(i, transfer_id, c, q) for i, (c, q) in zip(line_ids, wanted.items(), strict=True)],
            here.county_id,
        )
    return view(transfer_id)


def _write(out: Path, transfer: tuple, lines: list[tuple], county: str) -> None:
    """The file of `transfer` (its row) and `lines` (their rows), sealed."""
    with files.output(out) as partial:
        sealed.create(partial, "transfer")
        conn = sqlite3.connect(partial)
        try:
            conn.execute("INSERT INTO transfer VALUES (?, ?, ?, ?, ?, ?)", transfer)
            conn.executemany("INSERT INTO transfer_line VALUES (?, ?, ?, ?)", lines)
            conn.commit()
        finally:
            conn.close()
        sealed.seal(
            partial,
            {
                "kind": "transfer",
                "county": county,
                "station": transfer[1],
                "receiver": transfer[2],
                "transfer": transfer[0],
                "schema": schema_version(database.obj),
                "made": transfer[4],
            },
            _key(),
        )


def receive(actor: Actor, clock: Clock, path: Path) -> TransferView:
    """Take the transfer file at `path` in: goods in, once."""
    require(actor, "transfer")
    here = local_station()
    key = _key()

    def verify(_conn: sqlite3.Connection, signer: str, data: bytes, signature: str) -> None:
        if signer[:6] != here.county_id:
            raise FileRefused(
                "县",
                "文件来自县 {other}，不是本县（{mine}）",
                other=signer[:6],
                mine=here.county_id,
            )
        if not hmac.compare_digest(sealed.hmac_hex(key, data), signature):
            raise sealed._bad_seal("transfer")

    with files.scratch(Path(database.obj.database), "incoming") as folder:
        copy = folder / "transfer.sqlite"
        sealed.take(path, copy, "transfer")
        opened = sealed.open_checked(copy, "transfer", verify)
        try:
            body = opened.body
            if body["station"] != opened.signer or body.get("receiver") != here.code:
                raise FileRefused(
                    "站点",
                    "这是站点 {sender} 调给 {receiver} 的货，不是给本站（{mine}）的",
                    sender=body["station"],
                    receiver=body.get("receiver"),
                    mine=here.code,
                )
            sealed.check_tables(opened, "transfer")
            transfer, lines = _rows(opened.conn, opened.signer, here.code, body)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise FileRefused("SQLite 完整性", "文件读不出来（{error}）", error=exc) from exc
        finally:
            opened.close()
    with database.atomic():
        now = clock.now()
        done = TransferReceipt.get_or_none(TransferReceipt.transfer == transfer[0])
        if done is not None:
            return _unchanged(transfer[0])
        known = Transfer.get_or_none(Transfer.id == transfer[0])
        if known is None:
            Transfer.insert(
                id=transfer[0],
                sender=transfer[1],
                receiver=transfer[2],
                operator=transfer[3],
                time=transfer[4],
                note=transfer[5],
            ).execute()
            TransferLine.insert_many(
                [{"id": i, "transfer": t, "item": c, "qty": q} for i, t, c, q in lines]
            ).execute()
        elif (known.sender, known.receiver, known.time) != (transfer[1], transfer[2], transfer[4]):
            raise FileRefused(
                "同号不同内容（篡改）",
                "调拨单 {number} 与本站已有的同号调拨单内容不同",
                number=human(transfer[0]),
            )
        TransferReceipt.insert(
            transfer=transfer[0], station=here.code, operator=actor.name, time=stamp(now)
        ).execute()
        moves = stock.append(
            actor.name,
            here.code,
            now,
            [
                stock.NewMove(c, q, "transfer", note=f"{human(t)} ← {transfer[1]}")
                for _i, t, c, q in lines
            ],
        )
        _link(moves, transfer[0])
        audit.record(
            actor.name, here.code, now, "transfer-receive", f"{human(transfer[0])} ← {transfer[1]}"
        )
    return view(transfer[0])


def _link(moves: list[int], transfer_id: int) -> None:
    TransferMove.insert_many([{"move": m, "transfer": transfer_id} for m in moves]).execute()


def _unchanged(transfer_id: int) -> TransferView:
    shown = view(transfer_id)
    return TransferView(**{**shown.__dict__, "status": "unchanged"})


def _rows(
    conn: sqlite3.Connection, sender: str, receiver: str, body: dict
) -> tuple[tuple, list[tuple]]:
    """The file's one transfer and its lines, held against what a transfer may be."""
    bad = FileRefused("逐行核对", "调拨文件里的内容不对：{what}", what="transfer")
    rows = conn.execute(
        "SELECT id, sender, receiver, operator, time, note FROM transfer LIMIT 2"
    ).fetchall()
    if len(rows) != 1:
        raise bad
    transfer = rows[0]
    low, high = id_range(sender)
    if not low <= transfer[0] < high or transfer[1:3] != (sender, receiver):
        raise bad
    if body.get("transfer") != transfer[0]:
        raise bad
    lines = conn.execute(
        "SELECT id, transfer_id, item_id, qty FROM transfer_line ORDER BY id LIMIT ?",
        (MAX_LINES + 1,),
    ).fetchall()
    if not lines or len(lines) > MAX_LINES:
        raise FileRefused("逐行核对", "调拨文件应有 1 到 {most} 行商品", most=MAX_LINES)
    items = set()
    for line_id, transfer_id, code, qty in lines:
        if transfer_id != transfer[0] or not low <= line_id < high:
            raise FileRefused("逐行核对", "调拨文件里的内容不对：{what}", what="transfer_line")
        if not 0 < qty <= stock.MAX_QTY or code in items:
            raise FileRefused("逐行核对", "商品 {item} 的数量 {qty} 不对", item=code, qty=qty)
        if Item.get_or_none(Item.code == code) is None:
            raise FileRefused("逐行核对", "本站没有商品 {item}：请先导入县里的更新", item=code)
        items.add(code)
    return transfer, lines


def view(transfer_id: int) -> TransferView:
    transfer = Transfer.get_by_id(transfer_id)
    receipt = TransferReceipt.get_or_none(TransferReceipt.transfer == transfer_id)
    lines = tuple(
        TransferLineView(line.item.code, line.item.name, line.item.unit, line.qty)
        for line in TransferLine.select(TransferLine, Item)
        .join(Item)
        .where(TransferLine.transfer == transfer_id)
        .order_by(TransferLine.id)
    )
    return TransferView(
        id=transfer.id,
        sender=transfer.sender,
        receiver=transfer.receiver,
        time=transfer.time,
        lines=lines,
        received=receipt.time if receipt else None,
        status="received" if receipt else "sent",
    )


def transfers() -> list[TransferView]:
    """Every transfer this station sent or received, newest first."""
    newest = Transfer.select(Transfer.id).order_by(Transfer.time.desc(), Transfer.id.desc())
    return [view(t.id) for t in newest]
