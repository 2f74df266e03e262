"""The 代销 and 通知 sections (F11), driven by keys, and their snapshots at 80×24 and 120×36
in Chinese and English."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.books import notices, produce
from db.books.auth import sign_in as sign_in_service
from db.store.clock import FixedClock
from db.store.connection import close, database
from db.store.produce_models import Notice
from pos.app import make_app
from tests.conftest import NOW
from tests.tui.conftest import message, open_section, payload, scan, sign_in

SIZES = [(80, 24), (120, 36)]


def some_produce() -> None:
    clerk = sign_in_service("clerk", "1234", FixedClock(NOW))
    clock = FixedClock(NOW, timedelta(seconds=1))
    eggs = produce.intake(clerk, clock, "1012010001", "土鸡蛋", "个", 30, 150)
    produce.intake(clerk, clock, "1012020002", "蜂蜜", "瓶", 6, 3500)
    produce.sell(clerk, clock, eggs.id, 12, "县人社局（消费扶贫）")


def a_notice(category: str = "脱贫户", households: str = "") -> None:
    """As an update file brings it: a row the county wrote (ids of station 451425-00)."""
    Notice.create(
        id=451425000000000001,
        title="缴纳医保",
        text="请于 12 月 31 日前缴纳 2027 年医保",
        start="2026-11-01",
        until="2026-12-31",
        townships="",
        categories=category,
        households=households,
        operator="county",
        time="2026-11-01 09:00:00",
    )


async def test_intake_sell_and_pay_from_the_till(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "clerk")
        await open_section(pilot, "produce")
        await pilot.press("f6")
        await pilot.pause()
        for text in ("1012010001", "土鸡蛋", "个", "30", "1.5"):
            await scan(pilot, text)
        [lot] = produce.lots("1012010001")
        assert (lot.qty, lot.price_fen) == (30, 150)
        await pilot.press("f7")
        await scan(pilot, "40")  # more than is left: said at once, in the question
        assert "只剩 30 个" in str(pilot.app.screen.query_one("#problem").render())
        await pilot.press("escape")
        await pilot.press("f7")
        await scan(pilot, "12")
        await scan(pilot, "县人社局")
        assert produce.lots("1012010001")[0].sold == 12
        await pilot.press("f8")
        await pilot.pause()
        texts = [str(w.render()) for w in pilot.app.screen.query("Static")]
        assert any("合计付款" in t and "18.00 元" in t for t in texts)
        [slip] = pilot.app.shop.slips_dir.glob("payout-*.txt")  # saved, for the printer
        assert "农户签字" in slip.read_text(encoding="utf-8")
        await pilot.press("escape")
        await pilot.press("f8")
        await pilot.pause()
        assert "没有待付的代销款" in message(pilot.app)
        await pilot.press("f12")
        await scan(pilot, "0")
        assert produce.cash_balance("451425-03") == 0


async def test_cadres_do_not_see_the_produce_section(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "cadre")
        assert "produce" not in [name for name, _label in pilot.app.more_sections()]
        assert "notices" in [name for name, _label in pilot.app.more_sections()]


async def test_a_notice_shows_at_sign_in_and_at_the_scan_of_its_households_only(app):
    a_notice(households="")
    database.execute_sql("UPDATE household SET category = '低保户' WHERE number = '1012020001'")
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "clerk")
        shown = [n.message for n in pilot.app._notifications]
        assert any("缴纳医保" in str(m) for m in shown)
        await scan(pilot, payload("1012010001"))
        assert "缴纳医保" in str(pilot.app.screen.query_one("#household").render())
        await pilot.press("escape")
        await scan(pilot, payload("1012020001"))
        assert "缴纳医保" not in str(pilot.app.screen.query_one("#household").render())
    assert notices.unseen("clerk", "2026-11-23") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_produce_screen(shop_file, snap, lang, size):
    app = make_app(shop_file, clock=FixedClock(NOW + timedelta(hours=1)), lang=lang)
    some_produce()

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        pilot.app.action_section("produce")
        await pilot.pause()

    try:
        assert snap(app, run_before=run_before, terminal_size=size)
    finally:
        close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_intake_dialog(shop_file, snap, lang, size):
    """Five fields, a refusal and the keys that close it, all on an 80×24 screen."""
    app = make_app(shop_file, clock=FixedClock(NOW + timedelta(hours=1)), lang=lang)

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        pilot.app.action_section("produce")
        await pilot.pause()
        await pilot.press("f6", *"9999999999", "enter")
        await pilot.pause()

    try:
        assert snap(app, run_before=run_before, terminal_size=size)
    finally:
        close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_notices_screen(shop_file, snap, lang, size):
    app = make_app(shop_file, clock=FixedClock(NOW + timedelta(hours=1)), lang=lang)
    a_notice()

    async def run_before(pilot):
        await sign_in(pilot, "clerk")
        pilot.app.clear_notifications()
        pilot.app.action_section("notices")
        await pilot.pause()

    try:
        assert snap(app, run_before=run_before, terminal_size=size)
    finally:
        close()
