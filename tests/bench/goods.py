"""Goods of a large bench station: monthly donations and a few redemptions at the end.

The redemptions are planned in Python against the balances the scoring left (so none
overdraws), then written in batches with their lines, ledger entries (staged, to be linked
with the rest) and stock moves; the donations before them cover every basket with stock to
spare, so no item ever goes below zero.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.store.clock import stamp
from db.store.connection import database
from db.store.ids import id_range
from tests.bench.history import ROUND_DAYS, Scoring
from tests.bench.roster import FIRST_DAY, STATION

REDEMPTION_DAYS = 20


@dataclass(frozen=True)
class Basket:
    household: str
    lines: tuple[tuple[str, int, int], ...]  # item, qty, price

    @property
    def total(self) -> int:
        return sum(qty * price for _, qty, price in self.lines)


def plan_redemptions(count: int, seed: int) -> list[Basket]:
    """`count` baskets of active households, each within the balance it has by then."""
    balances = dict(
        database.execute_sql(
            "SELECT household_id, SUM(points) FROM temp.bench_entry GROUP BY household_id"
        ).fetchall()
    )
    goods = database.execute_sql(
        "SELECT code, price FROM item WHERE active = 1 ORDER BY code"
    ).fetchall()
    cheapest = min(price for _, price in goods)
    candidates = [
        number
        for (number,) in database.execute_sql(
            "SELECT number FROM temp.bench_household WHERE status = 'active' ORDER BY pos"
        )
        if balances.get(number, 0) >= cheapest
    ]
    rng = random.Random(seed)
    baskets: list[Basket] = []
    tries = 0
    while len(baskets) < count:
        tries += 1
        if not candidates or tries > 20 * count + 100:
            raise ValueError("too few points in the books for the redemptions asked for")
        number = rng.choice(candidates)
        budget, lines = balances[number], list[tuple[str, int, int]]()
        for code, price in rng.sample(goods, rng.randint(1, 3)):
            qty = rng.choice((1, 1, 1, 2))
            if qty * price <= budget:
                lines.append((code, qty, price))
                budget -= qty * price
        if lines:
            balances[number] = budget
            baskets.append(Basket(number, tuple(lines)))
    return baskets


def redemption_times(start: datetime, count: int) -> list[str]:
    """Shop hours, 08:30 to 17:30, over `REDEMPTION_DAYS` days from `start`."""
    per_day = max(1, math.ceil(count / REDEMPTION_DAYS))
    gap = 9 * 3600 // per_day
    day = start.replace(hour=8, minute=30, second=0)
    return [
        stamp(day + timedelta(days=k // per_day, seconds=(k % per_day) * gap)) for k in range(count)
    ]


@dataclass(frozen=True)
class Goods:
    donations: int
    moves: int
    redemptions: int
    last: str  # time of the last redemption, or of the last donation


def write_goods(baskets: list[Basket], scoring: Scoring) -> Goods:
    """Donations that cover every basket, then the redemptions with their entries and moves."""
    low, _ = id_range(STATION)
    goods = database.execute_sql("SELECT code, price FROM item ORDER BY code").fetchall()
    months = max(1, math.ceil(scoring.rounds * ROUND_DAYS / 30))
    moves = _donations(low, goods, baskets, months)
    times = redemption_times(scoring.end, len(baskets))
    conn = database.connection()
    redemptions: list[tuple] = []
    lines: list[tuple] = []
    entries: list[tuple] = []
    line_id = low
    for k, (basket, time) in enumerate(zip(baskets, times, strict=True)):
        redemption = low + 1 + k
        redemptions.append((redemption, basket.household, basket.total, "clerk", STATION, time))
        for code, qty, price in basket.lines:
            line_id += 1
            lines.append((line_id, redemption, code, qty, price, qty * price))
            moves.append((code, -qty, "redemption", redemption, None, time))
        entries.append(
            (
                low + 1 + scoring.entries + k,
                basket.household,
                -basket.total,
                "redemption",
                None,
                redemption,
                None,
                sum(qty for _, qty, _ in basket.lines),
                "",
                "clerk",
                STATION,
                time,
            )
        )
    conn.executemany("INSERT INTO redemption VALUES (?, ?, ?, ?, ?, ?)", redemptions)
    conn.executemany("INSERT INTO redemption_line VALUES (?, ?, ?, ?, ?, ?)", lines)
    conn.executemany(
        "INSERT INTO temp.bench_entry (id, household_id, points, kind, task_id, redemption_id, "
        "reverses_id, qty, note, operator, station, time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entries,
    )
    conn.executemany(
        "INSERT INTO stock_move (id, item_id, qty, kind, redemption_id, donation_id, note, "
        "operator, station, time) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
        [
            (low + 1 + i, code, qty, kind, redemption, donation, "clerk", STATION, time)
            for i, (code, qty, kind, redemption, donation, time) in enumerate(moves)
        ],
    )
    return Goods(months, len(moves), len(baskets), times[-1] if times else moves[-1][-1])


DONORS = (
    "天等县供销合作社",
    "黄志强",
    "广西崇左农垦糖业有限公司",
    "李秀英",
    "天等县农村信用合作联社",
    "农建华",
    "崇左市爱心企业联合会",
    "天等县指天椒产业协会",
)
SURPLUS = 200  # of each item left on the shelf for the benchmarks' own redemptions


def _donations(
    low: int, goods: list[tuple[str, int]], baskets: list[Basket], months: int
) -> list[tuple]:
    """A donation of every item at the start of every month, together covering the baskets."""
    wanted = {code: SURPLUS for code, _ in goods}
    for basket in baskets:
        for code, qty, _ in basket.lines:
            wanted[code] += qty
    names = DONORS[:months]
    conn = database.connection()
    conn.executemany(
        "INSERT INTO donor VALUES (?, ?, ?, '')",
        [
            (low + 1 + i, name, "company" if name.endswith(("社", "司", "会")) else "person")
            for i, name in enumerate(names)
        ],
    )
    donations: list[tuple] = []
    lines: list[tuple] = []
    moves: list[tuple] = []
    for month in range(months):
        donation = low + 1 + month
        time = stamp(FIRST_DAY + timedelta(days=30 * month, hours=7))
        donations.append((donation, low + 1 + month % len(names), 0, "", "clerk", STATION, time))
        for code, price in goods:
            qty = math.ceil(wanted[code] / months)
            lines.append((low + 1 + len(lines), donation, code, qty, qty * price * 100))
            moves.append((code, qty, "donation", None, donation, time))
    conn.executemany("INSERT INTO donation VALUES (?, ?, ?, ?, ?, ?, ?)", donations)
    conn.executemany("INSERT INTO donation_line VALUES (?, ?, ?, ?, ?)", lines)
    return moves
