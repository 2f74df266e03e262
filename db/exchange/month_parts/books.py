"""The points and the goods of the month: the roster, cards, entries, donations, redemptions,
counts and stock moves a month file holds, and what each row satisfies (docs/design.md §6.2)."""

from __future__ import annotations

from catalog.messages import N_
from db.books.awards import MAX_QTY as MAX_AWARD_QTY
from db.books.households import MAX_MEMBERS
from db.books.redemptions import MAX_LINES
from db.books.stock import MAX_QTY as MAX_GOODS_QTY
from db.exchange.month_parts.rules import (
    EARLIER_OWN,
    OWN,
    REVERSED_ONCE,
    SENDER,
    Part,
    Rule,
    in_month,
    sql_list,
)
from db.store.models import ENTRY_KINDS, HOUSEHOLD_CATEGORIES, HOUSEHOLD_STATUSES, MOVE_KINDS

# A redemption's lines and its stock moves: one move for each line, of the same item and the
# quantity negated, and neither side names an item twice (the services book one line an item).
LINE_MOVED = (
    "(redemption_id, item_id, -qty) IN (SELECT redemption_id, item_id, qty FROM {f}stock_move "
    "WHERE kind = 'redemption' AND reverses_id IS NULL) AND (redemption_id, item_id) NOT IN "
    "(SELECT redemption_id, item_id FROM {f}redemption_line GROUP BY 1, 2 HAVING COUNT(*) > 1)"
)
MOVE_LINED = (
    "(redemption_id, item_id, -qty) IN (SELECT redemption_id, item_id, qty FROM "
    "{f}redemption_line) AND (redemption_id, item_id) NOT IN (SELECT redemption_id, item_id "
    "FROM {f}stock_move WHERE kind = 'redemption' AND reverses_id IS NULL GROUP BY 1, 2 "
    "HAVING COUNT(*) > 1)"
)
# A donation's lines and its moves, compared per (donation, item) — a donation may list an
# item twice: same quantity in total and the same number of rows.
DONATED = (
    "SELECT l.donation_id, l.item_id FROM (SELECT donation_id, item_id, SUM(qty) AS qty, "
    "COUNT(*) AS n FROM {f}donation_line GROUP BY 1, 2) AS l JOIN (SELECT donation_id, "
    "item_id, SUM(qty) AS qty, COUNT(*) AS n FROM {f}stock_move WHERE kind = 'donation' "
    "GROUP BY 1, 2) AS m ON m.donation_id = l.donation_id AND m.item_id = l.item_id "
    "WHERE m.qty = l.qty AND m.n = l.n"
)
ENTRY_SHAPE = (
    "CASE kind "
    "WHEN 'award' THEN task_id IS NOT NULL AND redemption_id IS NULL AND reverses_id IS NULL "
    "WHEN 'deduction' THEN task_id IS NOT NULL AND redemption_id IS NULL AND reverses_id IS NULL "
    "WHEN 'redemption' THEN task_id IS NULL AND redemption_id IS NOT NULL AND reverses_id IS NULL "
    "WHEN 'reversal' THEN reverses_id IS NOT NULL "
    "ELSE task_id IS NULL AND redemption_id IS NULL AND reverses_id IS NULL END"
)
ENTRY_SIGN = (
    "CASE kind WHEN 'award' THEN points > 0 WHEN 'deduction' THEN points < 0 "
    "WHEN 'handout' THEN points > 0 "
    "WHEN 'redemption' THEN points < 0 ELSE points <> 0 END"
)
ENTRY_QTY = (
    f"CASE kind WHEN 'award' THEN qty BETWEEN 1 AND {MAX_AWARD_QTY} "
    f"WHEN 'deduction' THEN qty BETWEEN 1 AND {MAX_AWARD_QTY} "
    f"WHEN 'redemption' THEN qty BETWEEN 1 AND {MAX_LINES * MAX_GOODS_QTY} "
    "WHEN 'reversal' THEN qty >= 1 ELSE qty = 1 END"
)
MOVE_SHAPE = (
    "CASE kind "
    "WHEN 'redemption' THEN redemption_id IS NOT NULL AND donation_id IS NULL AND count_id IS NULL "
    "WHEN 'donation' THEN donation_id IS NOT NULL AND redemption_id IS NULL "
    "AND count_id IS NULL AND reverses_id IS NULL "
    "WHEN 'count' THEN count_id IS NOT NULL AND redemption_id IS NULL AND donation_id IS NULL "
    "AND reverses_id IS NULL "
    "ELSE redemption_id IS NULL AND donation_id IS NULL AND count_id IS NULL "
    "AND reverses_id IS NULL END"
)
MOVE_QTY = (
    f"qty <> 0 AND (kind = 'count' OR ABS(qty) <= {MAX_GOODS_QTY}) AND CASE kind "
    "WHEN 'purchase' THEN qty > 0 WHEN 'donation' THEN qty > 0 WHEN 'writeoff' THEN qty < 0 "
    "WHEN 'redemption' THEN (qty < 0) = (reverses_id IS NULL) WHEN 'handout' THEN qty < 0 "
    "ELSE 1 END"
)

