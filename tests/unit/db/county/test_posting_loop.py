"""公示 from the county's setting to the county's report (docs/design.md §4.12): the acceptance
of issue 12 item 1, from the command line. Posting days 3: a village's 30 households post and
no balance moves; the public list holds every name and points as text; one objection upheld,
one dismissed; crediting early is refused; after the period the balances rise by exactly the
credited lines, verify passes, and the month file carries the posting to the county, whose
report counts it."""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime

import pytest
from click.testing import CliRunner

from db.books import auth
from db.county import merge
from db.exchange.month_content import RowsRefused
from db.store.clock import FixedClock
from db.store.connection import close, connect
from pos.cli import main
from tests.county_copies import digests, file_bytes
from tests.crafted import craft, station_key
from tests.helpers import COUNTY_OFFICER

# Its module fixture builds a demo station and its county: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("posting_loop")

JANUARY = FixedClock(datetime(2027, 1, 5, 9))

BUILT = "2026-11-23T09:30:00"
STATION = "451425-01"
COUNTY = ("--operator", "county")
MANAGER = ("--operator", "manager")


def run(*args, clock=BUILT):
    env = {"AIXIN_CLOCK": clock, "AIXIN_PIN": "1234"}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, **kw):
    result = run(*args, **kw)
    assert result.exit_code == 0, result.output
    return result


def rows(path, sql, *params):
    raw = sqlite3.connect(path)
    found = raw.execute(sql, params).fetchall()
    raw.close()
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("posting")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        county, station = root / "county.sqlite", root / "station.sqlite"
        ok("demo", "--no-ui", "--db", station, "--county-db", county, "--station", STATION)
        yield root, county, station
    close()


@pytest.fixture(scope="module")
def posted(world):
    """The station's side, asserted on the way: the month files of October and November, and
    the county as it was before they merged (`pristine`)."""
    root, county, station = world
    ok("county", "settings", "--db", county, "--posting-days", "3", "--name-deductions", "yes",
       *COUNTY)  # fmt: skip
    ok("county", "update", "--db", county, "--station", STATION, "--out", root / "u1", *COUNTY)
    ok("update", "--db", station, root / "u1", *MANAGER)
    assert rows(station, "SELECT posting_days, roll_names_deductions FROM county") == [(3, 1)]

    village, _ = rows(
        station,
        "SELECT village_id, COUNT(*) FROM household WHERE status = 'active' "
        "GROUP BY 1 HAVING COUNT(*) >= 30 ORDER BY 1 LIMIT 1",
    )[0]
    people = rows(
        station,
        "SELECT number, head_name, balance FROM household WHERE village_id = ? "
        "AND status = 'active' ORDER BY number LIMIT 30",
        village,
    )
    sheet = root / "grid.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["户号", "项目编码", "数量", "备注"])
        writer.writerows([number, "HJ05", 1, ""] for number, _, _ in people)
    said = ok("award", "--db", station, *MANAGER, "--from-file", sheet, clock="2026-11-24T09:00:00")
    number = re.search(r"\d{6}-\d{2}-\d{6}", said.output).group(0)
    assert "公示" in said.output
    before = dict(rows(station, "SELECT number, balance FROM household"))
    assert all(before[n] == balance for n, _, balance in people)  # no balance moved

    pdf = root / "list.pdf"
    ok("posting", "print", "--db", station, number, "--out", pdf, clock="2026-11-24T09:10:00")
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, check=True, text=True)
    flat = text.stdout.replace(" ", "")
    for household, name, _ in people:
        assert household in flat and name in flat
    assert flat.count("10") >= 30 and "300" in flat  # each household's points, the total
    ok("posting", "print", "--db", station, number, "--out", root / "list.xlsx")

    listed = ok("posting", "list", "--db", station, "--tsv", clock="2026-11-24T09:20:00")
    header, line = listed.output.splitlines()[:2]
    assert header.split("\t") == [
        "number", "village", "month", "households", "points", "from", "until", "status",
    ]  # fmt: skip
    assert line.split("\t")[3:] == ["30", "300", "2026-11-24", "2026-11-26", "open"]

    upheld, dismissed = people[0][0], people[1][0]
    for household in (upheld, dismissed):
        ok(
            "posting", "object", "--db", station, number, "--household", household,
            "--reason", "没有参加改厕验收", "--by", "村民代表", "--operator", "clerk",
            clock="2026-11-25T10:00:00",
        )  # fmt: skip
    ok(
        "posting", "resolve", "--db", station, number, "--household", upheld, "--uphold",
        "--note", "核实属实", *MANAGER, clock="2026-11-25T11:00:00",
    )  # fmt: skip
    ok(
        "posting", "resolve", "--db", station, number, "--household", dismissed, "--dismiss",
        *MANAGER, clock="2026-11-25T11:10:00",
    )  # fmt: skip

    early = run("posting", "credit", "--db", station, number, *MANAGER, clock="2026-11-26T18:00:00")
    assert early.exit_code == 1 and "2026-11-27" in early.output
    assert dict(rows(station, "SELECT number, balance FROM household")) == before

    ok("posting", "credit", "--db", station, number, *MANAGER, clock="2026-11-27T09:00:00")
    after = dict(rows(station, "SELECT number, balance FROM household"))
    credited = {n: 10 for n, _, _ in people if n != upheld}
    assert {n: after[n] - before[n] for n in before if after[n] != before[n]} == credited
    ok("verify", "--db", station, clock="2026-11-27T09:10:00")
    due = ok("posting", "list", "--db", station, "--status", "credited", "--tsv")
    assert number in due.output

    for month in ("2026-10", "2026-11"):
        ok("export", "--db", station, "--month", month, "--out", root / "out", *MANAGER,
           clock="2026-12-02T09:00:00")  # fmt: skip
    files = sorted((root / "out").glob("*.sqlite"))
    pristine = root / "pristine.sqlite"
    shutil.copy(county, pristine)
    return root, county, files, pristine, upheld


