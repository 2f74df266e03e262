"""Produce sold for cash and the cash book in a month file (docs/design.md §4.11)."""

from __future__ import annotations

from catalog.messages import N_
from db.books.stock import MAX_QTY as MAX_GOODS_QTY
from db.exchange.month_parts.rules import (
    EARLIER_OWN,
    OWN,
    REVERSED_ONCE,
    SENDER,
    Part,
    Rule,
    in_month,
)

# Produce sold for cash and the cash book (docs/design.md §4.11): each sale, payout and close
# with its one cash move of the same amount and time, in the same file.
PRODUCE_QTY = "produce_qty"
PARTS: tuple[Part, ...] = (
    Part(
        "produce_lot",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                PRODUCE_QTY,
                f"qty BETWEEN 1 AND {MAX_GOODS_QTY} AND price_fen > 0",
                N_("数量或单价超出范围"),
            ),
        ),
    ),
    Part(
        "produce_sale",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                PRODUCE_QTY,
                f"qty <> 0 AND ABS(qty) <= {MAX_GOODS_QTY} AND price_fen > 0 "
                "AND amount_fen = qty * price_fen AND (qty < 0) = (reverses_id IS NOT NULL)",
                N_("数量、金额或冲正方向不对"),
            ),
            Rule(
                "sale_lot",
                "lot_id NOT IN (SELECT id FROM {f}produce_lot) OR (lot_id, price_fen) IN "
                "(SELECT id, price_fen FROM {f}produce_lot)",
                N_("单价与代销品不符"),
            ),
            Rule(
                "sale_cash",
                "(id, amount_fen, time) IN (SELECT sale_id, amount_fen, time FROM {f}cash_move "
                "WHERE kind = 'sale')",
                N_("没有对应的现金收入"),
            ),
            Rule("reverses_foreign", EARLIER_OWN, N_("冲正的不是本站在它之前记的代销单")),
            Rule(
                "reversed_twice", REVERSED_ONCE % "produce_sale", N_("同一代销单被冲正了不止一次")
            ),
        ),
    ),
    Part(
        "produce_payout",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                "payout_lines",
                "amount_fen > 0 AND (id, amount_fen) IN (SELECT payout_id, SUM(amount_fen) "
                "FROM {f}produce_payout_line GROUP BY 1)",
                N_("付款合计与明细不符"),
            ),
            Rule(
                "payout_cash",
                "(id, -amount_fen, time) IN (SELECT payout_id, amount_fen, time FROM "
                "{f}cash_move WHERE kind = 'payout')",
                N_("没有对应的现金支出"),
            ),
        ),
    ),
    Part(
        "produce_payout_line",
        (
            Rule(
                "orphan",
                "payout_id IN (SELECT id FROM {f}produce_payout)",
                N_("没有对应的付款单"),
            ),
        ),
        (
            OWN,
            Rule("bad_quantity", "amount_fen > 0", N_("金额超出范围")),
            Rule(
                "line_twice",
                "(payout_id, lot_id) NOT IN (SELECT payout_id, lot_id FROM "
                "{f}produce_payout_line GROUP BY 1, 2 HAVING COUNT(*) > 1)",
                N_("同一付款单里同一代销品有不止一行"),
            ),
        ),
    ),
    Part(
        "cash_close",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                "close_difference",
                "counted_fen >= 0 AND difference_fen = counted_fen - expected_fen "
                "AND day = substr(time, 1, 10) AND (difference_fen = 0 OR (id, difference_fen, "
                "time) IN (SELECT close_id, amount_fen, time FROM {f}cash_move "
                "WHERE kind = 'close'))",
                N_("日结的差额与清点、账面或现金账不符"),
            ),
        ),
    ),
    Part(
        "cash_move",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                "cash_shape",
                "amount_fen <> 0 AND CASE kind "
                "WHEN 'sale' THEN sale_id IS NOT NULL AND payout_id IS NULL AND close_id IS NULL "
                "AND (sale_id, amount_fen, time) IN (SELECT id, amount_fen, time FROM "
                "{f}produce_sale) "
                "WHEN 'payout' THEN payout_id IS NOT NULL AND sale_id IS NULL AND close_id IS NULL "
                "AND amount_fen < 0 AND (payout_id, -amount_fen, time) IN (SELECT id, amount_fen, "
                "time FROM {f}produce_payout) "
                "WHEN 'close' THEN close_id IS NOT NULL AND sale_id IS NULL AND payout_id IS NULL "
                "AND (close_id, amount_fen, time) IN (SELECT id, difference_fen, time FROM "
                "{f}cash_close) ELSE 0 END",
                N_("现金账的类型、金额或来源不符"),
            ),
        ),
    ),
)
