"""`aixin county report`: one month of the county, view by view (docs/design.md §6).

Every view is a `Sheet` of plain rows with msgids for its title and headers (the CLI and the
workbook render them) and a total row that is the sum of its rows. Points come from the
county's monthly totals (db.month_totals), so a report over tens of millions of entries reads
a few hundred thousand rows. A household's balance at the end of the month is its balance now
less what was booked after the month. Money is in fen (`Sheet.money` names those columns);
1 point is worth `County.fen_per_point` fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalog.messages import N_, Message
from db.books.auth import Actor
from db.county import field_report, report_produce, report_views
from db.county.office import officer
from db.county.report_views import POINTS, Scope, Sheet, rows, scope_of
from db.exchange.export import check_month
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.models import County

UNKNOWN = N_("（档案未到）")


@dataclass
class CountyReport:
    county: str
    name: str
    month: str
    made: str
    fen_per_point: int
    sheets: list[Sheet]
    # For the workbook (`county_report(..., for_print=True)`): the same views of the month
    # before, which it sets beside each figure, and the monthly trend it charts.
    previous: list[Sheet] | None = None
    previous_month: str | None = None
    trend: Sheet | None = None

    def sheet(self, title: str) -> Sheet:
        return next(s for s in self.sheets if s.title == title)

    def previous_sheet(self, title: str) -> Sheet | None:
        return next((s for s in self.previous or () if s.title == title), None)


# Per village: the month's points, households that earned / redeemed, visits, balances.
VILLAGES = """
WITH month AS (
    SELECT h.village_id AS village, SUM(m.award) AS award, SUM(m.deduction) AS deduction,
        SUM(m.redemption) AS redemption, SUM(m.reversal) AS reversal,
        SUM(m.adjustment) AS adjustment, SUM(CASE WHEN m.award > 0 THEN 1 ELSE 0 END) AS earned,
        SUM(CASE WHEN m.redemptions > 0 THEN 1 ELSE 0 END) AS redeemed,
        SUM(m.redemptions) AS visits
    FROM month_household AS m JOIN household AS h ON h.number = m.household_id
    WHERE m.month = :month AND (:one = 1 OR substr(h.village_id, 1, 6) = :county)
    GROUP BY h.village_id),
later AS (
    SELECT h.village_id AS village,
        SUM(m.award + m.deduction + m.redemption + m.reversal + m.adjustment) AS points
    FROM month_household AS m JOIN household AS h ON h.number = m.household_id
    WHERE m.month > :month AND (:one = 1 OR substr(h.village_id, 1, 6) = :county)
    GROUP BY h.village_id),
roster AS (
    SELECT village_id AS village, COUNT(*) AS households,
        SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS active,
        SUM(balance) AS balance FROM household
    WHERE :one = 1 OR substr(village_id, 1, 6) = :county GROUP BY village_id)
SELECT v.township_id, COALESCE(t.name, v.township_id), v.code, v.name,
    COALESCE(r.households, 0), COALESCE(r.active, 0),
    COALESCE(a.award, 0), -COALESCE(a.deduction, 0), -COALESCE(a.redemption, 0),
    COALESCE(a.reversal, 0), COALESCE(a.adjustment, 0),
    COALESCE(a.award + a.deduction + a.redemption + a.reversal + a.adjustment, 0),
    COALESCE(a.earned, 0), COALESCE(a.redeemed, 0), COALESCE(a.visits, 0),
    COALESCE(r.balance, 0) - COALESCE(l.points, 0)
FROM village AS v LEFT JOIN township AS t ON t.code = v.township_id
LEFT JOIN month AS a ON a.village = v.code LEFT JOIN later AS l ON l.village = v.code
LEFT JOIN roster AS r ON r.village = v.code
WHERE :one = 1 OR substr(v.code, 1, 6) = :county
ORDER BY v.township_id, v.code
"""
# Entries of households whose record has not reached the county (a month still missing).
UNKNOWN_HOUSEHOLDS = """
SELECT COUNT(DISTINCT m.household_id),
    SUM(CASE WHEN m.month = :month THEN m.award END),
    -SUM(CASE WHEN m.month = :month THEN m.deduction END),
    -SUM(CASE WHEN m.month = :month THEN m.redemption END),
    SUM(CASE WHEN m.month = :month THEN m.reversal END),
    SUM(CASE WHEN m.month = :month THEN m.adjustment END),
    SUM(CASE WHEN m.month = :month THEN m.award + m.deduction + m.redemption + m.reversal
        + m.adjustment END),
    COUNT(DISTINCT CASE WHEN m.month = :month AND m.award > 0 THEN m.household_id END),
    COUNT(DISTINCT CASE WHEN m.month = :month AND m.redemptions > 0 THEN m.household_id END),
    SUM(CASE WHEN m.month = :month THEN m.redemptions END),
    SUM(CASE WHEN m.month <= :month THEN m.award + m.deduction + m.redemption + m.reversal
        + m.adjustment END)
FROM month_household AS m
WHERE NOT EXISTS (SELECT 1 FROM household AS h WHERE h.number = m.household_id)
    AND (:one = 1 OR EXISTS (SELECT 1 FROM ledger_entry AS e
        WHERE e.household_id = m.household_id AND substr(e.station, 1, 6) = :county))
"""


def yuan(fen: int) -> Decimal:
    """Fen as yuan with two places, exactly: 123456 -> Decimal('1234.56')."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


