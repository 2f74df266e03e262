"""What `aixin verify` checks of hand-outs, transfers and visits (docs/design.md §4.8).

- every hand-out: its entry (when the event gives points) is of kind `handout`, for its
  household, worth the event's points; its lines are the event's package, each with one stock
  move of kind `handout` of that item and minus that quantity;
- every entry and every move of kind `handout` belongs to a hand-out (nothing handed out
  outside one);
- every transfer's receipt is at the station it was sent to, and a transfer's lines are of
  that transfer's own station's ids;
- every redemption a visit records is of the visit's station.
The hand-outs, transfers and visits of a station are few (hundreds a year): every check reads
them whole, at every depth.
"""

from __future__ import annotations

from catalog.messages import N_, Finding, Message
from db.store.connection import database
from db.store.ids import human

CHECKS = (
    (
        "handout_entry",
        N_("慰问发放 {record} 的积分条目与活动不符"),
        "SELECT o.id FROM handout o JOIN event e ON e.id = o.event_id "
        "LEFT JOIN ledger_entry x ON x.id = o.entry_id "
        "WHERE CASE WHEN e.points = 0 THEN o.entry_id IS NOT NULL ELSE x.id IS NULL "
        "OR x.kind <> 'handout' OR x.household_id <> o.household_id OR x.points <> e.points END",
    ),
    (
        "handout_lines",
        N_("慰问发放 {record} 的物品与活动的慰问品不符"),
        "SELECT o.id FROM handout o WHERE EXISTS ("
        "SELECT item_id, qty FROM event_item WHERE event_id = o.event_id EXCEPT "
        "SELECT item_id, qty FROM handout_line WHERE handout_id = o.id) OR EXISTS ("
        "SELECT item_id, qty FROM handout_line WHERE handout_id = o.id EXCEPT "
        "SELECT item_id, qty FROM event_item WHERE event_id = o.event_id)",
    ),
    (
        "handout_move",
        N_("慰问发放 {record} 的出库记录与物品不符"),
        "SELECT l.handout_id FROM handout_line l LEFT JOIN stock_move m ON m.id = l.move_id "
        "WHERE m.id IS NULL OR m.kind <> 'handout' OR m.item_id <> l.item_id OR m.qty <> -l.qty",
    ),
    (
        "handout_stray",
        N_("条目 {record} 是慰问积分，却不属于任何慰问发放"),
        "SELECT x.id FROM ledger_entry x WHERE x.kind = 'handout' "
        "AND NOT EXISTS (SELECT 1 FROM handout o WHERE o.entry_id = x.id)",
    ),
    (
        "handout_stray",
        N_("出库 {record} 是慰问出库，却不属于任何慰问发放"),
        "SELECT m.id FROM stock_move m WHERE m.kind = 'handout' "
        "AND NOT EXISTS (SELECT 1 FROM handout_line l WHERE l.move_id = m.id)",
    ),
    (
        "transfer_receipt",
        N_("调拨单 {record} 的入库站点不是它调往的站点"),
        "SELECT t.id FROM transfer t JOIN transfer_receipt r ON r.transfer_id = t.id "
        "WHERE r.station <> t.receiver",
    ),
    (
        "transfer_lines",
        N_("调拨单 {record} 没有明细，或明细不是调出站的编号"),
        "SELECT t.id FROM transfer t WHERE NOT EXISTS "
        "(SELECT 1 FROM transfer_line l WHERE l.transfer_id = t.id) OR EXISTS "
        "(SELECT 1 FROM transfer_line l WHERE l.transfer_id = t.id "
        "AND l.id / 10000000000 <> t.id / 10000000000)",
    ),
    (
        "visit_redemption",
        N_("兑换单 {record} 记在别的站点的巡回上"),
        "SELECT x.redemption_id FROM visit_redemption x JOIN visit v ON v.id = x.visit_id "
        "JOIN redemption r ON r.id = x.redemption_id WHERE r.station <> v.station",
    ),
)
MOST = 20  # findings of one check: the first ones say what is wrong


def problems() -> list[Finding]:
    found = []
    for code, template, sql in CHECKS:
        for (record,) in database.execute_sql(f"{sql} LIMIT {MOST}").fetchall():
            found.append(Finding(code, Message(template, record=human(record)), subject=record))
    return found
