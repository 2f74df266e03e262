"""Paper from the till: F10 prints the slip on the receipt printer, a dead printer loses no
sale; Ctrl+T prints a household's statement (F4) and the month's donor list (F5)."""

from __future__ import annotations

import subprocess

from db.books import station_settings
from db.books.auth import sign_in as service_sign_in
from db.store.clock import FixedClock
from db.store.models import Redemption
from tests.conftest import NOW
from tests.tui.conftest import SIZE, give_points, message, payload, scan, sign_in
from tests.unit.pos.paper.test_thermal import text_part


def set_printer(spec: str) -> None:
    clock = FixedClock(NOW)
    station_settings.put(service_sign_in("manager", "1234", clock), clock,
                         station_settings.PRINTER, spec)  # fmt: skip


async def redeem(app, pilot) -> None:
    await sign_in(pilot, "clerk")
    await scan(pilot, payload("1012010001"))
    await scan(pilot, "G007")
    await pilot.press("f10")
    await app.workers.wait_for_complete()
    await pilot.pause()


def told(app) -> list[str]:
    """What the app tells the clerk in toasts, kept as it is said."""
    said: list[str] = []
    notify = app.notify

    def keep(message, **kwargs):
        said.append(str(message))
        return notify(message, **kwargs)

    app.notify = keep
    return said


async def test_f10_prints_the_slip_in_gb18030(app, tmp_path):
    give_points("1012010001", 60)
    lp = tmp_path / "lp0"
    set_printer(f"file:{lp}")
    async with app.run_test(size=SIZE) as pilot:
        await redeem(app, pilot)
        assert type(app.screen).__name__ == "TextScreen"
        slip = app.screen.text
    printed = text_part(lp.read_bytes())
    assert printed == slip + "\n" and "张三" in printed and "食盐（400 克）" in printed


async def test_a_dead_printer_loses_no_sale_and_f12_prints_again(app, tmp_path):
    give_points("1012010001", 60)
    set_printer(f"file:{tmp_path}/unplugged/lp0")
    said = told(app)
    async with app.run_test(size=SIZE) as pilot:
        await redeem(app, pilot)
        assert len(said) == 1 and "小票没有打印出来" in said[0] and "F12" in said[0]
        assert Redemption.select().count() == 1  # booked all the same
        await pilot.press("enter")
        await pilot.pause()
        (tmp_path / "unplugged").mkdir()  # the printer is back
        await pilot.press("f12")
        await app.workers.wait_for_complete()
        await pilot.pause()
    printed = text_part((tmp_path / "unplugged" / "lp0").read_bytes())
    assert "补打时间" in printed and "张三" in printed


async def test_ctrl_t_prints_the_statement_and_the_donor_list(app, shop_file):
    give_points("1012010001", 60)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press("f4", *"zs", "enter")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("enter")  # from the first entry
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "已保存" in message(app)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("enter")  # this month
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "已保存" in message(app)
    folder = shop_file.with_name("papers")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["1012010001-all-2026-11-23.pdf", "donors-2026-11.pdf"]
    text = subprocess.run(["pdftotext", folder / names[0], "-"], capture_output=True, text=True)
    assert "张三" in text.stdout and "期末余额：60 分" in text.stdout
    text = subprocess.run(["pdftotext", folder / names[1], "-"], capture_output=True, text=True)
    assert "天等县供销合作社" in text.stdout
