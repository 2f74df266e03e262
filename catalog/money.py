"""Amounts of money as people type them, in yuan, kept as integer fen (never a float)."""

from __future__ import annotations

import re
import unicodedata

YUAN = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


def fen(text: str) -> int | None:
    """'12.5' -> 1250, '' -> 0; None for anything that is not an amount of yuan."""
    text = unicodedata.normalize("NFKC", text).strip()  # full-width digits from an IME
    if not text:
        return 0
    if not YUAN.match(text):
        return None
    whole, _dot, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])
