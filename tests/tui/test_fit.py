"""Every screen fits 80×24 and 120×36, in Chinese and English (docs/design.md §8.3).

Nothing drawn outside the screen (a panel's border, a dialog), the footer's keys whole with
F1 first, the top line's date never cut, and the pages hold what the screen shows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.cells import cell_len

from db.store.clock import FixedClock
from db.store.connection import close
from pos.app import make_app
from pos.widgets.keys import KeyBar
from tests.conftest import NOW
from tests.tui.screens import SCREENS, SIZES, SNAPPED


@pytest.fixture(params=["zh", "en"])
def any_app(request, shop_file):
    clock = FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1))
    application = make_app(shop_file, clock=clock, lang=request.param)
    yield application
    close()


def assert_fits(app, width: int, height: int) -> None:
    """The screen shown now fits `width`×`height`: nothing drawn outside it, the footer's keys
    whole with F1 first, the status line's date whole."""
    screen = app.screen
    for widget in screen.query("*"):
        region = widget.region
        if not widget.display or not region.area:
            continue
        if any(getattr(a, "is_scrollable", False) for a in widget.ancestors[:-2]):
            continue  # scrolled into view in its box, which is checked itself
        assert region.right <= width and region.bottom <= height, (widget, region)
    bars = screen.query(KeyBar)
    if bars:
        bar = bars.first()
        keys = bar.keys()
        drawn = str(bar.render())
        assert cell_len(drawn) <= width - 2
        if app.shop.actor is not None:
            assert keys[0][0] == "F1" and drawn.startswith("F1")
        for key, description in keys:
            if key not in (bar.hidden or []):
                assert f"{key} {description}" in drawn  # whole, never cut
    status = [s for s in app.screen_stack if s.query("StatusBar")][-1].query_one("StatusBar")
    today = app.shop.clock.now()
    top = "".join(seg.text for seg in status.render_lines(status.region.reset_offset)[0])
    assert str(today.day) in top
    shown = [key for key in app.menu() if key in top]
    assert shown == app.menu()[: len(shown)]  # keys left out whole, from the last
    if app.shop.actor is not None:
        assert app.shop.actor.name in top  # who is signed in, never cut


# The screens test_snapshots does not photograph; it holds every other one to the screen in
# the same run as its snapshot.
UNSNAPPED = [name for name in SCREENS if name not in SNAPPED]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", UNSNAPPED)
async def test_every_screen_fits(any_app, name, size):
    width, height = SIZES[size]
    async with any_app.run_test(size=(width, height)) as pilot:
        await SCREENS[name](pilot)
        await pilot.pause()
        assert_fits(any_app, width, height)
