"""The goods catalog and its prices: imports, a station's own items, price changes (明码标分).

At the county the catalog is the county's, sent to every station in setup and update files;
at a station, goods the county did not list are the station's own (`item.station`), with a
code and an in-store barcode derived from the station's number (catalog.barcodes), so they
never clash with another station's and reach the county in the station's month files. A price
changes only where the item belongs, and every change is kept (`item_price`): the price at a
moment is answered by db.books.catalog_at.item_price_at; a redemption keeps the price it was
made at on its own lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog import barcodes
from catalog.loader import GoodsLine
from catalog.messages import N_, Message, Refused
from catalog.pinyin import goods_initials
from db.books import views
from db.books.auth import Actor, require
from db.books.setup import local_station, refuse_shared_catalog
from db.books.views import ItemView
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import next_ids
from db.store.models import Barcode, Item, ItemPrice, Station

MAX_PRICE = 100_000  # points: far above any shop's dearest item, below a barcode typed in
MAX_NAME = 40


@dataclass(frozen=True)
class NewItem:
    """What a manager says of an item the shop has never seen."""

    name: str
    unit: str
    category: str
    price: int
    reorder_level: int = 0


@dataclass(frozen=True)
class LocalItem:
    item: ItemView
    barcode: str


@dataclass(frozen=True)
class Imported:
    added: tuple[str, ...]  # codes
    changed: tuple[str, ...]  # codes whose name, unit, category, price or barcodes changed
    repriced: tuple[str, ...]  # of those, codes whose price changed (kept in the history)


@dataclass(frozen=True)
class PriceChange:
    code: str
    name: str
    old_price: int
    price: int
    since: str


@dataclass(frozen=True)
class PriceView:
    since: str
    old_price: int
    price: int
    operator: str
    station: str


def _here(actor: Actor) -> Station:
    station = local_station()
    if station.kind == "county":
        require(actor, "county")
        refuse_shared_catalog()
    else:
        require(actor, "edit_catalog")
    return station


def plain_name(text: str, what: Message) -> str:
    """A name as people read it: one line, no control characters, not empty, not too long."""
    name = text.strip()
    if any(not c.isprintable() for c in name):
        raise Refused("{what}里有控制字符（可能是扫码枪带进来的），请重新输入", what=what)
    if not name:
        raise Refused("请填写{what}", what=what)
    if len(name) > MAX_NAME:
        raise Refused("{what}最多 {most} 个字", what=what, most=MAX_NAME)
    return name


def _price(price: object) -> int:
    if isinstance(price, bool) or not isinstance(price, int) or not 0 < price <= MAX_PRICE:
        raise Refused("积分价应为 1 到 {most} 的整数，而不是“{price}”", most=MAX_PRICE, price=price)
    return price


def _checked(new: NewItem) -> NewItem:
    name = plain_name(new.name, Message(N_("商品名称")))
    unit = plain_name(new.unit, Message(N_("单位")))
    category = plain_name(new.category or "其他", Message(N_("类别")))
    reorder = new.reorder_level
    if isinstance(reorder, bool) or not isinstance(reorder, int) or not 0 <= reorder <= 99_999:
        raise Refused("补货线应为 0 到 99999 的整数")
    return NewItem(name, unit, category, _price(new.price), reorder)


def _local_numbers(station: Station, count: int) -> list[int]:
    """The next `count` numbers of the station's own items. Inside the write transaction."""
    nn = station.code[-2:]
    top = database.execute_sql(
        "SELECT MAX(code) FROM item WHERE code >= ? AND code <= ?",
        (barcodes.local_code(nn, 0), barcodes.local_code(nn, barcodes.LOCAL_MOST)),
    ).fetchone()[0]
    start = int(top[-4:]) + 1 if top else 1
    if start + count - 1 > barcodes.LOCAL_MOST:
        raise Refused("本站自有商品的编码已用尽（最多 {most} 种）", most=barcodes.LOCAL_MOST)
    return list(range(start, start + count))


def _insert_local(station: Station, number: int, new: NewItem) -> tuple[str, str]:
    nn = station.code[-2:]
    code, barcode = barcodes.local_code(nn, number), barcodes.local_barcode(nn, number)
    _refuse_same_name(new.name)
    Item.create(
        code=code,
        name=new.name,
        unit=new.unit,
        category=new.category,
        price=new.price,
        reorder_level=new.reorder_level,
        active=True,
        initials=goods_initials(new.name),
        stock=0,
        station=station.code,
    )
    owner = Barcode.get_or_none(Barcode.code == barcode)
    if owner is not None:  # only a tampered book holds it: refuse rather than take it over
        raise Refused("条码 {barcode} 已属于商品 {code}", barcode=barcode, code=owner.item_id)
    Barcode.create(code=barcode, item=code)
    return code, barcode


