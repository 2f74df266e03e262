"""Languages: Chinese is the source language (the msgids); English ships as a gettext catalog.

The catalog is the `.po` file itself, read once when English is first asked for (about 50 ms),
so no compiled `.mo` can fall out of step with it. Every user-facing string goes through `_`,
bindings included (`translate_bindings`), so a screen is wholly Chinese or wholly English.
"""

from __future__ import annotations

import dataclasses
import functools
import locale
import os
from collections.abc import Callable
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
CATALOG = LOCALE_DIR / "en" / "LC_MESSAGES" / "aixin.po"
LANGUAGES = ("zh", "en")

_current: Callable[[str], str] = str


@functools.cache
def translations(lang: str) -> dict[str, str]:
    """msgid -> translation for `lang` ('zh' is the source: no table)."""
    if lang != "en":
        return {}
    from babel.messages.pofile import read_po

    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string}


@functools.cache
def translator(lang: str) -> Callable[[str], str]:
    if lang != "en":
        return str
    table = translations(lang)
    return lambda message: table.get(message) or message


def use(lang: str) -> None:
    global _current
    _current = translator(lang)


def current() -> Callable[[str], str]:
    """The translation in use, for rendering messages: `refusal.render(current())`."""
    return _current


def _(message: str) -> str:
    return _current(message)


def system_language() -> str:
    """'en' when the environment asks for English, else 'zh'."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    code = locale.getlocale()[0] or ""
    return "en" if code.lower().startswith("en") else "zh"


def translate_bindings(node) -> None:
    """Give a screen's or app's key bindings their descriptions in the current language."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in bindings
        ]
