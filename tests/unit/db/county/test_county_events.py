"""A hand-out event the county sets (docs/design.md §6.6), by the command line, on both engines:
it reaches a station in its update file, the station hands it out once per eligible household,
and the hand-outs come back in the month file to the county's coverage. Only a county officer
sets one at the county and only a manager at a station; a station that has the event takes it
again unchanged, and refuses one whose package was changed."""

from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from catalog.messages import Refused
from db.books import auth, events
from db.store.connection import close, connect
from pos.cli import main
from tests.county_engines import rows
from tests.county_world import SHOP, at
from tests.helpers import manager_of

OFFICE = ("--operator", "county")
SPRING = ("--name", "春节慰问", "--village", "451425101201", "--item", "G007:1", "--points", "5",
          "--from", "2027-01-01", "--until", "2027-02-15")  # fmt: skip


def run(*args, clock):
    env = {"AIXIN_PIN": "1234", "AIXIN_CLOCK": clock}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, clock):
    result = run(*args, clock=clock)
    assert result.exit_code == 0, (args, result.output)
    return result


def test_the_countys_event_is_handed_out_at_a_station_and_counted_at_the_county(
    county, county_world, tmp_path
):
    shop = county_world.copy_station(SHOP, tmp_path)
    added = ok("event", "add", "--db", county, *SPRING, *OFFICE, clock="2027-01-04T09:00:00")
    number = re.search(r"慰问活动 (\S+)：春节慰问，可领 3 户", added.output).group(1)
    assert number.startswith("451425-00-")  # the county office's number
    update = tmp_path / "u1.update"
    ok("county", "update", "--db", county, "--station", SHOP, "--out", update, *OFFICE,
       clock="2027-01-04T10:00:00")  # fmt: skip
    ok("update", "--db", shop, update, "--operator", "manager", clock="2027-01-05T08:00:00")
    listed = ok("event", "list", "--db", shop, "--tsv", clock="2027-01-05T08:01:00").output
    assert f"{number}\t春节慰问\t2027-01-01\t2027-02-15\t3\t0" in listed.splitlines()

    handout = ("event", "handout", "--db", shop, number, "--operator", "clerk")
    ok(*handout, "--household", "1012010002", clock="2027-01-06T10:00:00")
    twice = run(*handout, "--household", "1012010002", clock="2027-01-06T10:01:00")
    assert twice.exit_code == 1 and "不能再领" in twice.stderr
    outside = run(*handout, "--household", "1012020001", clock="2027-01-06T10:02:00")
    assert outside.exit_code == 1 and "赵六" in outside.stderr  # of 陇林村: not eligible
    assert rows(shop, "SELECT kind, points FROM ledger_entry WHERE kind = 'handout'") == [
        ("handout", 5)
    ]

    again = tmp_path / "u2.update"  # the same event again: taken as it is
    ok("county", "update", "--db", county, "--station", SHOP, "--out", again, *OFFICE,
       clock="2027-01-20T10:00:00")  # fmt: skip
    ok("update", "--db", shop, again, "--operator", "manager", clock="2027-01-21T08:00:00")
    assert rows(shop, "SELECT COUNT(*) FROM event_item") == [(1,)]

    files = tmp_path / "files"
    ok("export", "--db", shop, "--month", "2027-01", "--out", files, "--operator", "manager",
       clock="2027-02-02T09:00:00")  # fmt: skip
    merged = ok("county", "merge", "--db", county, *county_world.all_files(),
                *files.glob("*2027-01*"), *OFFICE, clock="2027-02-03T09:00:00")  # fmt: skip
    assert "拒收 0 份" in merged.output, merged.output
    book = tmp_path / "january.xlsx"
    ok("county", "report", "--db", county, "--month", "2027-01", "--xlsx", book, *OFFICE,
       clock="2027-02-03T10:00:00")  # fmt: skip
    sheet = list(load_workbook(book)["节日慰问"].iter_rows(values_only=True))
    [row] = [r for r in sheet if r[0] == number]
    assert [cell for cell in row[1:] if cell is not None] == [
        "春节慰问", "451425-00", "2027-01-01", "2027-02-15", 3, 1, 1, "33.3%",
    ]  # fmt: skip


def test_an_event_is_the_countys_at_the_county_and_a_managers_at_a_station(
    county, county_world, tmp_path
):
    clock = at("2027-01-04T09:00:00")
    connect(county)
    try:
        with pytest.raises(Refused, match="无权设置节日慰问"):
            events.add(manager_of(SHOP), clock, "x", "2027-01-01", "2027-01-02", points=1)
    finally:
        close()
    shop = county_world.copy_station(SHOP, tmp_path)
    connect(shop)
    try:
        officer = auth.Actor("county", "county", "451425-00", county="451425")
        with pytest.raises(Refused, match="无权设置节日慰问"):
            events.add(officer, clock, "x", "2027-01-01", "2027-01-02", points=1)
    finally:
        close()
    refused = run("event", "add", "--db", county, *SPRING[:2], "--village", "451425109999",
                  "--points", "5", "--from", "2027-01-01", "--until", "2027-01-31", *OFFICE,
                  clock="2027-01-04T09:00:00")  # fmt: skip
    assert refused.exit_code == 1 and "451425109999" in refused.stderr


def test_a_station_refuses_the_countys_event_with_another_package(county, county_world, tmp_path):
    shop = county_world.copy_station(SHOP, tmp_path)
    ok("event", "add", "--db", county, *SPRING, *OFFICE, clock="2027-01-04T09:00:00")
    first, second = tmp_path / "u1.update", tmp_path / "u2.update"
    for out, when in ((first, "2027-01-04T10:00:00"), (second, "2027-01-04T11:00:00")):
        ok("county", "update", "--db", county, "--station", SHOP, "--out", out, *OFFICE,
           clock=when)  # fmt: skip
    ok("update", "--db", shop, first, "--operator", "manager", clock="2027-01-05T08:00:00")
    # The second file's package changed: re-signing it needs the county's private key, which
    # a station never holds; so change the station's own copy instead, as if the county had.
    raw = sqlite3.connect(shop)
    raw.execute("DROP TRIGGER IF EXISTS event_item_no_update")
    raw.execute("UPDATE event_item SET qty = 2")
    raw.commit()
    raw.close()
    before = rows(shop, "SELECT COUNT(*), MAX(update_seq) FROM station")
    clash = run("update", "--db", shop, second, "--operator", "manager",
                clock="2027-01-05T09:00:00")  # fmt: skip
    assert clash.exit_code == 1 and "event_item" in clash.stderr, clash.output
    assert rows(shop, "SELECT COUNT(*), MAX(update_seq) FROM station") == before
