"""What a scanner typed, told apart from what a person typed into the same box.

A scanner types like a keyboard and ends with Enter, so a scan can land in any box that has
the focus: a reason, a name, a quantity (docs/design.md §8.2). A scan is known by what it
holds: a member card's payload, or the code or barcode of goods the station has. Whatever
came before it in the box was typed by the person, and is theirs to keep.
"""

from __future__ import annotations

from db.books.cards import looks_like_card
from db.books.cards import normalize as normalize_card
from db.store.models import Barcode, Item

SHORTEST = 3  # codes of goods are no shorter (G01 ...)
DIGITS_AFTER_DIGITS = 8  # a barcode run on from typed digits: EAN-8 or longer


def split(text: str) -> tuple[str, str | None]:
    """(what was typed before the scan, the scan) when `text` ends with a scan, else
    (text, None). Digits typed before a scan of digits only count as typed when the scan is
    a whole barcode (8 digits or more); "10" then G002 splits, "1390001001" does not."""
    for at, char in enumerate(text):
        if char in "AaＡａ" and looks_like_card(text[at:]):
            return text[:at], normalize_card(text[at:])
    tails = {}
    for start in range(len(text) - SHORTEST + 1):
        tail = text[start:].strip().upper()
        if len(tail) < SHORTEST or not tail.isascii() or not tail.isalnum():
            continue
        run_on = start and tail.isdigit() and text[start - 1].isdigit()
        if run_on and len(tail) < DIGITS_AFTER_DIGITS:
            continue
        tails[tail] = start
    if not tails:
        return text, None
    known = {b.code for b in Barcode.select(Barcode.code).where(Barcode.code.in_(list(tails)))}
    known |= {i.code for i in Item.select(Item.code).where(Item.code.in_(list(tails)))}
    if not known:
        return text, None
    longest = max(known, key=len)
    return text[: tails[longest]], longest
