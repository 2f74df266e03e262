"""A manager creates an item the shop has never seen in the donation form (F5, F6)."""

from __future__ import annotations

from db.store.models import Barcode, Donation, Item
from tests.tui.conftest import SIZE, message, scan, sign_in
from tests.tui.test_rules import shown


async def open_donation(pilot, who: str) -> None:
    await sign_in(pilot, who)
    await pilot.press("f5", "f6")
    await pilot.pause()
    pilot.app.screen.query_one("#donor").value = "农秀英"
    await pilot.press("enter")


async def test_a_manager_creates_larou_on_the_spot_and_books_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_donation(pilot, "manager")
        await scan(pilot, "腊肉")
        assert type(app.screen).__name__ == "NewItemScreen"
        assert app.screen.query_one("#item-name").value == "腊肉"
        await pilot.press(*"斤", "enter")  # the unit, then the price
        await pilot.press(*"30", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DonationScreen"
        assert "已新建 腊肉：编码 L03-0001，条码 2103000000013" in message(app)
        assert app.screen.lines == {"L03-0001": [1, 0]}
        await scan(pilot, "2103000000013")  # its label scans at once
        await pilot.press("f10")
        await pilot.pause()
    item = Item.get_by_id("L03-0001")
    assert (item.name, item.unit, item.price, item.station, item.stock) == (
        "腊肉",
        "斤",
        30,
        "451425-03",
        2,
    )
    assert Barcode.get_by_id("2103000000013").item_id == "L03-0001"
    assert Donation.select().count() == 2


async def test_a_bad_new_item_is_refused_in_the_dialog_and_nothing_is_made(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_donation(pilot, "manager")
        await scan(pilot, "腊肉")
        await pilot.press("enter", *"0", "enter")  # no unit, price 0
        await pilot.pause()
        assert type(app.screen).__name__ == "NewItemScreen"
        assert "请填写单位" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")  # what was typed is named before it is dropped
        await pilot.pause()
        assert type(app.screen).__name__ == "DropScreen" and "自有商品" in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DonationScreen" and app.screen.lines == {}
    assert Item.select().where(Item.station.is_null(False)).count() == 0


async def test_a_clerk_is_told_a_manager_can_create_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_donation(pilot, "clerk")
        await scan(pilot, "腊肉")
        assert type(app.screen).__name__ == "DonationScreen"
        assert "没有条码或编码为 腊肉 的商品" in message(app) and "站长可以" in message(app)
