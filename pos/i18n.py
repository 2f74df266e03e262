"""Languages: Chinese is the source language (the msgids); English ships as a gettext catalog.

The shop screen calls `use(lang)` once; every user-facing string then goes through `_`,
bindings included (`translated_bindings`), so a screen is wholly Chinese or wholly English.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import locale
import os
from collections.abc import Callable
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "aixin"
LANGUAGES = ("zh", "en")

_current: Callable[[str], str] = str


@functools.cache
def translator(lang: str) -> Callable[[str], str]:
    if lang != "en":
        return str
    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=["en"], fallback=True)
    return catalog.gettext


def use(lang: str) -> None:
    global _current
    _current = translator(lang)


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
