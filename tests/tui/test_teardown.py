"""A screen that has left the stack handles nothing more (pos/screens/live.py).

These also break if Textual stops looking handlers up through `_get_dispatch_methods`, the
one private hook the shop uses: the late message would then be handled again.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.screen import Screen
from textual.widgets import Input

import pos.screens
from pos.screens import section_screen
from pos.screens.checkout import CheckoutScreen
from pos.screens.household_detail import HouseholdDetailScreen
from pos.screens.households import HouseholdsScreen
from pos.screens.live import LiveScreen
from tests.tui.conftest import SIZE, sign_in


async def test_a_live_screen_handles_what_it_is_sent(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"1012010001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen) and screen.live
        screen.post_message(Input.Submitted(screen.query_one("#search", Input), "1012010001"))
        await pilot.pause()
        assert isinstance(app.screen, HouseholdDetailScreen)


async def test_a_message_that_arrives_after_the_screen_left_is_dropped(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"1012010001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        # Enter queued on the households screen, then F2 switches away before it is handled:
        # the household must not open on top of the checkout.
        screen.post_message(Input.Submitted(screen.query_one("#search", Input), "1012010001"))
        app.switch_screen(section_screen("checkout"))
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)
        assert not screen.live
        assert screen.check_action("clear", ()) is False


def test_every_screen_and_dialog_of_the_shop_is_live_guarded():
    for module in pkgutil.iter_modules(pos.screens.__path__, "pos.screens."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(Screen) if c.__module__.startswith("pos.")}
    assert len(ours) > 10
    assert not [c.__name__ for c in ours if not issubclass(c, LiveScreen)]
