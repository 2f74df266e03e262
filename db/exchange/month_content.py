"""What a station's month file holds, table by table, declared once (docs/design.md §6.2, §14).

`PARTS` names, for every table of a month file, which rows of the station's books it holds and
what each of those rows satisfies. `aixin export` copies the rows that meet a part's `selects`
(in the order of `PARTS`: later parts refer to rows already in the file); the county's checker
demands of every row of a file it is handed that it meets the `selects` *and* the `rules`. The
books keep every rule, so a genuine file passes them all; a row that breaks one was made or
changed outside the services, and the file is refused with every such row named.

Conditions are SQL over one row of the table. `{f}` is the file's schema (`x.` while the export
fills it, `main.` while the checker reads it); the parameters are the station's ids (`:low`,
`:high`), its code (`:me`), the month (`:start`, `:end`) and the month's piece of the chain
(`:before`, `:last`). Every rule is one set-based pass over its table: the conditions that look
at other rows use uncorrelated `IN (SELECT …)` lists, which SQLite builds once per query.
What needs the county's own books (its catalog, roster, balances, the months before) is checked
at the county, in `db.county.row_checks`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from catalog.messages import N_, Finding, Message, Translate
from db.books.awards import MAX_QTY as MAX_AWARD_QTY
from db.books.catalog_at import item_price_at
from db.books.goods import MAX_PRICE
from db.books.households import MAX_MEMBERS
from db.books.redemptions import MAX_LINES
from db.books.stock import MAX_QTY as MAX_GOODS_QTY
from db.exchange.formats import TABLES
from db.exchange.sealed import FileRefused
from db.store.ids import human
from db.store.models import ENTRY_KINDS, HOUSEHOLD_CATEGORIES, HOUSEHOLD_STATUSES, MOVE_KINDS

SHOWN = 20  # a refused file names this many problems, then says how many more


@dataclass(frozen=True)
class Rule:
    code: str  # what tests and programs act on
    condition: str  # true for a good row
    what: str  # msgid: what is wrong with a row that breaks it


@dataclass(frozen=True)
class Part:
    name: str
    selects: tuple[Rule, ...]  # the rows of the books the file holds (what export copies)
    rules: tuple[Rule, ...] = ()  # what every such row satisfies besides
    columns: str | None = None  # what export writes, when not the columns as they are

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        return self.selects + self.rules

    def select(self, schema: str) -> str:
        return " AND ".join(f"({r.condition})" for r in self.selects).format(f=schema)


@dataclass(frozen=True)
class Problems:
    """The first SHOWN problems found, and how many more there were."""

    shown: tuple[Finding, ...] = ()
    more: int = 0

    def __bool__(self) -> bool:
        return bool(self.shown) or self.more > 0

    def __add__(self, other: Problems) -> Problems:
        shown = (self.shown + other.shown)[:SHOWN]
        spilled = len(self.shown) + len(other.shown) - len(shown)
        return Problems(shown, self.more + other.more + spilled)


ROWS_CHECK = N_("逐行核对")  # the check a file with bad rows fails (beside sealed.CHECKS)


class RowsRefused(FileRefused):
    """A month file refused for its rows: every problem found (the first SHOWN, and a count)."""

    def __init__(self, station: str, month: str, problems: Problems) -> None:
        self.problems = problems
        super().__init__(
            ROWS_CHECK,
            N_("站点 {station} {month} 的月报有 {count} 处不符，整份拒收"),
            station=station,
            month=month,
            count=len(problems.shown) + problems.more,
        )

    def render(self, translate: Translate = str) -> str:
        lines = [super().render(translate)]
        lines += ["  " + finding.render(translate) for finding in self.problems.shown]
        if self.problems.more:
            more = Message(N_("还有 {count} 处没有列出"), count=self.problems.more)
            lines.append("  " + more.render(translate))
        return "\n".join(lines)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


OWN = Rule("not_own_id", "id >= :low AND id < :high", N_("编号不是本站的"))
SENDER = Rule("not_sender", "station = :me", N_("记录的站点不是发文件的站点"))


def in_month(column: str) -> Rule:
    return Rule("outside_month", f"{column} >= :start AND {column} < :end", N_("时间不在本月"))


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
REVERSED_ONCE = (
    "reverses_id IS NULL OR reverses_id NOT IN (SELECT reverses_id FROM {f}%s "
    "WHERE reverses_id IS NOT NULL GROUP BY reverses_id HAVING COUNT(*) > 1)"
)
EARLIER_OWN = "reverses_id IS NULL OR (reverses_id >= :low AND reverses_id < id)"

PARTS: tuple[Part, ...] = (
    Part(
        "ledger_entry",
        (Rule("not_in_chain", "id > :before AND id <= :last", N_("不在本月的账目链里")),),
        (
            OWN,
            SENDER,
            in_month("time"),
            Rule("entry_kind", f"kind IN {_in(ENTRY_KINDS)}", N_("条目类型不认识")),
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
            Rule("move_kind", f"kind IN {_in(MOVE_KINDS)}", N_("出入库类型不认识")),
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
            Rule("household_status", f"status IN {_in(HOUSEHOLD_STATUSES)}", N_("状态不认识")),
            Rule(
                "household_fields",
                f"category IN {_in(HOUSEHOLD_CATEGORIES)} AND members BETWEEN 1 AND {MAX_MEMBERS}",
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
GOODS_PARTS: tuple[Part, ...] = (
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
PARTS = PARTS + GOODS_PARTS

# Produce sold for cash and the cash book (docs/design.md §4.11): each sale, payout and close
# with its one cash move of the same amount and time, in the same file.
PRODUCE_QTY = "produce_qty"
PRODUCE_PARTS: tuple[Part, ...] = (
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
PARTS = PARTS + PRODUCE_PARTS

# 公示 (docs/design.md §4.12): a posting of the month and its lines; objections, rulings and
# credits of the month (of postings of this station, perhaps of an earlier month); the entries
# a credit of the month made, each among the file's entries at the credit's time.
OWN_POSTING = Rule(
    "not_own_id", "posting_id >= :low AND posting_id < :high", N_("公示编号不是本站的")
)
POSTING_PARTS: tuple[Part, ...] = (
    Part(
        "posting",
        (OWN, in_month("published")),
        (
            SENDER,
            Rule(
                "posting_period",
                "days BETWEEN 1 AND 30 AND month = substr(published, 1, 7) "
                "AND until = date(published, '+' || (days - 1) || ' days')",
                N_("公示的月份、天数或截止日期不对"),
            ),
            Rule(
                "posting_lines",
                "id IN (SELECT posting_id FROM {f}posting_line)",
                N_("公示没有记分行"),
            ),
        ),
    ),
    Part(
        "posting_line",
        (Rule("orphan", "posting_id IN (SELECT id FROM {f}posting)", N_("没有对应的公示")),),
        (
            OWN,
            Rule("bad_quantity", f"qty BETWEEN 1 AND {MAX_AWARD_QTY}", N_("数量超出范围")),
            Rule("bad_sign", "points <> 0", N_("积分为 0")),
        ),
    ),
    Part("objection", (OWN, in_month("time")), (SENDER, OWN_POSTING)),
    Part(
        "objection_ruling",
        (OWN, in_month("time")),
        (
            SENDER,
            Rule(
                "not_own_id", "objection_id >= :low AND objection_id < :high", N_("异议不是本站的")
            ),
            Rule("ruling", "upheld IN (0, 1)", N_("处理结果不认识")),
        ),
    ),
    Part("posting_credit", (OWN, in_month("time")), (SENDER, OWN_POSTING)),
    Part(
        "posting_entry",
        (
            Rule(
                "orphan",
                "credit_id IN (SELECT id FROM {f}posting_credit)",
                N_("没有对应的公示入账"),
            ),
        ),
        (
            Rule("not_own_id", "line_id >= :low AND line_id < :high", N_("记分行不是本站的")),
            Rule(
                "posting_entry",
                "(entry_id, credit_id) IN (SELECT e.id, c.id FROM {f}ledger_entry AS e "
                "JOIN {f}posting_credit AS c ON c.time = e.time "
                "WHERE e.kind IN ('award', 'deduction'))",
                N_("入账条目不在文件里，或时间与入账不同"),
            ),
        ),
    ),
)
PARTS = PARTS + POSTING_PARTS

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
FIELD_PARTS: tuple[Part, ...] = (
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
                f"{_in(HOUSEHOLD_CATEGORIES)})",
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
PARTS = PARTS + FIELD_PARTS

ROW = N_("{table} {key}：{what}")


def row_key(name: str, row: tuple) -> str:
    """A row's key as a person reads it: ids as on slips, other keys as they are."""
    if TABLES[name].key == ("id",) and isinstance(row[0], int):
        return human(row[0])
    return " ".join(map(str, row))


