"""Pinyin initials for search: 'zs' finds 张三.

A name is stored with its initials (all readings of polyphonic characters, a few at most),
each preceded by a space, so a search is one LIKE '% zs%' over one column.
"""

from __future__ import annotations

import itertools
import re

MAX_VARIANTS = 4
#: a size or pack in brackets after a goods name: 大米（10 公斤）
_PACK = re.compile(r"[（(][^）)]*[）)]")


def initials(text: str) -> str:
    """' zs' for 张三; ' zl cl' style variants when a character has several readings."""
    # Loaded when first needed: its dictionaries take half a second, which every command
    # paid at start, `aixin verify --since-last` too, though few of them look a name up.
    from pypinyin import Style, pinyin

    letters = pinyin(text, style=Style.FIRST_LETTER, heteronym=True, errors="default")
    # pypinyin lists the most common reading first: keep that order
    choices = [
        list(dict.fromkeys(r.lower()[:1] for r in readings if r)) or [""] for readings in letters
    ]
    variants: list[str] = []
    for combo in itertools.product(*choices):
        variant = "".join(c for c in combo if c.isalnum())
        if variant and variant not in variants:
            variants.append(variant)
        if len(variants) == MAX_VARIANTS:
            break
    return "".join(" " + v for v in variants)


def goods_initials(name: str) -> str:
    """Initials of a goods name without its pack size: ' xyy' for 洗衣液（2 公斤）, so that
    'yg' finds 牙膏 and not 洗衣液 by way of 液公斤."""
    return initials(_PACK.sub("", name) or name)


def is_initials_query(text: str) -> bool:
    return text.isascii() and text.isalpha()


def like_pattern(query: str, *, anywhere: bool = False) -> str:
    """The LIKE pattern that finds `query` at the start of a stored variant ('zs' 张三), or
    `anywhere` in one, for names where people type the part they remember ('sy' 花生油)."""
    cleaned = "".join(c for c in query.lower() if c.isalnum())
    return f"%{cleaned}%" if anywhere else f"% {cleaned}%"


def match_rank(text: str, code: str, name: str) -> int | None:
    """How well a search `text` (lower case) finds a row: 0 its code begins so, 1 its name's
    initials begin so, 2 its name holds it, 3 its initials hold it anywhere; None: not found.
    A picker lists by rank, then code: 'hj' shows HJ01… before 合作社或基地 (h-z-s-h-j-d)."""
    if not text:
        return 0
    found = initials(name)  # every reading of its polyphones, space separated
    if code.lower().startswith(text):
        return 0
    if any(reading.startswith(text) for reading in found.split()):
        return 1
    if text in name:
        return 2
    if text in found:
        return 3
    return None
