"""Money as integer fen (分), never a float: yuan as people write them, read and shown exactly.

`12.3` is 1230 fen and `12.30` the same; `12.345` has a third decimal no coin pays and is
refused, as are negative amounts and anything that is not a plain decimal number. Full-width
digits from a Chinese input method read as the digits they are.
"""

from __future__ import annotations

import re
import unicodedata

from catalog.messages import Refused

YUAN = re.compile(r"^(\d{1,9})(?:\.(\d{1,2}))?$")


def parse_yuan(text: str, *, zero: bool = False) -> int:
    """'12.3' -> 1230. `zero` allows 0 (a counted till may be empty)."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    cleaned = cleaned.removeprefix("¥").strip()  # NFKC makes ￥ the ¥ it is
    match = YUAN.match(cleaned)
    if not match:
        raise Refused(
            "金额应为元，最多两位小数，例如 12.30，而不是“{text}”", text=str(text).strip()
        )
    fen = int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
    if fen == 0 and not zero:
        raise Refused("金额不能为 0")
    return fen


def fen(text: str) -> int | None:
    """A form's optional amount: '12.5' -> 1250, '' -> 0; None for anything that is not an
    amount of yuan (the form says so in its own words)."""
    if not unicodedata.normalize("NFKC", str(text)).strip():
        return 0
    try:
        return parse_yuan(text, zero=True)
    except Refused:
        return None


def yuan(fen: int) -> str:
    """1230 -> '12.30'; -50 -> '-0.50'."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