# The month's main figures, month by month, for the workbook's chart (`trend`).
TREND = """
SELECT month, SUM(award), -SUM(deduction), -SUM(redemption),
    SUM(award + deduction + redemption + reversal + adjustment),
    SUM(CASE WHEN award > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN redemptions > 0 THEN 1 ELSE 0 END),
    SUM(redemptions)
FROM month_household AS m WHERE month >= :first AND month <= :month AND (:one = 1
    OR m.household_id IN (SELECT number FROM household WHERE substr(village_id, 1, 6) = :county)
    OR (NOT EXISTS (SELECT 1 FROM household AS h WHERE h.number = m.household_id)
        AND EXISTS (SELECT 1 FROM ledger_entry AS e WHERE e.household_id = m.household_id
        AND substr(e.station, 1, 6) = :county)))
GROUP BY month
"""
TREND_MONTHS = 12


def county_report(
    actor: Actor, month: str, clock: Clock, *, for_print: bool = False
) -> CountyReport:
    """`actor`, a county operator, reads the county's `month`; the reading is recorded.

    `for_print` adds what the workbook shows beside it: the month before, and the trend of
    the last twelve months."""
    month = check_month(month)
    office = officer(actor)
    made = clock.now()
    with database.atomic():
        audit.record(actor.name, office.code, made, "report", month)
    return read(office.county_id, month, stamp(made), for_print=for_print)


def read(code: str, month: str, made: str, *, for_print: bool = False) -> CountyReport:
    """County `code`'s report of `month`, read from the open database (no one is checked:
    the callers are `county_report` and the province report)."""
    county = County.get_by_id(code)
    fen = county.fen_per_point
    scope = scope_of(county.code)
    report = CountyReport(county.code, county.name, month, made, fen, sheets(month, fen, scope))
    if for_print:
        report.previous_month = month_before(month)
        report.previous = sheets(report.previous_month, fen, scope)
        report.trend = trend(month, scope)
    return report


def sheets(month: str, fen: int, scope: Scope) -> list[Sheet]:
    """Every view of the county report, in order, for `scope`'s county."""
    return [
        *_places(month, fen, scope),
        report_views.stations(month, scope),
        report_views.categories(month, scope),
        *report_views.goods(month, fen, scope),
        report_views.donations(month, scope),
        report_views.postings(month, scope),
        report_views.missing(month, scope),
        report_views.overdrawn(month, fen, scope),
        *report_produce.produce(month, scope),
        field_report.transfers(month, scope),
        field_report.events(month, scope),
        field_report.visits(month, scope),
    ]


def month_before(month: str, count: int = 1) -> str:
    """'2026-01' -> '2025-12'; with `count`, that many months before."""
    year, number = int(month[:4]), int(month[5:7]) - count
    while number < 1:
        year, number = year - 1, number + 12
    return f"{year:04d}-{number:02d}"


def trend(month: str, scope: Scope) -> Sheet:
    """Points awarded, deducted, redeemed and net, households that earned and redeemed, and
    visits, in each of the twelve months up to `month` (a month with nothing has zeros)."""
    first = month_before(month, TREND_MONTHS - 1)
    sheet = Sheet(
        N_("月度趋势"),
        (
            N_("月份"),
            N_("奖励积分"),
            N_("扣减积分"),
            N_("兑换积分"),
            N_("净变动"),
            N_("获分户数"),
            N_("兑换户数"),
            N_("受益人次"),
        ),
        totals=False,
    )
    found = {row[0]: row[1:] for row in rows(TREND, first=first, month=month, **scope.params)}
    for back in range(TREND_MONTHS - 1, -1, -1):
        name = month_before(month, back)
        sheet.rows.append([name, *(int(v or 0) for v in found.get(name, [0] * 7))])
    return sheet


def _places(month: str, fen: int, scope: Scope) -> list[Sheet]:
    heads = (
        N_("在册户数"),
        N_("正常户数"),
        *POINTS,
        N_("获分户数"),
        N_("兑换户数"),
        N_("受益人次"),
        N_("月末积分余额"),
        N_("月末余额折合（元）"),
    )
    villages = Sheet(
        N_("按村"),
        (N_("乡镇代码"), N_("乡镇"), N_("村代码"), N_("村"), *heads),
        keys=4,
        money=frozenset({len(heads) + 3}),
    )
    handed = field_report.handouts_by("village", month, scope)
    reached = 4 + heads.index(N_("受益人次"))
    for row in rows(VILLAGES, month=month, **scope.params):
        row[reached] += handed.get(row[2], 0)  # a hand-out reaches a household too
        villages.rows.append([*row, row[-1] * fen])
    unknown = rows(UNKNOWN_HOUSEHOLDS, month=month, **scope.params)[0]
    if unknown[0]:
        count, *points, balance = (v or 0 for v in unknown)
        unknown_place = Message(UNKNOWN)
        villages.rows.append(
            ["", unknown_place, "", unknown_place, count, 0, *points, balance, balance * fen]
        )
    townships = Sheet(
        N_("按乡镇"),
        (N_("乡镇代码"), N_("乡镇"), *heads),
        keys=2,
        money=frozenset({len(heads) + 1}),
    )
    for row in villages.rows:
        same = townships.rows and townships.rows[-1][0] == row[0]
        if same:
            townships.rows[-1][2:] = [
                a + b for a, b in zip(townships.rows[-1][2:], row[4:], strict=True)
            ]
        else:
            townships.rows.append([row[0], row[1], *row[4:]])
    return [townships, villages]