def _refuse_same_name(name: str, code: str | None = None) -> None:
    twin = Item.get_or_none((Item.name == name) & (Item.active == 1) & (Item.code != (code or "")))
    if twin is not None:
        raise Refused("已有同名商品“{name}”（编码 {code}），请直接用它", name=name, code=twin.code)


def add_local_item(actor: Actor, clock: Clock, new: NewItem) -> LocalItem:
    """A manager adds an item the shop has never seen (a donation of 腊肉): it gets the
    station's next own code and in-store barcode."""
    station = _here(actor)
    if station.kind == "county":
        raise Refused("县里的商品目录用 aixin catalog import 导入")
    new = _checked(new)
    with database.atomic():
        [number] = _local_numbers(station, 1)
        code, barcode = _insert_local(station, number, new)
        audit.record(
            actor.name, station.code, clock.now(), "item-add", f"{code} {new.name} {new.price}"
        )
    return LocalItem(views.item(Item.get_by_id(code)), barcode)


def import_goods(actor: Actor, clock: Clock, lines: Iterable[GoodsLine]) -> Imported:
    """Load goods from a file: at the county its catalog, at a station its own goods (lines
    without a code become new items with the station's next codes). All or nothing."""
    station = _here(actor)
    lines = list(lines)
    if station.kind == "county":
        return _import_county(actor, clock, station, lines)
    return _import_local(actor, clock, station, lines)


def _import_county(
    actor: Actor, clock: Clock, station: Station, lines: list[GoodsLine]
) -> Imported:
    for line in lines:
        if barcodes.local_owner(line.code) is not None:
            raise Refused("编码 {code} 留给站点自有的商品，县目录请用别的编码", code=line.code)
        for barcode in line.barcodes:
            if barcodes.local_owner(barcode) is not None:
                raise Refused(
                    "条码 {barcode} 以 21 开头，留给站点自有的商品，县目录请用 20 或 22–29",
                    barcode=barcode,
                )
    added, changed, repriced = [], [], []
    with database.atomic():
        now = clock.now()
        for line in lines:
            item = Item.get_or_none(Item.code == line.code)
            if item is not None and item.station is not None:
                raise Refused(
                    "编码 {code} 已是站点 {station} 自有的商品",
                    code=line.code,
                    station=item.station,
                )
            for barcode in line.barcodes:
                owner = Barcode.get_or_none(Barcode.code == barcode)
                if owner and owner.item_id != line.code:
                    raise Refused(
                        "条码 {barcode} 已属于商品 {code}", barcode=barcode, code=owner.item_id
                    )
            if item is None:
                _insert(line, None)
                added.append(line.code)
                continue
            if _update(item, line):
                changed.append(line.code)
            if item.price != line.price:
                _record_price(actor, station.code, now, item, line.price)
                repriced.append(line.code)
        audit.record(
            actor.name,
            station.code,
            now,
            "catalog-import",
            # data, not a sentence: counts of goods added, changed and repriced
            f"added {len(added)} changed {len(changed)} repriced {len(repriced)}",
        )
    return Imported(tuple(added), tuple(changed), tuple(repriced))


def _import_local(actor: Actor, clock: Clock, station: Station, lines: list[GoodsLine]) -> Imported:
    nn = station.code[-2:]
    for line in lines:
        if line.code and barcodes.local_owner(line.code) != nn:
            raise Refused(
                "编码 {code} 不是本站自有商品的编码：县目录的商品由县里导入；新商品请把编码留空",
                code=line.code,
            )
    added, changed, repriced = [], [], []
    with database.atomic():
        now = clock.now()
        fresh = [line for line in lines if not line.code]
        numbers = _local_numbers(station, len(fresh)) if fresh else []
        for number, line in zip(numbers, fresh, strict=True):
            if line.barcodes:
                raise Refused("新商品“{name}”的条码由系统生成，请把条码一栏留空", name=line.name)
            code, _ = _insert_local(station, number, _checked(_new(line)))
            added.append(code)
        for line in lines:
            if not line.code:
                continue
            item = Item.get_or_none(Item.code == line.code)
            if item is None:
                raise Refused(
                    "本站没有编码为 {code} 的自有商品；新商品请把编码留空", code=line.code
                )
            own = {b.code for b in Barcode.select().where(Barcode.item == item.code)}
            if set(line.barcodes) - own:
                raise Refused("商品 {code} 的条码由系统生成，不能改", code=line.code)
            _checked(_new(line))
            if _update(item, line, keep_barcodes=True):
                changed.append(line.code)
            if item.price != line.price:
                _record_price(actor, station.code, now, item, line.price)
                repriced.append(line.code)
        audit.record(
            actor.name,
            station.code,
            now,
            "catalog-import",
            f"local added {len(added)} changed {len(changed)} repriced {len(repriced)}",
        )
    return Imported(tuple(added), tuple(changed), tuple(repriced))


