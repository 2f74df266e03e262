"""Goods: a station's own items, imports at the county and at a station, prices with history."""

from __future__ import annotations

import pytest

from catalog import barcodes
from catalog.loader import GoodsLine
from catalog.messages import Refused
from db.books import awards, goods, redemptions, stock
from db.books.catalog_at import item_price_at
from db.store.connection import database
from db.store.models import Audit, Barcode, Item, ItemPrice

LAROU = goods.NewItem("腊肉", "斤", "粮油副食", 3)


def test_a_manager_adds_an_item_with_the_stations_own_code_and_barcode(station):
    added = goods.add_local_item(station.manager, station.clock, LAROU)
    assert added.item.code == "L03-0001"
    assert added.barcode == barcodes.local_barcode("03", 1) == "2103000000013"
    assert barcodes.is_in_store(added.barcode) and barcodes.is_valid(added.barcode)
    assert Item.get_by_id("L03-0001").station == "451425-03"
    assert stock.find_item(added.barcode).name == "腊肉"  # a scanner finds it at once
    second = goods.add_local_item(
        station.manager, station.clock, goods.NewItem("土鸡蛋", "个", "", 1)
    )
    assert (second.item.code, second.item.category) == ("L03-0002", "其他")
    assert Audit.select().where(Audit.action == "item-add").count() == 2


def test_codes_and_barcodes_of_two_stations_never_meet():
    made = {
        (barcodes.local_code(nn, n), barcodes.local_barcode(nn, n))
        for nn in ("00", "03", "04", "30", "99")
        for n in (1, 2, 9999)
    }
    assert len({c for c, _ in made}) == len({b for _, b in made}) == len(made)
    assert all(barcodes.local_owner(b) == c[1:3] for c, b in made)
    assert barcodes.local_owner("2000000000015") is None  # the county's own prefix 20
    assert barcodes.local_owner("G001") is None


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (goods.NewItem("", "斤", "", 30), "请填写商品名称"),
        (goods.NewItem("腊\x1b肉", "斤", "", 30), "控制字符"),
        (goods.NewItem("腊肉", "", "", 30), "请填写单位"),
        (goods.NewItem("腊肉", "斤", "", 0), "积分价应为 1 到 100000 的整数"),
        (goods.NewItem("腊肉", "斤", "", 9_999_999), "积分价应为 1 到 100000 的整数"),
        (
            goods.NewItem("大米（10 公斤）", "袋", "", 50),
            "已有同名商品“大米（10 公斤）”（编码 G001）",
        ),
    ],
)
def test_bad_new_items_are_refused(station, new, reason):
    with pytest.raises(Refused, match=reason):
        goods.add_local_item(station.manager, station.clock, new)
    assert Item.select().where(Item.station.is_null(False)).count() == 0


def test_only_a_manager_adds_items(station):
    with pytest.raises(Refused, match="无权修改商品和积分项目"):
        goods.add_local_item(station.clerk, station.clock, LAROU)


def test_a_price_change_keeps_the_history_and_past_redemptions(station):
    code = goods.add_local_item(station.manager, station.clock, LAROU).item.code
    stock.take_donation(station.clerk, station.clock, "某人", [(code, 5, 0)])
    for task in ("GY02", "XF04"):
        awards.award(station.manager, station.clock, "1012010001", task)
    before = redemptions.redeem(station.clerk, station.clock, "1012010001", [(code, 1)])
    change = goods.change_price(station.manager, station.clock, code, 4)
    assert (change.old_price, change.price) == (3, 4)
    after = redemptions.redeem(station.clerk, station.clock, "1012010001", [(code, 1)])
    assert (before.total, after.total) == (3, 4)
    assert redemptions.slip(before.id).total == 3  # the past redemption keeps its price
    assert [(p.old_price, p.price) for p in goods.price_history(code)] == [(3, 4)]

    def at(time):
        sql = f"SELECT {item_price_at(':item', ':time')}"
        return database.execute_sql(sql, {"item": code, "time": time}).fetchone()[0]

    assert at(before.time) == 3
    assert at(after.time) == 4
    assert at("2000-01-01 00:00:00") == 3  # before any change: the price the change replaced


