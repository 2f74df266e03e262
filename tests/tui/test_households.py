"""F4 户: search, detail with paged history, manager edits, reversals and card reissue."""

from __future__ import annotations

from db.books import redemptions
from db.books.auth import sign_in as service_sign_in
from db.books.corrections import adjust_points
from db.store.models import Card, Entry, Household, Item
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in


async def open_household(pilot, query: str) -> None:
    await pilot.press("f4", *query)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_search_by_initials_number_and_id_tail(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f4", *"nxy")
        await pilot.pause()
        table = app.screen.query_one("#results")
        assert table.row_count == 1 and str(table.get_row_at(0)[1]) == "农秀英"
        assert "**********" in str(table.get_row_at(0)[5])  # the ID number is masked
        await pilot.press(*["backspace"] * 3, *"101202")
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdDetailScreen"
        assert "f8" not in {
            b.binding.key for b in app.screen.active_bindings.values() if b.enabled
        }  # clerks do not reverse


async def test_manager_reverses_a_redemption_with_a_reason(app):
    give_points("1012010001", 60)
    clerk = service_sign_in("clerk", "1234", app.shop.clock)
    slip = redemptions.redeem(clerk, app.shop.clock, "1012010001", [("G007", 3)])
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_household(pilot, "zs")
        await pilot.press("f6")  # the spending side
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert type(app.screen).__name__ == "AskScreen"
        await pilot.press(*"wrong item", "enter")
        await pilot.pause()
        assert "已冲正兑换单" in message(app)
    assert Household.get_by_id("1012010001").balance == 60
    assert Item.get_by_id("G007").stock == 20
    reversal = Entry.get(Entry.kind == "reversal")
    assert (reversal.redemption_id, reversal.note) == (slip.id, "wrong item")


async def test_history_is_paged(app):
    for _ in range(30):
        give_points("1012010001", 1)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_household(pilot, "1012010001")
        title = lambda: str(app.screen.query_one("#history-title").render())  # noqa: E731
        history = app.screen.query_one("#history")
        size = app.screen.page_size  # as many rows as the list shows, no more
        assert size <= history.size.height - 2 and history.row_count == size
        pages = -(-30 // size)
        assert f"第 1/{pages} 页，共 30 条" in title()
        await pilot.press(*["pagedown"] * pages)
        await pilot.pause()
        assert f"第 {pages}/{pages} 页" in title()
        assert history.row_count == 30 - (pages - 1) * size


async def test_manager_edits_and_reissues(app):
    old = payload("1012020001")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_household(pilot, "1012020001")
        await pilot.press("f7")
        await pilot.pause()
        phone = app.screen.query_one("#phone")
        phone.value = "13907710000"
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdDetailScreen"
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert "已补发第 2 号卡" in message(app)
        await pilot.press("f2")
        await pilot.pause()
        await scan(pilot, old)
        assert "作废" in message(app)
    assert Household.get_by_id("1012020001").phone == "13907710000"
    assert Card.select().where(Card.household == "1012020001").count() == 2


async def test_a_new_household_with_a_bad_id_is_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", "f6")
        await pilot.pause()
        form = app.screen
        form.query_one("#number").value = "1012010099"
        form.query_one("#head_name").value = "韦小红"
        form.query_one("#id_number").value = "110105194912310021"
        form.query_one("#village").value = "451425101201"
        form.query_one("#category").value = "监测户"
        await pilot.press("f10")
        await pilot.pause()
        assert "校验位不对" in str(form.query_one("#problem").render())
        form.query_one("#id_number").value = "11010519491231002X"
        form.query_one("#number").value = "1012010001"  # 张三's: adding never overwrites
        await pilot.press("f10")
        await pilot.pause()
        assert "已经有了（张三）" in str(form.query_one("#problem").render())
        form.query_one("#number").value = "1012010099"
        await pilot.press("f10")
        await pilot.pause()
        assert "已保存农户 1012010099" in message(app)
    assert Household.get_by_id("1012010099").village_id == "451425101201"


async def test_manager_prints_a_card_and_a_village(app, shop_file):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", "f7")
        await pilot.pause()
        await pilot.press(*"451425101202", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "已生成 3 张卡" in message(app)
        await pilot.press(*"zs", "enter")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "已生成 1 张卡" in message(app)
    folder = shop_file.with_name("cards")
    assert sorted(p.name for p in folder.iterdir()) == ["1012010001.png", "451425101202.pdf"]


async def test_notes_that_look_like_markup_are_shown_as_typed(app):
    """People type brackets; '[/]' read as markup would stop the screen."""
    clock = app.shop.clock
    manager = service_sign_in("manager", "1234", clock)
    adjust_points(manager, clock, "1012010001", 5, "[/] [b]补录[/b]", kind="base")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_household(pilot, "zs")
        table = app.screen.query_one("#history")
        assert str(table.get_row_at(0)[3]) == "[/] [b]补录[/b]"
        await pilot.press("f8", *"[red]x[/", "enter")
        await pilot.pause()
        await pilot.press("f6", "f6")
        await pilot.pause()
        assert str(table.get_row_at(1)[3]).startswith("已冲正 · [/] [b]")
    assert Entry.get(Entry.kind == "reversal").note == "[red]x[/"


async def test_the_household_form_fits_a_small_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", "f6")
        await pilot.pause()
        await pilot.press(*"1012019999", "f10")  # refused: no name, no ID number
        await pilot.pause()
        problem = app.screen.query_one("#problem")
        assert str(problem.render()) and problem.region.bottom <= 24
        assert all(field.region.height == 1 for field in app.screen.query("Input, Select"))
