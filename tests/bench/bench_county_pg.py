"""County benchmark on PostgreSQL (issue 14): the county of bench_county.py — 20 million
entries, one month of 19 stations' files — merged into a PostgreSQL county database, beside a
bare COPY + INSERT … SELECT of the same rows into the same schema; and the county report.

    python -m tests.bench.bench_county_pg --dir tests/bench/data/county_pg \\
        --server postgresql://USER@127.0.0.1:5432/postgres

Builds the SQLite county and the month's files with the generators of bench_county.py
(tests/bench/county_data.py, county_month.py), loads the county's rows by COPY into a
PostgreSQL database made from scratch through `connect` (migrations applied) and ANALYZEd;
that database is the template of each step's copy (`CREATE DATABASE … TEMPLATE`, made just
before the step, the other step's dropped: at most two copies of the county on the server, so
that they stay in the machine's memory). In each round, taking turns, one copy gets the
files by `db.county.merge.merge_files` (every check on; the file staged by COPY into schema
`f` inside the merge's transaction) and the other the bare baseline: per file one
transaction that COPYs each table's rows into a staging table of the same types
(db.county.staging.ddl) and moves them with INSERT … SELECT, no checks. Then `county_report`
is timed on the merged copy. With `--sqlite` the SQLite figures of bench_county.py are taken
in the same run, beside, once the server's copies are dropped. The user of `--server` must
be able to create databases; those made are named `--prefix`_… and dropped at the end, as is
the data folder unless --keep.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import pathname2url

from db.county import merge, staging
from db.county import report as reports
from db.exchange.formats import TABLES
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.server import SCHEMA
from tests.bench.bench_county import ROWS, bare_merge, merge_into, prepare, timed
from tests.bench.county_data import Shape
from tests.county_copies import to_server
from tests.helpers import COUNTY_OFFICER


def url_of(server: str, name: str) -> str:
    base = urlsplit(server)
    return urlunsplit((base.scheme, base.netloc, "/" + name, base.query, base.fragment))


def admin(server: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def bare_merge_pg(url: str, files: list[Path]) -> None:
    """The baseline: per file, one transaction: COPY each table's rows into a staging table
    typed like the county's, INSERT … SELECT them into the county's, drop the staging."""
    import psycopg

    with psycopg.connect(url) as conn:
        with conn.cursor() as cursor:
            cursor.execute(f"SET search_path TO {SCHEMA}")
        types = _types(conn)
        for path in files:
            source = sqlite3.connect(f"file:{pathname2url(str(path.resolve()))}?mode=ro", uri=True)
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("CREATE SCHEMA f")
                for name in ROWS:
                    table = TABLES[name]
                    columns = table.column_list
                    cursor.execute(staging.ddl(table, types, keyed=False))
                    rows = source.execute(f"SELECT {columns} FROM {name}")  # noqa: S608
                    with cursor.copy(f"COPY f.{name} ({columns}) FROM STDIN") as out:
                        while batch := rows.fetchmany(staging.ROWS_PER_BATCH):
                            for row in batch:
                                out.write_row(row)
                    cursor.execute(
                        f"INSERT INTO {name} ({columns}) SELECT {columns} FROM f.{name}"  # noqa: S608
                    )
                cursor.execute("DROP SCHEMA f CASCADE")
            source.close()


def _types(conn) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped",
        (SCHEMA,),
    ).fetchall()
    return {(table, column): kind for table, column, kind in rows}


def merge_into_pg(url: str, files: list[Path]) -> None:
    connect(url)
    try:
        batch = merge.merge_files(COUNTY_OFFICER, files, FixedClock(datetime(2026, 12, 3, 9)))
        assert not batch.refused, [o.render() for o in batch.refused]
    finally:
        close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("tests/bench/data/county_pg"))
    parser.add_argument(
        "--server", default=os.environ.get("AIXIN_TEST_PG"), help="a server URL (AIXIN_TEST_PG)"
    )
    parser.add_argument("--prefix", default="aixin_bench", help="names of the databases made")
    parser.add_argument("--stations", type=int, default=19)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--county-entries", type=int, default=20_000_000)
    parser.add_argument("--month-entries", type=int, default=1_500_000)
    parser.add_argument("--rounds", type=int, default=2, help="merge/bare pairs, taking turns")
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true", help="the SQLite figures too, beside")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--reuse", action="store_true", help="use the files --keep left")
    args = parser.parse_args()
    if not args.server:
        raise SystemExit("give --server postgresql://USER@HOST:PORT/postgres (or AIXIN_TEST_PG)")
    shape = Shape(
        args.stations,
        args.households,
        county_entries=args.county_entries,
        month_entries=args.month_entries,
    )
    if args.dir.exists() and not args.reuse:
        raise SystemExit(f"{args.dir} exists: remove it first, or give --reuse")
    args.dir.mkdir(parents=True, exist_ok=True)
    names = [f"{args.prefix}_{n}" for n in ("county", "merged", "bare")]
    try:
        run(args, shape, names)
    finally:
        close()
        admin(args.server, *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names))
        if not args.keep:
            shutil.rmtree(args.dir)


def run(args, shape: Shape, names: list[str]) -> None:
    root, server = args.dir, args.server
    template, merged, bare = names
    lines: list[tuple[str, float]] = []
    files = prepare(args, shape, lines, "generate the county (SQLite)")
    admin(server, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    admin(server, f"CREATE DATABASE \"{template}\" TEMPLATE template0 ENCODING 'UTF8'")

    def load() -> None:
        connect(url_of(server, template), create=True)
        close()
        to_server(root / "county.sqlite", url_of(server, template))
        admin(url_of(server, template), "VACUUM ANALYZE")

    spent, _ = timed(load)
    lines.append(("load the county into PostgreSQL (COPY, then VACUUM ANALYZE)", spent))
    bares, merges = [], []

    def fresh(name: str) -> str:
        """A copy of the template made just before a step and the other step's dropped: each
        step starts from the same state, and the server's files (two copies of the county,
        not three) stay in the machine's memory."""
        admin(
            server,
            *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in (merged, bare)),
            f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
        )
        return url_of(server, name)

    for turn in range(args.rounds):
        steps = [
            lambda: bares.append(timed(bare_merge_pg, fresh(bare), files)[0]),
            lambda: merges.append(timed(merge_into_pg, fresh(merged), files)[0]),
        ]
        for step in steps if turn % 2 == 0 else steps[::-1]:
            step()
    if args.rounds % 2 == 0:  # the bare copy went last and dropped the merge: the report's
        merge_into_pg(fresh(merged), files)  # county merged again, not timed
    connect(url_of(server, merged))
    runs = []
    for _ in range(args.report_runs):
        spent, _report = timed(
            reports.county_report, COUNTY_OFFICER, shape.month, FixedClock(datetime.now())
        )
        runs.append(spent)
    count = reports.rows("SELECT COUNT(*) FROM ledger_entry")[0][0]
    size = reports.rows("SELECT pg_database_size(current_database())")[0][0]
    server_version = reports.rows("SHOW server_version")[0][0]
    close()
    # The SQLite figures on a machine whose memory holds the SQLite copies, not the server's.
    admin(server, *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names))
    sqlite_lines = run_sqlite(root, files, args, shape) if args.sqlite else []
    month = sum(f.stat().st_size for f in files)
    print(
        f"county on PostgreSQL: {size / 2**30:.2f} GiB, {count:,} entries after the merge; "
        f"{len(files)} files, {month / 2**20:.0f} MiB"
    )
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {server_version}, psycopg {version('psycopg')}, "
        f"SQLite {sqlite3.sqlite_version}, peewee {version('peewee')}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("\n| what | seconds |\n| --- | ---: |")
    for what, spent in lines:
        print(f"| {what} | {spent:.0f} |")
    for turn, (bared, done) in enumerate(zip(bares, merges, strict=True), start=1):
        first = "bare first" if turn % 2 else "merge first"
        print(f"| PostgreSQL round {turn} ({first}): bare COPY + INSERT … SELECT | {bared:.1f} |")
        print(f"| PostgreSQL round {turn}: `county merge`, every check on | {done:.1f} |")
    print(
        f"| PostgreSQL ratio merge ÷ bare, all rounds (bar 1.5) | {sum(merges) / sum(bares):.2f} |"
    )
    print(
        f"| PostgreSQL `county report` {shape.month}, median of {len(runs)} (bar 3) | "
        f"{statistics.median(runs):.2f} |"
    )
    print(f"| PostgreSQL `county report`, slowest run | {max(runs):.2f} |")
    for what, spent in sqlite_lines:
        print(f"| SQLite {what} | {spent:.2f} |")


def run_sqlite(root: Path, files: list[Path], args, shape: Shape) -> list[tuple[str, float]]:
    """bench_county.py's figures on the same county and files: merge, bare, report."""
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
    runs = [
        timed(reports.county_report, COUNTY_OFFICER, shape.month, FixedClock(datetime.now()))[0]
        for _ in range(args.report_runs)
    ]
    close()
    (root / "merged.sqlite").unlink()
    return [
        ("bare ATTACH + INSERT … SELECT, all rounds", sum(bares)),
        ("`county merge`, all rounds", sum(merges)),
        ("ratio merge ÷ bare (bar 1.5)", sum(merges) / sum(bares)),
        (f"`county report` {shape.month}, median of {len(runs)} (bar 3)", statistics.median(runs)),
    ]


if __name__ == "__main__":
    main()
