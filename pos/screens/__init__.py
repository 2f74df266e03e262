"""One screen per file; `section_screen` maps the function keys' sections to them."""

from __future__ import annotations

from textual.screen import Screen


def section_screen(section: str) -> Screen:
    if section == "checkout":
        from pos.screens.checkout import CheckoutScreen

        return CheckoutScreen()
    if section == "award":
        from pos.screens.award import AwardScreen

        return AwardScreen()
    if section == "households":
        from pos.screens.households import HouseholdsScreen

        return HouseholdsScreen()
    if section == "stock":
        from pos.screens.stock import StockScreen

        return StockScreen()
    if section == "reports":
        from pos.screens.reports import ReportsScreen

        return ReportsScreen()
    if section == "produce":
        from pos.screens.produce import ProduceScreen

        return ProduceScreen()
    if section == "notices":
        from pos.screens.notices import NoticesScreen

        return NoticesScreen()
    if section == "postings":
        from pos.screens.postings import PostingsScreen

        return PostingsScreen()
    if section == "handout":
        from pos.screens.handout import HandoutScreen

        return HandoutScreen()
    if section == "visit":
        from pos.screens.visit import VisitScreen

        return VisitScreen()
    if section == "operators":
        from pos.screens.operators import OperatorsScreen

        return OperatorsScreen()
    if section == "my_pin":
        from pos.screens.operators import MyPinScreen

        return MyPinScreen()
    raise ValueError(section)
