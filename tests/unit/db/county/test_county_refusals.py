"""Every way a monthly file can be wrong is refused, naming the check and the row, and leaves
the county database as it was: every table's content on both engines (the `county` fixture),
and on SQLite every byte (docs/design.md §6, §9). A refusal is asserted on as
data: the check that failed (a msgid of sealed.CHECKS) and the fields naming the row."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.books.verify import verify
from db.county import merge, office
from db.exchange import sealed
from db.store import chain
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.ids import human
from tests import crafted
from tests.conftest import COUNTY_KEY
from tests.county_copies import digests, file_bytes
from tests.county_engines import database_url, drop, fresh_postgres
from tests.county_world import SHOP
from tests.crafted import reseal
from tests.helpers import COUNTY_OFFICER

JANUARY = FixedClock(datetime(2027, 1, 5, 9))
OCTOBER = (SHOP, "2026-10")


def merge_into(county_path, path):
    connect(county_path)
    try:
        return merge.merge_files(COUNTY_OFFICER, [path], JANUARY).outcomes[0]
    finally:
        close()


def refused(county_path, path, check: str, **fields: object) -> sealed.FileRefused:
    """Merge `path`; it must be refused by `check`, with these `fields`, and change no table
    (the content digest, on either engine) — on SQLite not a byte of the file."""
    before = digests(county_path), file_bytes(county_path)
    outcome = merge_into(county_path, path)
    assert outcome.status == "refused", outcome
    refusal = outcome.refusal
    assert refusal is not None and refusal.check == check, outcome.render()
    for name, value in fields.items():
        assert refusal.fields.get(name) == value, (name, refusal.message)
    assert (digests(county_path), file_bytes(county_path)) == before
    if isinstance(county_path, Path):
        wal = f"{county_path}-wal"
        assert not os.path.exists(wal) or os.path.getsize(wal) == 0
    return refusal


def sql(path, *statements):
    raw = sqlite3.connect(path)
    for statement, params in statements:
        raw.execute(statement, params)
    raw.commit()
    raw.close()


def entry_ids(path) -> list[int]:
    raw = sqlite3.connect(path)
    ids = [r[0] for r in raw.execute("SELECT id FROM ledger_entry ORDER BY id")]
    raw.close()
    return ids


@pytest.fixture
def world_key(county_world):
    """station_key(code=SHOP): a station's key, as the world's county gave it."""
    return lambda code=SHOP: crafted.station_key(county_world.county, code)


@pytest.fixture
def october(county_world, tmp_path) -> Path:
    """A private copy of the shop's October file."""
    path = tmp_path / "october.sqlite"
    shutil.copy(county_world.files[OCTOBER], path)
    return path


@pytest.fixture
def setting(county, october):
    """(the world's county on the test's engine, a private copy of the shop's October file)."""
    return county, october


def test_a_changed_points_value_is_found_in_the_chain(setting):
    county_path, path = setting
    ids = entry_ids(path)
    sql(path, ("UPDATE ledger_entry SET points = points + 5 WHERE id = ?", (ids[2],)))
    refusal = refused(county_path, path, "账目链")
    assert refusal.message == chain.Break("changed", ids[3], previous=ids[2]).message


def test_a_deleted_entry_is_named(setting):
    county_path, path = setting
    ids = entry_ids(path)
    sql(path, ("DELETE FROM ledger_entry WHERE id = ?", (ids[3],)))
    refusal = refused(county_path, path, "账目链", first=human(ids[3]))
    assert refusal.message == chain.Break("gap", ids[4], first=ids[3], last=ids[3]).message


def test_two_swapped_entries_are_named(setting):
    county_path, path = setting
    ids = entry_ids(path)
    columns = chain.FIELDS[1:-1]
    raw = sqlite3.connect(path)
    first, second = (
        raw.execute(f"SELECT {', '.join(columns)} FROM ledger_entry WHERE id = ?", (i,)).fetchone()
        for i in ids[1:3]
    )
    assignments = ", ".join(f"{c} = ?" for c in columns)
    raw.execute(f"UPDATE ledger_entry SET {assignments} WHERE id = ?", (*second, ids[1]))
    raw.execute(f"UPDATE ledger_entry SET {assignments} WHERE id = ?", (*first, ids[2]))
    raw.commit()
    raw.close()
    refusal = refused(county_path, path, "账目链")
    assert refusal.message == chain.Break("changed", ids[2], previous=ids[1]).message


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE manifest SET mac = '" + "ab" * 32 + "'",
        "UPDATE manifest SET mac = ''",
        "DELETE FROM manifest",
    ],
)
def test_a_forged_or_missing_mac(setting, statement):
    county_path, path = setting
    sql(path, (statement, ()))
    refused(county_path, path, "校验码（MAC）")


def test_a_manifest_edited_without_the_key(setting):
    county_path, path = setting
    raw = sqlite3.connect(path)
    body = raw.execute("SELECT body FROM manifest").fetchone()[0]
    raw.execute("UPDATE manifest SET body = ?", (body.replace('"stock":', '"stock":1'),))
    raw.commit()
    raw.close()
    refused(county_path, path, "校验码（MAC）")


def test_a_manifest_that_does_not_match_the_contents(setting, world_key):
    county_path, path = setting
    reseal(path, world_key(), lambda f: f.update(stock=f["stock"] + 1))
    refusal = refused(county_path, path, "清单与内容")
    assert refusal.template == "出入库数量合计 {found}，清单记的是 {listed}"
    assert refusal.fields["listed"] == refusal.fields["found"] + 1


def test_a_changed_row_of_another_table_is_pinned_to_its_table(setting):
    county_path, path = setting
    sql(path, ("UPDATE donation SET cash_fen = 0", ()))
    refused(county_path, path, "清单与内容", table="donation")


