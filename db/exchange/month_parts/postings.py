"""公示 in a month file: postings, their lines, objections, rulings and credits (docs/design.md
§4.12)."""

from __future__ import annotations

from catalog.messages import N_
from db.books.awards import MAX_QTY as MAX_AWARD_QTY
from db.exchange.month_parts.rules import OWN, SENDER, Part, Rule, in_month

# 公示 (docs/design.md §4.12): a posting of the month and its lines; objections, rulings and
# credits of the month (of postings of this station, perhaps of an earlier month); the entries
# a credit of the month made, each among the file's entries at the credit's time.
OWN_POSTING = Rule(
    "not_own_id", "posting_id >= :low AND posting_id < :high", N_("公示编号不是本站的")
)
PARTS: tuple[Part, ...] = (
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
