"""`aixin province report`: one month of every county in the database, side by side
(docs/design.md §6.7).

It has the county report's sections, in the same order and under the same titles; in each,
a county is one row — its code, its name, then the total row of that section of its own
county report — and the section's total row is the province's. So each county's row is what
its officers read, and the province's figures are the sum of the county reports by
construction. A section without a total row (未报站点) counts its rows.

Only a province operator (role `province`, made by `aixin province init`) reads it: county
officers see their own county alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.messages import N_, Refused
from db.books.auth import PIN_PATTERN, Actor, add_operator, check_name, require
from db.books.setup import local_station
from db.county import report
from db.county.office import counties, county_office
from db.county.report import CountyReport
from db.county.report_views import Sheet
from db.exchange.export import check_month
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.models import Operator

PROVINCE_OPERATOR = "province"  # the operator `init_province` makes unless told otherwise
KEYS = (N_("县代码"), N_("县"))
ROWS = N_("行数")


@dataclass
class ProvinceReport:
    month: str
    made: str
    counties: list[CountyReport]  # each county's own report, by code
    sheets: list[Sheet]

    def sheet(self, title: str) -> Sheet:
        return next(s for s in self.sheets if s.title == title)


def init_province(name: str, pin: str, clock: Clock) -> Operator:
    """The database's first province operator, `name` with `pin`; refused when it has one, or
    is not a county database. Like `county init`, whoever holds the database makes it."""
    name = check_name(name)
    if not PIN_PATTERN.match(pin):
        raise Refused("密码应为 4 到 8 位数字")
    with database.atomic():
        county_office()
        if Operator.select().where(Operator.role == "province").exists():
            raise Refused("这个数据库已经有省市汇总的操作员了")
        made = add_operator(name, "province", pin, clock)
        audit.record(name, local_station().code, clock.now(), "province-init", name)
    return made


def province_report(actor: Actor, month: str, clock: Clock) -> ProvinceReport:
    """`actor`, a province operator, reads every county's `month`; the reading is recorded."""
    require(actor, "province")
    month = check_month(month)
    here = county_office()
    made = clock.now()
    with database.atomic():
        audit.record(actor.name, here.code, made, "province-report", month)
    return combine(month, [report.read(c.code, month, stamp(made)) for c in counties()])


def combine(month: str, reports: list[CountyReport]) -> ProvinceReport:
    """The province's sections from the counties' reports of `month`."""
    made = reports[0].made if reports else ""
    sheets: list[Sheet] = []
    for index, title in enumerate(s.title for s in (reports[0].sheets if reports else [])):
        parts = [r.sheets[index] for r in reports]
        first = parts[0]
        if first.totals:
            headers = (*KEYS, *first.headers[first.keys :])
            money = frozenset(i - first.keys + len(KEYS) for i in first.money)
        else:
            headers, money = (*KEYS, ROWS), frozenset()
        sheet = Sheet(title, headers, money=money, keys=len(KEYS))
        for county, part in zip(reports, parts, strict=True):
            figures = part.total[part.keys :] if part.totals else [len(part.rows)]
            sheet.rows.append([county.county, county.name, *figures])
        sheets.append(sheet)
    return ProvinceReport(month, made, reports, sheets)
