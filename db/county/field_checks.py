"""What the county checks of a month file's transfers, visits and hand-outs (docs/design.md §14).

Beside what a month file may hold at all (db.exchange.month_parts.field, `PARTS`), held
against the county's books inside the merge's write transaction, file staged as `f`:
- a hand-out names an event of the file or one the county has, a household the county or the
  file knows, and a visit of the file or the county (of the same station); its points are the
  event's points, its goods the event's package, its day inside the event's period, and the
  household has no other hand-out of that event at the county;
- a visit's redemption names a visit of the file or the county, of the sending station;
- a transfer's ends are stations the county enrolled, its goods goods the county knows.
Set-based, each a join on keys; the rows are few.
"""

from __future__ import annotations

from functools import partial

from catalog.messages import N_, Finding
from db.county.catalog_checks import Found, problem
from db.store.ids import human

EVENTS = (
    "(SELECT id, points, starts, ends FROM f.event "
    "UNION ALL SELECT id, points, starts, ends FROM event)"
)
VISITS = "(SELECT id, station FROM f.visit UNION ALL SELECT id, station FROM visit)"

CHECKS = (
    (
        "unknown_event",
        N_("慰问发放 {record} 的活动县里没有，文件里也没有"),
        "SELECT o.id FROM f.handout AS o WHERE NOT EXISTS "  # noqa: S608 - constants
        f"(SELECT 1 FROM {EVENTS} AS e WHERE e.id = o.event_id)",
    ),
    (
        "handout_points",
        N_("慰问发放 {record} 的积分与活动不符，或不在活动的发放时间里"),
        f"SELECT o.id FROM f.handout AS o JOIN {EVENTS} AS e ON e.id = o.event_id "  # noqa: S608
        "LEFT JOIN f.ledger_entry AS x ON x.id = o.entry_id "
        "WHERE substr(o.time, 1, 10) < e.starts OR substr(o.time, 1, 10) > e.ends "
        "OR (e.points = 0 AND o.entry_id IS NOT NULL) "
        "OR (e.points > 0 AND (x.id IS NULL OR x.points <> e.points))",
    ),
    (
        "handout_lines",
        N_("慰问发放 {record} 的物品与活动的慰问品不符"),
        "SELECT o.id FROM f.handout AS o WHERE EXISTS ("
        "SELECT item_id, qty FROM (SELECT event_id, item_id, qty FROM f.event_item "
        "UNION SELECT event_id, item_id, qty FROM event_item) AS x WHERE event_id = o.event_id "
        "EXCEPT SELECT item_id, qty FROM f.handout_line WHERE handout_id = o.id) OR EXISTS ("
        "SELECT item_id, qty FROM f.handout_line WHERE handout_id = o.id EXCEPT "
        "SELECT item_id, qty FROM (SELECT event_id, item_id, qty FROM f.event_item "
        "UNION SELECT event_id, item_id, qty FROM event_item) AS x "
        "WHERE event_id = o.event_id)",
    ),
    (
        "handout_twice",
        N_("慰问发放 {record}：这一户在县里已经领过这次慰问"),
        "SELECT o.id FROM f.handout AS o JOIN handout AS m ON m.event_id = o.event_id "
        "AND m.household_id = o.household_id AND m.id <> o.id",
    ),
    (
        "unknown_household",
        N_("慰问发放 {record} 的户县里没有，文件里也没有"),
        "SELECT o.id FROM f.handout AS o WHERE NOT EXISTS (SELECT 1 FROM household AS h "
        "WHERE h.number = o.household_id) AND NOT EXISTS (SELECT 1 FROM f.household_version "
        "AS v WHERE v.number = o.household_id)",
    ),
    (
        "unknown_visit",
        N_("慰问发放 {record} 记在一次没有的或别的站点的巡回上"),
        "SELECT o.id FROM f.handout AS o WHERE o.visit_id IS NOT NULL AND NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {VISITS} AS v WHERE v.id = o.visit_id AND v.station = :me)",
    ),
    (
        "unknown_visit",
        N_("兑换单 {record} 记在一次没有的或别的站点的巡回上"),
        "SELECT x.redemption_id FROM f.visit_redemption AS x WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {VISITS} AS v WHERE v.id = x.visit_id AND v.station = :me)",
    ),
    (
        "unknown_station",
        N_("调拨单 {record} 的调出站或调入站不是本县登记的站点"),
        "SELECT t.id FROM f.transfer AS t WHERE NOT EXISTS (SELECT 1 FROM station AS s "
        "WHERE s.code = t.sender) OR NOT EXISTS (SELECT 1 FROM station AS s "
        "WHERE s.code = t.receiver)",
    ),
    (
        "unknown_item",
        N_("调拨单 {record} 里有县里没有的商品"),
        "SELECT DISTINCT l.transfer_id FROM f.transfer_line AS l "
        "WHERE NOT EXISTS (SELECT 1 FROM item AS i WHERE i.code = l.item_id)",
    ),
)


def check(found: Found, params: dict) -> None:
    for code, template, sql in CHECKS:
        found.gather(sql, params, partial(_finding, code, template))


def _finding(code: str, template: str, row: tuple) -> Finding:
    return problem(code, template, row[0], record=human(row[0]))
