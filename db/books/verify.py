"""`aixin verify`: recompute everything the books cache or promise (docs/design.md §4).

Each check is one set-based query or one pass over a chain, so the whole file is checked in
one read. What it finds are `Finding`s: a code (integrity, foreign_key, chain, chain_more,
balance, overdrawn, stock, negative_stock, redemption, reversal, month_totals), a message
whose fields name the record at fault, and that record as the subject (for `chain`, the
chain.Break); the caller renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.messages import N_, Finding, Message
from db.books import month_totals
from db.store import chain
from db.store.connection import database
from db.store.ids import human, id_range
from db.store.models import Setting, Station


@dataclass
class Report:
    problems: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    counted: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


SHOWN_BREAKS = 20  # per chain; then how many more


def _rows(sql: str, *params: object) -> list[tuple]:
    return list(database.execute_sql(sql, params).fetchall())


def verify() -> Report:
    report = Report()
    _integrity(report)
    if report.problems:
        return report
    setting = Setting.get_or_none(Setting.name == "station")
    local = setting.value if setting else None
    county = local is None or Station.get_by_id(local).kind == "county"
    for station in Station.select().order_by(Station.code):
        # A station holds only its own chain whole; the county holds every chain whole.
        if county or station.code == local:
            _chain(report, station)
    _balances(report)
    if local is not None:
        _stock(report, local)
    _redemptions(report)
    _reversals(report)
    if local is not None and county:
        report.problems.extend(month_totals.problems())
    return report


def _integrity(report: Report) -> None:
    result = _rows("PRAGMA quick_check")
    if result != [("ok",)]:
        detail = tuple(r[0] for r in result[:5])  # SQLite's own words
        report.problems.append(
            Finding("integrity", Message(N_("数据库文件损坏：{detail}"), detail=detail))
        )
    for table, row, parent, _ in _rows("PRAGMA foreign_key_check")[:5]:
        message = Message(
            N_("{table} 第 {row} 行引用的 {parent} 不存在"), table=table, row=row, parent=parent
        )
        report.problems.append(Finding("foreign_key", message, subject=(table, row)))


def _chain(report: Report, station: Station) -> None:
    low, high = id_range(station.code)
    cursor = database.execute_sql(
        f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id >= ? AND id < ? ORDER BY id",  # noqa: S608 - constant columns
        (low, high),
    )
    breaks, _ = chain.check(cursor, head=station.chain_head, first=low + 1)
    report.counted["chains"] = report.counted.get("chains", 0) + 1
    for brk in breaks[:SHOWN_BREAKS]:
        message = Message(
            N_("站点 {station} 账目链：{problem}"), station=station.code, problem=brk.message
        )
        report.problems.append(Finding("chain", message, subject=brk))
    if len(breaks) > SHOWN_BREAKS:
        more = len(breaks) - SHOWN_BREAKS
        message = Message(
            N_("站点 {station} 账目链：还有 {count} 处断开"), station=station.code, count=more
        )
        report.problems.append(Finding("chain_more", message, subject=station.code))


def _balances(report: Report) -> None:
    rows = _rows(
        "SELECT h.number, h.head_name, h.balance, COALESCE(s.total, 0) FROM household h "
        "LEFT JOIN (SELECT household_id, SUM(points) AS total FROM ledger_entry "
        "GROUP BY household_id) s ON s.household_id = h.number "
        "WHERE h.balance IS NOT COALESCE(s.total, 0) OR h.balance < 0"
    )
    for number, name, cached, total in rows:
        if cached != total:
            message = Message(
                N_("户 {number}（{name}）余额记为 {cached} 分，条目合计 {total} 分"),
                number=number,
                name=name,
                cached=cached,
                total=total,
            )
            report.problems.append(Finding("balance", message, subject=number))
        else:
            message = Message(
                N_("户 {number}（{name}）透支 {points} 分（多个站点同时兑换）"),
                number=number,
                name=name,
                points=-total,
            )
            report.notices.append(Finding("overdrawn", message, "notice", number))
    report.counted["households"] = _rows("SELECT COUNT(*) FROM household")[0][0]
    report.counted["entries"] = _rows("SELECT COUNT(*) FROM ledger_entry")[0][0]


def _stock(report: Report, station: str) -> None:
    rows = _rows(
        "SELECT i.code, i.name, i.stock, COALESCE(s.total, 0) FROM item i "
        "LEFT JOIN (SELECT item_id, SUM(qty) AS total FROM stock_move WHERE station = ? "
        "GROUP BY item_id) s ON s.item_id = i.code "
        "WHERE i.stock IS NOT COALESCE(s.total, 0) OR i.stock < 0",
        station,
    )
    for code, name, cached, total in rows:
        if cached != total:
            message = Message(
                N_("商品 {code}（{name}）库存记为 {cached}，出入库合计 {total}"),
                code=code,
                name=name,
                cached=cached,
                total=total,
            )
            report.problems.append(Finding("stock", message, subject=code))
        else:
            message = Message(
                N_("商品 {code}（{name}）库存为负：{total}"), code=code, name=name, total=total
            )
            report.problems.append(Finding("negative_stock", message, subject=code))
    report.counted["moves"] = _rows("SELECT COUNT(*) FROM stock_move")[0][0]


def _redemptions(report: Report) -> None:
    rows = _rows(
        "SELECT r.id, r.total, COALESCE(l.points, 0), COALESCE(e.points, 0) FROM redemption r "
        "LEFT JOIN (SELECT redemption_id, SUM(points) AS points FROM redemption_line "
        "GROUP BY redemption_id) l ON l.redemption_id = r.id "
        "LEFT JOIN ledger_entry e ON e.redemption_id = r.id AND e.kind = 'redemption' "
        "WHERE r.total IS NOT COALESCE(l.points, 0) OR -r.total IS NOT COALESCE(e.points, 0)"
    )
    for slip, total, lines, entry in rows:
        message = Message(
            N_("兑换单 {slip} 合计 {total} 分，明细合计 {lines} 分，扣分条目 {entry} 分"),
            slip=human(slip),
            total=total,
            lines=lines,
            entry=-entry,
        )
        report.problems.append(Finding("redemption", message, subject=slip))


def _reversals(report: Report) -> None:
    rows = _rows(
        "SELECT r.id, o.id, o.kind FROM ledger_entry r JOIN ledger_entry o ON o.id = r.reverses_id "
        "WHERE r.kind <> 'reversal' OR o.kind = 'reversal' OR r.points <> -o.points "
        "OR r.household_id <> o.household_id"
    )
    for reversal, original, _kind in rows:
        message = Message(
            N_("冲正条目 {reversal} 与原条目 {original} 不相符"),
            reversal=human(reversal),
            original=human(original),
        )
        report.problems.append(Finding("reversal", message, subject=reversal))
