"""Rule 4 (docs/design.md §8.4): a refusal is said before more work is asked for, in the
dialog that asked, with what was typed still there (an objection's: test_postings.py)."""

from __future__ import annotations

from db.store.produce_models import ProduceLot, ProduceSale
from tests.tui.conftest import SIZE, open_section, sign_in
from tests.tui.test_produce_notices import some_produce
from tests.tui.test_rules import kind, shown


async def test_an_unknown_household_is_refused_before_the_rest_of_the_lot(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await open_section(pilot, "produce")
        await pilot.press("f6", *"9999999999", "enter")
        await pilot.pause()
        assert kind(app) == "IntakeDialog" and "9999999999" in shown(app)
        assert app.screen.focused.id == "household"  # still on it, as typed
        await pilot.press("ctrl+u", *"1012010001", "enter", *"土鸡蛋", "enter", *"个", "enter")
        await pilot.press(*"30", "enter", *"abc", "enter")  # a price that is no price
        await pilot.pause()
        assert kind(app) == "IntakeDialog" and app.screen.query_one("#name").value == "土鸡蛋"
        await pilot.press("ctrl+u", *"1.5", "enter")
        await pilot.pause()
        assert kind(app) == "ProduceScreen"
    assert ProduceLot.get().qty == 30


async def test_selling_more_than_is_left_is_refused_before_the_buyer(app):
    some_produce()  # 18 eggs left
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await open_section(pilot, "produce")
        await pilot.press("f7", *"40", "enter")
        await pilot.pause()
        assert kind(app) == "AskScreen" and "只剩 18" in shown(app) and "买方" not in shown(app)
    assert ProduceSale.select().count() == 1  # the one some_produce made