def row_finding(name: str, key: tuple, rule: Rule) -> Finding:
    text = row_key(name, key)
    message = Message(ROW, table=name, key=text, what=Message(rule.what))
    return Finding(rule.code, message, "problem", (name, text))


def _broken(rule: Rule) -> str:
    """SQL: 1 when a row breaks `rule` (its condition false or NULL), else 0. As a CASE, not
    `IS NOT TRUE`: SQLite then needs only whether an `IN (SELECT …)` matches, which its index
    on the list answers, not whether the list holds a NULL, which takes a scan of it a row."""
    return f"CASE WHEN ({rule.condition}) THEN 0 ELSE 1 END"


def check(conn: sqlite3.Connection, params: dict) -> Problems:
    """Every row of the file (its connection's `main`) against its part: the first SHOWN
    (row, rule) pairs that fail, and how many more. One pass over each table."""
    shown: list[Finding] = []
    more = 0
    for part in PARTS:
        rules = part.all_rules
        bits = [f"({_broken(r)} << {n})" for n, r in enumerate(rules)]
        mask = " | ".join(bits).format(f="main.")
        key = ", ".join(TABLES[part.name].key)
        sql = f"SELECT {key}, {mask} AS bad FROM main.{part.name} WHERE bad <> 0"  # noqa: S608
        room = SHOWN - len(shown)
        found = conn.execute(f"{sql} ORDER BY {key} LIMIT {max(room, 0)}", params).fetchall()
        for *row, bad in found:
            for n, rule in enumerate(rules):
                if bad >> n & 1:
                    shown.append(row_finding(part.name, tuple(row), rule))
        if len(found) == room:  # perhaps more than shown: count them all
            flags = " + ".join(_broken(r) for r in rules).format(f="main.")
            total = conn.execute(
                f"SELECT COALESCE(SUM({flags}), 0) FROM main.{part.name}",  # noqa: S608
                params,
            ).fetchone()[0]
            already = sum(bin(bad).count("1") for *_, bad in found)
            more += total - already
    spilled = max(len(shown) - SHOWN, 0)
    return Problems(tuple(shown[:SHOWN]), more + spilled)


def copy_into(execute: Callable[[str, dict], object], params: dict) -> None:
    """Fill an attached, empty month file (schema `x`) from the books, part by part."""
    for part in PARTS:
        table = TABLES[part.name]
        execute(
            f"INSERT INTO x.{part.name} ({table.column_list}) "  # noqa: S608 - constants
            f"SELECT {part.columns or table.column_list} FROM main.{part.name} "
            f"WHERE {part.select('x.')} ORDER BY {', '.join(table.key)}",
            params,
        )
