"""Rules 1 and 2 (docs/design.md §8.1, §8.2) where the first wave of tests did not look: a
scan that runs into a box of a dialog, a grid or a screen with no scan box, and typed work in
dialogs (Esc, closing the till, an idle sign-out)."""

from __future__ import annotations

from db.books.auth import sign_in as service_sign_in
from db.books.corrections import adjust_points
from db.store.models import Entry, Household
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in
from tests.tui.test_rules import idle_for_longer_than_allowed, kind, shown


def an_award(app) -> None:
    clock = app.shop.clock
    manager = service_sign_in("manager", "1234", clock)
    adjust_points(manager, clock, "1012010001", 5, "期初", kind="base")


async def open_zhang_san(pilot) -> None:
    """The manager on 张三's record (F4, a search, Enter)."""
    await sign_in(pilot, "manager")
    await pilot.press("f4", *"zs", "enter")
    await pilot.pause()


# -- rule 2: a scan in a box is refused, what was typed is kept, nothing is booked ------------


async def test_a_goods_scan_into_a_reason_is_refused_and_books_nothing(app):
    an_award(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_zhang_san(pilot)
        await pilot.press("f8", *"录错")
        await scan(pilot, "G001")
        assert kind(app) == "AskScreen" and "扫到了“G001”" in shown(app)
        assert app.screen.query_one("#answer").value == "录错"  # the reason typed, kept
    assert Entry.select().where(Entry.reverses.is_null(False)).count() == 0


async def test_a_scan_run_on_from_typed_digits_leaves_the_digits(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f5", "f7")
        await pilot.pause()
        await scan(pilot, "G001")
        await pilot.press("1", "0")
        await scan(pilot, "G007")
        assert kind(app) == "AskScreen" and "扫到了“G007”" in shown(app)
        assert app.screen.query_one("#answer").value == "10"


async def test_a_card_scanned_on_the_award_grid_keeps_the_typed_quantity(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj02", "enter")
        await pilot.pause()
        await scan(pilot, payload("1012010001"))
        await pilot.press("tab", "2")
        await pilot.pause()
        grid = app.screen.query_one("QuantityGrid")
        assert app.focused is grid and grid.quantities == {"1012010001": 2}
        await scan(pilot, payload("1012010002"))  # the card adds its household, as in the box
        assert grid.quantities == {"1012010001": 2, "1012010002": 1}


async def test_a_fifth_digit_in_the_grid_is_refused_aloud(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj02", "enter")
        await pilot.pause()
        await scan(pilot, payload("1012010001"))
        await pilot.press("tab", *"10005")
        await pilot.pause()
        grid = app.screen.query_one("QuantityGrid")
        assert grid.quantities == {"1012010001": 1000} and "4 位" in message(app)


async def test_a_card_scanned_in_the_f11_list_goes_past_it(app):
    give_points("1012010002", 30)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f11")
        await pilot.pause()
        assert kind(app) == "MoreScreen"
        await scan(pilot, payload("1012010002"))  # its "1" is not the first line
        await pilot.pause()
        assert kind(app) == "CheckoutScreen" and app.screen.household.number == "1012010002"


async def test_a_card_scanned_where_no_box_takes_it_goes_to_the_checkout(app):
    an_award(app)
    give_points("1012010002", 30)
    async with app.run_test(size=SIZE) as pilot:
        await open_zhang_san(pilot)
        assert kind(app) == "HouseholdDetailScreen"
        await scan(pilot, payload("1012010002"))
        await pilot.pause()
        await pilot.pause()
        assert kind(app) == "CheckoutScreen" and app.screen.household.number == "1012010002"


async def test_goods_scanned_where_nothing_takes_them_are_refused_aloud(app):
    an_award(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_zhang_san(pilot)
        await scan(pilot, "G001")
        assert kind(app) == "HouseholdDetailScreen" and "扫到了“G001”" in message(app)


# -- rule 1: typed work in dialogs ------------------------------------------------------------


async def test_esc_on_a_typed_household_form_asks_and_ctrl_q_names_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_zhang_san(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert kind(app) == "HouseholdFormScreen"
        await pilot.press(*"138")  # into the first box
        await pilot.press("escape")
        await pilot.pause()
        assert kind(app) == "DropScreen" and "输入的内容还没有保存" in shown(app)
        await pilot.press("escape")  # no: back to the form, as typed
        await pilot.pause()
        assert kind(app) == "HouseholdFormScreen"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert kind(app) == "DropScreen" and app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert kind(app) == "HouseholdFormScreen"
        await pilot.press("escape", "enter")  # yes: the form goes, the record unchanged
        await pilot.pause()
        assert kind(app) == "HouseholdDetailScreen"
    assert Household.get_by_id("1012010001").head_name == "张三"


async def test_an_untouched_dialog_closes_with_one_esc(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G001")
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert kind(app) == "CheckoutScreen"


async def test_idle_sign_out_keeps_a_half_answered_dialog_for_the_same_operator(app):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await scan(pilot, payload("1012010001"))
        await scan(pilot, "G001")
        await pilot.press("f7", "3")  # the value shown is replaced by what is typed
        await pilot.pause()
        idle_for_longer_than_allowed(app)
        app.sign_out_if_idle()
        await pilot.pause()
        assert kind(app) == "SignInScreen" and app.shop.actor is None
        await sign_in(pilot, "cadre")  # another operator: asked, naming the quantity typed
        assert kind(app) == "DropScreen" and "clerk" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        await sign_in(pilot, "clerk")
        assert kind(app) == "AskScreen" and app.screen.query_one("#answer").value == "3"
        await pilot.press("enter")
        await pilot.pause()
        assert kind(app) == "CheckoutScreen" and app.screen.basket["G001"].qty == 3


async def test_a_digit_with_no_line_in_the_f11_list_opens_nothing_and_the_next_counts(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f11", "9")
        await pilot.pause()
        assert kind(app) == "MoreScreen"
        await pilot.press("1")
        await pilot.pause()
        assert kind(app) == "ProduceScreen"
