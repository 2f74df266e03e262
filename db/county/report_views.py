"""The county report's views beyond places: stations, task categories, goods, donations,
stations that have not sent the month, overdrawn households.

Titles and headers are msgids (the CLI picks columns by them); a cell is data (a number, a
code, a name) or, where the report itself labels something, a `Message`; several stations in
one cell are a tuple. The renderers show both in the operator's language (`messages.shown`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.messages import N_, Message
from db.books.setup import KIND_NAMES
from db.store.clock import month_bounds
from db.store.connection import database
from db.store.dialect import integers
from db.store.models import County

POINTS = (
    N_("奖励积分"),
    N_("扣减积分"),
    N_("兑换积分"),
    N_("冲正积分"),
    N_("调整积分"),
    N_("净变动"),
)
TOTAL = N_("合计")
NONE = N_("（无）")
NO_TASK = N_("（兑换、调整等，无积分项目）")
# Signed month sums by kind, shown as positive amounts awarded, deducted, redeemed.
BY_KIND = (
    "SUM(CASE WHEN m.kind = 'award' THEN m.points ELSE 0 END), "
    "-SUM(CASE WHEN m.kind = 'deduction' THEN m.points ELSE 0 END), "
    "-SUM(CASE WHEN m.kind = 'redemption' THEN m.points ELSE 0 END), "
    "SUM(CASE WHEN m.kind = 'reversal' THEN m.points ELSE 0 END), "
    "SUM(CASE WHEN m.kind IN ('adjustment', 'base', 'handout') THEN m.points ELSE 0 END), "
    "SUM(m.points)"
)


@dataclass
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[list] = field(default_factory=list)
    money: frozenset[int] = frozenset()  # columns in fen, shown in yuan
    keys: int = 1  # leading columns that name a row; numbers after them add up to TOTAL
    totals: bool = True  # whether the sheet ends in a TOTAL row

    @property
    def total(self) -> list:
        sums: list = []
        for i in range(self.keys, len(self.headers)):
            column = [row[i] for row in self.rows]
            numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in column)
            sums.append(sum(column) if numbers else "")
        return [Message(TOTAL)] + [""] * (self.keys - 1) + sums


@dataclass(frozen=True)
class Scope:
    """Whose rows a report reads: county `county`'s (docs/design.md §6.7). A row is its county's
    by a code: a station's code, a place's (its first six digits), a household's village's.
    `alone`: the database holds no other county, every row is its own and the filters are
    skipped (the SQL says `:one = 1 OR ...`)."""

    county: str
    alone: bool

    @property
    def params(self) -> dict[str, object]:
        return {"county": self.county, "one": int(self.alone)}


def scope_of(county: str) -> Scope:
    return Scope(county, County.select().where(County.code != county).count() == 0)


def rows(sql: str, **params: object) -> list[list]:
    return [integers(r) for r in database.execute_sql(sql, params).fetchall()]


def kind_name(kind: str) -> Message | str:
    return Message(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def stations(month: str, scope: Scope) -> Sheet:
    sheet = Sheet(
        N_("按站点"),
        (N_("站点"), N_("名称"), N_("类型"), N_("月报"), *POINTS, N_("条目数"), N_("受益人次")),
        keys=4,
    )
    figures = {
        row[0]: row[1:]
        for row in rows(
            "SELECT m.station_id, "  # noqa: S608 - constants
            + BY_KIND
            + ", SUM(m.entries), SUM(CASE WHEN m.kind = 'redemption' THEN m.entries ELSE 0 END) "
            "FROM month_station AS m WHERE m.month = :month "
            "AND (:one = 1 OR substr(m.station_id, 1, 6) = :county) GROUP BY m.station_id",
            month=month,
            **scope.params,
        )
    }
    from db.county.field_report import handouts_by  # it builds on this module's Sheet

    handed = handouts_by("station", month, scope)
    for code, name, kind, sent in rows(
        "SELECT s.code, s.name, s.kind, EXISTS (SELECT 1 FROM monthly_file AS f "
        "WHERE f.station_id = s.code AND f.month = :month) FROM station AS s "
        "WHERE s.kind <> 'county' AND (:one = 1 OR s.county_id = :county) ORDER BY s.code",
        month=month,
        **scope.params,
    ):
        figure = list(figures.get(code, [0] * 8))
        figure[-1] += handed.get(code, 0)  # people reached: redemptions and hand-outs
        sheet.rows.append(
            [code, name, kind_name(kind), Message(N_("已报") if sent else N_("未报")), *figure]
        )
    return sheet


def categories(month: str, scope: Scope) -> Sheet:
    sheet = Sheet(N_("按积分类别"), (N_("类别"), *POINTS, N_("条目数")))
    for category, *figures in rows(
        "SELECT t.category, "  # noqa: S608 - constants
        + BY_KIND
        + ", SUM(m.entries) FROM month_station AS m LEFT JOIN task AS t ON t.code = m.task_id "
        "WHERE m.month = :month AND (:one = 1 OR substr(m.station_id, 1, 6) = :county) "
        "GROUP BY t.category "
        "ORDER BY CASE WHEN t.category IS NULL THEN 0 ELSE 1 END, t.category",
        month=month,
        **scope.params,
    ):
        sheet.rows.append([Message(NO_TASK) if category is None else category, *figures])
    return sheet


STOCK_KINDS = (
    "SUM(CASE WHEN m.month = :month AND m.kind = 'donation' THEN m.qty ELSE 0 END), "
    "SUM(CASE WHEN m.month = :month AND m.kind = 'purchase' THEN m.qty ELSE 0 END), "
    "-SUM(CASE WHEN m.month = :month AND m.kind = 'redemption' THEN m.qty ELSE 0 END), "
    "SUM(CASE WHEN m.month = :month AND m.kind NOT IN ('donation', 'purchase', 'redemption') "
    "THEN m.qty ELSE 0 END), SUM(m.qty)"
)


def goods(month: str, fen: int, scope: Scope) -> list[Sheet]:
    """Goods in and out in the month, and stock at its end valued at the catalog price."""
    flows = (
        N_("捐赠入库"),
        N_("采购入库"),
        N_("兑换出库"),
        N_("其他变动（盘点、报损、调拨）"),
        N_("月末库存"),
    )
    value = (N_("月末库存价值（积分）"), N_("月末库存价值（元）"))
    by_station = Sheet(
        N_("商品按站点"),
        (N_("站点"), N_("名称"), *flows, *value),
        keys=2,
        money=frozenset({len(flows) + 3}),
    )
    for row in rows(
        "SELECT m.station_id, COALESCE(s.name, m.station_id), "  # noqa: S608 - constants
        + STOCK_KINDS
        + ", SUM(m.qty * COALESCE(i.price, 0)) FROM month_stock AS m "
        "LEFT JOIN station AS s ON s.code = m.station_id LEFT JOIN item AS i ON i.code = m.item_id "
        "WHERE m.month <= :month AND (:one = 1 OR substr(m.station_id, 1, 6) = :county) "
        "GROUP BY m.station_id, s.name ORDER BY m.station_id",
        month=month,
        **scope.params,
    ):
        by_station.rows.append([*row, row[-1] * fen])
    by_item = Sheet(
        N_("商品按品种"),
        (N_("编码"), N_("名称"), N_("类别"), N_("积分价"), *flows, *value),
        keys=4,
        money=frozenset({len(flows) + 5}),
    )
    for row in rows(
        "SELECT m.item_id, COALESCE(i.name, m.item_id), COALESCE(i.category, ''), "  # noqa: S608
        "COALESCE(i.price, 0), "
        + STOCK_KINDS
        + ", SUM(m.qty) * COALESCE(i.price, 0) FROM month_stock AS m "
        "LEFT JOIN item AS i ON i.code = m.item_id WHERE m.month <= :month "
        "AND (:one = 1 OR substr(m.station_id, 1, 6) = :county) "
        "GROUP BY m.item_id, i.name, i.category, i.price ORDER BY m.item_id",
        month=month,
        **scope.params,
    ):
        by_item.rows.append([*row, row[-1] * fen])
    return [by_station, by_item]


COMPANY, PERSON = N_("企业或单位"), N_("个人")  # as the donation form says


def donations(month: str, scope: Scope) -> Sheet:
    start, end = month_bounds(month)
    sheet = Sheet(
        N_("捐赠"),
        (
            N_("捐赠人"),
            N_("类型"),
            N_("捐赠次数"),
            N_("物品件数"),
            N_("物品估价（元）"),
            N_("现金（元）"),
            N_("合计（元）"),
        ),
        keys=2,
        money=frozenset({4, 5, 6}),
    )
    for name, kind, times, qty, value, cash in rows(
        "SELECT d.name, d.kind, COUNT(*), SUM(COALESCE(l.qty, 0)) AS qty, "
        "SUM(COALESCE(l.value, 0)) AS value, SUM(n.cash_fen) AS cash FROM donation AS n "
        "JOIN donor AS d ON d.id = n.donor_id "
        "LEFT JOIN (SELECT donation_id, SUM(qty) AS qty, SUM(value_fen) AS value "
        "FROM donation_line WHERE donation_id IN (SELECT id FROM donation "
        "WHERE time >= :start AND time < :end) GROUP BY donation_id) AS l "
        "ON l.donation_id = n.id WHERE n.time >= :start AND n.time < :end "
        "AND (:one = 1 OR substr(n.station, 1, 6) = :county) "
        "GROUP BY d.name, d.kind "
        "ORDER BY SUM(COALESCE(l.value, 0)) + SUM(n.cash_fen) DESC, d.name",
        start=start,
        end=end,
        **scope.params,
    ):
        who = Message(COMPANY if kind == "company" else PERSON)
        sheet.rows.append([name, who, times, qty, value, cash, value + cash])
    return sheet


# 公示 (docs/design.md §4.12): per village, what was posted in the month and what became of
# the postings' lines by the month's end: objections, their outcome, credits.
POSTINGS = """
WITH ps AS (SELECT id, village_id FROM posting WHERE month = :month
  AND (:one = 1 OR substr(village_id, 1, 6) = :county)),
