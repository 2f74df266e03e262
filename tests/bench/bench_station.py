"""Station timings (issue 2): each service beside the same work in bare sqlite3.

    python -m tests.bench.generate --out tests/bench/data/station.sqlite
    python -m tests.bench.bench_station --db tests/bench/data/station.sqlite

Household lookups (by number, by card, card scan to household shown, search) over households
picked at random; awards and redemptions, each a committed transaction; `verify` on the
whole file. Service and baseline run in the same process on the same file, taking turns.
The run books awards and redemptions (valid ones: verify runs last and must pass), so run
it on a generated file, never on real books. Prints Markdown for tests/bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from db.books import auth, awards, cards, ledger, redemptions
from db.books import verify as checks
from db.books.households import require_active, search
from db.books.setup import local_station
from db.store.clock import TIME_FORMAT, FixedClock
from db.store.connection import connect, database
from db.store.models import Station
from tests.bench import bare
from tests.bench.timing import Pair, clocked, compare, machine, table

WARMUP = 50
CHEAP = 30  # points: the dearest item in a benchmark basket
PIN = "1234"


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


def verifications(base: bare.Bare, runs: int) -> tuple[list[Pair], list[tuple[str, float]]]:
    """verify beside bare SUM … GROUP BY scans; then where verify's time goes, step by step."""
    problems: list[str] = []

    def whole(_: object) -> None:
        report = checks.verify()
        problems.extend(p.render() for p in report.problems)

    pairs = [
        compare(
            "verify (whole file): db.verify.verify vs SUM … GROUP BY scans",
            whole,
            base.sums,
            [(None, None)] * runs,
        )
    ]
    if problems:
        raise SystemExit("verify failed:\n" + "\n".join(problems[:20]))
    station = Station.get_by_id(local_station().code)
    chain_pass = compare(
        "verify's chain pass vs reading the same rows in id order",
        lambda r: checks._chain(r, station),
        base.read_chain,
        [(checks.Report(), None)],
    )

    def rest(report: checks.Report) -> None:
        checks._stock(report, station.code)
        checks._redemptions(report)
        checks._reversals(report)

    steps = (
        ("integrity: PRAGMA quick_check + foreign_key_check", checks._integrity),
        ("balances: SUM(points) GROUP BY household", checks._balances),
        ("stock, redemptions, reversals", rest),
    )
    breakdown = [(what, clocked(step, checks.Report())) for what, step in steps]
    breakdown.insert(1, ("hash chain: chain.check over every entry", chain_pass.service[0]))
    return [*pairs, chain_pass], breakdown


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
    pairs = lookups(base, rng, args.samples, args.searches)
    pairs += writes(base, rng, args.writes)
    checked, breakdown = verifications(base, args.verify_runs)
    notes += f" Load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
    print(notes + "\n\n" + table(pairs + checked) + "\n")
    print("| verify step | seconds |\n| --- | ---: |")
    for what, seconds in breakdown:
        print(f"| {what} | {seconds:.1f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
