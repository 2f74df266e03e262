"""A station's own goods in its month file, and their price changes (docs/design.md §4.9)."""

from __future__ import annotations

from catalog.messages import N_
from db.books.catalog_at import item_price_at
from db.books.goods import MAX_PRICE
from db.exchange.month_parts.rules import OWN, SENDER, Part, Rule, in_month

# A station's own goods (item.station = the station): the code its number gives (L03-0001),
# the ones the file's rows use or reprice, each at its price at the end of the month.
LOCAL_CODE = "code GLOB 'L' || substr(:me, 8, 2) || '-[0-9][0-9][0-9][0-9]'"
USED_ITEMS = (
    "SELECT item_id FROM {f}redemption_line UNION SELECT item_id FROM {f}donation_line "
    "UNION SELECT item_id FROM {f}stock_move UNION SELECT item_id FROM {f}stock_count_line "
    "UNION SELECT item_id FROM {f}item_price"
)
ITEM_COLUMNS = (
    "code, name, unit, category, "
    f"{item_price_at('code', ':end', current='price')}, reorder_level, active, initials, station"
)
PARTS: tuple[Part, ...] = (
    # A price change of one of the station's own goods, made in the month.
    Part(
        "item_price",
        (
            OWN,
            in_month("since"),
            Rule(
                "not_own_item",
                "item_id IN (SELECT code FROM item WHERE station = :me)",
                N_("调价的不是本站自有的商品"),
            ),
        ),
        (
            SENDER,
            Rule(
                "bad_price",
                f"old_price BETWEEN 1 AND {MAX_PRICE} AND price BETWEEN 1 AND {MAX_PRICE} "
                "AND old_price <> price",
                N_("调价前后的积分价不对"),
            ),
            Rule("orphan", "item_id IN (SELECT code FROM {f}item)", N_("调价的商品不在文件里")),
        ),
    ),
    Part(
        "item",
        (
            Rule("not_sender", "station = :me", N_("不是本站自有的商品")),
            Rule("unused", f"code IN ({USED_ITEMS})", N_("本月没有用到这个商品")),
        ),
        (
            Rule("item_code", LOCAL_CODE, N_("编码不是本站自有商品的编码")),
            Rule(
                "item_fields",
                f"price BETWEEN 1 AND {MAX_PRICE} AND name <> '' AND unit <> '' "
                "AND category <> '' AND reorder_level >= 0 AND active IN (0, 1)",
                N_("名称、单位、类别、积分价或补货线不对"),
            ),
        ),
        columns=ITEM_COLUMNS,
    ),
)
