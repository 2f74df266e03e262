"""The station's own figures for a period (the shop screen's F9): what went in and out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from db.store.clock import stamp
from db.store.connection import database
from db.store.models import Item


@dataclass(frozen=True)
class Summary:
    start: str
    end: str
    awarded: int = 0
    deducted: int = 0
    redeemed: int = 0
    reversed: int = 0
    redemptions: int = 0  # beneficiary visits (人次)
    households_served: int = 0
    households_scored: int = 0
    goods_out: int = 0
    goods_in: int = 0
    donations: int = 0
    cash_fen: int = 0
    low_stock: list[tuple[str, str, int, int]] = field(default_factory=list)


def _one(sql: str, *params: object) -> tuple:
    return database.execute_sql(sql, params).fetchone()


def summarize(station: str, start: str, end: str) -> Summary:
    """Figures for `station` over [start, end), times as stored ('YYYY-MM-DD HH:MM:SS')."""
    # awards and deductions net of their reversals in the period, as redemptions are: one
    # figure counted one way on every screen (docs/design.md §8.4)
    awarded, deducted, redeemed, reversed_, scored = _one(
        "SELECT COALESCE(SUM(CASE WHEN e.kind = 'award' OR o.kind = 'award' "
        "THEN e.points END), 0), "
        "COALESCE(-SUM(CASE WHEN e.kind = 'deduction' OR o.kind = 'deduction' "
        "THEN e.points END), 0), "
        "COALESCE(-SUM(CASE WHEN e.kind = 'redemption' OR (e.kind = 'reversal' "
        "AND e.redemption_id IS NOT NULL) THEN e.points END), 0), "
        "COALESCE(SUM(CASE WHEN e.kind = 'reversal' THEN 1 END), 0), "
        "COUNT(DISTINCT CASE WHEN e.kind = 'award' THEN e.household_id END) "
        "FROM ledger_entry AS e LEFT JOIN ledger_entry AS o "
        "ON e.kind = 'reversal' AND o.id = e.reverses_id "
        "WHERE e.station = ? AND e.time >= ? AND e.time < ?",
        station,
        start,
        end,
    )
    visits, served = _one(  # the slips that stand
        "SELECT COUNT(*), COUNT(DISTINCT household_id) FROM redemption AS r "
        "WHERE station = ? AND time >= ? AND time < ? AND NOT EXISTS (SELECT 1 FROM "
        "ledger_entry AS e WHERE e.redemption_id = r.id AND e.kind = 'reversal')",
        station,
        start,
        end,
    )
    goods_out, goods_in = _one(
        "SELECT COALESCE(-SUM(CASE WHEN kind = 'redemption' THEN qty END), 0), "
        "COALESCE(SUM(CASE WHEN kind IN ('donation', 'purchase') THEN qty END), 0) "
        "FROM stock_move WHERE station = ? AND time >= ? AND time < ?",
        station,
        start,
        end,
    )
    donations, cash = _one(
        "SELECT COUNT(*), COALESCE(SUM(cash_fen), 0) FROM donation "
        "WHERE station = ? AND time >= ? AND time < ?",
        station,
        start,
        end,
    )
    low = [
        (item.code, item.name, item.stock, item.reorder_level)
        for item in Item.select()
        .where(Item.active == 1, Item.stock <= Item.reorder_level)
        .order_by(Item.stock, Item.code)
    ]
    return Summary(
        start,
        end,
        awarded,
        deducted,
        redeemed,
        reversed_,
        visits,
        served,
        scored,
        goods_out,
        goods_in,
        donations,
        cash,
        low,
    )


def today_and_month(station: str, now: datetime) -> tuple[Summary, Summary]:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    return (
        summarize(station, stamp(day), stamp(day + timedelta(days=1))),
        summarize(station, stamp(month), stamp(day + timedelta(days=1))),
    )
