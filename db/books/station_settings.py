"""This station's own settings (the `setting` table), changed by a manager, each change audited.

Settings the station keeps for itself, as opposed to the county's, which arrive in setup and
update files: the receipt printer (`PRINTER`, a spec such as `usb:0416:5011` or `none`) and
whether slips go to it as an image (`PRINTER_IMAGE`, "1") for printers without a Chinese font.
"""

from __future__ import annotations

from db.books.auth import Actor, require
from db.books.setup import setting
from db.store import audit
from db.store.clock import Clock
from db.store.connection import database
from db.store.models import Setting

PRINTER = "printer"
PRINTER_IMAGE = "printer_image"


def put(actor: Actor, clock: Clock, name: str, value: str) -> None:
    """Set `name` to `value` (a manager only), with an audit line saying what it was."""
    require(actor, "station_settings")
    with database.atomic():
        before = setting(name)
        Setting.insert(name=name, value=value).on_conflict(
            conflict_target=[Setting.name], update={Setting.value: value}
        ).execute()
        audit.record(actor.name, actor.station, clock.now(), "setting",
                     f"{name}: {before or ''} -> {value}")  # fmt: skip


def printer() -> tuple[str, bool]:
    """The printer's spec ('none' when not set) and whether slips go as an image."""
    return setting(PRINTER) or "none", setting(PRINTER_IMAGE) == "1"
