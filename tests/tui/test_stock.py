"""F5 库存 and F9 报表: donations in, stock counts, adjustments, the day's figures."""

from __future__ import annotations

from db.books.auth import sign_in as service_sign_in
from db.books.corrections import reverse_redemption
from db.store.models import Donation, Item, Redemption, StockCount, StockMove
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in
from tests.tui.screens import count


async def test_clerk_takes_in_a_donation_with_a_receipt(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5")
        await pilot.pause()
        assert "种要补货" in message(app)
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one("#donor").value = "天等县农村信用合作联社"
        await pilot.press("enter")
        await scan(pilot, "2000000000015")
        await scan(pilot, "G001")
        await scan(pilot, "G005")
        await pilot.press("ctrl+x")  # a line scanned by mistake, taken off from the scan box
        await pilot.pause()
        assert "已删除 挂面" in message(app) and "G005" not in app.screen.lines
        await scan(pilot, "G019")
        await pilot.press("f8")  # value of the selected line (牙膏)
        await pilot.pause()
        await pilot.press(*"12.5", "enter")
        await pilot.pause()
        app.screen.query_one("#cash").value = "500"
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"
        receipt = app.screen.text
        assert "天等县农村信用合作联社" in receipt and "500.00 元" in receipt
        assert "512.50 元" in receipt and "感谢" in receipt
        assert " 0.00 元" not in receipt  # the rice was not valued: no price printed for it
    gift = Donation.select().order_by(Donation.id.desc()).get()
    assert (gift.cash_fen, gift.donor.kind) == (50000, "company")
    assert {(ln.item_id, ln.qty, ln.value_fen) for ln in gift.lines} == {
        ("G001", 2, 0),
        ("G019", 1, 1250),
    }
    assert Item.get_by_id("G001").stock == 12


async def test_donation_without_a_donor_is_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f6")
        await pilot.pause()
        await pilot.press("enter")
        await scan(pilot, "G001")
        await pilot.press("f10")
        await pilot.pause()
        assert "请填写捐赠人" in message(app)
    assert Donation.select().count() == 1  # only the fixture's


async def test_count_by_clerk_finalized_by_manager(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f7")
        await pilot.pause()
        await scan(pilot, "G001")
        await pilot.press(*"8", "enter")
        await pilot.pause()
        await scan(pilot, "G007")
        await pilot.press(*"20", "enter")
        await pilot.pause()
        assert app.screen.query_one("#lines").row_count == 2
        assert "f10" not in {
            b.binding.key for b in app.screen.active_bindings.values() if b.enabled
        }
        await pilot.press("ctrl+o")
        await pilot.pause()
        await sign_in(pilot, "manager")
        await pilot.press("f5", "f7")
        await pilot.pause()
        assert app.screen.query_one("#lines").row_count == 2  # the clerk's open count
        await pilot.press("f10")
        await pilot.pause()
        assert "账面 10，实盘 8，-2" in app.screen.body
        await pilot.press("f10")
        await pilot.pause()
        assert "1 项差异已入账" in message(app)
    assert Item.get_by_id("G001").stock == 8
    assert StockCount.get().finalized_by == "manager"


async def test_manager_adjusts_stock(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("f8")  # the first row: G001
        await pilot.pause()
        await pilot.press(*"-11")
        app.screen.query_one("#kind").value = "writeoff"
        app.screen.query_one("#note").value = "受潮"
        await pilot.press("f10")
        await pilot.pause()
        assert "库存只有 10 袋" in str(app.screen.query_one("#problem").render())
        app.screen.query_one("#qty").value = "-2"
        await pilot.press("f10")
        await pilot.pause()
        assert "已记入报损" in message(app)
    assert StockMove.get(StockMove.kind == "writeoff").qty == -2


async def test_reports_show_today_and_this_month(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G001")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("enter", "f9")
        await pilot.pause()
        today, month = app.screen.summaries
        assert (today.redeemed, today.redemptions, today.goods_out) == (50, 1, 1)
        manager = service_sign_in("manager", "1234", app.shop.clock)
        reverse_redemption(manager, app.shop.clock, Redemption.get().id, "扫错了户")
        await pilot.press("f2", "f9")  # figures again, after the slip was reversed
        await pilot.pause()
        today, month = app.screen.summaries
        assert (today.redeemed, today.redemptions, today.goods_out) == (0, 0, 0)  # all net
        assert month.goods_in == 35


async def test_a_donation_receipt_that_cannot_be_saved_is_printed_again_from_f5(app, shop_file):
    blocked = shop_file.with_name("slips")
    blocked.write_text("a file where the slips folder should be")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f6")
        await pilot.pause()
        app.screen.query_one("#donor").value = "韦小红"
        await pilot.press("enter")
        await scan(pilot, "G001")
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"
        assert "收据没能保存" in app.screen.note and "韦小红" in app.screen.text
        await pilot.press("enter")
        await pilot.pause()
        blocked.unlink()
        await pilot.press("f12")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"
        assert "韦小红" in app.screen.text and "补打时间" in app.screen.text
        assert "已保存" in app.screen.note
    assert Donation.select().count() == 2  # the station's first, and this one: booked once


async def test_while_a_count_is_open_a_clerk_sees_no_book_stock_anywhere(app):
    async with app.run_test(size=SIZE) as pilot:
        await count(pilot)  # the clerk counts 8 of G001
        assert "已记下" in message(app) and "实盘 8" in message(app)  # a word after the save
        await pilot.press("escape")  # back to the stock list: blind too
        await pilot.pause()
        table = app.screen.query_one("#stock")
        assert {str(table.get_row("G001")[2])} == {"—"} and "站长确认" in message(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await sign_in(pilot, "manager")  # who confirms the count sees the book
        await pilot.press("f5")
        await pilot.pause()
        assert str(app.screen.query_one("#stock").get_row("G001")[2]) == "10"
