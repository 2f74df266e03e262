"""Produce rows a station's key-holder wrote outside the services: the county refuses the
file with every reason (docs/design.md §4.11, §14), in the style of test_county_insiders, on
both engines (the `county` fixture)."""

from __future__ import annotations

import pytest

from db.store.ids import human
from tests.crafted import craft, station_key
from tests.unit.db.county.test_county_insiders import (
    MOBILE_OCT,
    SHOP_FIRST,
    SHOP_OCT,
    codes,
    merged,
    refused,
)


@pytest.fixture
def forge(county_world, county, tmp_path):
    def make(*statements, of=SHOP_OCT):
        target = tmp_path / f"forged-{of[0]}-{of[1]}.sqlite"
        key = station_key(county_world.county, of[0])
        return craft(county_world.files[of], target, key, *statements)

    return make


T = "2026-10-20 10:00:00"
LOT, SALE, MOVE, PAYOUT, LINE = (SHOP_FIRST + n for n in range(5))


def lot(qty=10, price=150, household="1012010001"):
    return (
        "INSERT INTO produce_lot VALUES (?, ?, '土鸡蛋', '个', ?, ?, 'clerk', '451425-03', ?)",
        (LOT, household, qty, price, T),
    )


def sale(qty, price=150, amount=None, sale_id=SALE, move=MOVE):
    amount = qty * price if amount is None else amount
    return [
        (
            "INSERT INTO produce_sale VALUES (?, ?, ?, ?, ?, '', NULL, 'clerk', '451425-03', ?)",
            (sale_id, LOT, qty, price, amount, T),
        ),
        (
            "INSERT INTO cash_move VALUES (?, 'sale', ?, ?, NULL, NULL, 'clerk', '451425-03', ?)",
            (move, amount, sale_id, T),
        ),
    ]


def payout(amount):
    return [
        (
            "INSERT INTO produce_payout VALUES (?, '1012010001', ?, 'clerk', '451425-03', ?)",
            (PAYOUT, amount, T),
        ),
        ("INSERT INTO produce_payout_line VALUES (?, ?, ?, ?)", (LINE, PAYOUT, LOT, amount)),
        (
            "INSERT INTO cash_move VALUES (?, 'payout', ?, NULL, ?, NULL, 'clerk', '451425-03', ?)",
            (MOVE + 10, -amount, PAYOUT, T),
        ),
    ]


def test_an_honest_produce_month_merges(county_world, county, forge):
    honest = forge(lot(), *sale(4), *payout(600))
    [outcome] = merged(county, [honest]).outcomes
    assert outcome.status == "merged", outcome.render()


def test_more_sold_than_taken_in(county_world, county, forge):
    forged = forge(lot(qty=3), *sale(5))
    problems = refused(county, forged, county_world.files[MOBILE_OCT])
    assert ("produce_oversold", {"lot": human(LOT), "qty": 3, "sold": 5}) in problems


def test_a_sale_whose_amount_is_not_qty_times_price(county_world, county, forge):
    forged = forge(lot(), *sale(2, amount=999))
    problems = refused(county, forged)
    assert "produce_qty" in codes(problems)


def test_a_sale_at_another_price_than_its_lot(county_world, county, forge):
    forged = forge(lot(), *sale(2, price=300))
    assert "sale_lot" in codes(refused(county, forged))


def test_paid_more_than_earned(county_world, county, forge):
    forged = forge(lot(), *sale(2), *payout(900))
    problems = refused(county, forged)
    assert ("produce_overpaid", {"lot": human(LOT), "earned": 300, "paid": 900}) in problems


def test_a_sale_without_its_cash(county_world, county, forge):
    forged = forge(lot(), *sale(2), f"DELETE FROM cash_move WHERE id = {MOVE}")
    assert "sale_cash" in codes(refused(county, forged))


def test_a_lot_of_a_household_the_county_lacks(county_world, county, forge):
    forged = forge(lot(household="9999999999"))
    assert "produce_household" in codes(refused(county, forged))


def test_a_close_whose_difference_does_not_add_up(county_world, county, forge):
    forged = forge(
        (
            "INSERT INTO cash_close VALUES (?, '2026-10-20', 500, 400, -50, NULL, '', 'clerk', "
            "'451425-03', ?)",
            (SHOP_FIRST, T),
        )
    )
    assert "close_difference" in codes(refused(county, forged))
