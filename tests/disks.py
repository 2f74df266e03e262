"""Disks and databases that fail, for the fault tests: another process holding the write lock,
a small filesystem that fills up, a read-only one.

A small or read-only filesystem is a tmpfs mounted for the test, which needs root and a
`mount` that works (as here and in CI); where it cannot be mounted, those tests are skipped
and the full disk is still tested by `PRAGMA max_page_count` (tests/unit/db/store/test_faults.py).
As another user than root a read-only folder is made with the file modes instead.
"""

from __future__ import annotations

import errno
import functools
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(120)
"""


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another process holds the write lock of the books at `path` for the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


@functools.cache
def can_mount() -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    probe = Path(f"/tmp/aixin-mount-probe-{uuid.uuid4().hex}")
    probe.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True
        )
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    except OSError:
        return False
    finally:
        probe.rmdir()


needs_mount = pytest.mark.skipif(not can_mount(), reason="cannot mount a tmpfs here")


@contextmanager
def small_disk(where: Path, kib: int) -> Iterator[Path]:
    """A tmpfs of `kib` KiB mounted at `where` for the block."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0755", "tmpfs", str(where)], check=True
    )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill `disk` to the last byte, then give back `leave` bytes; returns the filler."""
    filler = disk / "filler"
    block = b"\0" * 4096
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(handle, block)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(handle)
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


def read_only(disk: Path) -> None:
    """Make the tmpfs at `disk` read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
