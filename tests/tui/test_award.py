"""F3 积分: a cadre scores a village in a grid; refusals show before confirming."""

from __future__ import annotations

from db.store.models import Entry, Household
from tests.tui.conftest import SIZE, message, payload, scan, sign_in


async def choose_task(pilot, code: str) -> None:
    await pilot.press("f6", *code.lower(), "enter")
    await pilot.pause()


async def test_cadre_scores_a_village(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await choose_task(pilot, "HJ02")
        await pilot.press("f7")  # the cadre's villages only: 那造村
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        grid = app.screen.query_one("#grid")
        assert list(grid.quantities) == [] and grid.row_count == 3
        assert app.focused is grid
        await pilot.press("2", "enter", "²", "①", "3", "enter")  # digits only, not ² or ①
        await pilot.pause()
        assert "2 户，合计 +10 分" in str(app.screen.query_one("#totals").render())
        await pilot.press("tab")
        await pilot.pause()
        await pilot.press(*"11-25 meeting")
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen", app.screen
        await pilot.press("f10")
        await pilot.pause()
        assert "已入账 2 户" in message(app)
    entries = list(Entry.select().where(Entry.task == "HJ02").order_by(Entry.id))
    assert [(e.household_id, e.points, e.note) for e in entries] == [
        ("1012010001", 4, "11-25 meeting"),
        ("1012010002", 6, "11-25 meeting"),
    ]


async def test_refusals_show_in_the_grid_and_block_confirming(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await choose_task(pilot, "HJ02")
        await pilot.press("f7", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "1")  # row 3: 王五, the cadre's own household
        await pilot.press("up", "up", "5")  # row 1: 5 × 2 = 10 > cap 8
        await pilot.pause()
        grid = app.screen.query_one("#grid")
        problems = [str(grid.get_row(key)[5]) for key in ("1012010001", "1012010003")]
        assert "每户每月最多 8 分" in problems[0]
        assert "不能给自己家记分" in problems[1]
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen" and app.screen.problems
        await pilot.press("f10")  # refused: nothing happens
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await pilot.pause()
        # back on the grid, on the first row to change
        assert app.focused is grid and grid.current_key() == "1012010001"
        await pilot.press("backspace", "2", "down", "down", "backspace", "f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen" and not app.screen.problems
        await pilot.press("escape")
    assert Entry.select().where(Entry.kind == "award").count() == 0


async def test_one_household_by_card_and_a_deduction(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f3")
        await pilot.pause()
        await choose_task(pilot, "GY02")
        await scan(pilot, payload("1012020002"))
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await choose_task(pilot, "KF04")
        await scan(pilot, "黄建华")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert Household.get_by_id("1012020002").balance == 10 - 5
    assert Entry.select().where(Entry.kind == "deduction").count() == 1


async def test_cadre_outside_scope_is_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await choose_task(pilot, "HJ02")
        await scan(pilot, payload("1012020001"))  # 陇林村: not the cadre's
        grid = app.screen.query_one("#grid")
        assert "不负责 陇林村" in str(grid.get_row("1012020001")[5])


async def test_escape_asks_before_clearing_typed_quantities(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await choose_task(pilot, "HJ02")
        await pilot.press("f7", "enter")
        await pilot.pause()
        grid = app.screen.query_one("#grid")
        await pilot.press("2", "enter", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "DropScreen"
        await pilot.press("escape")  # a second stray Esc only closes the question
        await pilot.pause()
        assert grid.quantities == {"1012010001": 2} and grid.row_count == 3
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert grid.row_count == 0 and not grid.quantities
