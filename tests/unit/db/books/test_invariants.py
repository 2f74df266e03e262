"""docs/design.md §4, one test per invariant, by name."""

from __future__ import annotations

from datetime import datetime

import pytest
from peewee import IntegrityError

from catalog.messages import Refused
from db.books import awards, redemptions
from db.books.verify import verify
from db.store import chain, ids
from db.store.audit import BooksClock
from db.store.clock import SystemClock, env_clock
from db.store.connection import database
from db.store.models import MODELS, Entry, Household, StockMove
from tests.helpers import snapshot


def test_invariant_1_points_are_integers(station):
    with pytest.raises(Refused):
        awards.award(station.manager, station.clock, "1012010001", "GY02", 1.5)  # type: ignore[arg-type]
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    with pytest.raises(IntegrityError, match="CHECK"), database.atomic():
        database.execute_sql("UPDATE household SET balance = 10.5")
    with pytest.raises(IntegrityError, match="CHECK"), database.atomic():
        database.execute_sql(
            "INSERT INTO ledger_entry (id, household_id, points, kind, qty, note, operator, "
            "station, time, prev_hash) VALUES (1, '1012010001', 2.5, 'award', 1, '', 'x', "
            "'451425-03', '2026-11-23 09:00:00', '')"
        )
    types = database.execute_sql("SELECT DISTINCT typeof(points) FROM ledger_entry").fetchall()
    assert types == [("integer",)]


@pytest.mark.parametrize("table", ["ledger_entry", "stock_move", "audit"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET note = 'x'",
        "DELETE FROM {t}",
        # REPLACE deletes the row it displaces; the delete must meet the trigger too
        "INSERT OR REPLACE INTO {t} SELECT * FROM {t} ORDER BY id DESC LIMIT 1",
    ],
)
def test_invariant_2_entries_and_moves_are_immutable(station, table, statement):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    if table == "audit":
        statement = statement.replace("note", "detail")
    with pytest.raises(IntegrityError, match="immutable"), database.atomic():
        database.execute_sql(statement.format(t=table))


def test_invariant_3_balances_and_stock_are_the_sums(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 3)])
    for person in Household.select():
        assert person.balance == sum(e.points for e in person.entries)
    assert station.stock("G007") == sum(
        m.qty for m in StockMove.select().where(StockMove.item == "G007")
    )
    assert verify().ok
    database.execute_sql("UPDATE household SET balance = balance + 1 WHERE number = '1012010001'")
    report = verify()
    assert [(f.code, f.subject, dict(f.fields)) for f in report.problems] == [
        ("balance", "1012010001", {"number": "1012010001", "name": "张三", "cached": 5, "total": 4})
    ]


def test_invariant_3_verify_catches_a_wrong_stock_cache(station):
    database.execute_sql("UPDATE item SET stock = 99 WHERE code = 'G001'")
    found = {f.code: dict(f.fields) for f in verify().problems}
    assert found["stock"] == {"code": "G001", "name": "大米（10 公斤）", "cached": 99, "total": 10}


def test_invariant_4_redemption_is_all_or_nothing_and_never_overdraws(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    before = snapshot()
    for basket in ([("G001", 1)], [("G007", 21)], [("G007", 1), ("NOPE", 1)]):
        with pytest.raises(Refused):
            redemptions.redeem(station.clerk, station.clock, "1012010001", basket)
    after = snapshot()
    before.pop("audit"), after.pop("audit")
    assert after == before


def test_invariant_5_ids_are_unique_across_stations():
    low3, high3 = ids.id_range("451425-03")
    low4, _ = ids.id_range("451425-04")
    assert high3 <= low4 and ids.station_of(low3 + 7) == "451425-03"
    assert (
        ids.human(low3 + 7) == "451425-03-000007"
        and ids.parse_human("451425-03-000007") == low3 + 7
    )
    assert ids.station_of(ids.id_range("829999-99")[1] - 1) == "829999-99"
    assert ids.id_range("829999-99")[1] < 2**63  # fits SQLite's integer key
    with pytest.raises(Refused):
        ids.station_number("45142503")


def test_invariant_5_every_id_carries_the_station(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    low, high = ids.id_range("451425-03")
    for table in ("ledger_entry", "stock_move", "donation", "card", "audit", "donor"):
        rows = database.execute_sql(f"SELECT min(id), max(id) FROM {table}").fetchone()
        assert low < rows[0] <= rows[1] < high, table


def test_invariant_6_each_entry_links_to_the_one_before(station):
    awards.award(station.manager, station.clock, "1012010001", "GY02")
    awards.award(station.manager, station.clock, "1012010002", "GY02")
    first, second = Entry.select().order_by(Entry.id)
    assert first.prev_hash == chain.GENESIS
    row = database.execute_sql(
        f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id = ?", (first.id,)
    ).fetchone()
    assert second.prev_hash == chain.link(row)  # the full tampering tests are in test_chain.py


def test_invariant_7_time_comes_from_the_injected_clock(station):
    station.clock.at = datetime(2025, 1, 2, 3, 4, 5)
    entry = Entry.get_by_id(awards.award(station.manager, station.clock, "1012010001", "GY02"))
    assert entry.time == "2025-01-02 03:04:05"


def test_invariant_7_the_books_clock_never_goes_back(station):
    """A PC clock set back must not put records before older ones: months are cut by time,
    the chain by id, and the station's monthly files would drop what fell in between."""
    clock = BooksClock(station.clock)
    station.clock.at = datetime(2026, 12, 5, 10, 0, 0)
    first = awards.award(station.manager, clock, "1012010001", "GY02")
    station.clock.at = datetime(2026, 9, 15, 10, 0, 0)  # someone set the clock back
    second = awards.award(station.manager, clock, "1012010002", "GY02")
    station.clock.at = datetime(2026, 12, 6, 10, 0, 0)
    third = awards.award(station.manager, clock, "1012010003", "GY02")
    times = [Entry.get_by_id(i).time for i in (first, second, third)]
    assert times == sorted(times) and times[1] == times[0] == "2026-12-05 10:00:00"
    assert times[2] == "2026-12-06 10:00:00"  # the real time again once it has caught up


def test_the_environment_can_fix_the_clock_of_books_made_for_trying(station, monkeypatch):
    monkeypatch.setenv("AIXIN_CLOCK", "2026-12-01T08:00:00")  # the station is the tests'
    assert BooksClock(SystemClock(), env_clock()).now() == datetime(2026, 12, 1, 8)


def test_schema_matches_the_models(station):
    """The frozen migration and db/models.py describe the same columns."""
    for model in MODELS:
        columns = {c.name for c in database.get_columns(model._meta.table_name)}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, model.__name__
