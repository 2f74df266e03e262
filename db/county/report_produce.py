"""The county report's produce sheets: cash sales and payouts by village and by household.

Money in fen (`Sheet.money` marks the columns, shown in yuan). Sales count in the month of
the sale, payouts in the month they were paid; a reversed sale counts as a negative one.
"""

from __future__ import annotations

from catalog.messages import N_
from db.county.report_views import Scope, Sheet, rows
from db.store.clock import month_bounds

MONTH_SALES = (
    "SELECT l.household_id AS household, SUM(s.qty) AS qty, SUM(s.amount_fen) AS sold, "
    "COUNT(DISTINCT l.id) AS lots, 0 AS paid FROM produce_sale AS s "
    "JOIN produce_lot AS l ON l.id = s.lot_id WHERE s.time >= :start AND s.time < :end "
    "GROUP BY l.household_id UNION ALL SELECT household_id, 0, 0, 0, SUM(amount_fen) "
    "FROM produce_payout WHERE time >= :start AND time < :end GROUP BY household_id"
)
BY_HOUSEHOLD = (
    "SELECT h.number, h.head_name, COALESCE(v.name, h.village_id), SUM(m.lots), SUM(m.qty), "  # noqa: S608
    f"SUM(m.sold), SUM(m.paid) FROM ({MONTH_SALES}) AS m "
    "JOIN household AS h ON h.number = m.household "
    "LEFT JOIN village AS v ON v.code = h.village_id "
    "WHERE :one = 1 OR substr(h.village_id, 1, 6) = :county "
    "GROUP BY h.number, h.head_name, h.village_id, v.name ORDER BY h.village_id, h.number"
)
BY_VILLAGE = (
    "SELECT COALESCE(v.township_id, ''), v.code, COALESCE(v.name, h.village_id), "  # noqa: S608
    "COUNT(DISTINCT CASE WHEN m.sold <> 0 THEN h.number END), "
    f"SUM(m.sold), SUM(m.paid) FROM ({MONTH_SALES}) AS m "
    "JOIN household AS h ON h.number = m.household "
    "LEFT JOIN village AS v ON v.code = h.village_id "
    "WHERE :one = 1 OR substr(h.village_id, 1, 6) = :county "
    "GROUP BY h.village_id, v.township_id, v.code, v.name ORDER BY v.township_id, h.village_id"
)


def produce(month: str, scope: Scope) -> list[Sheet]:
    start, end = month_bounds(month)
    villages = Sheet(
        N_("代销按村"),
        (
            N_("乡镇代码"),
            N_("村代码"),
            N_("村"),
            N_("卖出户数"),
            N_("代销收入（元）"),
            N_("付给农户（元）"),
        ),
        keys=3,
        money=frozenset({4, 5}),
    )
    villages.rows = rows(BY_VILLAGE, start=start, end=end, **scope.params)
    households = Sheet(
        N_("代销按户"),
        (
            N_("户号"),
            N_("户主"),
            N_("村"),
            N_("代销批数"),
            N_("卖出数量"),
            N_("代销收入（元）"),
            N_("付给农户（元）"),
        ),
        keys=3,
        money=frozenset({5, 6}),
    )
    households.rows = rows(BY_HOUSEHOLD, start=start, end=end, **scope.params)
    return [villages, households]