ls AS (SELECT l.id, l.posting_id, l.household_id, l.points FROM posting_line AS l
  WHERE l.posting_id IN (SELECT id FROM ps)),
obj AS (SELECT o.posting_id, o.id, u.upheld FROM objection AS o
  LEFT JOIN objection_ruling AS u ON u.objection_id = o.id AND u.time < :end
  WHERE o.posting_id IN (SELECT id FROM ps) AND o.time < :end),
cr AS (SELECT pe.line_id FROM posting_entry AS pe JOIN ledger_entry AS e ON e.id = pe.entry_id
  WHERE pe.line_id IN (SELECT id FROM ls) AND e.time < :end)
SELECT v.code, v.name, COUNT(DISTINCT ps.id),
  (SELECT COUNT(DISTINCT ls.household_id) FROM ls JOIN ps AS q ON q.id = ls.posting_id
   WHERE q.village_id = v.code),
  (SELECT COALESCE(SUM(ls.points), 0) FROM ls JOIN ps AS q ON q.id = ls.posting_id
   WHERE q.village_id = v.code),
  (SELECT COUNT(*) FROM obj JOIN ps AS q ON q.id = obj.posting_id WHERE q.village_id = v.code),
  (SELECT COUNT(*) FROM obj JOIN ps AS q ON q.id = obj.posting_id
   WHERE q.village_id = v.code AND obj.upheld = 1),
  (SELECT COUNT(*) FROM obj JOIN ps AS q ON q.id = obj.posting_id
   WHERE q.village_id = v.code AND obj.upheld = 0),
  (SELECT COALESCE(SUM(ls.points), 0) FROM ls JOIN ps AS q ON q.id = ls.posting_id
   WHERE q.village_id = v.code AND ls.id IN (SELECT line_id FROM cr))
