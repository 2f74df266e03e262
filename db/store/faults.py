"""Storage faults as refusals: a busy, full, read-only or broken disk says what to do.

SQLite, PostgreSQL and the operating system report faults as exceptions with codes; a person
needs one
line that says what happened and what to do next. `storage()` turns every such fault raised
inside it into a `StorageRefused` (a `Refused`, so the command line prints it and exits 1,
and the screens show it and keep what was typed). The books' database classes
(db/store/connection.py, db/store/server.py) run every statement, BEGIN, COMMIT and ROLLBACK
through it, so no call site needs to catch them. Anything that is not a storage fault (a
constraint, a bug) is left as it was.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseError

from catalog.messages import N_, Refused

try:  # the county's server driver; a station needs only SQLite
    import psycopg
except ImportError:  # pragma: no cover - a dependency, but faults must load without it
    psycopg = None  # type: ignore[assignment]

# SQLite's primary result codes (https://sqlite.org/rescode.html) that are storage faults.
SQLITE_FAULTS = {
    3: "readonly",  # SQLITE_PERM
    5: "busy",  # SQLITE_BUSY: the write lock was not free within the busy timeout
    6: "busy",  # SQLITE_LOCKED
    8: "readonly",  # SQLITE_READONLY
    10: "io",  # SQLITE_IOERR
    11: "corrupt",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cantopen",  # SQLITE_CANTOPEN
    26: "corrupt",  # SQLITE_NOTADB
}
# SQLite rolls a transaction back by itself on a full disk or an I/O error; peewee's own
# ROLLBACK or COMMIT then fails with one of these, which would hide the real fault.
LOST = ("cannot rollback - no transaction is active", "cannot commit - no transaction is active")
OS_FAULTS = {
    errno.ENOSPC: "full",
    errno.EFBIG: "full",
    errno.EROFS: "readonly",
    errno.EACCES: "readonly",
    errno.EPERM: "readonly",
    errno.ENOTDIR: "blocked",
    errno.EEXIST: "blocked",
    errno.ENOENT: "missing",
    errno.EISDIR: "folder",
    errno.EIO: "io",
}
# PostgreSQL's SQLSTATE codes (its manual, appendix A) that are storage faults, by class
# (the first two characters) or by the whole code.
SERVER_FAULTS = {
    "08": "lost",  # connection exception: the server went away mid-work
    "28": "denied",  # invalid authorization: a wrong user name or password
    "3D000": "nodatabase",  # invalid catalog name: no such database on the server
    "40001": "busy",  # serialization failure
    "40P01": "busy",  # deadlock detected (one of the two is rolled back)
    "53100": "full",  # disk full
    "53300": "unreachable",  # too many connections
    "55P03": "busy",  # lock not available within lock_timeout
    "57P01": "lost",  # admin shutdown
    "57P02": "lost",  # crash shutdown
    "57P03": "unreachable",  # cannot connect now: starting up or shutting down
    "25006": "denied",  # read-only transaction (a standby, or default_transaction_read_only)
    "42501": "denied",  # insufficient privilege
}
# Faults met before there is a server to give a code: by libpq's own words.
SERVER_WORDS = (
    ("password authentication failed", "denied"),
    ("authentication failed", "denied"),
    ("no password supplied", "denied"),
    ('role "', "denied"),  # 'role "x" does not exist'
    ("does not exist", "nodatabase"),  # 'database "x" does not exist'
    ("connection refused", "unreachable"),
    ("could not connect", "unreachable"),
    ("connection failed", "unreachable"),
    ("could not translate host name", "unreachable"),
    ("failed to resolve host", "unreachable"),
    ("timeout expired", "unreachable"),
    ("no such file or directory", "unreachable"),  # a unix socket that is not there
    ("server closed the connection", "lost"),
    ("the connection is lost", "lost"),
    ("connection is closed", "lost"),
)

if hasattr(errno, "EDQUOT"):  # a full quota is a full disk to the person at the till
    OS_FAULTS[errno.EDQUOT] = "full"


MESSAGES = {
    "busy": N_(
        "数据库正忙：另一个程序正在写账，等了 {seconds} 秒还没轮到。"
        "这次没有写入，刚才输入的都还在，请稍后再试一次"
    ),
    "full": N_("磁盘已满，这次没有写入：请腾出磁盘空间后再试"),
    "readonly": N_("数据库是只读的，写不进去：请检查文件和所在文件夹的权限，或 U 盘的写保护"),
    "io": N_("读写磁盘出错（{error}），这次没有写入：请检查磁盘或 U 盘后再试"),
    "corrupt": N_("数据库文件损坏（{error}）：请运行 aixin verify，或从备份恢复"),
    "cantopen": N_("打不开数据库文件：请检查路径、文件夹和权限"),
    "lost": N_("写入中途失败（磁盘满了或读写出错），这次没有写入：请检查磁盘后再试"),
    # The county's database on a PostgreSQL server.
    "unreachable": N_("连不上数据库服务器（{error}）：请检查服务器是否开着，以及地址、端口和网络"),
    "denied": N_("数据库服务器拒绝了登录或操作（{error}）：请检查用户名、密码和权限"),
    "nodatabase": N_(
        "数据库服务器上没有这个数据库（{error}）：请检查地址里的库名，或请管理员先建好它"
    ),
    "server": N_("数据库服务器出错（{error}），这次没有写入：请稍后再试，或请管理员查看"),
}
# The server's words, kept to their first line: a refusal is one line.
SERVER_LOST = N_("与数据库服务器的连接断了（{error}），这次没有写入：请检查服务器和网络后再试")
# The same faults on a file we write or read by name (an output, a copy of an input).
FILE_MESSAGES = {
    "full": N_("磁盘已满，{path} 没有写成：请腾出磁盘空间后再试"),
    "readonly": N_("没有权限写 {path}：请检查文件和文件夹的权限，或 U 盘的写保护"),
    "blocked": N_("{path} 的上级不是文件夹（是一个文件）：请换一个位置"),
    "missing": N_("{path} 所在的文件夹不存在"),
    "folder": N_("{path} 是一个文件夹：请给出文件名"),
    "io": N_("读写 {path} 时磁盘出错（{error}）：请检查磁盘或 U 盘后再试"),
    "other": N_("写不了 {path}：{error}"),
}

SERVER_ERRORS: tuple[type[Exception], ...] = (psycopg.Error,) if psycopg is not None else ()

busy_seconds = 5.0  # set by db.store.connection from its busy timeout


class StorageRefused(Refused):
    """The disk or the database would not do what was asked; nothing was written.

    `fault` says which: busy, full, readonly, io, corrupt, cantopen, lost (a transaction
    SQLite rolled back by itself, or a server connection gone), for a server also
    unreachable, denied, nodatabase, server; or for a named file blocked, missing, folder,
    other."""

    def __init__(self, fault: str, template: str, /, **fields: object) -> None:
        self.fault = fault
        super().__init__(template, **fields)


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 exception behind `exc` (peewee wraps it, keeping it as `orig`)."""
    if isinstance(exc, sqlite3.Error):
        return exc
    if isinstance(exc, DatabaseError):
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.Error):
            return orig
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, sqlite3.Error):
            return cause
    return None


