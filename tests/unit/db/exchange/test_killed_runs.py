"""A run killed half-way (docs/design.md §9) leaves no output under its final name and no
copy in the system's temp folder; the next run to the same place clears what it left.

Each run is killed at a chosen point — while the file is being filled or sealed, while a
merge writes — by a command run in a subprocess with that step replaced by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.books.verify import verify
from db.store.connection import close, connect
from pos.cli import main
from tests.county_world import SHOP
from tests.helpers import with_operator

CLOCK = "2027-01-05T09:00:00"
KILLED = """
import os, signal, sys, importlib
module, name = sys.argv[1].rsplit(".", 1)
setattr(importlib.import_module(module), name,
        lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
from pos.cli import main
main(sys.argv[2:])
"""


@pytest.fixture(autouse=True)
def system_temp(tmp_path, monkeypatch) -> Path:
    """A temp folder of this test's own, for the subprocess and this process alike."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def killed_at(step: str, *args) -> None:
    """Run `aixin ARGS` in a subprocess that is killed when it reaches `step`."""
    env = {**os.environ, "AIXIN_CLOCK": CLOCK, "AIXIN_PIN": "1234"}
    done = subprocess.run(
        [sys.executable, "-c", KILLED, step, *with_operator(list(map(str, args)))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


def run(*args):
    env = {"AIXIN_CLOCK": CLOCK, "AIXIN_PIN": "1234"}
    result = CliRunner().invoke(main, with_operator([str(a) for a in args]), env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(
    "step",
    ["db.exchange.sealed.create", "db.exchange.sealed.seal", "os.replace"],
    ids=["empty", "filled", "sealed"],
)
def test_a_killed_export_leaves_nothing_the_next_one_keeps(county_world, tmp_path, step):
    books = county_world.copy_station(SHOP, tmp_path)
    out = tmp_path / "out"
    killed_at(step, "export", "--db", books, "--month", "2026-10", "--out", out)
    assert os.listdir(out) == [".aixin-451425-03-2026-10.sqlite.partial"]
    run("export", "--db", books, "--month", "2026-10", "--out", out)
    assert os.listdir(out) == ["aixin-451425-03-2026-10.sqlite"]


def test_a_killed_backup_leaves_nothing_the_next_one_keeps(county_world, tmp_path):
    books = county_world.copy_station(SHOP, tmp_path)
    out = tmp_path / "usb" / "backup.sqlite"
    killed_at("os.replace", "backup", "--db", books, "--out", out)
    assert not out.exists() and os.listdir(out.parent)  # a partial file was left …
    run("backup", "--db", books, "--out", out)
    assert os.listdir(out.parent) == ["backup.sqlite"]  # … and cleared by the next backup


def test_a_killed_county_update_uses_no_number_and_leaves_nothing(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    out = tmp_path / "updates" / "u.sqlite"
    killed_at(
        "db.exchange.sealed.seal_attached",
        "county", "update", "--db", county, "--station", SHOP, "--out", out,
    )  # fmt: skip
    run("county", "update", "--db", county, "--station", SHOP, "--out", out)
    assert os.listdir(out.parent) == ["u.sqlite"]
    station = county_world.copy_station(SHOP, tmp_path)
    assert "第 1 号更新已导入" in run("update", "--db", station, out).output


@pytest.mark.parametrize(
    "step", ["db.county.merge_rows.write", "db.books.month_totals.compute"], ids=["write", "check"]
)
def test_a_killed_merge_leaves_no_copies_behind(county_world, tmp_path, step, system_temp):
    county = county_world.copy_county(tmp_path)
    files = county_world.all_files()
    killed_at(step, "county", "merge", "--db", county, *files)
    scratch = tmp_path / ".county.sqlite.incoming"
    assert scratch.exists()  # the killed merge's private copies …
    assert os.listdir(system_temp) == []  # … and none in the system's temp folder
    run("county", "merge", "--db", county, *files)
    assert not scratch.exists()  # cleared by the next merge
    connect(county)
    assert verify().ok
    close()
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["county.sqlite", "system-temp"]
