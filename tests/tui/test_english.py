"""--lang en: every screen's own words are English (names and goods stay as entered)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input, Label

from db.store.clock import FixedClock
from pos.app import make_app
from pos.i18n import use
from tests.conftest import NOW
from tests.tui.conftest import SIZE, sign_in

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def own_words(screen) -> list[str]:
    """Labels, placeholders, column headings and key descriptions: not data."""
    words = [str(label.render()) for label in screen.query(Label)]
    words += [box.placeholder for box in screen.query(Input)]
    for table in screen.query(DataTable):
        words += [str(column.label) for column in table.columns.values()]
    words += [b.binding.description for b in screen.active_bindings.values() if b.binding.show]
    return [w for w in words if w]


@pytest.fixture
def english(shop_file):
    app = make_app(shop_file, clock=FixedClock(NOW, timedelta(seconds=1)), lang="en")
    yield app
    use("zh")


async def test_every_screen_speaks_english(english):
    app = english
    async with app.run_test(size=SIZE) as pilot:
        assert not [w for w in own_words(app.screen) if CHINESE.search(w)]
        await sign_in(pilot, "manager", "9999")
        message = str(app.screen.query_one("#message").render())
        assert "Wrong PIN" in message or not CHINESE.search(message), message
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        for key in ("f2", "f3", "f4", "f5", "f9", "f1"):
            await pilot.press(key)
            await pilot.pause()
            chinese = [w for w in own_words(app.screen) if CHINESE.search(w)]
            assert not chinese, (key, chinese)
            if key == "f1":
                await pilot.press("escape")
        await pilot.press("f2", *"6901234567892", "enter")
        await pilot.pause()
        message = str(app.screen.query_one("#message").render())
        assert not CHINESE.search(message), message
