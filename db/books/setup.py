"""Setting up an installation: its county, its own station, the roster's places, the catalogs."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import cast

from catalog.loader import GoodsLine, TaskLine
from catalog.messages import N_, Refused
from catalog.pinyin import goods_initials, match_rank
from db.books.catalog_at import ALWAYS
from db.books.views import StationView, VillageView
from db.store import chain
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import station_number
from db.store.models import (
    STATION_KINDS,
    Barcode,
    County,
    Group,
    Item,
    Setting,
    Station,
    Task,
    TaskValue,
    Township,
    Village,
)

KIND_NAMES = {
    "shop": N_("乡镇爱心超市"),
    "mobile": N_("流动超市"),
    "village": N_("村级服务点"),
    "county": N_("县扶贫办"),
}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    parent: str = ""  # township of a village, village of a group


def new_key() -> str:
    return secrets.token_hex(32)


def add_county(
    code: str, name: str, *, card_key: str | None = None, fen_per_point: int = 100
) -> County:
    if not re.match(r"^\d{6}$", code):
        raise Refused("县代码应为 6 位数字（GB/T 2260），而不是 {code}", code=code)
    if not name.strip():
        raise Refused("县名不能为空")
    if isinstance(fen_per_point, bool) or not isinstance(fen_per_point, int) or fen_per_point <= 0:
        raise Refused("每分折合金额应为正整数（分）")
    return County.create(
        code=code, name=name.strip(), fen_per_point=fen_per_point, card_key=card_key or new_key()
    )


def add_station(
    clock: Clock,
    county: County,
    code: str,
    name: str,
    kind: str,
    *,
    key: str | None = None,
    chain_head: str = chain.GENESIS,
) -> Station:
    station_number(code)
    if not code.startswith(county.code + "-"):
        raise Refused("站点 {code} 不属于县 {county}", code=code, county=county.code)
    if kind not in STATION_KINDS:
        raise Refused("站点类型应为 shop、mobile、village 或 county，而不是 {kind}", kind=kind)
    if Station.get_or_none(Station.code == code):
        raise Refused("站点 {code} 已经存在", code=code)
    return Station.create(
        code=code,
        county=county,
        name=name.strip() or code,
        kind=kind,
        key=key or new_key(),
        enrolled=stamp(clock.now()),
        chain_head=chain_head,
    )


def make_local(station: Station) -> None:
    """Mark `station` as this installation's own."""
    if Setting.get_or_none(Setting.name == "station"):
        raise Refused("这个数据库已经设置过站点，不能再设置")
    Setting.create(name="station", value=station.code)


def local_station() -> Station:
    row = Setting.get_or_none(Setting.name == "station")
    if row is None:
        raise Refused("这个数据库还没有设置站点，请先运行 aixin init 或 aixin demo")
    return Station.get_by_id(row.value)


def refuse_shared_catalog() -> None:
    """In a database of several counties (docs/design.md §6.7) the rules sheet and the goods
    are one, shared: no county changes them for the others."""
    count = County.select().count()
    if count > 1:
        raise Refused(
            "这个数据库有 {count} 个县，共用一份积分细则和商品目录：一个县不能替其他县修改",
            count=count,
        )


def here() -> StationView:
    """This installation's own station, as the screens and commands show it."""
    station = local_station()
    return StationView(station.code, station.name, station.kind, station.county_id)


def add_places(
    townships: Iterable[Place], villages: Iterable[Place], groups: Iterable[Place] = ()
) -> None:
    """Add or rename the roster's townships, villages and groups."""
    with database.atomic():
        for model, places, parent in (
            (Township, townships, None),
            (Village, villages, "township"),
            (Group, groups, "village"),
        ):
            rows = [
                {"code": p.code, "name": p.name, **({parent: p.parent} if parent else {})}
                for p in places
            ]
            if rows:
                update = {
                    "name": model.name,
                    **({parent: getattr(model, parent)} if parent else {}),
                }
                model.insert_many(rows).on_conflict(
                    conflict_target=[model.code], preserve=list(update.values())
                ).execute()


def load_catalogs(tasks: Iterable[TaskLine], goods: Iterable[GoodsLine]) -> None:
    """Add or update tasks and goods; stock figures are left as they are."""
    with database.atomic():
        for t in tasks:
            Task.insert(
                code=t.code,
                name=t.name,
                category=t.category,
                points=t.points,
                unit=t.unit,
                cap=t.cap,
                active=True,
            ).on_conflict(
                conflict_target=[Task.code],
                preserve=[Task.name, Task.category, Task.points, Task.unit, Task.cap, Task.active],
            ).execute()
            # New books: the value holds from the start. The county's later changes keep
            # their history through db/books/rules.py.
            TaskValue.insert(
                task=t.code, since=ALWAYS, points=t.points, cap=t.cap, per=t.per
            ).on_conflict_ignore().execute()
        for g in goods:
            Item.insert(
                code=g.code,
                name=g.name,
                unit=g.unit,
                category=g.category,
                price=g.price,
                reorder_level=g.reorder_level,
                active=True,
                initials=goods_initials(g.name),
                stock=0,
            ).on_conflict(
                conflict_target=[Item.code],
                preserve=[
                    Item.name,
                    Item.unit,
                    Item.category,
                    Item.price,
                    Item.reorder_level,
                    Item.active,
                    Item.initials,
                ],
            ).execute()
            for barcode in g.barcodes:
                owner = Barcode.get_or_none(Barcode.code == barcode)
                if owner and owner.item_id != g.code:
                    raise Refused(
                        "条码 {barcode} 已属于商品 {code}", barcode=barcode, code=owner.item_id
                    )
                Barcode.insert(code=barcode, item=g.code).on_conflict_ignore().execute()


def setting(name: str) -> str | None:
    """A fact about this installation (`Setting`), e.g. 'idle_minutes'; None when not set."""
    row = Setting.get_or_none(Setting.name == name)
    return row.value if row else None


def search_villages(text: str, *, within: Collection[str] | None = None) -> list[VillageView]:
    """Villages by code, pinyin initials ('ll' 陇林村) or name, best match first, then in code
    order; `within`: the
    villages a cadre may score."""
    text = text.strip().lower()
    query = Village.select(Village.code, Village.name, Township.name).join(Township)
    if within is not None:
        query = query.where(Village.code.in_(list(within)))
    rows = cast(Iterable[tuple[str, str, str]], query.tuples())
    ranked = [
        (rank, code, VillageView(code, name, township))
        for code, name, township in rows
        if (rank := match_rank(text, code, name)) is not None
    ]
    return [view for _rank, _code, view in sorted(ranked, key=lambda r: r[:2])]


def village(code: str) -> VillageView:
    row = (
        Village.select(Village.code, Village.name, Township.name)
        .join(Township)
        .where(Village.code == code)
        .tuples()
        .first()
    )
    if row is None:
        raise Refused("村代码 {code} 不存在", code=code)
    return VillageView(*row)


def groups(village: str) -> list[Place]:
    """The groups (组/屯) of a village, in code order."""
    query = Group.select().where(Group.village == village).order_by(Group.code)
    return [Place(g.code, g.name, g.village_id) for g in query]
