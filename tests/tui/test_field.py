"""F11 节日慰问 and 流动超市巡回 in the till: driven by keys, checked on the books, and
snapshots at 80×24 and 120×36 in Chinese and English."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.books import events
from db.books.auth import sign_in as sign_in_service
from db.store.clock import FixedClock
from db.store.connection import close
from db.store.models import Handout, Visit
from pos.app import make_app
from tests.conftest import NOW
from tests.tui.conftest import message, open_section, payload, scan, sign_in
from tests.tui.test_rules import shown


def spring() -> int:
    clock = FixedClock(NOW)
    manager = sign_in_service("manager", "1234", clock)
    return events.add(
        manager,
        clock,
        "春节慰问",
        "2026-11-20",
        "2026-12-31",
        villages=("451425101201",),
        items=[("G001", 1)],
        points=10,
    )


async def open_more(pilot, number: str) -> None:
    """The field's sections: 1 hand-outs, 2 visits."""
    await open_section(pilot, {"1": "handout", "2": "visit"}[number])


async def test_a_card_scanned_shows_the_standing_and_f10_hands_out_once(app):
    spring()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "clerk")
        await open_more(pilot, "1")
        await scan(pilot, payload("1012010001"))
        assert "可以领取" in message(app)
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"  # the receipt to sign, its keys said
        assert "节日慰问领取单" in app.screen.text and "Esc" in shown(app)
        assert Handout.select().count() == 1
        [receipt] = app.shop.slips_dir.glob("handout-*.txt")  # saved, for the printer and F12
        assert "节日慰问领取单" in receipt.read_text(encoding="utf-8")
        await scan(pilot, payload("1012010001"))  # the next card closes it and is shown
        assert type(app.screen).__name__ == "HandoutScreen" and "已于" in message(app)
        await pilot.press("f10")
        await pilot.pause()
        assert "不能再领" in message(app) and Handout.select().count() == 1
        await scan(pilot, "1012020001")
        assert "不能领取" in message(app)
        await pilot.press("f10")
        await pilot.pause()
        assert Handout.select().count() == 1


async def test_a_visit_opens_and_closes(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "clerk")
        await open_more(pilot, "2")
        await scan(pilot, "那造村")
        assert Visit.get().closed is None and "开始" in message(app)
        await pilot.press("f10")
        await pilot.pause()
        assert Visit.get().closed is not None and "结束" in message(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_handout_screen_fits(shop_file, snap, size, lang):
    app = make_app(
        shop_file, clock=FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1)), lang=lang
    )
    spring()

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await open_more(pilot, "1")
        await scan(pilot, payload("1012010001"))

    assert snap(app, run_before=run_before, terminal_size=size)
    close()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_visit_screen_fits(shop_file, snap, size, lang):
    app = make_app(
        shop_file, clock=FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1)), lang=lang
    )

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        await open_more(pilot, "2")
        await scan(pilot, "451425101201")

    assert snap(app, run_before=run_before, terminal_size=size)
    close()