def test_item_price_rows_are_immutable(station):
    code = goods.add_local_item(station.manager, station.clock, LAROU).item.code
    goods.change_price(station.manager, station.clock, code, 4)
    with pytest.raises(Exception, match="immutable"):
        ItemPrice.update(price=1).execute()
    with pytest.raises(Exception, match="immutable"):
        ItemPrice.delete().execute()


@pytest.mark.parametrize(
    ("code", "price", "who", "reason"),
    [
        ("G001", 60, "manager", "属于县目录，积分价由县扶贫办调整"),
        ("NOPE", 60, "manager", "没有编码为 NOPE 的商品"),
        ("L03-0001", 3, "manager", "积分价已经是 3 分"),
        ("L03-0001", 0, "manager", "积分价应为 1 到"),
        ("L03-0001", 40, "clerk", "无权修改商品和积分项目"),
    ],
)
def test_bad_price_changes_are_refused(station, code, price, who, reason):
    goods.add_local_item(station.manager, station.clock, LAROU)
    with pytest.raises(Refused, match=reason):
        goods.change_price(getattr(station, who), station.clock, code, price)
    assert ItemPrice.select().count() == 0


def line(code, name, price, barcode=(), unit="斤"):
    return GoodsLine(code, tuple(barcode), name, unit, "其他", price, 0)


def test_a_station_imports_its_own_goods(station):
    done = goods.import_goods(
        station.manager, station.clock, [line("", "腊肉", 30), line("", "土蜂蜜", 45, unit="瓶")]
    )
    assert done.added == ("L03-0001", "L03-0002")
    again = goods.import_goods(
        station.manager,
        station.clock,
        [line("L03-0001", "腊肉", 35), line("L03-0002", "土蜂蜜", 45, unit="瓶")],
    )
    assert (again.added, again.changed, again.repriced) == ((), (), ("L03-0001",))
    assert Item.get_by_id("L03-0001").price == 35
    assert goods.price_history("L03-0001")[0].old_price == 30


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([line("G001", "大米", 50)], "编码 G001 不是本站自有商品的编码"),
        ([line("L04-0001", "腊肉", 30)], "编码 L04-0001 不是本站自有商品的编码"),
        ([line("L03-0009", "腊肉", 30)], "本站没有编码为 L03-0009 的自有商品"),
        ([line("", "腊肉", 30, ["6901234567892"])], "条码由系统生成"),
        ([line("", "腊肉", 30), line("", "腊\x07肉", 30)], "控制字符"),
    ],
)
def test_bad_station_imports_change_nothing(station, lines, reason):
    with pytest.raises(Refused, match=reason):
        goods.import_goods(station.manager, station.clock, lines)
    assert Item.select().where(Item.station.is_null(False)).count() == 0


def test_the_county_imports_its_catalog_and_reprices_with_history(station):
    # the test station's books stand in for the county's: its own station made the county's
    from db.store.models import Station

    Station.update(kind="county").where(Station.code == "451425-03").execute()
    county = station.manager.__class__("county", "county", "451425-03")
    done = goods.import_goods(
        county,
        station.clock,
        [
            line("G001", "大米（10 公斤）", 55, ["2000000000015"], "袋"),
            line("X01", "挂面", 8, ["6901234567892"]),
        ],
    )
    assert (done.added, done.repriced) == (("X01",), ("G001",))
    assert Barcode.get_by_id("6901234567892").item_id == "X01"
    with pytest.raises(Refused, match="留给站点自有的商品"):
        goods.import_goods(county, station.clock, [line("L03-0001", "腊肉", 30)])
    with pytest.raises(Refused, match="以 21 开头"):
        goods.import_goods(county, station.clock, [line("X02", "腊肉", 30, ["2103000000013"])])
    with pytest.raises(Refused, match="无权"):
        goods.import_goods(station.manager, station.clock, [line("X03", "面", 3)])
