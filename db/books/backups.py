"""`aixin backup`: a whole copy of the books, taken by a manager (or, at the county, a county
operator) and recorded with them."""

from __future__ import annotations

from pathlib import Path

from db.books.auth import Actor, require
from db.books.setup import local_station
from db.store import audit, connection
from db.store.clock import Clock
from db.store.connection import database


def backup(actor: Actor, out: Path, clock: Clock) -> None:
    """Copy the open books whole to `out`; the audit line is written once the copy is."""
    require(actor, "backup")
    connection.backup(out)
    with database.atomic():
        audit.record(actor.name, local_station().code, clock.now(), "backup", out.name)
