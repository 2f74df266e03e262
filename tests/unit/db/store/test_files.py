"""Files by name (db/store/files.py): what is handed in is checked before it is read, what is
written appears whole or not at all, scratch folders of killed runs are cleared, and secret
files are owner-only from their first moment."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from db.store import files
from db.store.connection import backup, close, connect, database
from db.store.faults import StorageRefused


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def genuine(tmp_path) -> Path:
    path = tmp_path / "genuine.bin"
    path.write_bytes(b"x" * 5000)
    return path


def test_a_regular_file_is_copied_owner_only(genuine, tmp_path):
    copy = tmp_path / "copy.bin"
    files.take_in(genuine, copy, limit=10_000)
    assert copy.read_bytes() == genuine.read_bytes()
    assert mode(copy) == 0o600


def test_a_link_to_a_regular_file_is_taken(genuine, tmp_path):
    link = tmp_path / "link.bin"
    link.symlink_to(genuine)
    files.take_in(link, tmp_path / "copy.bin", limit=10_000)


@pytest.mark.skipif(os.name != "posix", reason="POSIX special files")
@pytest.mark.parametrize("what", ["folder", "fifo", "device", "link to device", "socket"])
def test_what_is_no_regular_file_is_refused_before_it_is_read(tmp_path, what):
    path = tmp_path / "handed-in"
    if what == "folder":
        path.mkdir()
    elif what == "fifo":
        os.mkfifo(path)  # opening it to read would wait for a writer for ever
    elif what == "device":
        path = Path("/dev/zero")
    elif what == "link to device":
        path.symlink_to("/dev/zero")  # copied, it would fill the disk
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    copy = tmp_path / "copy.bin"
    with pytest.raises(files.InputRefused) as caught:
        files.take_in(path, copy, limit=1 << 30)
    assert caught.value.reason == "type" and "不是普通文件" in caught.value.render()
    assert not copy.exists()


def test_a_file_beyond_the_bound_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:
        out.truncate(3 << 30)  # sparse: 3 GB that take no room
    with pytest.raises(files.InputRefused) as caught:
        files.take_in(big, tmp_path / "copy.bin", limit=1 << 30)
    assert caught.value.reason == "size"
    assert not (tmp_path / "copy.bin").exists()


def test_a_missing_file_is_said_so(tmp_path):
    with pytest.raises(files.InputRefused, match="读不了文件") as caught:
        files.take_in(tmp_path / "nothing.sqlite", tmp_path / "copy.bin", limit=100)
    assert caught.value.reason == "read"


def test_an_output_appears_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out" / "deeper" / "report.bin"  # missing folders are made
    with files.output(target) as partial:
        assert partial.parent == target.parent and mode(partial) == 0o600
        partial.write_bytes(b"whole")
        assert not target.exists()
    assert target.read_bytes() == b"whole" and mode(target) == 0o600
    assert os.listdir(target.parent) == ["report.bin"]
    with pytest.raises(RuntimeError), files.output(target) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError("the printer caught fire")
    assert target.read_bytes() == b"whole"
    assert os.listdir(target.parent) == ["report.bin"]


def test_a_killed_runs_partial_file_is_cleared_by_the_next(tmp_path):
    target = tmp_path / "report.bin"
    left = files.partial_name(target)
    for suffix in ("", "-journal"):
        Path(f"{left}{suffix}").write_bytes(b"left by a killed run")
    with files.output(target) as partial:
        partial.write_bytes(b"new")
    assert sorted(os.listdir(tmp_path)) == ["report.bin"]


@pytest.mark.parametrize(
    ("where", "fault"),
    [("under/a/file.bin", "blocked"), ("a-folder", "folder")],
)
def test_an_output_where_none_can_be_is_refused(tmp_path, where, fault):
    (tmp_path / "under").write_text("a regular file, not a folder")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(StorageRefused) as caught, files.output(tmp_path / where):
        pass
    assert caught.value.fault == fault


def test_scratch_folders_of_killed_runs_are_cleared(tmp_path):
    books = tmp_path / "county.sqlite"
    root = tmp_path / ".county.sqlite.incoming"
    killed = root / "killed-run"
    killed.mkdir(parents=True)
    (killed / "0.sqlite").write_bytes(b"a private copy left behind")
    (killed / ".lock").write_bytes(b"")
    alive = root / "running"
    alive.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True); time.sleep(60)",
            str(alive / ".lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with files.scratch(books, "incoming") as mine:
            assert mine.parent == root and mode(mine) == 0o700
            assert not killed.exists()
            assert alive.exists()  # another merge is running: its copies stay
    finally:
        holder.kill()
        holder.wait()
    assert sorted(p.name for p in root.iterdir()) == ["running"]
    with files.scratch(books, "incoming"):
        pass
    assert not root.exists()


def test_runs_side_by_side_keep_their_own_scratch_folders(tmp_path):
    """Runs starting and ending at once beside the same books (county merges on one server,
    from several terminals) never take another's folder for a killed run's, nor lose the
    shared root to the one that ended last."""
    books = tmp_path / "county.sqlite"
    lost = []

    def run(worker: int) -> None:
        for turn in range(60):
            with files.scratch(books, "incoming") as mine:
                copy = mine / f"{worker}-{turn}.sqlite"
                copy.write_bytes(b"a private copy")
                time.sleep(0.0005)
                if not copy.exists():
                    lost.append(copy)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(run, range(6)))  # a refusal in any run is raised here
    assert lost == []
    assert not (tmp_path / ".county.sqlite.incoming").exists()


def test_a_root_removed_by_the_run_that_ended_last_is_made_again(tmp_path, monkeypatch):
    """The shared root is there when this run tries to make it, and gone a moment later
    (the last other run removed it): the run makes it again instead of refusing."""
    books = tmp_path / "county.sqlite"
    root = tmp_path / ".county.sqlite.incoming"
    real_mkdir = os.mkdir
    raced = []

    def mkdir_as_the_last_run_leaves(path, *args, **kwargs):
        if Path(path) == root and not raced:
            raced.append(path)  # it existed at this moment, and is removed just after
            raise FileExistsError(17, "File exists", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir_as_the_last_run_leaves)
    with files.scratch(books, "incoming") as mine:
        assert mine.parent == root and mine.is_dir()
    assert raced


def test_the_books_and_their_side_files_are_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "station.sqlite"
        connect(path, create=True)
        with database.atomic():
            database.execute_sql("CREATE TABLE t (x)")
        side = [Path(f"{path}{s}") for s in ("-wal", "-shm")]
        assert all(p.exists() for p in side)
        assert {mode(p) for p in (path, *side)} == {0o600}
        backup(tmp_path / "usb" / "backup.sqlite")
        assert mode(tmp_path / "usb" / "backup.sqlite") == 0o600
        assert os.listdir(tmp_path / "usb") == ["backup.sqlite"]
        close()
    finally:
        os.umask(old)
