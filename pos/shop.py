"""What the screens share: the books' clock, the signed-in operator, and this station."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from db.books.auth import Actor
from db.books.views import Receipt, Slip
from db.store.clock import Clock


@dataclass
class Shop:
    db_path: Path
    clock: Clock
    station: str
    station_name: str
    actor: Actor | None = None
    idle_minutes: float = 10.0
    slips_dir: Path = field(default_factory=Path)
    #: on a demo station, a card payload to type where a scanner would send it
    demo_card: str = ""
    #: AIXIN_CLOCK is set, but these are not books made for trying: the PC's clock is used
    clock_ignored: bool = False
    #: the newest slip and receipt this till made, to print again as they were
    last_slip: Slip | None = None
    last_receipt: Receipt | None = None

    @property
    def signed_in(self) -> Actor:
        assert self.actor is not None, "a screen that needs an operator was shown without one"
        return self.actor
