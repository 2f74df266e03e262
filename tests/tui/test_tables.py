"""Lists filled again show every cell whole (pos/widgets/list_table.py)."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.conftest import scan, sign_in


def test_the_private_hooks_the_lists_use_are_still_there():
    assert callable(DataTable._update_dimensions) and callable(DataTable._clear_caches)


async def test_a_count_filled_again_shows_a_longer_name_whole(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f7")
        await pilot.pause()
        for code, counted in (("G007", "20"), ("G001", "8")):  # 食盐（400 克）, then longer
            await scan(pilot, code)
            await pilot.press(*counted, "enter")
            await pilot.pause()
        await pilot.pause()
        shown = app.export_screenshot()
        assert "大米（10" in shown and "食盐（400" in shown


async def test_the_stock_list_shows_its_names_whole(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f5")
        await pilot.pause()
        await pilot.pause()
        assert "大米（10" in app.export_screenshot()
