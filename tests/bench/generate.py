"""A large, valid station file for benchmarks.

    python -m tests.bench.generate --out tests/bench/data/station.sqlite \\
        --households 200000 --entries 5000000

The file is a real aixin station, created through `db.connection.connect` (migrations
applied): a county, one shop station, townships of villages of a thousand households each,
a card for every household (some reissued), the default catalogs, operators `manager`,
`clerk` and `cadre` (PIN 1234), rounds of village scoring every ten days, monthly
donations, a few redemptions, and the audit trail. Bulk rows are written set-based
(`INSERT … SELECT` over recursive series, batched inserts); only the hash chain is computed
row by row, because each link needs the one before. `aixin verify` passes on the result.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from db.store.clock import TIME_FORMAT, stamp
from db.store.connection import close, connect, database
from tests.bench import goods, history, linking, roster

# The file is rebuilt from scratch if anything fails, so the load need not be crash-safe.
BULK_PRAGMAS = (
    "PRAGMA journal_mode = memory",
    "PRAGMA synchronous = off",
    "PRAGMA cache_size = -1000000",
    "PRAGMA temp_store = memory",
)


@dataclass
class Generated:
    path: Path
    households: int
    entries: int
    redemptions: int
    cards: int
    moves: int
    rounds: int
    hashing: float = 0.0  # seconds spent in chain.link
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def default_redemptions(entries: int) -> int:
    return entries // 250


def generate(
    out: str | Path,
    households: int,
    entries: int,
    redemptions: int | None = None,
    *,
    seed: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> Generated:
    """Write a new station file at `out`; refuses to overwrite one."""
    redemptions = default_redemptions(entries) if redemptions is None else redemptions
    if households < 1 or not 0 <= redemptions < entries:
        raise ValueError("need at least one household and fewer redemptions than entries")
    path = Path(out)
    if path.exists():
        raise FileExistsError(path)
    seconds: dict[str, float] = {}

    @contextmanager
    def phase(name: str) -> Iterator[None]:
        progress(f"{name} …")
        started = time.perf_counter()
        yield
        seconds[name] = time.perf_counter() - started
        progress(f"{name}: {seconds[name]:.1f} s")

    connect(path, create=True)
    try:
        for pragma in BULK_PRAGMAS:
            database.execute_sql(pragma)
        rounds = history.rounds_for(households, entries - redemptions)
        with phase("roster"):
            made = roster.build(households, seed, days=rounds * history.ROUND_DAYS)
        with phase("scoring"), database.atomic():
            scoring = history.stage_scoring(households, entries - redemptions)
        with phase("goods"):
            baskets = goods.plan_redemptions(redemptions, seed)
            with database.atomic():
                stocked = goods.write_goods(baskets, scoring)
        with phase("chain"):
            linked = linking.link_entries()
        with phase("caches"), database.atomic():
            last = datetime.strptime(stocked.last, TIME_FORMAT)
            linking.finish(linked.head, stamp(max(last, scoring.end) + timedelta(days=1)))
        database.execute_sql("PRAGMA journal_mode = wal")
    except BaseException:
        close()
        remove(path)  # half a station is no use to anyone
        raise
    close()
    return Generated(
        path,
        households,
        linked.entries,
        stocked.redemptions,
        households + made.reissued,
        stocked.moves,
        scoring.rounds,
        linked.hashing,
        seconds,
    )


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.generate", description="Build a large, valid station file."
    )
    parser.add_argument("--out", required=True, type=Path, help="the new station file")
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=5_000_000)
    parser.add_argument("--redemptions", type=int, help="default: one entry in 250")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replace", action="store_true", help="delete an existing file first")
    args = parser.parse_args(argv)
    if args.replace:
        remove(args.out)
    made = generate(
        args.out,
        args.households,
        args.entries,
        args.redemptions,
        seed=args.seed,
        progress=lambda text: print(text, file=sys.stderr, flush=True),
    )
    size = made.path.stat().st_size / 2**20
    print(
        f"{made.path}: {size:,.0f} MiB, {made.households:,} households, "
        f"{made.entries:,} entries in {made.rounds} scoring rounds, "
        f"{made.redemptions:,} redemptions, {made.cards:,} cards, {made.moves:,} stock moves"
    )
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in made.seconds.items())
    print(f"built in {made.total:.1f} s ({phases}); chain.link took {made.hashing:.1f} s")


if __name__ == "__main__":
    main()