def _server_error(exc: BaseException) -> Exception | None:
    """The psycopg exception behind `exc`, when the database is a PostgreSQL server."""
    if psycopg is None:
        return None
    if isinstance(exc, psycopg.Error):
        return exc
    if isinstance(exc, DatabaseError):
        for inner in (getattr(exc, "orig", None), *exc.args[:1], exc.__cause__, exc.__context__):
            if isinstance(inner, psycopg.Error):
                return inner
    return None


def _server_fault(error: Exception) -> str | None:
    code = getattr(error, "sqlstate", None) or ""
    if code:
        return SERVER_FAULTS.get(code) or SERVER_FAULTS.get(code[:2])
    if psycopg is not None and isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        text = str(error).lower()
        for words, fault in SERVER_WORDS:
            if words in text:
                return fault
        return "server"
    return None


def first_line(error: BaseException) -> str:
    """An error's text as one line: libpq's messages run to several."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def classify(exc: BaseException) -> str | None:
    """Which storage fault `exc` is, or None when it is not one."""
    if isinstance(exc, StorageRefused):
        return exc.fault
    if isinstance(exc, OSError):
        return OS_FAULTS.get(exc.errno or 0, "other")
    server = _server_error(exc)
    if server is not None:
        return _server_fault(server)
    error = _sqlite_error(exc)
    if error is None:
        return None
    text = str(error)
    if any(text.startswith(lost) for lost in LOST):
        return "lost"
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return SQLITE_FAULTS.get(code & 0xFF)
    # Before Python 3.11 (or a driver without codes): by SQLite's own words.
    for words, fault in (
        ("database is locked", "busy"),
        ("database table is locked", "busy"),
        ("disk is full", "full"),
        ("readonly database", "readonly"),
        ("disk I/O error", "io"),
        ("file is not a database", "corrupt"),
        ("malformed", "corrupt"),
        ("unable to open database", "cantopen"),
    ):
        if words in text:
            return fault
    return None


def refusal(exc: BaseException, path: str | Path | None = None) -> StorageRefused | None:
    """`exc` as a StorageRefused, or None when it is not a storage fault."""
    if isinstance(exc, StorageRefused):
        return exc
    fault = classify(exc)
    if fault is None:
        return None
    error = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, OSError):
        where = path if path is not None else exc.filename
        return StorageRefused(fault, FILE_MESSAGES[fault], path=where, error=error)
    server = _server_error(exc)
    if server is not None:
        template = SERVER_LOST if fault == "lost" else MESSAGES[fault]
        seconds = f"{busy_seconds:g}"
        return StorageRefused(fault, template, seconds=seconds, error=first_line(server))
    return StorageRefused(fault, MESSAGES[fault], seconds=f"{busy_seconds:g}", error=error)


@contextmanager
def storage(path: str | Path | None = None) -> Iterator[None]:
    """Turn a storage fault raised inside into a StorageRefused; others pass unchanged.

    `path`: the file being written or read by name, named in an operating-system fault."""
    try:
        yield
    except (sqlite3.Error, DatabaseError, OSError, *SERVER_ERRORS) as exc:  # type: ignore[misc]
        refused = refusal(exc, path)
        if refused is None:
            raise
        raise refused from exc
