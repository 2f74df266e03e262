"""Printing a slip or a receipt again (F12 on the checkout and the stock screen).

A sale stays booked when its slip cannot be saved (a full disk, a folder that cannot be
written); the slip is then printed again once that is fixed. Again means this till's newest
as it was shown, or, after a restart, the station's newest read back from the books; either
way it says that it is printed again, and when.
"""

from __future__ import annotations

from dataclasses import replace

from catalog.messages import Refused
from db.books import redemptions, stock
from db.books.views import Receipt, Slip
from db.store.clock import stamp
from pos.shop import Shop


def last_slip(shop: Shop) -> Slip:
    slip = shop.last_slip
    if slip is None:
        number = redemptions.latest(shop.station)
        if number is None:
            raise Refused("本站还没有兑换单可以补打")
        slip = redemptions.slip(number)
    return replace(slip, reprinted=stamp(shop.clock.now()))


def last_receipt(shop: Shop) -> Receipt:
    receipt = shop.last_receipt
    if receipt is None:
        number = stock.latest_donation(shop.station)
        if number is None:
            raise Refused("本站还没有捐赠收据可以补打")
        receipt = stock.receipt(number)
    return replace(receipt, reprinted=stamp(shop.clock.now()))