def test_posting_before_credit_from_county_setting_to_county_report(posted):
    root, county, files, _, _ = posted
    merged = ok("county", "merge", "--db", county, *files, *COUNTY, clock="2026-12-02T10:00:00")
    assert "拒收 0 份" in merged.output, merged.output
    assert rows(county, "SELECT COUNT(*) FROM posting_line") == [(30,)]
    assert rows(county, "SELECT COUNT(*) FROM posting_entry") == [(29,)]
    ok("verify", "--db", county, clock="2026-12-02T10:10:00")
    report = ok(
        "county", "report", "--db", county, "--month", "2026-11", *COUNTY,
        clock="2026-12-02T10:20:00",
    )  # fmt: skip
    assert "公示 1 份，30 户，300 分；异议 2 件（成立 1，不成立 1）；月底前入账 290 分" in (
        report.output
    )


# --- crafted November files: the county holds every posted row against its books -----------


@pytest.fixture
def forge(posted, tmp_path, county_from):
    """forge(statements...): November's file changed and re-sealed with the station's key, and
    a county that has October (the month before) merged, on the test's engine."""
    root, _, files, pristine, _ = posted
    merged = tmp_path / "county.sqlite"
    shutil.copy(pristine, merged)
    october, november = files
    ok("county", "merge", "--db", merged, october, *COUNTY, clock="2026-12-02T10:00:00")
    county = county_from(merged)

    def make(*statements):
        target = tmp_path / "forged.sqlite"
        return county, craft(november, target, station_key(merged, STATION), *statements)

    return make


def refused_codes(county, forged) -> set[str]:
    """The checks that refuse `forged`, which leaves every table of `county` as it was (and
    on SQLite every byte)."""
    before = digests(county), file_bytes(county)
    connect(county)
    try:
        [outcome] = merge.merge_files(COUNTY_OFFICER, [forged], JANUARY).outcomes
    finally:
        close()
    assert outcome.status == "refused", outcome.render()
    assert isinstance(outcome.refusal, RowsRefused), outcome.refusal.render()
    assert (digests(county), file_bytes(county)) == before
    return {p.code for p in outcome.refusal.problems.shown}


def test_a_genuine_november_merges(forge):
    county, forged = forge()
    connect(county)
    try:
        [outcome] = merge.merge_files(COUNTY_OFFICER, [forged], JANUARY).outcomes
    finally:
        close()
    assert outcome.status == "merged", outcome.render()


def test_a_posted_line_worth_more_than_its_task(forge):
    county, forged = forge("UPDATE posting_line SET points = 1000 WHERE id = (SELECT MIN(id) "
                           "FROM posting_line)")  # fmt: skip
    assert "task_points" in refused_codes(county, forged)


def test_a_posted_line_over_the_cap(forge):
    county, forged = forge(
        "INSERT INTO posting_line SELECT id + 1000, posting_id, household_id, task_id, points, "
        "qty, note FROM posting_line WHERE id = (SELECT MAX(id) FROM posting_line)"
    )
    assert "over_cap" in refused_codes(county, forged)


def test_a_line_for_a_household_of_another_village(forge):
    county, forged = forge(
        "UPDATE posting SET village_id = (SELECT MIN(village_id) FROM household_version "
        "WHERE village_id <> posting.village_id)"
    )
    found = refused_codes(county, forged)
    assert "posting_household" in found, found


def test_a_posting_with_a_shortened_period(forge):
    county, forged = forge("UPDATE posting SET days = 1")
    assert "posting_period" in refused_codes(county, forged)


def test_crediting_the_upheld_household(posted, forge):
    *_, upheld = posted
    county, forged = forge(
        (
            "INSERT INTO ledger_entry (id, household_id, points, kind, task_id, redemption_id, "
            "reverses_id, qty, note, operator, station, time, prev_hash) SELECT MAX(e.id) + 1, "
            "?, 10, 'award', 'HJ05', NULL, NULL, 1, '', 'manager', ?, MAX(e.time), '' "
            "FROM ledger_entry AS e",
            (upheld, STATION),
        ),
        (
            "INSERT INTO posting_entry SELECT (SELECT MAX(id) FROM ledger_entry), l.id, "
            "(SELECT MIN(id) FROM posting_credit) FROM posting_line AS l WHERE l.household_id = ?",
            (upheld,),
        ),
    )
    assert "posting_entry" in refused_codes(county, forged)


def test_an_objection_after_the_period(forge):
    county, forged = forge("UPDATE objection SET time = '2026-11-28 09:00:00'")
    assert "objection_outside" in refused_codes(county, forged)


@pytest.mark.parametrize(
    "forgery",
    [
        "UPDATE objection SET posting_id = posting_id + 1000000",
        "UPDATE posting_entry SET line_id = line_id + 1000000",
    ],
)
def test_a_row_of_a_posting_neither_the_file_nor_the_county_has(forge, forgery):
    county, forged = forge(forgery)
    assert "unknown_posting" in refused_codes(county, forged)
