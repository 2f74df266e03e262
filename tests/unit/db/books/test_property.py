"""Property: any sequence of awards, deductions, redemptions, reversals and donations keeps
every balance equal to the sum of its entries and never negative, every stock equal to the
sum of its moves and never negative, and `verify` agrees (issue 2)."""

from __future__ import annotations

import shutil
from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from catalog.messages import Refused
from db.books import awards, corrections, redemptions, stock
from db.books.auth import sign_in
from db.books.verify import verify
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from db.store.models import Entry, Household, Item
from tests.conftest import NOW

HOUSEHOLDS = ["1012010001", "1012010002", "1012020001", "1012020002"]
TASKS = ["GY02", "HJ02", "PX01", "CY01", "KF01", "KF04", "XF02"]
GOODS = ["G001", "G007", "G019", "G002"]

operations = st.one_of(
    st.tuples(
        st.just("award"), st.sampled_from(HOUSEHOLDS), st.sampled_from(TASKS), st.integers(1, 4)
    ),
    st.tuples(
        st.just("redeem"),
        st.sampled_from(HOUSEHOLDS),
        st.lists(st.tuples(st.sampled_from(GOODS), st.integers(1, 3)), min_size=1, max_size=3),
    ),
    st.tuples(st.just("reverse"), st.integers(0, 10**6)),
    st.tuples(st.just("donate"), st.sampled_from(GOODS), st.integers(1, 5)),
    st.tuples(
        st.just("next_month"),
    ),
)


def apply(op, actors, clock) -> None:
    manager, clerk = actors
    kind = op[0]
    if kind == "award":
        awards.award(manager, clock, op[1], op[2], op[3])
    elif kind == "redeem":
        redemptions.redeem(clerk, clock, op[1], op[2])
    elif kind == "reverse":
        entries = list(Entry.select(Entry.id).order_by(Entry.id))
        if entries:
            corrections.reverse_entry(manager, clock, entries[op[1] % len(entries)].id, "更正")
    elif kind == "donate":
        stock.take_donation(clerk, clock, "捐赠人", [(op[1], op[2], 0)])
    else:
        clock.advance(days=31)


def books_hold() -> None:
    for person in Household.select():
        assert person.balance == sum(e.points for e in person.entries) >= 0
    for item in Item.select():
        assert item.stock == sum(m.qty for m in item.moves) >= 0


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(operations, min_size=1, max_size=30))
def test_any_sequence_keeps_the_books_true(station_file, tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("run") / "s.sqlite"
    shutil.copy(station_file, path)
    connect(path)
    clock = FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1))
    actors = (sign_in("manager", "1234", clock), sign_in("clerk", "1234", clock))
    try:
        for number in HOUSEHOLDS[:3]:  # opening balances, so most baskets are affordable
            corrections.adjust_points(actors[0], clock, number, 60, "期初", kind="base")
        for op in ops:
            try:
                apply(op, actors, clock)
                event(f"{op[0]}: done")
            except Refused:
                event(f"{op[0]}: refused")
            books_hold()
        report = verify()
        assert report.ok, report.problems
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        close()
