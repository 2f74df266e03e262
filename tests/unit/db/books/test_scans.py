"""Telling a scan from typing by what it holds (docs/design.md §8.2)."""

from __future__ import annotations

import pytest

from db.books import cards, scans


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("G001", ("", "G001")),
        ("g001 ", ("", "G001")),  # Caps Lock off, a trailing space: still the scanner
        ("2000000000015", ("", "2000000000015")),
        ("10G007", ("10", "G007")),  # a quantity typed, then a scan ran on
        ("102000000000015", ("10", "2000000000015")),
        ("录错G001", ("录错", "G001")),
        ("录错", ("录错", None)),
        ("13900001001", ("13900001001", None)),  # digits typed are not a scan of digits
        ("G0", ("G0", None)),
        ("", ("", None)),
        ("ZZZ999", ("ZZZ999", None)),  # looks like a code, is not one of the station's
    ],
)
def test_a_scan_is_split_from_what_was_typed_before_it(station, typed, expected):
    assert scans.split(typed) == expected


def test_a_card_is_a_scan_wherever_it_starts(station):
    card = cards.payload_for("1012010001")
    assert scans.split(card) == ("", card)
    assert scans.split("张" + card.lower()) == ("张", card)
    assert scans.split("2ＡＸ１：" + card[4:]) == ("2", card)  # a full-width scanner mode
