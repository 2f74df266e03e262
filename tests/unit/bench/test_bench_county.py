"""The county benchmark's generator and runner, at a size that runs in a second or two."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime

from db.county import merge
from db.county import report as reports
from db.store.clock import FixedClock
from db.store.connection import close, connect
from tests.bench.bench_county import bare_merge
from tests.bench.bench_county_pg import bare_merge_pg, merge_into_pg
from tests.bench.county_data import Shape, build_county
from tests.bench.county_month import month_file
from tests.county_copies import to_server
from tests.county_engines import database_url, drop, fresh_postgres
from tests.helpers import COUNTY_OFFICER

DECEMBER = FixedClock(datetime(2026, 12, 3, 9))


def test_a_small_benchmark_county_merges_cleanly_and_reports(tmp_path):
    shape = Shape(stations=3, households=300, history=3, county_entries=9_000, month_entries=900)
    county = tmp_path / "county.sqlite"
    build_county(county, shape, say=lambda _: None)
    (tmp_path / "files").mkdir()
    files = [month_file(county, shape, n, tmp_path / "files") for n in range(1, 4)]
    bare = tmp_path / "bare.sqlite"
    shutil.copy(county, bare)
    bare_merge(bare, files)
    connect(county)
    batch = merge.merge_files(COUNTY_OFFICER, files, DECEMBER)
    assert not batch.refused and batch.missing == []
    report = reports.county_report(COUNTY_OFFICER, shape.month, DECEMBER)
    towns = dict(zip(report.sheet("按乡镇").headers, report.sheet("按乡镇").total, strict=True))
    assert towns["受益人次"] > 0 and report.sheet("透支户").rows == []
    close()
    count = "SELECT COUNT(*) FROM ledger_entry"
    merged, copied = (sqlite3.connect(p).execute(count).fetchone()[0] for p in (county, bare))
    assert merged == copied == 9_000 + 900


def test_the_postgresql_benchmark_merges_beside_its_bare_copy_and_reports(tmp_path, request):
    """bench_county_pg's baseline and merge on a small county copied onto PostgreSQL."""
    template = request.getfixturevalue("pg_template")
    shape = Shape(stations=3, households=300, history=3, county_entries=9_000, month_entries=900)
    county = tmp_path / "county.sqlite"
    build_county(county, shape, say=lambda _: None)
    (tmp_path / "files").mkdir()
    files = [month_file(county, shape, n, tmp_path / "files") for n in range(1, 4)]
    names = [fresh_postgres(template) for _ in range(2)]
    try:
        merged, bare = (database_url(name) for name in names)
        for url in (merged, bare):
            to_server(county, url)
        bare_merge_pg(bare, files)
        merge_into_pg(merged, files)
        counts = []
        for url in (merged, bare):
            connect(url)
            counts.append(reports.rows("SELECT COUNT(*) FROM ledger_entry")[0][0])
            close()
        assert counts == [9_000 + 900] * 2
        connect(merged)
        report = reports.county_report(COUNTY_OFFICER, shape.month, DECEMBER)
        towns = dict(zip(report.sheet("按乡镇").headers, report.sheet("按乡镇").total, strict=True))
        assert towns["受益人次"] > 0 and report.sheet("透支户").rows == []
    finally:
        close()
        for name in names:
            drop(name)
