"""Driving the shop screen as a person would: keys in, books and widgets checked."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from textual import events
from textual.widgets import Input

from db.books.auth import sign_in as sign_in_service
from db.books.cards import payload_for
from db.books.corrections import adjust_points
from db.store.clock import FixedClock
from db.store.connection import close
from pos.app import make_app
from tests.conftest import NOW
from tests.tui.fit import assert_fits

SIZE = (110, 32)


@pytest.fixture
def shop_file(station_file, tmp_path):
    """A private copy of the small test station (six households, stock, cards)."""
    path = tmp_path / "shop.sqlite"
    shutil.copy(station_file, path)
    return path


@pytest.fixture
def app(shop_file):
    application = make_app(
        shop_file, clock=FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1))
    )
    yield application
    close()


def payload(household: str) -> str:
    """The household's card, as a scanner would type it."""
    return payload_for(household)


def give_points(household: str, points: int) -> None:
    """An opening balance booked by the manager, through the service."""
    clock = FixedClock(NOW)
    manager = sign_in_service("manager", "1234", clock)
    adjust_points(manager, clock, household, points, "期初结转", kind="base")


async def sign_in(pilot, name: str, pin: str = "1234") -> None:
    await pilot.press(*name, "enter", *pin, "enter")
    await pilot.pause()


async def scan(pilot, text: str) -> None:
    """`text` and Enter in one burst, as a scanner in keyboard mode types them: every key is
    queued at once, then the screen is given time to take them all."""
    for char in text:
        pilot.app.post_message(events.Key(char, char))
    pilot.app.post_message(events.Key("enter", "\r"))
    await pilot.pause()


def message(app) -> str:
    return str(app.screen.query_one("#message").render())


async def open_section(pilot, section: str) -> None:
    """F11, then the digit of `section` in the list the signed-in operator sees."""
    names = [name for name, _label in pilot.app.more_sections()]
    await pilot.press("f11")
    await pilot.pause()
    await pilot.press(str(names.index(section) + 1))
    await pilot.pause()


async def still(pilot) -> None:
    """The text boxes' cursors stop blinking, so a snapshot never catches one half-lit: a
    cursor blinks every half second, and how many halves a run takes depends on the machine."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def snap(snap_compare):
    """`snap_compare`, with the cursors stilled before every picture and the screen held to
    its size first (tests/tui/fit.py): every picture is of a screen that fits."""

    def compare(app, run_before=None, terminal_size=(80, 24), **options) -> bool:
        async def settled(pilot) -> None:
            if run_before is not None:
                await run_before(pilot)
            await pilot.pause()
            assert_fits(pilot.app, *terminal_size)
            await still(pilot)

        return snap_compare(app, run_before=settled, terminal_size=terminal_size, **options)

    return compare
