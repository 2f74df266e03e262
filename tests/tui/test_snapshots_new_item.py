"""Snapshots of the new-item dialog of the donation form at 80×24 and 120×36, in zh and en.

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and look at the
report before committing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.store.clock import FixedClock
from pos.app import make_app
from pos.i18n import use
from tests.conftest import NOW
from tests.tui.conftest import scan, sign_in


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_new_item_dialog(shop_file, snap, lang, size):
    app = make_app(shop_file, clock=FixedClock(NOW, timedelta(seconds=1)), lang=lang)

    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await pilot.press("f5", "f6")
        await pilot.pause()
        pilot.app.screen.query_one("#donor").value = "农秀英"
        await pilot.press("enter")
        await scan(pilot, "腊肉")
        await pilot.press(*"jin")
        await pilot.pause()

    try:
        assert snap(app, run_before=run_before, terminal_size=size)
    finally:
        use("zh")
