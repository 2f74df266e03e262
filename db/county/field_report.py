"""The county report's views of the shop's work in the field (docs/design.md §6.4).

- 调拨对账: every transfer sent by the month's end that was sent or received in the month or
  is still on the road: what its lines say, what left the sender and what reached the
  receiver (their stock moves, as the two stations' month files brought them), and whether
  they agree. "In transit" is sent and not yet received by the month's end; "not seen sent"
  is received while no file of the sender has shown it leaving (its month not merged yet, or a
  forged transfer file).
- 节日慰问: each event: the households eligible among those the station that set it serves
  (by the county's roster), those who received by the month's end and in the month, and the
  coverage — received of eligible.
- 流动超市巡回: each visit of the month, with the households reached where.
Every hand-out is also one of the people reached (受益人次) of its village and station.
Transfers, events and visits are few: these read their rows, not monthly totals.
"""

from __future__ import annotations

from catalog.messages import N_, Message
from db.books.events import _eligible_sql
from db.county.report_views import Scope, Sheet, rows
from db.store.clock import month_bounds
from db.store.connection import database
from db.store.ids import human

BALANCED, IN_TRANSIT, UNSEEN, MISMATCH = (
    N_("已到账"),
    N_("在途"),
    N_("未见调出"),
    N_("不符"),
)


def transfers(month: str, scope: Scope) -> Sheet:
    start, end = month_bounds(month)
    sheet = Sheet(
        N_("调拨对账"),
        (
            N_("调拨单"),
            N_("调出站"),
            N_("调入站"),
            N_("调出时间"),
            N_("入库时间"),
            N_("单上件数"),
            N_("调出件数"),
            N_("入库件数"),
            N_("状态"),
        ),
        keys=5,
    )
    for number, sender, receiver, sent_at, received_at, listed, out, came in rows(
        "SELECT t.id, t.sender, t.receiver, t.time, r.time, "
        "(SELECT SUM(qty) FROM transfer_line WHERE transfer_id = t.id), "
        "COALESCE((SELECT -SUM(m.qty) FROM transfer_move AS x JOIN stock_move AS m "
        "ON m.id = x.move_id WHERE x.transfer_id = t.id AND m.station = t.sender), 0), "
        "COALESCE((SELECT SUM(m.qty) FROM transfer_move AS x JOIN stock_move AS m "
        "ON m.id = x.move_id WHERE x.transfer_id = t.id AND m.station = t.receiver "
        "AND m.time < :end), 0) "
        "FROM transfer AS t LEFT JOIN transfer_receipt AS r ON r.transfer_id = t.id "
        "WHERE t.time < :end AND (t.time >= :start OR r.time IS NULL OR r.time >= :start) "
        "AND (:one = 1 OR substr(t.sender, 1, 6) = :county) ORDER BY t.time, t.id",
        start=start,
        end=end,
        **scope.params,
    ):
        arrived = received_at is not None and received_at < end
        if not out:
            status = UNSEEN
        elif out == listed and not arrived:
            status = IN_TRANSIT
        elif out == listed == came:
            status = BALANCED
        else:
            status = MISMATCH
        sheet.rows.append(
            [
                human(number),
                sender,
                receiver,
                sent_at,
                received_at if arrived else "",
                listed,
                out,
                came if arrived else 0,
                Message(status),
            ]
        )
    return sheet


def events(month: str, scope: Scope) -> Sheet:
    start, end = month_bounds(month)
    sheet = Sheet(
        N_("节日慰问"),
        (
            N_("活动"),
            N_("名称"),
            N_("站点"),
            N_("开始"),
            N_("结束"),
            N_("应领户数"),
            N_("已领户数"),
            N_("本月领取"),
            N_("覆盖率"),
        ),
        keys=5,
    )
    for event_id, name, station, starts, ends in rows(
        "SELECT id, name, station, starts, ends FROM event WHERE starts < :end_day "
        "AND ends >= :start_day AND (:one = 1 OR substr(station, 1, 6) = :county) "
        "ORDER BY starts, id",
        start_day=start[:10],
        end_day=end[:10],
        **scope.params,
    ):
        where, params = _eligible_sql(event_id)
        served = (
            " AND (NOT EXISTS (SELECT 1 FROM station_township WHERE station_id = ?) OR "
            "h.village_id IN (SELECT v.code FROM village AS v JOIN station_township AS s "
            "ON s.township_id = v.township_id WHERE s.station_id = ?))"
        )
        mine, county = (
            ("", []) if scope.alone else (" AND substr(h.village_id, 1, 6) = ?", [station[:6]])
        )
        eligible = database.execute_sql(
            f"SELECT COUNT(*) FROM household AS h WHERE {where}{served}{mine}",  # noqa: S608
            [*params, station, station, *county],
        ).fetchone()[0]
        received, in_month = database.execute_sql(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN time >= ? THEN 1 ELSE 0 END), 0) FROM handout "
            "WHERE event_id = ? AND time < ?",
            (start, event_id, end),
        ).fetchone()
        share = f"{100 * received / eligible:.1f}%" if eligible else ""
        sheet.rows.append(
            [human(event_id), name, station, starts, ends, eligible, received, in_month, share]
        )
    return sheet


def visits(month: str, scope: Scope) -> Sheet:
    start, end = month_bounds(month)
    sheet = Sheet(
        N_("流动超市巡回"),
        (
            N_("站点"),
            N_("村"),
            N_("日期"),
            N_("到访户数"),
            N_("兑换次数"),
            N_("慰问户数"),
        ),
        keys=3,
    )
    for station, village, day, households, redeemed, handed in rows(
        "SELECT v.station, COALESCE(p.name, v.village_id), v.day, "
        "(SELECT COUNT(*) FROM (SELECT r.household_id FROM visit_redemption AS x "
        "JOIN redemption AS r ON r.id = x.redemption_id WHERE x.visit_id = v.id "
        "UNION SELECT household_id FROM handout WHERE visit_id = v.id) AS reached), "
        "(SELECT COUNT(*) FROM visit_redemption WHERE visit_id = v.id), "
        "(SELECT COUNT(*) FROM handout WHERE visit_id = v.id) "
        "FROM visit AS v LEFT JOIN village AS p ON p.code = v.village_id "
        "WHERE v.opened >= :start AND v.opened < :end "
        "AND (:one = 1 OR substr(v.station, 1, 6) = :county) ORDER BY v.day, v.station, v.id",
        start=start,
        end=end,
        **scope.params,
    ):
        sheet.rows.append([station, village, day, households, redeemed, handed])
    return sheet


def handouts_by(column: str, month: str, scope: Scope) -> dict[str, int]:
    """Hand-outs of the month by village (`village`) or station (`station`): people reached."""
    start, end = month_bounds(month)
    sql = {
        "village": "SELECT h.village_id, COUNT(*) FROM handout AS o JOIN household AS h "
        "ON h.number = o.household_id WHERE o.time >= :start AND o.time < :end "
        "AND (:one = 1 OR substr(o.station, 1, 6) = :county) GROUP BY 1",
        "station": "SELECT o.station, COUNT(*) FROM handout AS o "
        "WHERE o.time >= :start AND o.time < :end "
        "AND (:one = 1 OR substr(o.station, 1, 6) = :county) GROUP BY 1",
    }[column]
    return {key: count for key, count in rows(sql, start=start, end=end, **scope.params)}
