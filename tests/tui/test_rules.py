"""The till's four rules (docs/design.md §8.1–§8.4), screen by screen, as shop staff press keys.

1. typed work survives switching section and idle sign-out, and is dropped only after a
   question naming it; 2. a scan beats a dialog; 3. every screen fits (tests/tui/fit.py, held
   on every snapshot); 4. one thing said one way.
"""

from __future__ import annotations

import time

from db.books.auth import sign_in as service_sign_in
from db.books.corrections import adjust_points, reverse_entry
from db.books.figures import today_and_month
from db.books.households import phone_ok
from db.store.models import Entry
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in


def kind(app) -> str:
    return type(app.screen).__name__


def shown(app) -> str:
    """Every text on the top screen, as one string."""
    return " ".join(str(w.render()) for w in app.screen.query("Static, Label"))


async def basket_of_two(pilot, app) -> None:
    await sign_in(pilot, "clerk")
    await scan(pilot, payload("1012010001"))
    await scan(pilot, "G007")
    await scan(pilot, "G019")


# -- rule 1: typed work --------------------------------------------------------------------


async def test_a_basket_survives_another_section_and_esc_asks(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        checkout = app.screen
        await pilot.press("f5")
        await pilot.pause()
        assert kind(app) == "StockScreen"
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is checkout and list(checkout.basket) == ["G007", "G019"]
        assert app.focused.id == "scan"
        await pilot.press("escape")
        await pilot.pause()
        assert kind(app) == "DropScreen" and "张三 的购物篮里 2 件商品" in shown(app)
        await pilot.press("escape")  # no: back to the basket
        await pilot.pause()
        assert app.screen is checkout and len(checkout.basket) == 2
        await pilot.press("escape", "enter")  # yes: cleared
        await pilot.pause()
        assert not checkout.basket and checkout.household is None


async def test_ctrl_q_and_ctrl_o_with_a_basket_ask_first(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        await pilot.press("f5")  # the basket waits on the desk, still asked about
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert kind(app) == "DropScreen" and "购物篮" in shown(app) and app.is_running
        await pilot.press("escape", "ctrl+o")
        await pilot.pause()
        assert kind(app) == "DropScreen" and "退出登录" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert kind(app) == "StockScreen" and app.shop.actor is not None


async def test_a_new_card_with_a_basket_asks_before_the_basket_is_dropped(app):
    give_points("1012010001", 60)
    give_points("1012010002", 30)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        checkout = app.screen
        await scan(pilot, payload("1012010002"))
        assert kind(app) == "DropScreen" and "李四" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert checkout.household.number == "1012010001" and len(checkout.basket) == 2
        await scan(pilot, payload("1012010002"))
        await pilot.press("enter")
        await pilot.pause()
        assert checkout.household.number == "1012010002" and not checkout.basket


def idle_for_longer_than_allowed(app) -> None:
    """As if no key had been pressed for longer than the till allows (the monotonic clock
    starts at boot: a machine up for less than that has no moment `0` that long ago)."""
    app.last_activity = time.monotonic() - app.shop.idle_minutes * 60 - 1


async def test_idle_sign_out_keeps_the_work_for_the_same_operator_only(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        checkout = app.screen
        idle_for_longer_than_allowed(app)
        app.sign_out_if_idle()
        await pilot.pause()
        assert kind(app) == "SignInScreen" and app.shop.actor is None
        await sign_in(pilot, "clerk")
        assert app.screen is checkout and len(checkout.basket) == 2
        idle_for_longer_than_allowed(app)
        app.sign_out_if_idle()
        await pilot.pause()
        await sign_in(pilot, "manager")  # another operator: asked, naming the clerk's basket
        assert kind(app) == "DropScreen" and "clerk" in shown(app) and "购物篮" in shown(app)
        await pilot.press("escape")  # no: back to sign-in, the basket kept for the clerk
        await pilot.pause()
        assert kind(app) == "SignInScreen" and app.shop.actor is None
        await sign_in(pilot, "clerk")
        assert app.screen is checkout and len(checkout.basket) == 2


async def test_the_award_grid_survives_f9_and_a_new_task_asks(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"kf01", "enter")
        await pilot.pause()
        await pilot.press("f7", "enter")
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        grid = app.screen.query_one("#grid")
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.query_one("#grid") is grid and grid.quantities["1012010001"] == 2
        assert app.screen.chosen.code == "KF01"
        await pilot.press("f6", *"hj02", "enter")  # another task: asked, quantities not moved
        await pilot.pause()
        assert kind(app) == "DropScreen" and "1 户已输入数量" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.chosen.code == "KF01" and grid.quantities["1012010001"] == 2
        await pilot.press("f6", *"hj02", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.chosen.code == "HJ02" and not any(grid.quantities.values())
        assert grid.row_count == 3  # the households stay


async def test_a_typed_value_replaces_the_cell_and_the_note_ends_with_its_batch(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj02", "enter")
        await pilot.pause()
        await pilot.press("f7", "enter")
        await pilot.pause()
        grid = app.screen.query_one("#grid")
        await pilot.press("1", "enter", "up", "4")  # the cell shows 1; 4 typed reads 4
        await pilot.pause()
        assert grid.quantities["1012010001"] == 4
        await pilot.press("1")  # then digits append, as in a spreadsheet
        await pilot.pause()
        assert grid.quantities["1012010001"] == 41
        await pilot.press("backspace", "tab", *"12月大扫除", "f10")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert "已入账 1 户" in message(app)
        assert app.screen.query_one("#note").value == ""  # a new batch starts without it
    assert Entry.get(Entry.task == "HJ02").note == "12月大扫除"


async def test_the_donation_form_survives_another_section_and_esc_asks(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f6")
        await pilot.pause()
        form = app.screen
        form.query_one("#donor").value = "县供销社"
        await pilot.press("enter")
        await scan(pilot, "G001")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert app.screen is form and "G001" in form.lines
        await pilot.press("escape")
        await pilot.pause()
        assert kind(app) == "DropScreen" and "县供销社" in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        assert kind(app) == "StockScreen"


async def test_a_search_survives_another_section(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f4", *"zs")
        await pilot.pause()
        await pilot.press("f2", "f4")
        await pilot.pause()
        assert app.screen.query_one("#search").value == "zs"
        assert app.screen.query_one("#results").row_count >= 1


async def test_f8_twice_on_the_last_line_removes_the_two_last_lines(app):
    give_points("1012010001", 200)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        for code in ("G001", "G007", "G019"):
            await scan(pilot, code)
        await pilot.press("f8", "f8")
        await pilot.pause()
        assert list(app.screen.basket) == ["G001"]


# -- rule 2: the scanner wins ----------------------------------------------------------------


async def test_a_card_scanned_on_the_slip_closes_it_and_opens_the_next_household(app):
    give_points("1012010001", 60)
    give_points("1012010002", 30)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        await pilot.press("f10")
        await pilot.pause()
        assert kind(app) == "TextScreen" and "关闭" in shown(app)
        await scan(pilot, payload("1012010002"))
        await pilot.pause()
        assert kind(app) == "CheckoutScreen"
        assert app.screen.household.number == "1012010002"


async def test_a_scan_never_confirms_a_dialog_and_is_refused_visibly(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj02", "enter")
        await pilot.pause()
        await pilot.press("f7", "enter")
        await pilot.pause()
        await pilot.press("1", "f10")
        await pilot.pause()
        assert kind(app) == "ConfirmScreen"
        await scan(pilot, payload("1012010002"))
        assert kind(app) == "ConfirmScreen" and "扫到了" in shown(app)
    assert Entry.select().where(Entry.kind == "award").count() == 0


async def test_a_card_scanned_into_a_quantity_is_refused(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        await pilot.press("f7")
        await pilot.pause()
        assert kind(app) == "AskScreen"
        await pilot.press("ctrl+a", "backspace")  # nothing of the old value before the scan
        await scan(pilot, payload("1012010002"))
        assert kind(app) == "AskScreen" and "扫到了" in shown(app)
        assert app.screen.query_one("#answer").value == ""


async def test_a_card_scanned_into_the_household_search_opens_it(app):
    give_points("1012010002", 30)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f6")
        await pilot.pause()
        assert kind(app) == "PickerScreen" and "身份证后几位" in app.screen.searches
        await scan(pilot, payload("1012010002"))
        await pilot.pause()
        assert kind(app) == "CheckoutScreen"
        assert app.screen.household.number == "1012010002"


async def test_every_dialog_says_which_keys_close_it(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await basket_of_two(pilot, app)
        for keys in (("f1",), ("f6",), ("f7",), ("escape",), ("f10",)):
            await pilot.press(*keys)
            await pilot.pause()
            assert "Esc" in shown(app) or "回车" in shown(app), kind(app)
            await pilot.press("escape")
            await pilot.pause()


# -- rule 4: one thing one way -----------------------------------------------------------------


async def test_a_count_is_blind_and_a_second_scan_says_it_replaces(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f7")
        await pilot.pause()
        await scan(pilot, "G001")
        assert "账面" not in shown(app) and "10 袋" not in shown(app)
        await pilot.press("8", "enter")
        await pilot.pause()
        lines = app.screen.query_one("#lines")
        assert len(lines.columns) == 3  # code, item, counted: no book figure, no difference
        assert "站长" in message(app)  # a manager confirms
        await scan(pilot, "G001")
        assert "已盘 8" in app.screen.question and "替换" in app.screen.question


async def test_a_reversal_is_refused_before_its_reason_and_an_empty_reason_visibly(app):
    clock = app.shop.clock
    manager = service_sign_in("manager", "1234", clock)
    adjust_points(manager, clock, "1012010001", 5, "期初", kind="base")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"zs", "enter")
        await pilot.pause()
        await pilot.press("f8", "enter")  # an empty reason: said on the dialog
        await pilot.pause()
        assert kind(app) == "AskScreen" and "请写明冲正原因" in shown(app)
        await pilot.press(*"录错", "enter")
        await pilot.pause()
        assert "已冲正" in message(app)
        await pilot.press("down")  # the original, now reversed
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert kind(app) == "HouseholdDetailScreen"  # refused at once, no reason asked
        assert "冲正" in message(app)


async def test_the_household_list_shows_balances_after_a_reversal(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"zs")
        await pilot.pause()
        table = app.screen.query_one("#results")
        assert str(table.get_row_at(0)[2]) == "60"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f8", *"录错", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert str(app.screen.query_one("#results").get_row_at(0)[2]) == "0"


async def test_f9_counts_awards_net_of_reversals(app):
    clock = app.shop.clock
    manager = service_sign_in("manager", "1234", clock)
    from db.books import awards

    [entry] = awards.apply_sheet(
        manager, clock, [awards.AwardLine("1012010001", "HJ02", 2, "", line=0)]
    )
    reverse_entry(manager, clock, entry, "记错")
    today, _month = today_and_month(app.shop.station, clock.now())
    assert (today.awarded, today.reversed) == (0, 1)


def test_a_phone_needs_eleven_digits_or_an_area_code():
    assert phone_ok("13907710000") and phone_ok("0771-5551234") and phone_ok("+86 139 0771 0000")
    assert not phone_ok("5551234") and not phone_ok("139077100") and not phone_ok("abc")


async def test_a_clerk_sees_the_phone_masked_a_manager_in_full(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"1012020001", "enter")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#phone").value = "13907710000"
        await pilot.press("f10")
        await pilot.pause()
        assert "已保存农户 1012020001" in message(app)  # a word after the save
        assert "13907710000" in shown(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await sign_in(pilot, "clerk")
        await pilot.press("f4", *"1012020001", "enter")
        await pilot.pause()
        assert "139****0000" in shown(app) and "13907710000" not in shown(app)


async def test_ctrl_r_without_a_card_speaks_of_a_new_card(app):
    from db.books.cards import reissue
    from db.store.models import Card

    Card.update(revoked="2026-11-01 00:00:00").where(Card.household == "1012020001").execute()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"1012020001", "enter")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "旧卡" not in shown(app) and "新卡" in shown(app)
    assert reissue  # the service the dialog calls
