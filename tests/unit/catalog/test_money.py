"""Yuan as people write them, held as integer fen (docs/design.md §4.11)."""

from __future__ import annotations

import pytest

from catalog.messages import Refused
from catalog.money import parse_yuan, yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12.3", 1230), ("12.30", 1230), ("12", 1200), (" 0.05 ", 5), ("¥8.5", 850)],
)
def test_yuan_read_exactly(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["12.345", "-1", "-0.5", "1e3", "12,3", "", "abc", "0", "1.2.3"])
def test_bad_amounts_refused(text):
    with pytest.raises(Refused):
        parse_yuan(text)


def test_zero_only_where_allowed_and_shown_back():
    assert parse_yuan("0", zero=True) == 0
    assert (yuan(1230), yuan(5), yuan(-50), yuan(0)) == ("12.30", "0.05", "-0.50", "0.00")
