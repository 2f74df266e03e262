"""The audit trail: every sign-in and every write, with the operator and the station."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.store.clock import TIME_FORMAT, Clock, stamp
from db.store.connection import database
from db.store.ids import id_range, next_id
from db.store.models import Audit, Setting


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


@dataclass
class BooksClock:
    """The time the books are written with: `inner`'s, but never before the station's last write.

    A PC clock set back, by hand or by a time sync, must not put new records before older
    ones: months are cut by time and the hash chain by id, and the two agree only while time
    moves forward with the ids. Until the clock catches up, records carry the last time.
    """

    inner: Clock

    def now(self) -> datetime:
        moment = self.inner.now()
        if database.obj is None or database.is_closed():  # no books open: nothing to keep after
            return moment
        here = Setting.get_or_none(Setting.name == "station")
        last = last_time(here.value) if here else None
        if last and stamp(moment) < last:
            return datetime.strptime(last, TIME_FORMAT)
        return moment
