"""Sign-in, role menus, sign-out, the idle till, Ctrl+Q."""

from __future__ import annotations

import asyncio
import html
import sqlite3
from datetime import timedelta

from db.store.clock import FixedClock
from db.store.models import Audit
from pos.app import MORE, SECTIONS, make_app
from pos.cli.demo import demo_card
from tests.conftest import NOW
from tests.tui.conftest import SIZE, message, sign_in


def shown_keys(app) -> set[str]:
    """The section keys the screen offers (on its top line), read off the screen itself."""
    screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
    return {key.lower() for key in ("F2", "F3", "F4", "F5", "F9") if f"{key} " in screen}


async def test_wrong_pin_then_lock_says_until_when(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk", "9999")
        assert "密码错误，还可以再试 4 次" in message(app)
        assert app.focused.id == "pin"
        for _ in range(4):
            await pilot.press(*"9999", "enter")
            await pilot.pause()
        assert "锁定 15 分钟" in message(app)
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert "已锁定到 10:" in message(app)
        assert type(app.screen).__name__ == "SignInScreen"
    assert Audit.select().where(Audit.action == "sign-in-refused").count() == 6


async def test_each_role_sees_only_its_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        assert shown_keys(app) >= {"f2", "f4", "f5", "f9"} and "f3" not in shown_keys(app)
        await pilot.press("f3")  # not for clerks: nothing happens
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckoutScreen"
        await pilot.press("ctrl+o")
        await pilot.pause()
        await sign_in(pilot, "cadre")
        assert type(app.screen).__name__ == "AwardScreen"
        assert "f2" not in shown_keys(app) and "f5" not in shown_keys(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await sign_in(pilot, "manager")
        for section in SECTIONS:
            assert app.may_open(section)


async def test_idle_till_signs_out(shop_file):
    app = make_app(shop_file, clock=FixedClock(NOW, timedelta(seconds=1)), idle_minutes=0.02)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        assert app.shop.actor is not None
        await asyncio.sleep(2.5)
        await pilot.pause()
        assert app.shop.actor is None
        assert type(app.screen).__name__ == "SignInScreen"


async def test_ctrl_q_quits_from_anywhere(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", "f6")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_demo_till_says_who_can_sign_in_and_which_card_to_try(shop_file):
    app = make_app(shop_file, clock=FixedClock(NOW), demo_card=demo_card(shop_file))
    async with app.run_test(size=SIZE) as pilot:
        assert "密码都是 1234" in str(app.screen.query_one("#signin .hint").render())
        await sign_in(pilot, "clerk")
        card = app.shop.demo_card
        assert card.startswith("AX1:") and card in message(app)
        await pilot.press(*card, "enter")
        await pilot.pause()
        assert app.screen.household is not None


async def test_a_station_not_made_for_trying_says_it_keeps_the_pcs_time(shop_file, monkeypatch):
    """AIXIN_CLOCK set on a real station's till: not used, and the till says so."""
    raw = sqlite3.connect(shop_file)
    raw.execute("DELETE FROM setting WHERE name = 'trial'")  # as books made from a setup file
    raw.commit()
    raw.close()
    monkeypatch.setenv("AIXIN_CLOCK", "2030-01-01T09:00:00")
    app = make_app(shop_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "AIXIN_CLOCK" in screen
        await sign_in(pilot, "clerk")
    signed = Audit.select().where(Audit.action == "sign-in").order_by(Audit.id.desc()).first()
    assert not signed.time.startswith("2030")


async def test_a_trial_station_takes_its_time_from_aixin_clock(shop_file, monkeypatch):
    monkeypatch.setenv("AIXIN_CLOCK", "2030-01-01T09:00:00")
    app = make_app(shop_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert "AIXIN_CLOCK" not in html.unescape(app.export_screenshot())
        await sign_in(pilot, "clerk")
    signed = Audit.select().where(Audit.action == "sign-in").order_by(Audit.id.desc()).first()
    assert signed.time.startswith("2030-01-01 09:00")


async def test_f11_lists_the_sections_without_a_key_of_their_own(app, monkeypatch):
    for section in list(MORE):  # the list as the sections of other issues find it
        monkeypatch.delitem(MORE, section)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        await pilot.press("f11")  # nothing to list yet: nothing happens
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckoutScreen"
        monkeypatch.setitem(MORE, "reports", ("报表", ()))
        monkeypatch.setitem(MORE, "award", ("积分", ("award",)))  # not for clerks
        await pilot.press("f11")
        await pilot.pause()
        assert type(app.screen).__name__ == "MoreScreen"
        assert app.more_sections() == [("reports", "报表")]
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckoutScreen"
        await pilot.press("f11", "1")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReportsScreen"
