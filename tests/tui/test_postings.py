"""公示 in the till (docs/design.md §4.12): the number after F10 on the grid; the 公示 section via
F11 — postings by status, the public list, objections, rulings, crediting when due — and its
snapshots at 80×24 and 120×36 in Chinese and English."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.books import auth, postings
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.models import Objection, ObjectionRuling, PostingLine
from pos.app import make_app
from pos.i18n import use
from tests.conftest import NOW
from tests.tui.conftest import SIZE, message, open_section, sign_in


@pytest.fixture
def posting_shop(shop_file):
    """The test station with posting days 3 and one posting of 那造村 (two households)."""
    connect(shop_file)
    clock = FixedClock(NOW, timedelta(seconds=1))
    county = auth.sign_in("county", "1234", clock)
    postings.set_posting_days(county, clock, 3)
    from db.books import awards

    manager = auth.sign_in("manager", "1234", clock)
    awards.record(
        manager,
        clock,
        [awards.AwardLine("1012010001", "GY02"), awards.AwardLine("1012010002", "HJ02", 2)],
    )
    close()
    return shop_file


def shop(path, lang="zh", days=0):
    return make_app(
        path, clock=FixedClock(NOW + timedelta(days=days, hours=1), timedelta(seconds=1)), lang=lang
    )


async def open_postings(pilot) -> None:
    await open_section(pilot, "postings")


async def test_the_grid_says_the_posting_number(posting_shop):
    app = shop(posting_shop)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "cadre")
        await pilot.press("f6", *"hj04", "enter", "f7", "enter")
        await pilot.pause()
        await pilot.press("1", "enter", "f10")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        said = message(app)
        assert "已进入公示 451425-03-" in said and "1 户" in said
    close()


async def test_objection_ruling_and_credit_from_the_till(posting_shop):
    app = shop(posting_shop)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_postings(pilot)
        assert type(app.screen).__name__ == "PostingsScreen"
        table = app.screen.query_one("#postings")
        assert table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TextScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f7", *"1012010001", "enter", *"没有出工", "enter", *"村民", "enter")
        await pilot.pause()
        assert Objection.select().count() == 1, message(app)
        await pilot.press("f8", *"1012010001", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the first choice: upheld
        await pilot.pause()
        assert ObjectionRuling.get().upheld == 1, message(app)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert "才能入账" in message(app)  # the period is not over
    close()
    app = shop(posting_shop, days=4)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_postings(pilot)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert "已入账：1 行" in message(app), message(app)
    assert PostingLine.select().count() == 2
    close()


async def test_f6_prints_the_public_list(posting_shop):
    app = shop(posting_shop)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_postings(pilot)
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "公示名单已写出" in message(app), message(app)
    printed = list((posting_shop.parent / "postings").glob("*.pdf"))
    assert len(printed) == 1 and printed[0].stat().st_size > 1000
    close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_postings_screen_snapshot(posting_shop, snap, lang, size):
    app = shop(posting_shop, lang=lang)

    async def run_before(pilot):
        await sign_in(pilot, "manager")
        await open_postings(pilot)

    try:
        assert snap(app, run_before=run_before, terminal_size=size)
    finally:
        use("zh")
        close()


async def test_an_objection_to_a_household_not_posted_is_refused_before_its_reason(posting_shop):
    app = shop(posting_shop)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_postings(pilot)
        await pilot.press("f7", *"1012020001", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "AskScreen"
        assert "没有户号 1012020001" in str(app.screen.query_one("#problem").render())
        assert app.screen.question != "异议理由"
    assert Objection.select().count() == 0
