"""EAN-13 and EAN-8 check digits; the in-store range 20–29 for shop-made labels."""

from __future__ import annotations

import re


def check_digit(payload: str) -> str:
    """The GS1 check digit of `payload` (the code without its last digit).

    Weights alternate 3, 1, 3 ... starting from the rightmost payload digit, which makes one
    rule serve EAN-13, EAN-8 and UPC-A alike.
    """
    if not payload.isdigit():
        raise ValueError(f"barcode payload must be digits: {payload!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return str((10 - total % 10) % 10)


def is_valid(code: str) -> bool:
    """True for a well-formed EAN-13 or EAN-8 with the right check digit."""
    return (
        len(code) in (8, 13)
        and code.isascii()
        and code.isdigit()
        and check_digit(code[:-1]) == code[-1]
    )


def is_in_store(code: str) -> bool:
    """Shop-made labels use the GS1 in-store prefixes 20–29 (EAN-13 only)."""
    return is_valid(code) and len(code) == 13 and code[0] == "2"


def in_store(number: int, prefix: int = 20) -> str:
    """An in-store EAN-13 for a shop's own item `number` under `prefix` (20–29)."""
    if not 20 <= prefix <= 29:
        raise ValueError("in-store prefixes are 20 to 29")
    payload = f"{prefix:02d}{number:010d}"
    if len(payload) != 12:
        raise ValueError(f"item number too large for an EAN-13: {number}")
    return payload + check_digit(payload)


# A station's own goods (docs/design.md §4.13): code L<nn>-<seq>, in-store barcode under prefix
# 21 followed by the station's two-digit number, so no two stations ever give the same code or
# barcode; the county's catalog keeps prefix 20 and codes of its own.
LOCAL_PREFIX = 21
LOCAL_MOST = 9999  # local items a station may add
LOCAL_CODE = re.compile(r"^L(\d{2})-(\d{4})$")


def local_code(station: str, number: int) -> str:
    """The code of station `station`'s (its two-digit number, '03') own item `number`."""
    return f"L{station}-{number:04d}"


def local_barcode(station: str, number: int) -> str:
    """The in-store EAN-13 of station `station`'s own item `number`: 21, the station, the item."""
    return in_store(int(station) * 10**8 + number, prefix=LOCAL_PREFIX)


def local_owner(code: str) -> str | None:
    """The two-digit station number a local item code or barcode belongs to, else None."""
    match = LOCAL_CODE.match(code)
    if match:
        return match.group(1)
    if is_in_store(code) and code[:2] == str(LOCAL_PREFIX):
        return code[2:4]
    return None