FROM ps JOIN village AS v ON v.code = ps.village_id GROUP BY v.code, v.name ORDER BY v.code
"""


def postings(month: str, scope: Scope) -> Sheet:
    """The month's postings by village: households and points posted, objections raised,
    upheld and dismissed, points credited by the month's end."""
    _start, end = month_bounds(month)
    sheet = Sheet(
        N_("公示"),
        (
            N_("村代码"),
            N_("村"),
            N_("公示份数"),
            N_("公示户数"),
            N_("公示积分"),
            N_("异议"),
            N_("异议成立"),
            N_("异议不成立"),
            N_("已入账积分"),
        ),
        keys=2,
    )
    sheet.rows.extend(rows(POSTINGS, month=month, end=end, **scope.params))
    return sheet


def missing(month: str, scope: Scope) -> Sheet:
    """Stations enrolled by the end of the month whose file for it has not been merged."""
    _, end = month_bounds(month)
    headers = (N_("站点"), N_("名称"), N_("类型"), N_("登记日期"), N_("最近已报月份"))
    sheet = Sheet(N_("未报站点"), headers, totals=False)
    for code, name, kind, enrolled, last in rows(
        "SELECT s.code, s.name, s.kind, s.enrolled, (SELECT MAX(month) FROM monthly_file AS f "
        "WHERE f.station_id = s.code) FROM station AS s WHERE s.kind <> 'county' "
        "AND s.enrolled < :end AND NOT EXISTS (SELECT 1 FROM monthly_file AS f "
        "WHERE f.station_id = s.code AND f.month = :month) "
        "AND (:one = 1 OR s.county_id = :county) ORDER BY s.code",
        month=month,
        end=end,
        **scope.params,
    ):
        sheet.rows.append([code, name, kind_name(kind), enrolled[:10], last or Message(NONE)])
    return sheet


