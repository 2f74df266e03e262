"""Helpers the tests share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.books.auth import Actor
from db.store.clock import FixedClock
from db.store.connection import database
from db.store.models import Household, Item

# The operators the tests act as where signing in is not what they test (roles are checked on
# the Actor: `auth.require`).
COUNTY_OFFICER = Actor("county", "county", "451425-00")


def manager_of(station: str) -> Actor:
    return Actor("manager", "manager", station)


def trial_books(path: Path | str) -> Path | str:
    """Mark books the tests made through a command (`init --setup`, `county init`) as made for
    trying, so that AIXIN_CLOCK sets their time as it does the demo's. No command can."""
    from tests.county_engines import run_sql

    run_sql(
        path,
        "INSERT INTO setting (name, value) VALUES ('trial', 'tests') "
        "ON CONFLICT (name) DO UPDATE SET value = 'tests'",
    )
    return path


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
    """Every row of every table of the open books (either engine): to assert that a refusal
    changed nothing."""
    return {
        t: sorted(database.execute_sql(f'SELECT * FROM "{t}"').fetchall(), key=repr)
        for t in database.get_tables()
    }


# Commands that need an operator, and whom the tests sign in for them (PIN in AIXIN_PIN).
MANAGER_COMMANDS = {"export", "backup", "update"}
COUNTY_COMMANDS = {"enroll", "merge", "report", "update"}


def with_operator(args: list[str]) -> list[str]:
    """`args` of an `aixin` command, with `--operator` added where the command needs one."""
    if "--operator" in args:
        return args
    words = [a for a in args if not a.startswith("-")]
    if words[:1] == ["county"] and len(words) > 1 and words[1] in COUNTY_COMMANDS:
        return [*args, "--operator", "county"]
    if words[:1] and words[0] in MANAGER_COMMANDS:
        return [*args, "--operator", "manager"]
    return args
