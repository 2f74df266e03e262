"""Snapshots of the main screens with a fixed clock: sign-in, checkout, award grid, household.

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and look at the
report before committing.
"""

from __future__ import annotations

from tests.tui.conftest import give_points, payload, scan, sign_in


def test_sign_in(app, snap_compare):
    assert snap_compare(app, terminal_size=(100, 30))


def test_checkout_with_a_basket(app, snap_compare):
    give_points("1012010001", 60)
    card = payload("1012010001")

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await scan(pilot, card)
        await scan(pilot, "G001")
        await scan(pilot, "G007")
        await scan(pilot, "G007")

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


def test_award_grid(app, snap_compare):
    async def run_before(pilot):
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj02", "enter", "f7", "enter")
        await pilot.pause()
        await pilot.press("2", "enter", "5", "enter", "1")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


def test_household_detail(app, snap_compare):
    give_points("1012020002", 40)

    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"hjh", "enter")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


def test_checkout_still_readable_at_80_by_24(app, snap_compare):
    give_points("1012010001", 60)
    card = payload("1012010001")

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await scan(pilot, card)
        await scan(pilot, "G019")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
