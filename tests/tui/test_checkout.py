"""F2 兑换 through the keyboard: scans, basket, refusals that keep the basket, F10."""

from __future__ import annotations

from textual import events

from db.books import cards
from db.books.auth import sign_in as service_sign_in
from db.books.households import set_status
from db.store.models import Household, Item, Redemption
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in


async def test_clerk_redeems_with_a_scanned_card(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        assert type(app.screen).__name__ == "CheckoutScreen"
        assert app.focused.id == "scan"
        await scan(pilot, payload("1012010001"))
        assert "张三，余额 60 分" in message(app)
        await scan(pilot, "2000000000015")  # 大米 50
        await scan(pilot, "G007")  # 食盐 2
        await scan(pilot, "g007")
        assert {c: line.qty for c, line in app.screen.basket.items()} == {"G001": 1, "G007": 2}
        assert "合计 54 分，3 件" in str(app.screen.query_one("#totals").render())
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"  # the slip
        slip = str(app.screen.text)
        assert "兑换前余额" in slip and "60 分" in slip and "6 分" in slip and "领取人签字" in slip
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused.id == "scan" and not app.screen.basket
    assert Household.get_by_id("1012010001").balance == 6
    assert Item.get_by_id("G001").stock == 9 and Item.get_by_id("G007").stock == 18
    assert Redemption.select().count() == 1


async def test_two_scans_in_one_burst_stay_apart(app):
    """A scanner sends its characters faster than the screen handles them."""
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        for text in (payload("1012010001"), "2000000000015", "G007"):
            for char in text:
                app.post_message(events.Key(char, char))
            app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.household.number == "1012010001"
        assert {c: line.qty for c, line in app.screen.basket.items()} == {"G001": 1, "G007": 1}


async def test_refusals_are_said_and_keep_the_basket(app):
    give_points("1012010001", 20)
    give_points("1012010002", 5)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G007")
        basket = dict(app.screen.basket)
        checks = [
            ("6901234567892", "没有条码或编码为 6901234567892 的商品"),
            ("G002", "库存只有 0 袋"),
            (payload("1012010001")[:-1] + "A", "卡的校验码不对"),
            ("AX1:999999:1012010001:1:AAAAAAAAAA", "不是本县"),
            ("hello", "没有条码或编码为 hello 的商品"),
        ]
        for text, reason in checks:
            await scan(pilot, text)
            assert reason in message(app), text
            assert dict(app.screen.basket) == basket
        await scan(pilot, "G001")  # 50 points: more than 张三 has
        await pilot.press("f10")
        await pilot.pause()
        assert "积分不足：余额 20 分，需要 52 分" in message(app)
        assert set(app.screen.basket) == {"G007", "G001"}
    assert Redemption.select().count() == 0


async def test_revoked_card_and_inactive_household(app):
    old = payload("1012010002")
    manager = service_sign_in("manager", "1234", app.shop.clock)
    cards.reissue(manager, app.shop.clock, "1012010002")
    set_status(manager, app.shop.clock, "1012020001", "deceased")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, old)
        assert "这张卡已于" in message(app) and "作废" in message(app)
        await scan(pilot, payload("1012020001"))
        assert "状态是“去世”" in message(app)
        await scan(pilot, payload("1012010002"))
        assert "李四" in message(app)


async def test_lines_are_changed_and_removed_with_keys(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G007")
        await scan(pilot, "G019")
        await pilot.press("up", "f7")
        await pilot.pause()
        await pilot.press("backspace", "5", "enter")
        await pilot.pause()
        assert app.screen.basket["G007"].qty == 5
        await pilot.press("down", "f8")
        await pilot.pause()
        assert list(app.screen.basket) == ["G007"]
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("backspace", *"99", "enter")
        await pilot.pause()
        assert "库存只有 20 包" in message(app) and app.screen.basket["G007"].qty == 5
        await pilot.press("f7", "backspace", "-", "2", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "AskScreen"  # refused: asked again, with why
        assert "-2" in str(app.screen.query_one("#problem").render())
        await pilot.press(*["backspace"] * 2, "0", "enter")  # 0 takes the line away
        await pilot.pause()
        assert not app.screen.basket and "已删除" in message(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.basket and app.screen.household is None


async def test_items_found_by_name_and_initials(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, "yg")  # 牙膏: one match, added at once
        assert list(app.screen.basket) == ["G019"]
        await scan(pilot, "大米")  # two kinds of rice: a picker
        assert type(app.screen).__name__ == "PickerScreen"
        await pilot.press("enter")
        await pilot.pause()
        assert list(app.screen.basket) == ["G019", "G001"]


async def test_household_without_card_found_with_f6(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f6", *"hjh")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.household.number == "1012020002"
        assert app.focused.id == "scan"


async def test_a_refused_checkout_shows_the_balance_as_the_books_have_it(app):
    give_points("1012010001", 30)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        for _ in range(3):
            await scan(pilot, "G007")  # 3 × 2 points
        give_points("1012010001", -28)  # meanwhile, at the manager's desk: 2 points left
        await pilot.press("f10")
        await pilot.pause()
        assert "积分不足" in message(app)
        panel = str(app.screen.query_one("#household").render())
        assert "2 分" in panel and "30 分" not in panel


async def test_a_sale_whose_slip_cannot_be_saved_stays_booked_and_is_printed_again(app, shop_file):
    blocked = shop_file.with_name("slips")
    blocked.write_text("a file where the slips folder should be")
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G007")
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"  # the slip, to read out at least
        assert "兑换单没能保存" in app.screen.note and "F12" in app.screen.note
        await pilot.press("enter")
        await pilot.pause()
        assert "已记账" in message(app)
        assert Household.get_by_id("1012010001").balance == 58  # booked, once
        blocked.unlink()
        await pilot.press("f12")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"
        assert "补打时间" in str(app.screen.text) and "已保存" in app.screen.note
    [slip] = Redemption.select()
    assert sorted(p.suffix for p in blocked.iterdir())[-1] == ".txt"
    assert Redemption.select().count() == 1 and slip.total == 2


async def test_reprint_with_no_sale_yet_says_so(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f12")
        await pilot.pause()
        assert "还没有兑换单" in message(app)
