"""The audit trail: every sign-in and every write, with the operator and the station."""

from __future__ import annotations

from datetime import datetime

from db.clock import stamp
from db.ids import next_id
from db.models import Audit


def record(operator: str, station: str, when: datetime, action: str, detail: str = "") -> None:
    """Append one line. Call inside the transaction of the write it describes."""
    Audit.insert(
        id=next_id(Audit, station),
        time=stamp(when),
        operator=operator,
        station=station,
        action=action,
        detail=detail,
    ).execute()