def _new(line: GoodsLine) -> NewItem:
    return NewItem(line.name, line.unit, line.category, line.price, line.reorder_level)


def _insert(line: GoodsLine, station: str | None) -> None:
    Item.create(
        code=line.code,
        name=line.name,
        unit=line.unit,
        category=line.category,
        price=line.price,
        reorder_level=line.reorder_level,
        active=True,
        initials=goods_initials(line.name),
        stock=0,
        station=station,
    )
    for barcode in line.barcodes:
        Barcode.create(code=barcode, item=line.code)


def _update(item: Item, line: GoodsLine, *, keep_barcodes: bool = False) -> bool:
    """Name, unit, category, reorder level and barcodes as the line says (the price through
    `_record_price`); True when anything but the price changed."""
    fields = {
        "name": line.name,
        "unit": line.unit,
        "category": line.category,
        "reorder_level": line.reorder_level,
        "active": True,
        "initials": goods_initials(line.name),
    }
    differs = any(getattr(item, k) != v for k, v in fields.items())
    if differs:
        Item.update(**fields).where(Item.code == item.code).execute()
    if not keep_barcodes:
        for barcode in line.barcodes:
            if Barcode.insert(code=barcode, item=item.code).on_conflict_ignore().execute():
                differs = True
    return differs


def _record_price(actor: Actor, station: str, now, item: Item, price: int) -> PriceChange:
    since = stamp(now)
    last = (
        ItemPrice.select(ItemPrice.since)
        .where(ItemPrice.item == item.code)
        .order_by(ItemPrice.since.desc())
        .first()
    )
    if last is not None and last.since > since:
        raise Refused(
            "商品 {code} 上次调价在 {time}，晚于现在的时钟 {now}：请先校正时钟",
            code=item.code,
            time=last.since,
            now=since,
        )
    [number] = next_ids(ItemPrice, station, 1)
    ItemPrice.create(
        id=number,
        item=item.code,
        since=since,
        old_price=item.price,
        price=price,
        operator=actor.name,
        station=station,
    )
    Item.update(price=price).where(Item.code == item.code).execute()
    return PriceChange(item.code, item.name, item.price, price, since)


def change_price(actor: Actor, clock: Clock, code: str, price: object) -> PriceChange:
    """明码标分: the item's price from now on; the old one stays in its history."""
    station = _here(actor)
    price = _price(price)
    item = Item.get_or_none(Item.code == code.strip().upper())
    if item is None:
        raise Refused("没有编码为 {code} 的商品", code=code.strip())
    if station.kind == "county" and item.station is not None:
        raise Refused(
            "商品 {code} 是站点 {station} 自有的商品，积分价由该站调整",
            code=item.code,
            station=item.station,
        )
    if station.kind != "county" and item.station != station.code:
        raise Refused(
            "商品 {code} 属于县目录，积分价由县扶贫办调整，再随更新文件下发", code=item.code
        )
    if item.price == price:
        raise Refused("商品 {code} 的积分价已经是 {price} 分", code=item.code, price=price)
    with database.atomic():
        now = clock.now()
        change = _record_price(actor, station.code, now, item, price)
        audit.record(
            actor.name, station.code, now, "price", f"{item.code} {change.old_price} → {price}"
        )
    return change


def categories() -> list[str]:
    """The goods categories in use, in order, with 其他 (other) among them."""
    rows = database.execute_sql("SELECT DISTINCT category FROM item").fetchall()
    return sorted({str(c) for (c,) in rows} | {"其他"})


def price_history(code: str) -> list[PriceView]:
    """Every price change of item `code`, oldest first."""
    rows = ItemPrice.select().where(ItemPrice.item == code).order_by(ItemPrice.since, ItemPrice.id)
    return [PriceView(r.since, r.old_price, r.price, r.operator, r.station) for r in rows]


def printable_items(codes: Iterable[str]) -> list[tuple[ItemView, str]]:
    """Each item of `codes` (a code or a barcode) with the barcode its label carries: its
    in-store barcode (prefix 20–29) if it has one, else its first."""
    found = []
    for text in codes:
        typed = text.strip().upper()
        barcode = Barcode.get_or_none(Barcode.code == typed)
        item = barcode.item if barcode else Item.get_or_none(Item.code == typed)
        if item is None:
            raise Refused("没有条码或编码为 {code} 的商品", code=text.strip())
        own = sorted(b.code for b in Barcode.select().where(Barcode.item == item.code))
        if not own:
            raise Refused("商品 {code} 没有条码，不能打印条码标签", code=item.code)
        shop = [b for b in own if barcodes.is_in_store(b)]
        found.append((views.item(item), (shop or own)[0]))
    return found
