"""Every screen of the till, reached as a person would: for the fit and snapshot tests."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import give_points, payload, scan, sign_in


async def signin(pilot) -> None:
    await pilot.pause()


async def checkout(pilot) -> None:
    give_points("1012010001", 60)
    await sign_in(pilot, "clerk")
    await scan(pilot, payload("1012010001"))
    await scan(pilot, "G001")
    await scan(pilot, "G019")


async def slip(pilot) -> None:
    await checkout(pilot)
    # The slip names the file it was saved to. Saved by a path relative to the books' folder
    # (the test's working folder), it reads the same on every run and can be photographed.
    pilot.app.shop.slips_dir = Path("slips")
    await pilot.press("f10")
    await pilot.pause()


async def drop(pilot) -> None:
    await checkout(pilot)
    await pilot.press("escape")
    await pilot.pause()


async def find_household(pilot) -> None:
    await sign_in(pilot, "clerk")
    await pilot.press("f6", *"z")
    await pilot.pause()


async def help_keys(pilot) -> None:
    await checkout(pilot)
    await pilot.press("f1")
    await pilot.pause()


async def award(pilot) -> None:
    await sign_in(pilot, "cadre")
    await pilot.press("f6", *"hj02", "enter")
    await pilot.pause()
    await pilot.press("f7", "enter")
    await pilot.pause()
    await pilot.press("2", "enter", "9")  # 9 × 2 = 18 > the cap: the problem column speaks
    await pilot.pause()


async def pick_task(pilot) -> None:
    await sign_in(pilot, "cadre")
    await pilot.press("f6")
    await pilot.pause()


async def confirm_award(pilot) -> None:
    await sign_in(pilot, "cadre")
    await pilot.press("f6", *"hj02", "enter")
    await pilot.pause()
    await pilot.press("f7", "enter")
    await pilot.pause()
    await pilot.press("2", "f10")
    await pilot.pause()


async def households(pilot) -> None:
    await sign_in(pilot, "manager")
    await pilot.press("f4", *"1012")
    await pilot.pause()


async def household(pilot) -> None:
    for _ in range(20):
        give_points("1012010001", 1)
    await sign_in(pilot, "manager")
    await pilot.press("f4", *"zs", "enter")
    await pilot.pause()
    await pilot.pause()


async def household_form(pilot) -> None:
    await household(pilot)
    await pilot.press("f7")
    await pilot.pause()


async def stock(pilot) -> None:
    await sign_in(pilot, "manager")
    await pilot.press("f5")
    await pilot.pause()


async def donation(pilot) -> None:
    await sign_in(pilot, "clerk")
    await pilot.press("f5", "f6")
    await pilot.pause()
    await pilot.press(*"县供销社", "enter")
    await scan(pilot, "G001")


async def count(pilot) -> None:
    await sign_in(pilot, "clerk")
    await pilot.press("f5", "f7")
    await pilot.pause()
    await scan(pilot, "G001")
    await pilot.press("8", "enter")
    await pilot.pause()


async def adjust(pilot) -> None:
    await stock(pilot)
    await pilot.press("f8")
    await pilot.pause()


async def reports(pilot) -> None:
    await sign_in(pilot, "manager")
    await pilot.press("f9")
    await pilot.pause()


SCREENS = {
    "signin": signin,
    "checkout": checkout,
    "slip": slip,
    "drop": drop,
    "find_household": find_household,
    "help": help_keys,
    "award": award,
    "pick_task": pick_task,
    "confirm_award": confirm_award,
    "households": households,
    "household": household,
    "household_form": household_form,
    "stock": stock,
    "donation": donation,
    "count": count,
    "adjust": adjust,
    "reports": reports,
}
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
