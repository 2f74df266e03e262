"""The shop's work in the field in a month file: transfers, visits and hand-outs (docs/design.md
§6.6)."""

from __future__ import annotations

from catalog.messages import N_
from db.books.stock import MAX_QTY as MAX_GOODS_QTY
from db.exchange.month_parts.rules import OWN, SENDER, Part, Rule, in_month, sql_list
from db.store.models import HOUSEHOLD_CATEGORIES

# The shop's work in the field (migration 0010). A transfer travels in its sender's file and,
# once received, in its receiver's too (with the receipt): the same rows under the sender's
# ids, which the merge holds to be the same content. What needs an earlier month (an event
# or a visit of a month before) is checked at the county (db.county.field_checks).
RECEIVED = "SELECT transfer_id FROM {f}transfer_receipt"
TRANSFER_MOVES = (
    "SELECT m.id, t.id FROM {f}stock_move AS m JOIN {f}transfer_line AS l "
    "ON l.item_id = m.item_id JOIN {f}transfer AS t ON t.id = l.transfer_id "
    "WHERE m.kind = 'transfer' AND ((t.sender = :me AND m.qty = -l.qty) "
    "OR (t.receiver = :me AND m.qty = l.qty))"
)
PARTS: tuple[Part, ...] = (
    Part(
        "transfer_receipt",
        (Rule("not_sender", "station = :me", N_("不是本站的入库")), in_month("time")),
        (
            Rule(
                "receipt_own",
                "transfer_id < :low OR transfer_id >= :high",
                N_("本站调出的货不能由本站入库"),
            ),
        ),
    ),
    Part(
        "transfer",
        (
            Rule(
                "not_own_id",
                "(sender = :me AND id >= :low AND id < :high AND time >= :start "
                f"AND time < :end) OR id IN ({RECEIVED})",
                N_("不是本站本月调出的，也不是本站本月入库的"),
            ),
        ),
        (
            Rule("outside_month", "time < :end", N_("时间不在本月")),
            Rule(
                "transfer_ends",
                f"sender <> receiver AND (sender = :me OR (receiver = :me AND id IN ({RECEIVED})))"
                " AND substr(receiver, 1, 6) = substr(:me, 1, 6) AND length(receiver) = 9",
                N_("调出站或调入站不对"),
            ),
            Rule(
                "transfer_lines",
                "id IN (SELECT transfer_id FROM {f}transfer_line GROUP BY 1 "
                "HAVING COUNT(*) <= 200)",
                N_("调拨单没有明细，或明细太多"),
            ),
        ),
    ),
    Part(
        "transfer_line",
        (Rule("orphan", "transfer_id IN (SELECT id FROM {f}transfer)", N_("没有对应的调拨单")),),
        (
            Rule(
                "not_own_id", "id / 10000000000 = transfer_id / 10000000000", N_("编号不是调出站的")
            ),
            Rule("bad_quantity", f"qty BETWEEN 1 AND {MAX_GOODS_QTY}", N_("数量超出范围")),
            Rule(
                "line_twice",
                "(transfer_id, item_id) NOT IN (SELECT transfer_id, item_id FROM "
                "{f}transfer_line GROUP BY 1, 2 HAVING COUNT(*) > 1)",
                N_("同一调拨单里同一商品有不止一行"),
            ),
        ),
    ),
    Part(
        "transfer_move",
        (
            Rule(
                "orphan",
                "move_id IN (SELECT id FROM {f}stock_move WHERE kind = 'transfer')",
                N_("没有对应的调拨出入库"),
            ),
        ),
        (
            Rule(
                "move_transfer",
                f"(move_id, transfer_id) IN ({TRANSFER_MOVES})",
                N_("与调拨明细不符"),
            ),
        ),
    ),
    Part(
        "visit",
        (OWN, in_month("opened")),
        (
            SENDER,
            Rule("visit_day", "length(day) = 10 AND date(day) = day", N_("日期不对")),
        ),
        columns="id, village_id, day, operator, station, opened",
    ),
    Part(
        "visit_redemption",
        (
            Rule(
                "orphan",
                "redemption_id IN (SELECT id FROM {f}redemption)",
                N_("没有对应的兑换单"),
            ),
        ),
    ),
    Part(
        "event",
        (OWN, in_month("time")),
        (
            Rule("not_sender", "station = :me", N_("记录的站点不是发文件的站点")),
            Rule(
                "event_shape",
                "length(starts) = 10 AND date(starts) = starts AND length(ends) = 10 "
                "AND date(ends) = ends AND ends >= starts AND points BETWEEN 0 AND 10000 "
                "AND (points > 0 OR id IN (SELECT event_id FROM {f}event_item))",
                N_("日期、积分或慰问品不对"),
            ),
        ),
    ),
    Part(
        "event_rule",
        (Rule("orphan", "event_id IN (SELECT id FROM {f}event)", N_("没有对应的慰问活动")),),
        (
            Rule(
                "event_rule",
                f"kind IN ('village', 'household') OR (kind = 'category' AND value IN "
                f"{sql_list(HOUSEHOLD_CATEGORIES)})",
                N_("名单的类型或户类别不认识"),
            ),
        ),
    ),
    Part(
        "event_item",
        (Rule("orphan", "event_id IN (SELECT id FROM {f}event)", N_("没有对应的慰问活动")),),
        (Rule("bad_quantity", f"qty BETWEEN 1 AND {MAX_GOODS_QTY}", N_("数量超出范围")),),
    ),
    Part(
        "handout",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                "handout_entry",
                "entry_id IS NULL OR (entry_id, household_id, time) IN (SELECT id, "
                "household_id, time FROM {f}ledger_entry WHERE kind = 'handout')",
                N_("慰问积分条目不对"),
            ),
            Rule(
                "handout_twice",
                "(event_id, household_id) NOT IN (SELECT event_id, household_id FROM "
                "{f}handout GROUP BY 1, 2 HAVING COUNT(*) > 1)",
                N_("同一户领了同一慰问不止一次"),
            ),
        ),
    ),
    Part(
        "handout_line",
        (Rule("orphan", "handout_id IN (SELECT id FROM {f}handout)", N_("没有对应的慰问发放")),),
        (
            OWN,
            Rule("bad_quantity", f"qty BETWEEN 1 AND {MAX_GOODS_QTY}", N_("数量超出范围")),
            Rule(
                "line_moves",
                "(move_id, item_id, -qty) IN (SELECT id, item_id, qty FROM {f}stock_move "
                "WHERE kind = 'handout')",
                N_("与慰问出库记录不符"),
            ),
        ),
    ),
)
