"""County benchmark (issue 5): merging one month of 19 stations into a county of 20 million
entries, beside a bare ATTACH + INSERT … SELECT of the same rows; and the county report.

    python -m tests.bench.bench_county --dir tests/bench/data/county

Builds the county and the month's files (tests/bench/county_data.py), copies the county twice,
merges the files into one copy with `db.merge.merge_files` (every check on) and copies the same
rows into the other with bare sqlite3 (same pragmas as the app, no checks), then times
`db.reports.county_report` on the merged county. Prints the figures as Markdown. The data
(about 12 GB at full size) is deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from db.county import merge
from db.county import report as reports
from db.county.office import county_office
from db.exchange.formats import KINDS, TABLES
from db.exchange.month_check import check_file
from db.store.clock import FixedClock
from db.store.connection import PRAGMAS, close, connect
from tests.bench.county_data import Shape, build_county
from tests.bench.county_month import month_file
from tests.helpers import COUNTY_OFFICER

ROWS = [name for name in KINDS["month"] if name not in ("township", "village", "village_group")]


def bare_merge(county: Path, files: list[Path]) -> None:
    """The baseline: the same rows, INSERT … SELECT over ATTACH, one transaction a file."""
    conn = sqlite3.connect(county, isolation_level=None)
    for name, value in PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {value}")
    conn.execute("PRAGMA foreign_keys = OFF")
    for path in files:
        conn.execute("ATTACH DATABASE ? AS f", (str(path),))
        conn.execute("BEGIN IMMEDIATE")
        for name in ROWS:
            columns = TABLES[name].column_list
            conn.execute(f"INSERT INTO main.{name} ({columns}) SELECT {columns} FROM f.{name}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE f")
    conn.close()


def timed(call, *args):
    started = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("tests/bench/data/county"))
    parser.add_argument("--stations", type=int, default=19)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--county-entries", type=int, default=20_000_000)
    parser.add_argument("--month-entries", type=int, default=1_500_000)
    parser.add_argument("--rounds", type=int, default=2, help="merge/bare pairs, taking turns")
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--reuse", action="store_true", help="use the files --keep left")
    args = parser.parse_args()
    shape = Shape(
        args.stations,
        args.households,
        county_entries=args.county_entries,
        month_entries=args.month_entries,
    )
    if args.dir.exists() and not args.reuse:
        raise SystemExit(f"{args.dir} exists: remove it first, or give --reuse")
    free = shutil.disk_usage(args.dir.parent if args.dir.parent.exists() else ".").free
    need = args.county_entries * 900 + args.month_entries * 400
    if free < need:
        raise SystemExit(f"needs about {need / 2**30:.0f} GiB free, has {free / 2**30:.0f} GiB")
    args.dir.mkdir(parents=True, exist_ok=True)
    try:
        run(args, shape)
    finally:
        close()
        if not args.keep:
            shutil.rmtree(args.dir)


def prepare(args, shape: Shape, lines: list[tuple[str, float]], label: str) -> list[Path]:
    """The county (`county.sqlite` under `args.dir`) and its stations' month files, made or,
    with `--reuse`, found; the time each took goes into `lines`."""
    root = args.dir
    if not (args.reuse and (root / "county.sqlite").exists()):
        spent, _ = timed(build_county, root / "county.sqlite", shape)
        lines.append((label, spent))
    files = sorted((root / "files").glob("*.sqlite"))
    if not (args.reuse and files):
        (root / "files").mkdir(exist_ok=True)
        spent, files = timed(
            lambda: [
                month_file(root / "county.sqlite", shape, n, root / "files")
                for n in range(1, shape.stations + 1)
            ]
        )
        lines.append(("generate the month's files", spent))
    return files


def run(args, shape: Shape) -> None:
    root = args.dir
    lines: list[tuple[str, float]] = []
    files = prepare(args, shape, lines, "generate the county")
    bares, merges = [], []
    for turn in range(args.rounds):
        for name in ("merged.sqlite", "bare.sqlite"):
            shutil.copy(root / "county.sqlite", root / name)
        steps = [
            lambda: bares.append(timed(bare_merge, root / "bare.sqlite", files)[0]),
            lambda: merges.append(timed(merge_into, root / "merged.sqlite", files)[0]),
        ]
        for step in steps if turn % 2 == 0 else steps[::-1]:
            step()
        (root / "bare.sqlite").unlink()
    connect(root / "merged.sqlite")
    checks, _ = timed(lambda: [check_file(f, merge.county_keys(county_office())) for f in files])
    runs = []
    for _ in range(args.report_runs):
        spent, report = timed(
            reports.county_report, COUNTY_OFFICER, shape.month, FixedClock(datetime.now())
        )
        runs.append(spent)
    from pos.paper.workbook import write_workbook

    book, _ = timed(write_workbook, report, root / "report.xlsx")
    close()
    count = (
        sqlite3.connect(root / "merged.sqlite")
        .execute("SELECT COUNT(*) FROM ledger_entry")
        .fetchone()[0]
    )
    size = (root / "county.sqlite").stat().st_size
    month = sum(f.stat().st_size for f in files)
    print(
        f"county: {size / 2**30:.2f} GiB, {count:,} entries after the merge; "
        f"{len(files)} files, {month / 2**20:.0f} MiB"
    )
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, peewee {version('peewee')}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("\n| what | seconds |\n| --- | ---: |")
    for what, spent in lines:
        print(f"| {what} | {spent:.0f} |")
    for turn, (bare, merged) in enumerate(zip(bares, merges, strict=True), start=1):
        first = "bare first" if turn % 2 else "merge first"
        print(f"| round {turn} ({first}): bare ATTACH + INSERT … SELECT | {bare:.1f} |")
        print(f"| round {turn}: `county merge`, every check on | {merged:.1f} |")
    print(f"| ratio merge ÷ bare, all rounds (bar 1.5) | {sum(merges) / sum(bares):.2f} |")
    print(f"| the files' own checks, timed apart (overlap the writes) | {checks:.1f} |")
    print(
        f"| `county report` {shape.month}, median of {len(runs)} (bar 3) | "
        f"{statistics.median(runs):.2f} |"
    )
    print(f"| `county report`, slowest run | {max(runs):.2f} |")
    print(f"| writing the xlsx workbook | {book:.2f} |")


def merge_into(county: Path, files: list[Path]) -> None:
    connect(county)
    try:
        batch = merge.merge_files(COUNTY_OFFICER, files, FixedClock(datetime(2026, 12, 3, 9)))
        assert not batch.refused, batch.refused
    finally:
        close()


if __name__ == "__main__":
    main()
