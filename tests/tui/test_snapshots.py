"""Snapshots of the main screens with a fixed clock: sign-in, checkout, award grid, household.

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and look at the
report before committing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.store.clock import FixedClock
from db.store.connection import close
from pos.app import make_app
from pos.i18n import use
from tests.conftest import NOW
from tests.tui.conftest import give_points, open_section, payload, scan, sign_in
from tests.tui.screens import SCREENS, SIZES


def test_sign_in(app, snap):
    assert snap(app, terminal_size=(100, 30))


def test_checkout_with_a_basket(app, snap):
    give_points("1012010001", 60)
    card = payload("1012010001")

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await scan(pilot, card)
        await scan(pilot, "G001")
        await scan(pilot, "G007")
        await scan(pilot, "G007")

    assert snap(app, run_before=run_before, terminal_size=(100, 30))


def test_award_grid(app, snap):
    async def run_before(pilot):
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj02", "enter", "f7", "enter")
        await pilot.pause()
        await pilot.press("2", "enter", "5", "enter", "1")
        await pilot.pause()

    assert snap(app, run_before=run_before, terminal_size=(100, 30))


def test_household_detail(app, snap):
    give_points("1012020002", 40)

    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"hjh", "enter")
        await pilot.pause()

    assert snap(app, run_before=run_before, terminal_size=(100, 30))


def test_checkout_still_readable_at_80_by_24(app, snap):
    give_points("1012010001", 60)
    card = payload("1012010001")

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await scan(pilot, card)
        await scan(pilot, "G019")

    assert snap(app, run_before=run_before, terminal_size=(80, 24))


# The operators' screens (issue 10), at the two sizes of a shop PC, in both languages. -------

OPERATOR_SIZES = [(80, 24), (120, 36)]
LANGUAGES = ["zh", "en"]


def operators_app(shop_file, lang):
    from datetime import timedelta

    from db.store.clock import FixedClock
    from pos.app import make_app
    from tests.conftest import NOW

    # a clock that stands still: the status line reads the same however many reads a run makes
    return make_app(shop_file, clock=FixedClock(NOW + timedelta(hours=1)), lang=lang)


@pytest.mark.parametrize("size", OPERATOR_SIZES, ids=["80x24", "120x36"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_operators_list(shop_file, snap, size, lang):
    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await open_section(pilot, "operators")

    assert snap(operators_app(shop_file, lang), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", OPERATOR_SIZES, ids=["80x24", "120x36"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_new_operator_form(shop_file, snap, size, lang):
    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await open_section(pilot, "operators")
        await pilot.press("f6", *"韦小宝")
        await pilot.press("f10")  # no role yet: the form says so

    assert snap(operators_app(shop_file, lang), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", OPERATOR_SIZES, ids=["80x24", "120x36"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_reset_pin_dialog(shop_file, snap, size, lang):
    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await open_section(pilot, "operators")
        await pilot.press("down", "f8")

    assert snap(operators_app(shop_file, lang), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", OPERATOR_SIZES, ids=["80x24", "120x36"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_change_my_pin(shop_file, snap, size, lang):
    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await open_section(pilot, "my_pin")
        await pilot.pause()
        for box in ("9999", "390417", "390417"):  # a wrong old PIN: said, the boxes emptied
            await pilot.press(*box, "enter")
            await pilot.pause()

    assert snap(operators_app(shop_file, lang), run_before=run_before, terminal_size=size)


# Every screen at 80×24 and 120×36, in Chinese and English (docs/design.md §8.3).


@pytest.fixture(params=["zh", "en"])
def lang_app(request, shop_file, monkeypatch):
    monkeypatch.chdir(shop_file.parent)  # the books' folder, as a shop runs the till from it
    clock = FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1))
    application = make_app(shop_file, clock=clock, lang=request.param)
    yield application
    close()
    use("zh")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", SCREENS)
def test_every_screen(lang_app, snap, name, size):
    """The screen as it looks, and that it fits (the `snap` fixture checks both)."""

    assert snap(lang_app, run_before=SCREENS[name], terminal_size=SIZES[size])
