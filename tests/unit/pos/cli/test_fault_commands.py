"""Faults on the command line (docs/design.md §9): a busy database, a full or read-only disk,
an output folder that is missing or under a regular file — each is one line in the operator's
language and exit 1, with the books unchanged and no partial file left behind.

The full and read-only disks are small tmpfs mounts (tests/disks.py); where none can be
mounted those tests are skipped, and tests/unit/db/store/test_faults.py still fills the
database with `PRAGMA max_page_count`."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.county import office
from db.store import connection
from db.store.clock import FixedClock
from db.store.connection import close, connect
from pos.cli import main
from tests.county_world import MOBILE, SHOP
from tests.disks import fill, needs_mount, read_only, small_disk, write_lock_held
from tests.helpers import COUNTY_OFFICER, with_operator
from tests.unit.db.books.test_crash import big_station  # noqa: F401 - a fixture

CLOCK = "2027-01-05T09:00:00"


def run(*args, lang="zh"):
    env = {"AIXIN_CLOCK": CLOCK, "AIXIN_PIN": "1234"}
    return CliRunner().invoke(main, ["--lang", lang, *with_operator(list(map(str, args)))], env=env)


def refused(result, *words: str) -> str:
    """Exit 1 with one line on stderr (no traceback) holding `words`."""
    assert result.exit_code == 1, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def rows(path: Path) -> dict[str, list]:
    raw = sqlite3.connect(path)
    names = [n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {n: sorted(raw.execute(f'SELECT * FROM "{n}"'), key=repr) for n in names}
    raw.close()
    return found


@pytest.fixture
def shop(county_world, tmp_path) -> Path:
    return county_world.copy_station(SHOP, tmp_path)


@pytest.fixture
def county(county_world, tmp_path) -> Path:
    return county_world.copy_county(tmp_path)


HOUSEHOLDS = itertools.cycle(("1012010001", "1012010002", "1012010003"))


def award(db: Path, lang: str = "zh"):
    """One point for a household (HJ04: at most 4 a month, so they take turns)."""
    return run(
        "award", "--db", db, "--operator", "manager", "--household", next(HOUSEHOLDS),
        "--task", "HJ04", lang=lang,
    )  # fmt: skip


def books_rows(path: Path) -> dict[str, list]:
    """The books but the audit trail and the operators (a sign-in is recorded on its own)."""
    found = rows(path)
    found.pop("audit"), found.pop("operator")
    return found


def test_an_award_while_another_process_holds_the_lock(shop, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_MS", 300)
    before = rows(shop)
    with write_lock_held(shop):
        refused(award(shop), "数据库正忙", "请稍后再试")
        line = refused(award(shop, lang="en"))
    assert "busy" in line and "try again" in line
    assert rows(shop) == before
    assert award(shop).exit_code == 0  # once the lock is free, the same command goes


def test_a_backup_into_a_missing_folder_is_made_owner_only(shop, tmp_path):
    out = tmp_path / "usb" / "new" / "folder" / "backup.sqlite"
    result = run("backup", "--db", shop, "--out", out)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert os.listdir(out.parent) == ["backup.sqlite"]


@pytest.fixture
def blocker(tmp_path) -> Path:
    """A regular file where an output folder should be."""
    path = tmp_path / "not-a-folder"
    path.write_text("a regular file")
    return path


def test_outputs_under_a_regular_file_are_refused(shop, county, blocker):
    under = blocker / "out"
    refused(run("backup", "--db", shop, "--out", under / "b.sqlite"), str(blocker))
    refused(run("export", "--db", shop, "--month", "2026-10", "--out", under))
    before = books_rows(county)
    refused(run("county", "update", "--db", county, "--station", MOBILE, "--out", under / "u"))
    refused(
        run(
            "county",
            "enroll",
            "--db",
            county,
            "--station",
            "451425-07",
            "--name",
            "新站",
            "--out",
            under / "s.setup",
        )  # fmt: skip
    )
    refused(run("county", "report", "--db", county, "--month", "2026-10", "--xlsx", under / "r"))
    assert books_rows(county) == before  # nothing enrolled, no update number used
    assert blocker.read_text() == "a regular file"


def test_an_update_twice_says_so_and_an_older_one_is_refused(county, shop, tmp_path):
    connect(county)
    clock = FixedClock(datetime(2027, 1, 5, 9))
    office.write_update(COUNTY_OFFICER, SHOP, tmp_path / "u1.sqlite", clock)
    office.write_update(COUNTY_OFFICER, SHOP, tmp_path / "u2.sqlite", clock)
    close()
    first = run("update", "--db", shop, tmp_path / "u1.sqlite")
    assert first.exit_code == 0 and "第 1 号更新已导入" in first.output
    again = run("update", "--db", shop, tmp_path / "u1.sqlite")
    assert again.exit_code == 0 and "已经导入过" in again.output
    assert run("update", "--db", shop, tmp_path / "u2.sqlite").exit_code == 0
    before = books_rows(shop)
    refused(run("update", "--db", shop, tmp_path / "u1.sqlite"), "更新顺序不通过")
    line = refused(run("update", "--db", shop, tmp_path / "u1.sqlite", lang="en"))
    assert "older" in line or "sequence" in line
    assert books_rows(shop) == before


def test_a_merge_of_files_that_are_no_files_merges_the_good_ones(county_world, county, tmp_path):
    fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.sqlite"
    zero.symlink_to("/dev/zero")
    good = county_world.files[(SHOP, "2026-09")]
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(2000))
    result = run("county", "merge", "--db", county, fifo, zero, junk, good)
    assert result.exit_code == 1
    assert result.stderr.count("拒收") == 3 and "Traceback" not in result.output
    assert "并入 1 份，拒收 3 份" in result.output


# A full disk and a read-only one, on a tmpfs. `leave` is how much room is given back after
# filling it: at 0 the books cannot even be opened, with some the write itself fails.
LEAVES = (0, 16 << 10, 48 << 10, 128 << 10)


def _outcome(result) -> str:
    """'done' or 'refused' (one line, exit 1); anything else fails the test."""
    if result.exit_code == 0:
        return "done"
    refused(result)
    return "refused"


@needs_mount
@pytest.mark.parametrize("leave", LEAVES)
def test_an_award_on_a_full_disk(shop, tmp_path, leave):
    with small_disk(tmp_path / "disk", 2048) as disk:
        books = Path(shutil.copy(shop, disk / "station.sqlite"))
        filler = fill(disk, leave)
        before = books_rows(shop)
        result = award(books)
        outcome = _outcome(result)
        filler.unlink()
        after = books_rows(books)
        if outcome == "refused":
            assert after == before
            assert any(w in result.stderr for w in ("磁盘已满", "磁盘出错", "打不开数据库"))
        else:
            assert len(after["ledger_entry"]) == len(before["ledger_entry"]) + 1
        assert run("verify", "--db", books).exit_code == 0


@needs_mount
def test_a_full_disk_is_said_so_and_the_award_goes_once_there_is_room(shop, tmp_path):
    with small_disk(tmp_path / "disk", 2048) as disk:
        books = Path(shutil.copy(shop, disk / "station.sqlite"))
        messages = []
        for leave in LEAVES:
            filler = fill(disk, leave)
            result = award(books)
            if result.exit_code == 1:
                messages.append(refused(result))
            filler.unlink()
        assert any("磁盘已满" in line for line in messages), messages
        assert award(books).exit_code == 0


@needs_mount
@pytest.mark.parametrize("leave", LEAVES)
def test_outputs_on_a_full_disk_leave_nothing_behind(shop, county, tmp_path, leave):
    with small_disk(tmp_path / "disk", 1024) as disk:
        filler = fill(disk, leave)
        before = books_rows(county)
        outcomes = [
            _outcome(run("export", "--db", shop, "--month", "2026-10", "--out", disk / "x")),
            _outcome(run("backup", "--db", shop, "--out", disk / "b" / "backup.sqlite")),
            _outcome(
                run("county", "update", "--db", county, "--station", SHOP, "--out", disk / "u")
            ),
        ]
        left = [p.name for p in disk.rglob("*") if p.name.startswith(".")]
        assert left == [], left
        filler.unlink()
    if outcomes[2] == "refused":
        assert books_rows(county) == before  # the update's number was not used up


@needs_mount
@pytest.mark.parametrize("leave", LEAVES)
def test_a_merge_on_a_full_disk_refuses_and_changes_nothing(county_world, county, tmp_path, leave):
    files = [county_world.files[(SHOP, m)] for m in ("2026-09", "2026-10")]
    with small_disk(tmp_path / "disk", 3072) as disk:
        books = Path(shutil.copy(county, disk / "county.sqlite"))
        before = books_rows(books)
        filler = fill(disk, leave)
        result = run("county", "merge", "--db", books, *files)
        assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
        filler.unlink()
        if result.exit_code == 1:
            merged = rows(books)["monthly_file"]
            assert len(merged) < 2
            if not merged:
                assert books_rows(books) == before
        assert not (disk / ".county.sqlite.incoming").exists()
        assert run("verify", "--db", books).exit_code == 0


@needs_mount
def test_books_on_a_read_only_disk(shop, tmp_path):
    with small_disk(tmp_path / "disk", 2048) as disk:
        books = Path(shutil.copy(shop, disk / "station.sqlite"))
        (disk / "out").mkdir()
        read_only(disk)
        refused(award(books))
        refused(run("backup", "--db", shop, "--out", disk / "out" / "b.sqlite"), "没有权限写")
        refused(run("export", "--db", shop, "--month", "2026-10", "--out", disk / "out"))


def test_an_award_while_a_sheet_is_being_booked(big_station, tmp_path, monkeypatch):  # noqa: F811
    """Another `aixin award --from-file` holds the write lock while it books 2,400 rows: a
    single award meanwhile is booked or refused in one line — never a traceback — and the
    books add up once both are done."""
    from db.books.verify import verify
    from tests.unit.db.books.test_crash import entry_count, start_award

    monkeypatch.setattr(connection, "BUSY_MS", 100)
    source, sheet, size = big_station
    path = Path(shutil.copy(source, tmp_path / "station.sqlite"))
    before = entry_count(path)
    sheet_run = start_award(path, sheet)
    while sheet_run.poll() is None and not lock_taken(path):
        pass  # until the sheet holds the write lock (or is done)
    booked = 0
    for _ in range(3):
        result = award(path)
        if result.exit_code == 0:
            booked += 1
        else:
            refused(result, "数据库正忙")
    assert sheet_run.wait() == 0
    assert entry_count(path) == before + size + booked
    connect(path)
    assert verify().ok
    close()


def lock_taken(path: Path) -> bool:
    """Whether some process holds the write lock of the books at `path` right now."""
    raw = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        raw.close()
