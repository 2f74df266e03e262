"""`county merge` (docs/design.md §6): idempotent, order-independent, and not to be fooled, on
both engines (the `county` fixture, tests/county_copies.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.books.verify import verify
from db.county import merge
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.county_models import COUNTY_MODELS, MonthlyFile
from db.store.models import Household, Station
from tests.county_copies import digests
from tests.county_engines import database_url, drop, fresh_postgres
from tests.county_world import MOBILE, SHOP
from tests.helpers import COUNTY_OFFICER

JANUARY = FixedClock(datetime(2027, 1, 5, 9))
IGNORED = {"audit", "schema_migration"}  # the work log and migration times differ by design


def merged(county, files):
    connect(county)
    try:
        return merge.merge_files(COUNTY_OFFICER, files, JANUARY)
    finally:
        close()


REFERENCE: dict[str, str] = {}  # the world's files merged in order on SQLite: its digests


def reference(county_world, tmp_path) -> dict[str, str]:
    if not REFERENCE:
        folder = tmp_path / "reference"
        folder.mkdir()
        county = county_world.copy_county(folder)
        merged(county, county_world.all_files())
        REFERENCE.update(digests(county, skip=IGNORED))
    return REFERENCE


def test_merging_every_file_gives_books_that_verify(county_world, county):
    batch = merged(county, county_world.all_files())
    assert [o.status for o in batch.outcomes] == ["merged"] * 8, batch.outcomes
    assert batch.missing == []
    connect(county)
    report = verify()
    assert report.ok, report.problems
    assert report.counted["entries"] == 16 and report.counted["chains"] == 3
    months = {(m.station_id, m.month) for m in MonthlyFile.select()}
    assert len(months) == 8
    balances = {h.number: h.balance for h in Household.select()}
    assert balances["1012010001"] == 10 - 4 + 2 - 4 - 2
    assert Household.get_by_id("1012010003").phone == "13900000002"  # the newer edit (mobile)
    assert Station.get_by_id(SHOP).chain_head != Station.get_by_id(MOBILE).chain_head
    close()


def test_the_same_file_twice_changes_nothing(county_world, county):
    first = merged(county, county_world.all_files()).outcomes[0]
    assert (first.station, first.month) == (SHOP, "2026-09")
    assert first.result.fields["station"] == SHOP and first.result.fields["month"] == "2026-09"
    assert first.result.fields["summary"].fields["entries"] == 0
    before = digests(county)
    again = merged(county, county_world.all_files())
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert {(o.result.template, o.result.fields["station"]) for o in again.outcomes} == {
        ("站点 {station} {month} 的月报已经并入过，没有变化", code) for code in (SHOP, MOBILE)
    }
    assert digests(county) == before


def merged_in_order(county_world, engine, request, tmp_path, order) -> None:
    """The world's files merged in `order` into a fresh county on `engine` give the content
    they give merged in order on SQLite."""
    files = county_world.all_files()
    expected = reference(county_world, tmp_path)
    if engine == "sqlite":
        trial = tmp_path / "trial"
        shutil.rmtree(trial, ignore_errors=True)
        trial.mkdir()
        county: str | Path = county_world.copy_county(trial)
    else:
        name = fresh_postgres(request.getfixturevalue("world_template"))
        county = database_url(name)
    try:
        batch = merged(county, [files[i] for i in order])
        assert not batch.refused
        assert digests(county, skip=IGNORED) == expected
    finally:
        if engine == "postgres":
            drop(name)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(8)))
def test_any_order_gives_the_same_county(county_world, request, tmp_path, order):
    merged_in_order(county_world, "sqlite", request, tmp_path, order)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(8)))
def test_any_order_on_postgresql_gives_the_same_county_as_on_sqlite(
    county_world, request, tmp_path, order
):
    """Fewer orders than on SQLite (each is a database): the engines agree row for row."""
    merged_in_order(county_world, "postgres", request, tmp_path, order)


def test_a_missing_month_is_reported_and_filled_later(county_world, county):
    october = county_world.files[(SHOP, "2026-10")]
    later = [county_world.files[(SHOP, m)] for m in ("2026-09", "2026-11", "2026-12")]
    batch = merged(county, later)
    assert not batch.refused
    assert [(f.code, f.subject, dict(f.fields)) for f in batch.missing] == [
        ("missing_months", SHOP, {"station": SHOP, "months": ("2026-10",), "last": "2026-12"})
    ]
    # November: October's last entry is not there yet, nor October's rows to check it against
    balances, pending = batch.outcomes[1].notices
    assert (pending.code, pending.fields["station"], pending.fields["month"]) == (
        "join_pending",
        SHOP,
        "2026-11",
    )
    assert (balances.code, dict(balances.fields)) == (
        "balance_pending",
        {"station": SHOP, "month": "2026-11"},
    )
    connect(county)
    assert not verify().ok  # the chain has a hole until October comes
    close()
    assert not merged(county, [october]).refused
    connect(county)
    assert verify().ok
    close()


def test_a_refused_file_does_not_stop_the_others(county_world, county, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all")
    good = county_world.files[(SHOP, "2026-09")]
    batch = merged(county, [junk, good])
    assert [o.status for o in batch.outcomes] == ["refused", "merged"]


def test_a_second_different_file_for_a_merged_month_is_refused(county_world, county, tmp_path):
    path = county_world.files[(SHOP, "2026-12")]
    merged(county, [path])
    other = tmp_path / "other.sqlite"
    shutil.copy(path, other)
    raw = sqlite3.connect(other)
    body, _ = raw.execute("SELECT body, mac FROM manifest").fetchone()
    body = json.loads(body)
    body["note"] = "re-exported"
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    key = station_key(county_world.county, SHOP)
    from db.exchange.sealed import mac

    raw.execute("UPDATE manifest SET body = ?, mac = ?", (text, mac(key, text)))
    raw.commit()
    raw.close()
    before = digests(county)
    [outcome] = merged(county, [other]).outcomes
    assert outcome.status == "refused" and outcome.refusal is not None
    assert outcome.refusal.check == "同月重复"
    assert dict(outcome.refusal.fields) == {"station": SHOP, "month": "2026-12"}
    assert digests(county) == before


def station_key(county, code) -> str:
    raw = sqlite3.connect(county)
    key = raw.execute("SELECT key FROM station WHERE code = ?", (code,)).fetchone()[0]
    raw.close()
    return key


def test_county_models_match_the_schema(county):
    connect(county)
    from db.store.connection import database

    for model in COUNTY_MODELS:
        columns = {c.name for c in database.get_columns(model._meta.table_name)}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, model.__name__
    close()


def refused_rows(county, path) -> list[tuple[str, dict]]:
    """Merge `path`: refused for its rows, the county unchanged (every table's content);
    the problems' codes and fields."""
    before = digests(county)
    [outcome] = merged(county, [path]).outcomes
    assert outcome.status == "refused", outcome.render()
    assert digests(county) == before
    return [(p.code, dict(p.fields)) for p in outcome.refusal.problems.shown]


def test_entries_of_a_household_the_county_lacks_are_refused(county_world, county_with):
    county = county_with(
        "DELETE FROM card WHERE household_id = '1022010001'",
        "DELETE FROM household WHERE number = '1022010001'",
        "DELETE FROM household_version WHERE number = '1022010001'",
    )
    problems = refused_rows(county, county_world.files[(MOBILE, "2026-10")])
    assert problems == [
        ("unknown_household", {"numbers": ("1022010001",), "count": 1}),
    ]


def test_entries_of_a_household_created_in_a_month_not_yet_merged_wait_for_it(
    county_world, county_with
):
    """While October is missing, a household November names that the county lacks may be
    one October's file brings: November is merged with a notice, not refused."""
    county = county_with(
        "DELETE FROM card WHERE household_id = '1012010002'",
        "DELETE FROM household WHERE number = '1012010002'",
        "DELETE FROM household_version WHERE number = '1012010002'",
    )
    [outcome] = merged(county, [county_world.files[(SHOP, "2026-11")]]).outcomes
    assert outcome.status == "merged"
    assert {n.code for n in outcome.notices} == {
        "join_pending",
        "balance_pending",
        "unknown_households",
    }


def test_goods_the_county_catalog_lacks_are_refused(county_world, county_with):
    county = county_with(
        "DELETE FROM barcode WHERE item_id = 'G019'",
        "DELETE FROM item WHERE code = 'G019'",
    )
    problems = refused_rows(county, county_world.files[(SHOP, "2026-10")])
    assert problems == [("unknown_item", {"code": "G019", "count": 2})]
