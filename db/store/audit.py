"""The audit trail: every sign-in and every write, with the operator and the station."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from catalog.messages import N_, Message, Refused
from db.store.clock import TIME_FORMAT, Clock, SystemClock, stamp
from db.store.connection import database
from db.store.ids import id_range, next_id
from db.store.models import Audit, Setting

# The setting that marks books made for trying — by `aixin demo` or by the tests — whose clock
# AIXIN_CLOCK may set (docs/design.md §4.7). Its value says who made them.
TRIAL = "trial"
TRIAL_MAKERS = frozenset({"demo", "tests"})
IGNORED_CLOCK = Message(N_("AIXIN_CLOCK 只用于演示和测试的账本，这份账本不用它，按电脑的时间记账"))


def record(operator: str, station: str, when: datetime, action: str, detail: str = "") -> None:
    """Append one line. Call inside the transaction of the write it describes."""
    database.execute_sql(
        "INSERT INTO audit (id, time, operator, station, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (next_id(Audit, station), stamp(when), operator, station, action, detail),
    )


def last_time(station: str) -> str | None:
    """When this station last wrote anything (every write and sign-in leaves an audit line)."""
    low, high = id_range(station)
    row = (
        Audit.select(Audit.time)
        .where(Audit.id >= low, Audit.id < high)
        .order_by(Audit.id.desc())
        .first()
    )
    return row.time if row else None


def mark_trial(maker: str) -> None:
    """Mark the new, empty books that are open as made for trying by `maker` (demo, tests).

    Only at creation, before the books have a station: no command turns a station's books, or
    a county's, into ones whose time a variable may set. Setup and update files carry no
    settings, so a station built from one is never marked.
    """
    if maker not in TRIAL_MAKERS:
        raise ValueError(maker)
    if Setting.get_or_none(Setting.name == "station") is not None:
        raise Refused("只有新建的演示或测试账本才能按 AIXIN_CLOCK 记时")
    Setting.insert(name=TRIAL, value=maker).on_conflict(
        conflict_target=[Setting.name], update={Setting.value: maker}
    ).execute()


def is_trial() -> bool:
    """Whether the open books were made by `aixin demo` or the tests."""
    return Setting.get_or_none(Setting.name == TRIAL) is not None


@dataclass
class BooksClock:
    """The time the books are written with.

    `inner` (the PC's clock) gives it, or `trial` (AIXIN_CLOCK's fixed clock) on books made for
    trying (`mark_trial`); on any other books `trial` is ignored, so a variable cannot move a
    station's time — to lift a PIN lock, or to date records — and the time never stays at a
    fake one. With no books open there is nothing to date, and `inner` is read.

    Either way the time never runs back before the station's last write: a PC clock set back,
    by hand or by a time sync, must not put new records before older ones: months are cut by
    time and the hash chain by id, and the two agree only while time moves forward with the
    ids. Until the clock catches up, records carry the last time.
    """

    inner: Clock = field(default_factory=SystemClock)
    trial: Clock | None = None

    def now(self) -> datetime:
        if database.obj is None or database.is_closed():  # no books open: nothing to keep after
            return self.inner.now()
        facts = dict(
            database.execute_sql(
                "SELECT name, value FROM setting WHERE name IN (?, ?)", ("station", TRIAL)
            ).fetchall()
        )
        source = self.trial if self.trial is not None and TRIAL in facts else self.inner
        moment = source.now()
        last = last_time(facts["station"]) if "station" in facts else None
        if last and stamp(moment) < last:
            return datetime.strptime(last, TIME_FORMAT)
        return moment

    @property
    def ignores_trial(self) -> bool:
        """Whether a `trial` clock is given and the open books do not let it be used."""
        if self.trial is None or database.obj is None or database.is_closed():
            return False
        return not is_trial()