PARTS: tuple[Part, ...] = (
    Part(
        "ledger_entry",
        (Rule("not_in_chain", "id > :before AND id <= :last", N_("不在本月的账目链里")),),
        (
            OWN,
            SENDER,
            in_month("time"),
            Rule("entry_kind", f"kind IN {sql_list(ENTRY_KINDS)}", N_("条目类型不认识")),
            Rule("entry_shape", ENTRY_SHAPE, N_("条目的项目、兑换单或冲正对象与类型不符")),
            Rule("bad_sign", ENTRY_SIGN, N_("积分的正负与条目类型不符")),
            Rule("bad_quantity", ENTRY_QTY, N_("数量超出范围")),
            Rule(
                "entry_redemption",
                "kind <> 'redemption' OR ((redemption_id, household_id, -points, time) IN "
                "(SELECT id, household_id, total, time FROM {f}redemption) AND (redemption_id, "
                "qty) IN (SELECT redemption_id, SUM(qty) FROM {f}redemption_line GROUP BY 1))",
                N_("兑换条目与兑换单不符（户、积分、时间或数量）"),
            ),
            Rule("reverses_foreign", EARLIER_OWN, N_("冲正的不是本站在它之前记的条目")),
            Rule("reversed_twice", REVERSED_ONCE % "ledger_entry", N_("同一条目被冲正了不止一次")),
            Rule(
                "entry_handout",
                "kind <> 'handout' OR (id, household_id, time) IN "
                "(SELECT entry_id, household_id, time FROM {f}handout)",
                N_("慰问积分条目没有对应的慰问发放"),
            ),
        ),
    ),
    Part(
        "stock_move",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule("move_kind", f"kind IN {sql_list(MOVE_KINDS)}", N_("出入库类型不认识")),
            Rule("move_shape", MOVE_SHAPE, N_("出入库记录的兑换单、捐赠或盘点单与类型不符")),
            Rule("bad_quantity", MOVE_QTY, N_("数量为 0、超出范围或方向与类型不符")),
            Rule(
                "move_redemption",
                f"kind <> 'redemption' OR reverses_id IS NOT NULL OR (({MOVE_LINED}) "  # noqa: S608
                "AND (redemption_id, time) IN "
                "(SELECT id, time FROM {f}redemption))",
                N_("兑换出库与兑换单的明细或时间不符"),
            ),
            Rule(
                "move_reversal",
                f"reverses_id IS NULL OR (({EARLIER_OWN}) AND (redemption_id, time) IN "  # noqa: S608
                "(SELECT redemption_id, time FROM {f}ledger_entry WHERE kind = 'reversal'))",
                N_("退回入库没有同时的冲正条目，或退回的不是本站之前的出库"),
            ),
            Rule("reversed_twice", REVERSED_ONCE % "stock_move", N_("同一出库被退回了不止一次")),
            Rule(
                "move_handout",
                "kind <> 'handout' OR (id, item_id, -qty) IN "
                "(SELECT move_id, item_id, qty FROM {f}handout_line)",
                N_("慰问出库没有对应的慰问发放明细"),
            ),
            Rule(
                "move_donation",
                f"kind <> 'donation' OR ((donation_id, item_id) IN ({DONATED}) AND "  # noqa: S608
                "(donation_id, time) IN (SELECT id, time FROM {f}donation))",
                N_("捐赠入库与捐赠明细或时间不符"),
            ),
            Rule(
                "move_count",
                "kind <> 'count' OR ((count_id, item_id, qty) IN (SELECT count_id, item_id, "
                "counted - expected FROM {f}stock_count_line) AND (count_id, time) IN "
                "(SELECT id, finalized FROM {f}stock_count))",
                N_("盘点差异与盘点单不符"),
            ),
        ),
    ),
    Part(
        "redemption",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                "redemption_lines",
                "total > 0 AND (id, total) IN (SELECT redemption_id, SUM(points) FROM "  # noqa: S608
                f"{{f}}redemption_line GROUP BY 1 HAVING COUNT(*) <= {MAX_LINES})",
                N_("合计与明细不符"),
            ),
            Rule(
                "redemption_entry",
                "id IN (SELECT redemption_id FROM {f}ledger_entry WHERE kind = 'redemption' "
                "GROUP BY 1 HAVING COUNT(*) = 1)",
                N_("没有对应的兑换条目，或不止一条"),
            ),
        ),
    ),
    Part(
        "redemption_line",
        (
            Rule(
                "orphan", "redemption_id IN (SELECT id FROM {f}redemption)", N_("没有对应的兑换单")
            ),
        ),
        (
            OWN,
            Rule("bad_quantity", f"qty BETWEEN 1 AND {MAX_GOODS_QTY}", N_("数量超出范围")),
            Rule("line_points", "price > 0 AND points = qty * price", N_("积分不等于数量乘单价")),
            Rule(
                "line_moves",
                LINE_MOVED,
                N_("与兑换出库记录不符"),
            ),
        ),
    ),
    Part(
        "donation",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule("orphan", "donor_id IN (SELECT id FROM {f}donor)", N_("没有对应的捐赠人")),
            Rule(
                "donation_amount",
                "cash_fen >= 0 AND (cash_fen > 0 OR id IN (SELECT donation_id FROM "
                "{f}donation_line))",
                N_("既没有物品也没有现金，或现金为负"),
            ),
        ),
    ),
    Part(
        "donation_line",
        (Rule("orphan", "donation_id IN (SELECT id FROM {f}donation)", N_("没有对应的捐赠")),),
        (
            OWN,
            Rule(
                "bad_quantity",
                f"qty BETWEEN 1 AND {MAX_GOODS_QTY} AND value_fen >= 0",
                N_("数量或估价超出范围"),
            ),
            Rule("line_moves", f"(donation_id, item_id) IN ({DONATED})", N_("与捐赠入库记录不符")),
        ),
    ),
    Part(
        "donor",
        (
            Rule(
                "unused", "id IN (SELECT donor_id FROM {f}donation)", N_("本月没有这位捐赠人的捐赠")
            ),
        ),
        (OWN, Rule("donor_kind", "kind IN ('person', 'company')", N_("捐赠人类型不认识"))),
    ),
    Part(
        "stock_count",
        (
            Rule(
                "unused", "id IN (SELECT count_id FROM {f}stock_move)", N_("本月没有这次盘点的差异")
            ),
        ),
        (
            OWN,
            SENDER,
            Rule(
                "outside_month",
                "finalized >= :start AND finalized < :end AND started <= finalized "
                "AND finalized_by IS NOT NULL",
                N_("不是本月确认的盘点"),
            ),
        ),
    ),
    Part(
        "stock_count_line",
        (Rule("orphan", "count_id IN (SELECT id FROM {f}stock_count)", N_("没有对应的盘点单")),),
        (
            OWN,
            Rule("bad_quantity", f"counted BETWEEN 0 AND {MAX_GOODS_QTY}", N_("数量超出范围")),
            Rule(
                "line_moves",
                "counted = expected OR (count_id, item_id, counted - expected) IN "
                "(SELECT count_id, item_id, qty FROM {f}stock_move WHERE kind = 'count')",
                N_("盘点差异没有记入出入库"),
            ),
            Rule(
                "line_twice",
                "(count_id, item_id) NOT IN (SELECT count_id, item_id FROM {f}stock_count_line "
                "GROUP BY 1, 2 HAVING COUNT(*) > 1)",
                N_("同一盘点单里同一商品有不止一行"),
            ),
        ),
    ),
    Part(
        "household_version",
        (Rule("not_sender", "updated_by = :me", N_("不是本站改的档案")), in_month("updated")),
        (
            Rule(
                "orphan",
                "village_id IN (SELECT code FROM {f}village) AND (group_id IS NULL OR "
                "(group_id, village_id) IN (SELECT code, village_id FROM {f}village_group))",
                N_("档案里的村或组不在文件里，或组不属于该村"),
            ),
            Rule("household_status", f"status IN {sql_list(HOUSEHOLD_STATUSES)}", N_("状态不认识")),
            Rule(
                "household_fields",
                f"category IN {sql_list(HOUSEHOLD_CATEGORIES)} "
                f"AND members BETWEEN 1 AND {MAX_MEMBERS}",
                N_("户类别或家庭人口不对"),
            ),
        ),
    ),
    Part(
        "village_group",
        (
            Rule(
                "unused",
                "code IN (SELECT group_id FROM {f}household_version)",
                N_("没有档案用到这个组"),
            ),
        ),
    ),
    Part(
        "village",
        (
            Rule(
                "unused",
                "code IN (SELECT village_id FROM {f}household_version "
                "UNION SELECT village_id FROM {f}village_group)",
                N_("没有档案用到这个村"),
            ),
        ),
        (Rule("orphan", "township_id IN (SELECT code FROM {f}township)", N_("村没有对应的乡镇")),),
    ),
    Part(
        "township",
        (Rule("unused", "code IN (SELECT township_id FROM {f}village)", N_("没有村属于这个乡镇")),),
    ),
    # A card as it stood at the end of the month, and only this station's revocation of it.
    Part(
        "card",
        (
            Rule(
                "card_not_here",
                "(id >= :low AND id < :high AND issued >= :start AND issued < :end) "
                "OR (revoked_by = :me AND revoked >= :start AND revoked < :end)",
                N_("不是本站本月发放或作废的卡"),
            ),
        ),
        (
            Rule("not_sender", "id < :low OR id >= :high OR station = :me", N_("发卡站点不对")),
            Rule(
                "card_revoked",
                "serial >= 1 AND (revoked IS NULL OR (revoked_by = :me AND revoked >= issued "
                "AND revoked < :end))",
                N_("卡号或作废记录不对"),
            ),
        ),
        columns="id, household_id, serial, issued, "
        "CASE WHEN revoked < :end AND revoked_by = :me THEN revoked END, operator, station, "
        "CASE WHEN revoked < :end AND revoked_by = :me THEN revoked_by END",
    ),
)
