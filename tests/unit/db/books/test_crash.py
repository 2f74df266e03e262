"""Crash safety (docs/design.md §9): a process killed at any instant loses no committed work and
leaves no half-written sheet; `verify` passes afterwards."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.books import auth
from db.books.households import HouseholdForm, save
from db.books.verify import verify
from db.store.connection import close, connect
from tests.conftest import NOW, fix_check

ROOT = Path(__file__).resolve().parents[4]
TASKS = ("GY02", "HJ02", "PX01", "XF02")
RUNS = 14


@pytest.fixture(scope="module")
def big_station(station_file, tmp_path_factory):
    """The test station with 600 more households, and an award sheet for all of them."""
    from db.store.clock import FixedClock

    folder = tmp_path_factory.mktemp("crash")
    path = folder / "station.sqlite"
    shutil.copy(station_file, path)
    connect(path)
    clock = FixedClock(NOW)
    numbers = [f"1012{2 + n // 300:02d}{n % 300 + 100:04d}" for n in range(600)]
    with auth.database.atomic():
        for n, number in enumerate(numbers):
            id17 = f"45142519{60 + n % 40:02d}0101{n:03d}"
            save(
                None,
                clock,
                HouseholdForm(number, "覃海燕", fix_check(id17 + "0"), "451425101202", "脱贫户"),
                station="451425-03",
            )
    close()
    sheet = folder / "sheet.csv"
    lines = [f"{number},{task},1,月度评议" for number in numbers for task in TASKS]
    sheet.write_text("户号,项目编码,数量,备注\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path, sheet, len(lines)


def entry_count(path: Path) -> int:
    raw = sqlite3.connect(path)
    count = raw.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0]
    raw.close()
    return count


def start_award(path: Path, sheet: Path) -> subprocess.Popen:
    env = {**os.environ, "AIXIN_PIN": "1234", "AIXIN_CLOCK": "2026-11-23T10:00:00"}
    command = "from pos.cli import main; main()"
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            command,
            "award",
            "--db",
            str(path),
            "--operator",
            "manager",
            "--from-file",
            str(sheet),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_at_any_moment_leaves_all_or_nothing(big_station, tmp_path):
    path, sheet, size = big_station
    before = entry_count(path)
    # How long one whole run takes, to spread the kills over it.
    timing = tmp_path / "timing.sqlite"
    shutil.copy(path, timing)
    started = time.monotonic()
    assert start_award(timing, sheet).wait() == 0
    whole = time.monotonic() - started
    assert entry_count(timing) == before + size

    rng = random.Random(20261123)
    outcomes = []
    for run in range(RUNS):
        target = tmp_path / f"run{run}.sqlite"
        shutil.copy(path, target)
        process = start_award(target, sheet)
        time.sleep(rng.uniform(0.05, whole * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        count = entry_count(target)
        assert count in (before, before + size), f"half a sheet: {count - before} of {size}"
        outcomes.append(count == before + size)
        connect(target)
        report = verify()
        close()
        assert report.ok, report.problems
    assert not all(outcomes), "every kill came too late to test anything"
