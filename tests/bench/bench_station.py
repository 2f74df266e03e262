"""Station timings (issues 2 and 9): each service beside the same work in bare sqlite3.

    python -m tests.bench.generate --out tests/bench/data/station.sqlite
    python -m tests.bench.bench_station --db tests/bench/data/station.sqlite

Household lookups (by number, by card, card scan to household shown, search) over households
picked at random; awards, village sheets and redemptions, each a committed transaction;
`verify --since-last` after that day's work, then the whole file's `verify` (and once with
`--integrity`). Service and baseline run in the same process on the same file, taking turns.
The run books awards and redemptions (valid ones: verify runs last and must pass), so run
it on a generated file, never on real books. Prints Markdown for tests/bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from db.books import auth, awards, cards, ledger, redemptions, verified
from db.books import verify as checks
from db.books.households import require_active, search
from db.books.setup import local_station
from db.store import chain, chain_scan
from db.store.clock import TIME_FORMAT, FixedClock
from db.store.connection import connect, database
from db.store.models import VerifiedPoint
from tests.bench import bare
from tests.bench.timing import Pair, clocked, compare, machine, table

WARMUP = 50
CHEAP = 30  # points: the dearest item in a benchmark basket
PIN = "1234"
SHEET_TASK = "GY02"  # 公益岗位全勤: 10 points, a cap of 10 a month — one line a household


def lookups(base: bare.Bare, rng: random.Random, samples: int, searches: int) -> list[Pair]:
    people = database.execute_sql(
        "SELECT c.household_id, c.serial FROM card c JOIN household h ON h.number = c.household_id "
        "WHERE c.revoked IS NULL AND h.status = 'active'"
    ).fetchall()
    picks = rng.sample(people, min(len(people), samples + WARMUP))
    county = local_station().county
    scans = [(cards.payload(county, number, serial), (number, serial)) for number, serial in picks]
    numbers = [(number, number) for number, _ in picks]
    return [
        compare(
            "household by number: households.require_active",
            require_active,
            base.household,
            numbers,
            WARMUP,
        ),
        compare(
            "card scan: cards.check (MAC, household, card)", cards.check, base.card, scans, WARMUP
        ),
        compare(
            "card scan → household shown: check + village + last 10 entries",
            shown,
            base.shown,
            scans,
            WARMUP,
        ),
        compare(
            "household search by number: households.search",
            search,
            base.search,
            numbers[: searches + WARMUP],
            WARMUP,
        ),
    ]


def shown(payload: str) -> tuple:
    """What the checkout needs to show a scanned household."""
    scan = cards.check(payload)
    return scan.household.village, ledger.history(scan.household.number, limit=10)


def writes(base: bare.Bare, rng: random.Random, count: int) -> list[Pair]:
    clock = base.clock
    manager = auth.sign_in("manager", PIN, clock)
    clerk = auth.sign_in("clerk", PIN, clock)
    task, points = database.execute_sql(
        "SELECT code, points FROM task WHERE active = 1 AND points > 0 AND cap >= points "
        "ORDER BY points, code LIMIT 1"
    ).fetchone()
    active = [
        n
        for (n,) in database.execute_sql(
            "SELECT number FROM household WHERE status = 'active' ORDER BY number"
        )
    ]
    picked = rng.sample(active, 2 * (count + WARMUP))
    jobs = [(picked[2 * k], (picked[2 * k + 1], task, points)) for k in range(count + WARMUP)]
    pairs = [
        compare(
            f"award ({task}, committed): awards.award",
            lambda number: awards.award(manager, clock, number, task),
            base.award,
            jobs,
            WARMUP,
        )
    ]
    # Everyday goods (soap, salt, toothpaste …), two to a basket.
    goods = database.execute_sql(
        "SELECT code, price, stock FROM item WHERE active = 1 AND price <= ? ORDER BY code",
        (CHEAP,),
    ).fetchall()
    if min(stock for _, _, stock in goods) < 4 * (count + WARMUP) // len(goods) + 2:
        raise SystemExit("too little stock left in this file for the redemptions: regenerate it")
    rich = [
        n
        for (n,) in database.execute_sql(
            "SELECT number FROM household WHERE status = 'active' AND balance >= ? ORDER BY number",
            (2 * CHEAP,),
        )
    ]
    picked = rng.sample(rich, 2 * (count + WARMUP))
    baskets = []
    for k in range(count + WARMUP):
        lines = [goods[(2 * k + i) % len(goods)] for i in (0, 1)]
        baskets.append(
            (
                (picked[2 * k], [(code, 1) for code, _, _ in lines]),
                (picked[2 * k + 1], [(code, 1, price) for code, price, _ in lines]),
            )
        )
    pairs.append(
        compare(
            "redemption (2 items, committed): redemptions.redeem",
            lambda job: redemptions.redeem(clerk, clock, *job),
            base.redeem,
            baskets,
            WARMUP,
        )
    )
    return pairs


def sheets(base: bare.Bare, count: int, size: int) -> tuple[Pair, list[float]]:
    """Village sheets of `size` households, each applied whole, beside the bare insert of the
    same entries; and how long each held the write lock (BEGIN IMMEDIATE to COMMIT)."""
    clock = base.clock
    manager = auth.sign_in("manager", PIN, clock)
    points = database.execute_sql("SELECT points FROM task WHERE code = ?", (SHEET_TASK,))
    points = points.fetchone()[0]
    villages = database.execute_sql(
        "SELECT village_id, group_concat(number) FROM (SELECT village_id, number FROM household "
        "WHERE status = 'active' ORDER BY village_id, number) GROUP BY village_id "
        "ORDER BY village_id"
    ).fetchall()
    people = [numbers.split(",")[:size] for _, numbers in villages]
    needed = 2 * (count + 1)  # a village each for the service and the baseline, one warm-up
    if len(people) < needed:  # a small station: sheets across villages
        flat = [n for group in people for n in group]
        size = max(1, min(size, len(flat) // needed))
        people = [flat[k * size : (k + 1) * size] for k in range(needed)]
    jobs = [
        (
            [awards.AwardLine(n, SHEET_TASK, 1, line=i + 2) for i, n in enumerate(people[2 * k])],
            (people[2 * k + 1], SHEET_TASK, points),
        )
        for k in range(count + 1)
    ]
    held: list[float] = []
    began: list[float] = []

    def trace(sql: str) -> None:
        if sql.startswith("BEGIN IMMEDIATE"):
            began.append(time.perf_counter())
        elif sql.startswith("COMMIT") and began:
            held.append(time.perf_counter() - began.pop())

    def sheet(lines: list[awards.AwardLine]) -> None:
        database.connection().set_trace_callback(trace)
        try:
            awards.apply_sheet(manager, clock, lines)
        finally:
            database.connection().set_trace_callback(None)

    lines = len(jobs[0][0]) if jobs else 0
    pair = compare(
        f"village sheet ({lines} lines, committed): awards.apply_sheet",
        sheet,
        base.sheet,
        jobs,
        1,
    )
    return pair, held[1:]


def verifications(
    base: bare.Bare, runs: int, point: list[dict], workers: int
) -> tuple[list[Pair], list[tuple[str, float]], dict[str, int]]:
    """verify --since-last after the day's work, from the point kept before it (put back
    before each run); the whole file's verify beside bare SUM … GROUP BY scans; once with
    --integrity; then where the time goes, step by step."""
    problems: list[str] = []
    counted: dict[str, int] = {}

    def check(**how: object) -> None:
        report = checks.verify(clock=base.clock, **how)  # type: ignore[arg-type]
        problems.extend(p.render() for p in report.problems)

    def since_last(_: object) -> None:
        with database.atomic():
            VerifiedPoint.delete().execute()
            VerifiedPoint.insert_many(point).execute()
        report = checks.verify(clock=base.clock, since_last=True)
        problems.extend(p.render() for p in report.problems)
        counted.update(report.counted)

    after = {
        table: next(p["last_id"] for p in point if p["records"] == records)
        for table, records in (("ledger_entry", "entries"), ("stock_move", "moves"))
    }
    pairs = [
        compare(
            "verify --since-last after the day's work vs reading its new rows",
            since_last,
            lambda _: base.new_rows(after),
            [(None, None)] * max(runs, 3),
        ),
        compare(
            "verify (whole file): db.books.verify.verify vs SUM … GROUP BY scans",
            lambda _: check(),
            base.sums,
            [(None, None)] * runs,
        ),
        compare(
            "verify --integrity (whole file and SQLite's own checks) vs the same scans",
            lambda _: check(integrity=True),
            base.sums,
            [(None, None)],
        ),
    ]
    if problems:
        raise SystemExit("verify failed:\n" + "\n".join(problems[:20]))
    station = local_station()
    spans = [s for s in verified.spans() if s.chained]
    todo = [p for s in spans for p in chain_scan.pieces(s.station, s.low, s.last, s.head or "")]
    quick = chain.sqlite_agrees(database.connection())
    path = str(database.obj.database)

    def scan(_: object) -> None:
        walked = chain_scan.Scan(path, todo, quick, workers).results()
        assert not [w for w in walked if w.breaks or w.error]

    def rest(report: checks.Report) -> None:
        checks._stock(report, station.code)
        checks._redemptions(report)
        checks._reversals(report)

    raw = database.connection()
    steps = (
        (f"hash chain: in {len(todo)} pieces on {workers} processes", scan),
        ("balances: SUM(points) GROUP BY household", checks._balances),
        ("stock, redemptions, reversals", rest),
        ("--integrity: PRAGMA quick_check", lambda _: raw.execute("PRAGMA quick_check").fetchall()),
        (
            "--integrity: PRAGMA foreign_key_check",
            lambda _: raw.execute("PRAGMA foreign_key_check").fetchall(),
        ),
    )
    breakdown = [(what, clocked(step, checks.Report())) for what, step in steps]
    return pairs, breakdown, counted


def sizes(path: Path) -> str:
    def count(table: str) -> int:
        return database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608

    return (
        f"{count('household'):,} households, {count('ledger_entry'):,} entries, "
        f"{count('card'):,} cards, {count('redemption'):,} redemptions, "
        f"{path.stat().st_size / 2**20:,.0f} MiB file."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_station", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db", required=True, type=Path, help="a generated station file")
    parser.add_argument("--samples", type=int, default=2000, help="households looked up")
    parser.add_argument("--searches", type=int, default=300, help="searches (they scan)")
    parser.add_argument("--writes", type=int, default=200, help="awards and redemptions")
    parser.add_argument("--sheets", type=int, default=5, help="village sheets")
    parser.add_argument("--sheet-lines", type=int, default=400, help="households a sheet")
    parser.add_argument("--verify-runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    connect(args.db)
    last = database.execute_sql("SELECT MAX(time) FROM ledger_entry").fetchone()[0]
    month = datetime.strptime(last, TIME_FORMAT).replace(day=28) + timedelta(days=4)
    # A new month, so no monthly cap is in the way of the awards.
    clock = FixedClock(month.replace(day=1, hour=9, minute=0, second=0), timedelta(seconds=1))
    base = bare.Bare(bare.connect(args.db), local_station().code, clock)
    rng = random.Random(args.seed)
    notes, load = f"{sizes(args.db)} {machine()}", os.getloadavg()[0]
    workers = os.cpu_count() or 1
    pairs = lookups(base, rng, args.samples, args.searches)
    # The verified point the day's work starts from (this first verify is not timed).
    if not checks.verify(clock=clock).ok:
        raise SystemExit("verify failed before the benchmark: regenerate the file")
    point = list(VerifiedPoint.select().dicts())
    pairs += writes(base, rng, args.writes)
    sheet, held = sheets(base, args.sheets, args.sheet_lines)
    pairs.append(sheet)
    checked, breakdown, day = verifications(base, args.verify_runs, point, workers)
    notes += f" Load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
    print(notes + "\n\n" + table(pairs + checked) + "\n")
    print(
        f"The day's work --since-last checked: {day.get('entries', 0):,} new entries, "
        f"{day.get('moves', 0):,} new stock moves, {day.get('households', 0):,} balances.\n"
    )
    if held:
        print(
            f"A sheet held the write lock {min(held) * 1000:.0f}–{max(held) * 1000:.0f} ms "
            f"(BEGIN IMMEDIATE to COMMIT; the rest of its time it was checked outside it).\n"
        )
    print("| verify step, alone | seconds |\n| --- | ---: |")
    for what, seconds in breakdown:
        print(f"| {what} | {seconds:.1f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
