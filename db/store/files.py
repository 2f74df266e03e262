"""Files by name: what a person hands in, what aixin writes out, and private scratch folders.

- `take_in` copies a handed-in file after checking what it is: a regular file (not a device, a
  FIFO, a folder or a socket, nor a link to one) no bigger than a bound, read with a bounded
  read — a link to /dev/zero is refused, not copied until the disk is full.
- `output` gives a temporary name beside the target; the target appears, renamed, only when
  the whole file is written, and a failure or a kill leaves no partial file (the next run to the
  same target clears what a killed one left).
- `scratch` is a private folder beside the books for copies a run works on; folders that a
  killed run left are cleared by the next one.

Files that hold keys, PIN hashes or the books are created readable by their owner only
(`PRIVATE`, 0600 on POSIX), at creation: there is no moment when they are readable by others.
Every fault of the disk is a `StorageRefused` (db/store/faults.py).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from catalog.messages import N_, Message, Refused
from db.store import faults

PRIVATE = 0o600  # the books, backups and the files that travel: they hold keys and PIN hashes
PRIVATE_FOLDER = 0o700
SHARED = 0o666  # reports and cards, less the umask
READ_CHUNK = 1 << 20
MB = 1 << 20
# What SQLite may leave beside a database file that is being written.
SIDE_FILES = ("-journal", "-wal", "-shm")

KINDS = {
    stat.S_IFDIR: N_("文件夹"),
    stat.S_IFCHR: N_("设备"),
    stat.S_IFBLK: N_("设备"),
    stat.S_IFIFO: N_("管道"),
    stat.S_IFSOCK: N_("套接字"),
}


class InputRefused(Refused):
    """A handed-in file that is not taken: `reason` is `type` (not a regular file), `size`
    (beyond the bound) or `read` (cannot be read)."""

    def __init__(self, reason: str, template: str, /, **fields: object) -> None:
        self.reason = reason
        super().__init__(template, **fields)


def _what(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), N_("特殊文件"))


def _regular(path: Path, info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        what = Message(_what(info.st_mode))
        raise InputRefused("type", N_("{path} 不是普通文件，而是{what}"), path=path, what=what)
    if info.st_size > limit:
        raise InputRefused(
            "size",
            N_("{path} 有 {size} MB，超过了上限 {limit} MB：这不是 aixin 的文件"),
            path=path,
            size=round(info.st_size / MB, 1),
            limit=limit // MB,
        )


def check_regular(path: Path, limit: int) -> None:
    """`path` is a regular file (or a link to one) of at most `limit` bytes."""
    try:
        info = path.stat()  # follows a link: what counts is what it points at
    except OSError as exc:
        raise InputRefused(
            "read", N_("读不了文件 {path}：{error}"), path=path, error=exc.strerror or str(exc)
        ) from exc
    _regular(path, info, limit)


def take_in(source: Path, copy: Path, limit: int) -> None:
    """Copy the handed-in `source` to `copy` (created owner-only), reading at most `limit`.

    The kind of file is checked before it is opened and again on the open handle (so a link
    swapped in between is caught), and the read stops at the bound, so a file that grows
    while it is copied is refused too."""
    check_regular(source, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(source, flags)
    except OSError as exc:
        raise InputRefused(
            "read", N_("读不了文件 {path}：{error}"), path=source, error=exc.strerror or str(exc)
        ) from exc
    try:
        _regular(source, os.fstat(handle), limit)
        with faults.storage(copy), _create(copy, PRIVATE) as out:
            taken = 0
            while True:
                try:
                    chunk = os.read(handle, READ_CHUNK)
                except OSError as exc:
                    raise InputRefused(
                        "read", N_("读不了文件 {path}：{error}"), path=source, error=exc.strerror
                    ) from exc
                if not chunk:
                    break
                taken += len(chunk)
                if taken > limit:
                    raise InputRefused(
                        "size", N_("{path} 超过了上限 {limit} MB"), path=source, limit=limit // MB
                    )
                out.write(chunk)
    except BaseException:
        with suppress(OSError):
            copy.unlink()
        raise
    finally:
        os.close(handle)


@contextmanager
def _create(path: Path, mode: int) -> Iterator[BinaryIO]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, mode)
    with os.fdopen(descriptor, "wb") as out:
        yield out
        out.flush()
        os.fsync(out.fileno())


def create_empty(path: Path, mode: int = PRIVATE) -> None:
    """An empty file at `path` with `mode` from its first moment (SQLite fills it later and
    gives its -wal and -shm files the same mode)."""
    with faults.storage(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))


def partial_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def clear(path: Path) -> None:
    """Remove `path` and what SQLite may have left beside it; what cannot be removed stays."""
    for suffix in ("", *SIDE_FILES):
        with suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def prepare_folder(target: Path) -> None:
    """The folder `target` goes in exists (made when missing) and `target` is no folder."""
    with faults.storage(target):
        if target.is_dir():
            raise faults.StorageRefused("folder", faults.FILE_MESSAGES["folder"], path=target)
        parent = target.parent
        for above in (parent, *parent.parents):
            if above.exists() or above.is_symlink():
                if not above.is_dir():
                    raise faults.StorageRefused(
                        "blocked", faults.FILE_MESSAGES["blocked"], path=target
                    )
                break
        parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def output(target: Path, *, private: bool = True) -> Iterator[Path]:
    """Write `target` whole or not at all: yields an empty file beside it to fill (created
    with the file's final mode); renamed to `target` when the block ends without error,
    removed otherwise. Disk faults inside become StorageRefused naming `target`."""
    prepare_folder(target)
    partial = partial_name(target)
    clear(partial)  # what a killed run to the same target left
    create_empty(partial, PRIVATE if private else SHARED)
    try:
        with faults.storage(target):
            yield partial
            with open(partial, "rb+") as written:
                os.fsync(written.fileno())  # on the disk before it takes the target's name
            os.replace(partial, target)
    finally:
        clear(partial)


@contextmanager
def scratch(beside: Path, purpose: str) -> Iterator[Path]:
    """A private folder for this run's copies, under `.<books>.<purpose>` beside `beside`.

    Each run holds a lock on its own folder; a folder whose lock is free belongs to a run
    that was killed, and is removed when the next run starts. A folder is made under a dotted
    name and takes its plain name only once its lock is held, so a run starting beside it
    never takes it for a killed one; and the shared root is made again if the last run
    before this one removed it in the meantime."""
    if beside.name in ("", ":memory:"):  # books in memory (tests): beside nothing
        beside = Path(tempfile.gettempdir()) / "aixin"
    root = beside.parent / f".{beside.name}.{purpose}"
    with faults.storage(root):
        mine, lock = _locked_folder(root)
        for stale in root.iterdir():
            if stale.is_dir() and stale != mine and _left_by_killed_run(stale):
                shutil.rmtree(stale, ignore_errors=True)
    try:
        yield mine
    finally:
        os.close(lock)
        shutil.rmtree(mine, ignore_errors=True)
        with suppress(OSError):
            root.rmdir()  # only when no other run is using it


def _locked_folder(root: Path) -> tuple[Path, int]:
    """A new folder under `root` with its `.lock` held, and the lock's handle."""
    for _ in range(100):  # another run may remove the empty root between mkdir and mkdtemp
        with suppress(FileExistsError):  # not exist_ok: it asks again, and may find none
            root.mkdir(mode=PRIVATE_FOLDER)
        try:
            making = Path(tempfile.mkdtemp(dir=root, prefix="."))  # 0700
        except FileNotFoundError:
            continue
        try:
            lock = os.open(making / ".lock", os.O_RDWR | os.O_CREAT, PRIVATE)
        except OSError:
            shutil.rmtree(making, ignore_errors=True)
            raise
        try:
            _lock(lock, wait=True)
            mine = root / making.name[1:]
            os.rename(making, mine)
        except OSError:
            os.close(lock)
            shutil.rmtree(making, ignore_errors=True)
            raise
        return mine, lock
    raise FileNotFoundError(root)


def _left_by_killed_run(folder: Path) -> bool:
    """Whether `folder` belongs to no running process: its lock is free. A dotted folder is
    one being made; it is taken for a killed run's only once it is an hour old."""
    if folder.name.startswith("."):
        try:
            if time.time() - folder.stat().st_mtime < 3600:
                return False
        except OSError:
            return False
    return _unlocked(folder / ".lock")


def _unlocked(path: Path) -> bool:
    """Whether no running process holds the lock at `path` (a missing lock is free)."""
    try:
        handle = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        return _lock(handle, wait=False)
    finally:
        os.close(handle)  # closing lets the lock go


def _lock(handle: int, *, wait: bool) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    else:
        import fcntl

        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            return False
        return True