def test_a_truncated_file(setting):
    county_path, path = setting
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    refused(county_path, path, "SQLite 完整性")


@pytest.mark.parametrize(
    "content",
    [os.urandom(20_000), b"", "户号,积分\n1,2\n".encode(), b"PK\x03\x04" + os.urandom(300)],
    ids=["random", "empty", "csv", "zip"],  # ids that every test process collects alike
)
def test_random_bytes_and_other_files(setting, content):
    county_path, path = setting
    path.write_bytes(content)
    refused(county_path, path, "文件类型")


def test_a_wrong_file_format_version(setting):
    county_path, path = setting
    sql(path, ("PRAGMA user_version = 7", ()))
    refused(county_path, path, "格式版本", found=7, want=sealed.FORMAT)


def test_a_schema_version_the_county_does_not_know(setting, world_key):
    county_path, path = setting
    reseal(path, world_key(), lambda f: f.update(schema="0009_future"))
    refused(county_path, path, "格式版本", schema="0009_future")


def test_an_extra_table_in_the_file(setting):
    county_path, path = setting
    sql(path, ("CREATE TABLE sneaky (x)", ()))
    refusal = refused(county_path, path, "格式版本")
    assert "sneaky" in refusal.fields["tables"]


def test_an_unknown_station(october, county_db, clock):
    path, empty = october, county_db
    connect(empty, create=True)
    office.init_county("451425", "天等县", clock, pin="1234", card_key=COUNTY_KEY)
    close()
    refused(empty, path, "站点", station=SHOP)


def test_a_file_from_another_county(october, county_db, clock):
    path, other = october, county_db
    connect(other, create=True)
    office.init_county("451426", "另一县", clock, pin="1234")
    close()
    refused(other, path, "县", other="451425", mine="451426")


def test_same_id_with_other_content_is_tampering(october, county_with):
    path = october
    raw = sqlite3.connect(path)
    [(card, household, serial, issued)] = raw.execute(
        "SELECT id, household_id, serial, issued FROM card WHERE revoked IS NULL"
    ).fetchall()
    raw.close()
    county_path = county_with(  # the county holds the shop's new card already, issued later
        (
            "INSERT INTO card (id, household_id, serial, issued, operator, station) "
            "VALUES (?, ?, ?, ?, 'manager', ?)",
            (card, household, serial, issued.replace("10:", "11:"), SHOP),
        ),
    )
    refusal = refused(county_path, path, "同号不同内容（篡改）", record=human(card))
    assert refusal.template == "积分卡 {record} 与县里已有的同号记录内容不同"


def test_a_month_that_does_not_join_the_next(county_world, setting, world_key):
    county_path, path = setting
    later = [county_world.files[(SHOP, m)] for m in ("2026-11", "2026-12")]
    assert merge_into(county_path, later[0]).status == "merged"
    ids = entry_ids(path)
    sql(path, ("UPDATE ledger_entry SET note = '改过' WHERE id = ?", (ids[-1],)))
    reseal(path, world_key(), rechain=True)
    refused(county_path, path, "与下月衔接")


def test_a_month_that_does_not_join_the_one_before(county_world, setting, tmp_path, world_key):
    county_path, october = setting
    assert merge_into(county_path, october).status == "merged"
    november = tmp_path / "november.sqlite"
    shutil.copy(county_world.files[(SHOP, "2026-11")], november)
    ids = entry_ids(november)
    sql(november, ("UPDATE ledger_entry SET prev_hash = ? WHERE id = ?", ("0" * 32, ids[0])))
    reseal(
        november,
        world_key(),
        lambda f: f["entries"].update(chain_start="0" * 32),
        rechain=True,
    )
    refused(county_path, november, "与上月衔接")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=4)
)
def test_mutated_files_are_refused_or_merged_cleanly_never_a_traceback(
    county_world, tmp_path, flips
):
    trial = tmp_path / "trial"
    shutil.rmtree(trial, ignore_errors=True)
    trial.mkdir()
    mutated_file(county_world, county_world.copy_county(trial), trial, flips)


POSTGRES_COUNTIES: list[str] = []  # this test's databases; the last is clean unless DIRTY
DIRTY = [False]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=4)
)
def test_mutated_files_change_nothing_on_postgresql_either(county_world, request, tmp_path, flips):
    """Fewer files than on SQLite: one database serves every file refused in a row, a new one
    follows a file that merged (or a failure)."""
    if not POSTGRES_COUNTIES:
        request.addfinalizer(drop_postgres_counties)
    if not POSTGRES_COUNTIES or DIRTY[0]:
        POSTGRES_COUNTIES.append(fresh_postgres(request.getfixturevalue("world_template")))
    DIRTY[0] = True
    DIRTY[0] = mutated_file(county_world, database_url(POSTGRES_COUNTIES[-1]), tmp_path, flips)


def drop_postgres_counties() -> None:
    for name in POSTGRES_COUNTIES:
        drop(name)
    POSTGRES_COUNTIES.clear()
    DIRTY[0] = False


def mutated_file(county_world, county_path, folder: Path, flips) -> bool:
    """The shop's October file with `flips` (offset, byte) merged: refused with the county
    unchanged, or merged into books that verify. Whether it merged."""
    data = bytearray(county_world.files[OCTOBER].read_bytes())
    for offset, value in flips:
        data[offset % len(data)] = value
    path = folder / "mutated.sqlite"
    path.write_bytes(bytes(data))
    before = digests(county_path), file_bytes(county_path)
    outcome = merge_into(county_path, path)
    assert outcome.status in ("refused", "merged"), outcome
    if outcome.status == "refused":
        assert (digests(county_path), file_bytes(county_path)) == before
        return False
    connect(county_path)
    assert verify().ok
    close()
    return True
