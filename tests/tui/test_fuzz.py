"""Thousands of random keys into every screen: never a crash, and the books still verify."""

from __future__ import annotations

import random

import pytest
from textual import events
from textual.widgets import Input

from db.books.verify import verify
from tests.tui.conftest import give_points, sign_in

ALPHABET = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:.-+%$*/[]\\=@ "
    "张三李四大米洗衣粉，。：（）１２３ＡＸ²①😀"
)
KEYS = ["enter", "backspace", "escape", "up", "down", "tab", "f6", "f7", "f8", "f10"]


def random_keys(rng: random.Random, count: int) -> list[events.Key]:
    keys = []
    for _ in range(count):
        if rng.random() < 0.15:
            name = rng.choice(KEYS)
            keys.append(events.Key(name, "\r" if name == "enter" else None))
        else:
            char = rng.choice(ALPHABET)
            keys.append(
                events.Key(char if char.isalnum() else "space" if char == " " else char, char)
            )
    return keys


@pytest.mark.parametrize("section", ["f2", "f3", "f4", "f5", "f9"])
async def test_random_typing_never_crashes(app, section):
    give_points("1012010001", 200)
    rng = random.Random(section)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "manager")
        await pilot.press(section)
        await pilot.pause()
        base = app.screen
        for round_ in range(12):
            while app.screen is not base and len(app.screen_stack) > 2:
                await pilot.press("escape")
                await pilot.pause()
            inputs = [w for w in app.screen.query(Input) if w.display and not w.disabled]
            if inputs:
                inputs[round_ % len(inputs)].focus()
            for key in random_keys(rng, 250):
                app.post_message(key)
            await pilot.pause()
            assert app.is_running
    assert verify().ok
