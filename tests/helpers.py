"""Helpers the tests share."""

from __future__ import annotations

from dataclasses import dataclass

from db.books.auth import Actor
from db.store.clock import FixedClock
from db.store.connection import database
from db.store.models import Household, Item


@dataclass
class Station:
    clock: FixedClock
    manager: Actor
    clerk: Actor
    cadre: Actor

    def balance(self, household: str) -> int:
        return Household.get_by_id(household).balance

    def stock(self, item: str) -> int:
        return Item.get_by_id(item).stock


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: to assert that a refusal changed nothing."""
    tables = [
        r[0]
        for r in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {t: list(database.execute_sql(f'SELECT * FROM "{t}" ORDER BY 1')) for t in tables}
