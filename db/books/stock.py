"""Goods: finding items, stock moves, donations, adjustments and stock counts.

`append` is the only way stock moves get into the books: it numbers them, moves the cached
stock of this station's items, and refuses (rolling back the caller's transaction) any move
that would take stock below zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from catalog import barcodes
from catalog.messages import N_, Message, Refused
from catalog.pinyin import is_initials_query, like_pattern
from db.books import views
from db.books.auth import Actor, require
from db.books.ledger import clean_note
from db.books.views import CountLine, ItemView, Receipt, ReceiptLine
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import human, id_range, next_id, next_ids
from db.store.models import (
    Barcode,
    Donation,
    DonationLine,
    Donor,
    Item,
    Station,
    StockCount,
    StockCountLine,
    StockMove,
)

# The most of one item on one line: more than a township shop ever holds, so a barcode's
# digits typed into a quantity box are refused rather than booked.
MAX_QTY = 99_999

ADJUSTMENT_KINDS = {
    "purchase": N_("采购入库"),
    "adjustment": N_("调整"),
    "writeoff": N_("报损"),
    "transfer": N_("调拨"),
}


@dataclass(frozen=True)
class NewMove:
    item: str
    qty: int
    kind: str
    redemption: int | None = None
    donation: int | None = None
    count: int | None = None
    reverses: int | None = None
    note: str = ""


def find_item(code: str) -> ItemView:
    """The item for a scanned barcode or a typed item code."""
    text = code.strip().upper()
    barcode = Barcode.get_or_none(Barcode.code == text)
    item = barcode.item if barcode else Item.get_or_none(Item.code == text)
    if item is None:
        if len(text) == 13 and text.isascii() and text.isdigit() and not barcodes.is_valid(text):
            # a misread scan, not an unknown item: the clerk should scan again, not look it up
            raise Refused("条码 {code} 的校验位不对，可能没扫好，请重新扫一次", code=text)
        raise Refused("没有条码或编码为 {code} 的商品", code=code.strip())
    if not item.active:
        raise Refused("商品“{name}”已停用，不能使用", name=item.name)
    return views.item(item)


def item(code: str) -> ItemView:
    """The item with this code, active or not (a stock list's row)."""
    row = Item.get_or_none(Item.code == code)
    if row is None:
        raise Refused("没有条码或编码为 {code} 的商品", code=code)
    return views.item(row)


def barcodes_by_item() -> dict[str, list[str]]:
    """Every item's barcodes, by item code, each list in barcode order."""
    codes: dict[str, list[str]] = {}
    for barcode in Barcode.select().order_by(Barcode.code):
        codes.setdefault(barcode.item_id, []).append(barcode.code)
    return codes


def search_items(text: str, *, limit: int | None = 30) -> list[ItemView]:
    """Active items by code or barcode prefix, pinyin initials ('xyf' 洗衣粉) or name."""
    text = text.strip()
    query = Item.select().where(Item.active == 1)
    if not text:
        return [views.item(i) for i in query.order_by(Item.code).limit(limit)]
    order: list = [Item.code]
    if is_initials_query(text):
        query = query.where(
            Item.initials ** like_pattern(text, anywhere=True) | Item.code.startswith(text.upper())
        )
        order.insert(0, (Item.initials ** like_pattern(text)).desc())  # 'yg': 牙膏 first
    elif text.isascii():
        query = query.where(
            Item.code.startswith(text.upper())
            | Item.code.in_(Barcode.select(Barcode.item).where(Barcode.code.startswith(text)))
        )
    else:
        query = query.where(Item.name.contains(text))
    return [views.item(i) for i in query.order_by(*order).limit(limit)]


def goods_qty(
    qty: object,
    *,
    least: int = 1,
    signed: bool = False,
    refusal: str = N_("数量应为 1 到 {most} 的整数，而不是“{qty}”"),
) -> int:
    """A quantity of one item on one line (a redemption, a donation, an adjustment, a count):
    a whole number from `least` to MAX_QTY, of either sign when `signed`. `refusal` names
    that range to the person."""
    if (
        isinstance(qty, bool)
        or not isinstance(qty, int)
        or not least <= (abs(qty) if signed else qty) <= MAX_QTY
    ):
        raise Refused(refusal, most=MAX_QTY, qty=qty)
    return qty


def append(operator: str, station: str, when: datetime, moves: list[NewMove]) -> list[int]:
    """Write `moves` for `station`. Call inside `database.atomic()`."""
    if not moves:
        return []
    ids = next_ids(StockMove, station, len(moves))
    time = stamp(when)
    StockMove.insert_many(
        [
            {
                "id": i,
                "item": m.item,
                "qty": m.qty,
                "kind": m.kind,
                "redemption": m.redemption,
                "donation": m.donation,
                "count": m.count,
                "reverses": m.reverses,
                "note": clean_note(m.note),
                "operator": operator,
                "station": station,
                "time": time,
            }
            for i, m in zip(ids, moves, strict=True)
        ]
    ).execute()
    change: dict[str, int] = defaultdict(int)
    for m in moves:
        change[m.item] += m.qty
    for code, qty in change.items():
        Item.update(stock=Item.stock + qty).where(Item.code == code).execute()
        item = Item.get_by_id(code)
        if item.stock < 0:
            raise Refused(
                "“{name}”库存只有 {stock} {unit}，不够出 {qty} {unit}",
                name=item.name,
                stock=item.stock - qty,
                qty=-qty,
                unit=item.unit,
            )
    return ids


def find_donor(name: str, kind: str) -> Donor | None:
    return Donor.get_or_none((Donor.name == name) & (Donor.kind == kind))


def take_donation(
    actor: Actor,
    clock: Clock,
    donor: str,
    lines: list[tuple[str, int, int]],
    *,
    donor_kind: str = "person",
    cash_fen: int = 0,
    phone: str = "",
    note: str = "",
) -> Receipt:
    """Book donated goods (item code or barcode, qty, estimated value in fen) and/or cash;
    returns what the acknowledgement shows."""
    require(actor, "donate")
    donor = donor.strip()
    if not donor:
        raise Refused("请填写捐赠人或捐赠单位")
    if any(not c.isprintable() for c in donor):
        raise Refused("捐赠人名称里有控制字符（可能是扫码枪带进来的），请重新输入")
    if donor_kind not in ("person", "company"):
        raise Refused("捐赠人类型应为个人或单位")
    if isinstance(cash_fen, bool) or not isinstance(cash_fen, int) or cash_fen < 0:
        raise Refused("捐赠现金应为不小于 0 的整数（分）")
    if not lines and cash_fen == 0:
        raise Refused("捐赠没有物品也没有现金")
    checked = []
    for code, qty, value in lines:
        item = find_item(code)
        goods_qty(qty)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Refused("“{name}”的估价应为不小于 0 的整数（分）", name=item.name)
        checked.append((item, qty, value))
    with database.atomic():
        now = clock.now()
        person = find_donor(donor, donor_kind)
        if person is None:
            person = Donor.create(
                id=next_id(Donor, actor.station), name=donor, kind=donor_kind, phone=phone.strip()
            )
        donation = Donation.create(
            id=next_id(Donation, actor.station),
            donor=person,
            cash_fen=cash_fen,
            note=clean_note(note),
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        line_ids = next_ids(DonationLine, actor.station, len(checked))
        if checked:
            DonationLine.insert_many(
                [
                    {"id": i, "donation": donation.id, "item": it.code, "qty": q, "value_fen": v}
                    for i, (it, q, v) in zip(line_ids, checked, strict=True)
                ]
            ).execute()
        append(
            actor.name,
            actor.station,
            now,
            [NewMove(it.code, q, "donation", donation=donation.id) for it, q, _ in checked],
        )
        audit.record(
            actor.name,
            actor.station,
            now,
            "donation",
            f"{donor}：{len(checked)} 种物品，现金 {cash_fen} 分",
        )
        station = Station.get_by_id(actor.station).name
    return Receipt(
        id=donation.id,
        station=station,
        time=donation.time,
        donor=person.name,
        lines=tuple(ReceiptLine(it.code, it.name, it.unit, q, v) for it, q, v in checked),
        cash_fen=donation.cash_fen,
        operator=donation.operator,
    )


def adjust(actor: Actor, clock: Clock, code: str, qty: int, kind: str, note: str) -> int:
    """A manager's stock change outside redemptions and donations; returns the move id."""
    require(actor, "adjust_stock")
    if kind not in ADJUSTMENT_KINDS:
        raise Refused(
            "库存调整类型应为 {known} 之一",
            known=tuple(Message(k) for k in ADJUSTMENT_KINDS.values()),
        )
    goods_qty(
        qty,
        signed=True,
        refusal=N_("调整数量应为 -{most} 到 {most} 之间、不为 0 的整数，而不是“{qty}”"),
    )
    if (kind == "purchase" and qty < 0) or (kind == "writeoff" and qty > 0):
        raise Refused("{kind}的数量方向不对", kind=Message(ADJUSTMENT_KINDS[kind]))
    if not note.strip():
        raise Refused("请写明调整原因")
    item = find_item(code)
    with database.atomic():
        now = clock.now()
        [move] = append(actor.name, actor.station, now, [NewMove(item.code, qty, kind, note=note)])
        audit.record(actor.name, actor.station, now, "stock-" + kind, f"{item.code} {qty:+d}")
    return move


def start_count(actor: Actor, clock: Clock) -> int:
    """A new open count; returns its id."""
    require(actor, "count")
    with database.atomic():
        now = clock.now()
        count = StockCount.create(
            id=next_id(StockCount, actor.station),
            station=actor.station,
            operator=actor.name,
            started=stamp(now),
        )
        audit.record(actor.name, actor.station, now, "count-start", str(count.id))
    return count.id


def open_count(station: str) -> int | None:
    """The newest count at `station` no manager has finalized yet."""
    low, high = id_range(station)
    count = (
        StockCount.select(StockCount.id)
        .where(
            StockCount.id >= low,
            StockCount.id < high,
            StockCount.station == station,
            StockCount.finalized.is_null(),
        )
        .order_by(StockCount.id.desc())
        .first()
    )
    return count.id if count else None


def record_count(actor: Actor, clock: Clock, count_id: int, code: str, counted: int) -> None:
    """Enter (or correct) the counted quantity of one item in an open count."""
    require(actor, "count")
    goods_qty(counted, least=0, refusal=N_("盘点数量应为 0 到 {most} 的整数，而不是“{qty}”"))
    item = find_item(code)
    with database.atomic():
        count = _open_count(count_id)  # inside: a count finalized meanwhile takes no more
        StockCountLine.insert(
            id=next_id(StockCountLine, actor.station),
            count=count.id,
            item=item.code,
            expected=item.stock,
            counted=counted,
        ).on_conflict(
            conflict_target=[StockCountLine.count, StockCountLine.item],
            update={StockCountLine.expected: item.stock, StockCountLine.counted: counted},
        ).execute()
        audit.record(
            actor.name,
            actor.station,
            clock.now(),
            "count-line",
            f"{count.id} {item.code} 账面 {item.stock} 实盘 {counted}",
        )


def count_lines(count_id: int, *, by_item: bool = False) -> list[CountLine]:
    """Every line of the count, in the order counted (or by item code)."""
    lines = (
        StockCountLine.select(Item.code, Item.name, StockCountLine.expected, StockCountLine.counted)
        .join(Item)
        .where(StockCountLine.count == count_id)
        .order_by(Item.code if by_item else StockCountLine.id)
    )
    rows = cast(Iterable[tuple[str, str, int, int]], lines.tuples())
    return [CountLine(*row) for row in rows]


def count_differences(count_id: int) -> list[CountLine]:
    """The lines of the count whose figures differ, by item code."""
    return [ln for ln in count_lines(count_id, by_item=True) if ln.expected != ln.counted]


def finalize_count(actor: Actor, clock: Clock, count_id: int) -> list[int]:
    """Book the differences of a count as `count` moves; a manager's act."""
    require(actor, "finalize_count")
    with database.atomic():  # BEGIN IMMEDIATE: a second finalize waits, then finds it done
        count = _open_count(count_id)
        now = clock.now()
        moves = [
            NewMove(
                line.code,
                line.counted - line.expected,
                "count",
                count=count.id,
                note=f"盘点：账面 {line.expected}，实盘 {line.counted}",
            )
            for line in count_differences(count.id)
        ]
        ids = append(actor.name, actor.station, now, moves)
        StockCount.update(finalized=stamp(now), finalized_by=actor.name).where(
            StockCount.id == count.id
        ).execute()
        audit.record(
            actor.name, actor.station, now, "count-finalize", f"{count.id}：{len(moves)} 项差异"
        )
    return ids


def _open_count(count_id: int) -> StockCount:
    count = StockCount.get_or_none(StockCount.id == count_id)
    if count is None:
        raise Refused("盘点单 {count} 不存在", count=count_id)
    if count.finalized:
        raise Refused("盘点单已于 {time} 确认，不能再改", time=count.finalized)
    return count


def receipt(number: int) -> Receipt:
    """Donation `number`'s receipt, read back from the books (to print it again)."""
    donation = Donation.get_or_none(Donation.id == number)
    if donation is None:
        raise Refused("捐赠收据 {receipt} 不存在", receipt=human(number))
    lines = (
        DonationLine.select(DonationLine, Item)
        .join(Item)
        .where(DonationLine.donation == number)
        .order_by(DonationLine.id)
    )
    station = Station.get_or_none(Station.code == donation.station)
    return Receipt(
        id=donation.id,
        station=station.name if station else donation.station,
        time=donation.time,
        donor=donation.donor.name,
        lines=tuple(
            ReceiptLine(ln.item.code, ln.item.name, ln.item.unit, ln.qty, ln.value_fen)
            for ln in lines
        ),
        cash_fen=donation.cash_fen,
        operator=donation.operator,
    )


def latest_donation(station: str) -> int | None:
    """The newest donation `station` took in (the receipt a till prints again)."""
    low, high = id_range(station)
    return database.execute_sql(
        "SELECT MAX(id) FROM donation WHERE id >= ? AND id < ?", (low, high)
    ).fetchone()[0]