def overdrawn(month: str, fen: int, scope: Scope) -> Sheet:
    """Households below zero at the end of the month: two stations spent the same points."""
    sheet = Sheet(
        N_("透支户"),
        (
            N_("户号"),
            N_("户主"),
            N_("乡镇"),
            N_("村"),
            N_("月末余额"),
            N_("折合（元）"),
            N_("兑换站点"),
        ),
        keys=4,
        money=frozenset({5}),
    )
    for number, name, township, village, balance in rows(
        "SELECT h.number, h.head_name, COALESCE(t.name, ''), COALESCE(v.name, h.village_id), "
        "h.balance - COALESCE(l.points, 0) FROM household AS h "
        "LEFT JOIN (SELECT household_id, SUM(award + deduction + redemption + reversal "
        "+ adjustment) AS points FROM month_household WHERE month > :month "
        "GROUP BY household_id) AS l ON l.household_id = h.number "
        "LEFT JOIN village AS v ON v.code = h.village_id "
        "LEFT JOIN township AS t ON t.code = v.township_id "
        "WHERE h.balance - COALESCE(l.points, 0) < 0 "
        "AND (:one = 1 OR substr(h.village_id, 1, 6) = :county) ORDER BY h.number",
        month=month,
        **scope.params,
    ):
        where = rows(
            "SELECT DISTINCT station FROM ledger_entry WHERE household_id = :number "
            "AND kind = 'redemption' ORDER BY 1",
            number=number,
        )
        sheet.rows.append(
            [
                number,
                name,
                township,
                village,
                balance,
                balance * fen,
                tuple(r[0] for r in where),
            ]
        )
    return sheet
