"""A busy database at the till (docs/design.md §8): F10 while another process holds the write
lock keeps the basket and tells the clerk to try again; the next F10 completes the sale."""

from __future__ import annotations

import pytest

from db.store import connection
from db.store.models import Household, Redemption
from tests.disks import write_lock_held
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in


@pytest.fixture
def quick_busy(monkeypatch):
    """Wait a fraction of a second for the lock, not five (set before the till opens)."""
    monkeypatch.setattr(connection, "BUSY_MS", 300)


async def test_f10_on_a_busy_database_keeps_the_basket(quick_busy, app, shop_file):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G007")
        await scan(pilot, "G007")
        basket = {code: line.qty for code, line in app.screen.basket.items()}
        with write_lock_held(shop_file):
            await pilot.press("f10")
            await pilot.pause()
            assert type(app.screen).__name__ == "CheckoutScreen"
            assert "数据库正忙" in message(app) and "请稍后再试" in message(app)
            assert {code: line.qty for code, line in app.screen.basket.items()} == basket
            assert app.screen.household.number == "1012010001"
            assert app.focused.id == "scan"
        assert Redemption.select().count() == 0
        await pilot.press("f10")  # the lock is free again: the same basket goes through
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"
    assert Redemption.select().count() == 1
    assert Household.get_by_id("1012010001").balance == 56
