"""Many counties in one database (docs/design.md §6.7): two demo counties, each merged from its
own demo station; each county's officers see, merge, enroll, update and report only their
county; the province report equals the sum of the county reports, section by section."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from catalog.messages import SheetRefused
from catalog.tabular import Row
from db.books import auth
from db.books.households import import_rows
from db.county import province
from db.county import report as reports
from db.county.merge import OTHER_COUNTY, merge_files
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from db.store.models import Household
from pos.cli import main
from tests.conftest import fix_check
from tests.county_copies import to_server
from tests.county_engines import ENGINES, database_url, drop, fresh_postgres
from tests.crafted import craft, station_key

# Its module fixture builds two demo counties: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("province")

BUILT = "2026-11-23T09:30:00"
A, B = "451425", "452122"
STATION_A, STATION_B = "451425-01", "452122-02"
A_OFFICER = ("--operator", "county")
B_OFFICER = ("--operator", f"county-{B}")
MANAGER = ("--operator", "manager")


def at_built() -> FixedClock:
    return FixedClock(datetime.fromisoformat(BUILT), timedelta(seconds=1))


def run(*args, pin="1234"):
    env = {"AIXIN_CLOCK": BUILT, "AIXIN_PIN": pin}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, **kw):
    result = run(*args, **kw)
    assert result.exit_code == 0, result.output
    return result


def refused(*args, says: str):
    result = run(*args)
    assert result.exit_code == 1, result.output
    # one line says why (a line before it may say that AIXIN_CLOCK is not used here)
    assert says in result.stderr.strip().splitlines()[-1], result.stderr
    assert "Traceback" not in result.output
    return result


def rows(path: Path, sql: str) -> list[tuple]:
    raw = sqlite3.connect(path)
    found = raw.execute(sql).fetchall()
    raw.close()
    return found


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """province.sqlite: county A with demo station 01 and county B (added by the demo) with
    demo station 02, their October files merged (before.sqlite: the same before October);
    alone.sqlite: county A alone, same files."""
    root = tmp_path_factory.mktemp("province")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        both = root / "province.sqlite"
        demo = ("demo", "--no-ui", "--county-db", both)
        ok(*demo, "--db", root / "a.sqlite", "--station", STATION_A, "--seed", 1)
        shutil.copy(both, root / "alone.sqlite")
        added = ok(*demo, "--db", root / "b.sqlite", "--station", STATION_B, "--seed", 2)
        assert f"操作员 county-{B}，密码 1234" in added.output
        assert f"--operator county-{B}" in added.output
        for name in ("a", "b"):
            ok(
                "export",
                "--db",
                root / f"{name}.sqlite",
                "--month",
                "2026-10",
                "--out",
                root / name,
                *MANAGER,
            )
        a_file, b_file = (next((root / n).glob("*.sqlite")) for n in ("a", "b"))
        ok("province", "init", "--db", both)
        shutil.copy(both, root / "before.sqlite")  # both counties, October not merged yet
        ok("county", "merge", "--db", both, a_file, *A_OFFICER)
        ok("county", "merge", "--db", root / "alone.sqlite", a_file, *A_OFFICER)
        ok("county", "merge", "--db", both, b_file, *B_OFFICER)
        yield root, a_file, b_file
    close()


def query(target, sql: str) -> list[tuple]:
    """Rows of `sql` on the books at `target`, a SQLite path or a PostgreSQL URL."""
    connect(target)
    try:
        return [tuple(row) for row in database.execute_sql(sql).fetchall()]
    finally:
        close()


def test_county_init_adds_a_county_to_a_database_that_holds_others(county_db):
    db = county_db
    ok("county", "init", "--db", db, "--county", A, "--name", "天等县")
    made = ok("county", "init", "--db", db, "--county", B, "--name", "示范县")
    assert f"{B}-00" in made.output and f"county-{B}" in made.output
    assert query(db, "SELECT name, role, county_id FROM operator ORDER BY id") == [
        ("county", "county", A),
        (f"county-{B}", "county", B),
    ]
    assert query(db, "SELECT code FROM station ORDER BY code") == [(f"{A}-00",), (f"{B}-00",)]
    keys = query(db, "SELECT name FROM setting WHERE name LIKE 'county_signing_key%' ORDER BY 1")
    assert keys == [(f"county_signing_key:{A}",), (f"county_signing_key:{B}",)]
    publics = query(db, "SELECT public_key FROM county ORDER BY code")
    assert len({p for (p,) in publics}) == 2 and all(p for (p,) in publics)
    refused(
        "county", "init", "--db", db, "--county", B, "--name", "示范县", says="已经在这个数据库里"
    )


def test_a_real_county_says_once_that_it_keeps_the_pcs_time(county_db):
    """`county init` with AIXIN_CLOCK set, into a new file or an empty server database: the
    books keep the PC's time, and say so in one line."""
    made = ok("county", "init", "--db", county_db, "--county", A, "--name", "天等县")
    assert made.stderr.count("AIXIN_CLOCK 只用于演示和测试的账本") == 1, made.stderr


def test_the_readme_province_loop_on_both_engines(county_db, tmp_path):
    """The README's commands, the county database a file or a server database: two demo
    counties, each merging its own station's October; the province report is their sum."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        demo = ("demo", "--no-ui", "--county-db", county_db)
        first = ok(*demo, "--db", tmp_path / "a.sqlite", "--station", STATION_A, "--seed", 1)
        ok(*demo, "--db", tmp_path / "b.sqlite", "--station", STATION_B, "--seed", 2)
        assert "AIXIN_CLOCK" not in first.stderr  # the demo's county honours it, and is quiet
        for name, officer in (("a", A_OFFICER), ("b", B_OFFICER)):
            out = tmp_path / f"files-{name}"
            ok(
                "export",
                "--db",
                tmp_path / f"{name}.sqlite",
                "--month",
                "2026-10",
                "--out",
                out,
                *MANAGER,
            )
            merged = ok("county", "merge", "--db", county_db, *out.glob("*.sqlite"), *officer)
            assert "并入 1 份，拒收 0 份" in merged.output
        ok("province", "init", "--db", county_db)
        shown = ok(
            "province", "report", "--db", county_db, "--month", "2026-10", "--operator", "province"
        )
    assert "2 个县" in shown.output
    counties, whole = read_reports(county_db)
    assert_sum_of(whole, counties)
    assert all(c.sheet("按乡镇").total[2] > 0 for c in counties)


def test_each_county_merges_only_its_own_stations_files(two):
    root, a_file, b_file = two
    both = root / "province.sqlite"
    result = run("county", "merge", "--db", both, b_file, *A_OFFICER)
    assert result.exit_code == 1 and STATION_B in result.output + result.stderr
    result = run("county", "merge", "--db", both, a_file, *B_OFFICER)
    assert result.exit_code == 1 and STATION_A in result.output + result.stderr
    again = ok("county", "merge", "--db", both, b_file, *B_OFFICER)
    assert "已经并入过，没有变化" in again.output


def test_each_county_enrolls_and_updates_only_its_own_stations(two, tmp_path):
    root, _, _ = two
    both = root / "province.sqlite"
    out = tmp_path / "x.setup"
    enroll = ("county", "enroll", "--db", both, "--name", "某站", "--out", out)
    refused(*enroll, "--station", f"{B}-05", *A_OFFICER, says=f"不属于县 {A}")
    refused(*enroll, "--station", f"{A}-05", "--township", f"{B}102", *B_OFFICER, says="不属于县")
    update = ("county", "update", "--db", both, "--out", tmp_path / "u.sqlite")
    refused(*update, "--station", STATION_B, *A_OFFICER, says="没有在本县登记")
    ok(*update, "--station", STATION_B, *B_OFFICER)
    sent = tmp_path / "u.sqlite"
    assert rows(sent, f"SELECT COUNT(*) FROM village WHERE code NOT LIKE '{B}%'") == [(0,)]
    assert rows(sent, f"SELECT COUNT(*) FROM township WHERE code NOT LIKE '{B}%'") == [(0,)]
    assert rows(sent, "SELECT code FROM county") == [(B,)]


def test_a_county_officer_manages_only_their_countys_operators(two):
    root, _, _ = two
    both = root / "province.sqlite"
    env = {"AIXIN_CLOCK": BUILT, "AIXIN_PIN": "1234", "AIXIN_NEW_PIN": "4821"}
    args = ["operator", "add", "--db", str(both), "县甲二", "--role", "county", *A_OFFICER]
    added = CliRunner().invoke(main, args, env=env)
    assert added.exit_code == 0, added.output
    assert rows(both, "SELECT county_id FROM operator WHERE name = '县甲二'") == [(A,)]
    refused("operator", "disable", "--db", both, f"county-{B}", *A_OFFICER, says="不属于县")


def test_each_county_lists_only_its_own_households_and_officers(two):
    root, _, _ = two
    both, alone = root / "province.sqlite", root / "alone.sqlite"
    for command in ("household", "operator"):
        refused(command, "list", "--db", both, says="--operator")  # whose county?
        refused(command, "list", "--db", both, "--operator", "province", says="无权")
    listed = {}
    for county, officer in ((A, A_OFFICER), (B, B_OFFICER)):
        lines = ok("household", "list", "--db", both, "--tsv", *officer).output.splitlines()[1:]
        listed[county] = {line.split("\t")[0] for line in lines}
        names = ok("operator", "list", "--db", both, "--tsv", *officer).output.splitlines()[1:]
        officers = rows(both, f"SELECT name FROM operator WHERE county_id = '{county}'")
        assert {line.split("\t")[0] for line in names} == {name for (name,) in officers}
    for county in (A, B):
        assert listed[county] == {
            number
            for (number,) in rows(
                both, f"SELECT number FROM household WHERE substr(village_id, 1, 6) = '{county}'"
            )
        }
    assert listed[A] and listed[B] and not listed[A] & listed[B]
    # Books of one county list all of it, to whoever holds them, as before.
    lines = ok("household", "list", "--db", alone, "--tsv").output.splitlines()[1:]
    assert {line.split("\t")[0] for line in lines} == listed[A]


def test_a_county_roster_takes_only_its_own_villages_and_households(two):
    root, _, _ = two
    both = root / "province.sqlite"
    b_village, b_household = rows(
        both, f"SELECT village_id, number FROM household WHERE village_id LIKE '{B}%' LIMIT 1"
    )[0]
    [(a_village,)] = rows(both, f"SELECT code FROM village WHERE code LIKE '{A}%' LIMIT 1")
    line = {"head_name": "韦某", "category": "脱贫户", "members": "2"}
    sheet = [
        Row(
            2,
            {
                "number": "9990001",
                "id_number": fix_check("45142519800101991"),
                "village": b_village,
                **line,
            },
        ),
        Row(
            3,
            {
                "number": b_household,
                "id_number": fix_check("45142519800101992"),
                "village": a_village,
                **line,
            },
        ),
    ]
    clock = at_built()
    connect(both)
    try:
        officer = auth.sign_in("county", "1234", clock)
        with pytest.raises(SheetRefused) as refusal:
            import_rows(officer, clock, sheet, station=f"{A}-00")
    finally:
        close()
    said = [(line, problem.render()) for line, problem in refusal.value.problems]
    assert "不在本县花名册中" in said[0][1] and said[0][0] == 2
    assert "已属于另一个县" in said[1][1] and said[1][0] == 3


def test_the_catalog_is_shared_and_no_county_changes_it_for_the_others(two):
    root, _, _ = two
    both = root / "province.sqlite"
    refused("catalog", "price", "--db", both, "G001", "60", *A_OFFICER, says="共用一份")


def sheets_shown(report) -> dict[str, list]:
    return {s.title: [[str(v) for v in row] for row in s.rows] for s in report.sheets}


def test_each_countys_report_is_its_own_county_alone(two):
    root, _, _ = two
    clock = at_built()
    connect(root / "alone.sqlite")
    alone = reports.county_report(auth.sign_in("county", "1234", clock), "2026-10", clock)
    close()
    connect(root / "province.sqlite")
    a = reports.county_report(auth.sign_in("county", "1234", clock), "2026-10", clock)
    b = reports.county_report(auth.sign_in(f"county-{B}", "1234", clock), "2026-10", clock)
    close()
    assert sheets_shown(a) == sheets_shown(alone)
    assert a.county == A and b.county == B
    assert all(str(r[2]).startswith(B) for r in b.sheet("按村").rows if r[2])
    assert [r[0] for r in b.sheet("按站点").rows] == [STATION_B]
    assert b.sheet("按乡镇").total[2] > 0  # B's households are on the roll


def test_the_province_report_is_the_sum_of_the_county_reports(two, tmp_path):
    root, _, _ = two
    both = root / "province.sqlite"
    counties, whole = read_reports(both)
    assert_sum_of(whole, counties)
    towns = whole.sheet("按乡镇")
    households = towns.headers.index("在册户数")
    assert towns.total[households] == sum(c.sheet("按乡镇").total[2] for c in counties) > 0
    out = tmp_path / "province.xlsx"
    shown = ok(
        "province",
        "report",
        "--db",
        both,
        "--month",
        "2026-10",
        "--xlsx",
        out,
        "--operator",
        "province",
    )
    assert "2 个县" in shown.output and A in shown.output and B in shown.output
    book = load_workbook(out)
    assert book.sheetnames[1:] == [s.title for s in whole.sheets]


def test_only_a_province_operator_reads_the_province_report(two):
    root, _, _ = two
    both = root / "province.sqlite"
    report = ("province", "report", "--db", both, "--month", "2026-10")
    refused(*report, *A_OFFICER, says="无权查看省市汇总")
    refused(
        "county",
        "report",
        "--db",
        both,
        "--month",
        "2026-10",
        "--operator",
        "province",
        says="无权县级汇总",
    )
    refused("province", "init", "--db", both, "--name", "另一个", says="已经有省市汇总的操作员")


def test_a_demo_station_whose_household_numbers_another_county_holds_is_refused(two, tmp_path):
    root, _, _ = two
    copy = tmp_path / "p.sqlite"
    shutil.copy(root / "province.sqlite", copy)
    refused(
        "demo",
        "--no-ui",
        "--county-db",
        copy,
        "--db",
        tmp_path / "c.sqlite",
        "--station",
        f"{B}-01",
        says="户号会与县",
    )


@pytest.fixture(params=ENGINES)
def shared(request, two, tmp_path):
    """The two counties before October on either engine (on PostgreSQL, before.sqlite's rows
    copied into a fresh database)."""
    root, _, _ = two
    if request.param == "sqlite":
        target = tmp_path / "p.sqlite"
        shutil.copy(root / "before.sqlite", target)
        yield target
        close()
        return
    name = fresh_postgres(request.getfixturevalue("pg_template"))
    try:
        to_server(root / "before.sqlite", database_url(name))
        yield database_url(name)
    finally:
        close()
        drop(name)


def read_reports(target) -> tuple[list, province.ProvinceReport]:
    clock = at_built()
    connect(target)
    try:
        counties = [
            reports.county_report(auth.sign_in(name, "1234", clock), "2026-10", clock)
            for name in ("county", f"county-{B}")
        ]
        whole = province.province_report(auth.sign_in("province", "1234", clock), "2026-10", clock)
    finally:
        close()
    return counties, whole


def test_two_counties_merge_and_report_alike_on_both_engines(two, shared):
    """Each county merges its own station's October (the other's file refused), and every
    county report and the province report read the same as on the SQLite reference."""
    root, a_file, b_file = two
    clock = at_built()
    connect(shared)
    try:
        a, b = (auth.sign_in(name, "1234", clock) for name in ("county", f"county-{B}"))
        for officer, other in ((a, b_file), (b, a_file)):
            batch = merge_files(officer, [other], clock)
            assert [o.status for o in batch.outcomes] == ["refused"]
        for officer, own in ((a, a_file), (b, b_file)):
            batch = merge_files(officer, [own], clock)
            assert [o.status for o in batch.outcomes] == ["merged"], batch.outcomes[0].render()
    finally:
        close()
    counties, whole = read_reports(shared)
    reference, reference_whole = read_reports(root / "province.sqlite")
    for county, expected in zip(counties, reference, strict=True):
        assert sheets_shown(county) == sheets_shown(expected), county.county
    assert sheets_shown(whole) == sheets_shown(reference_whole)
    assert_sum_of(whole, counties)


def assert_sum_of(whole: province.ProvinceReport, counties: list) -> None:
    """Each county's row is its report's total; the province's total is the sum of theirs."""
    assert [s.title for s in whole.sheets] == [s.title for s in counties[0].sheets]
    for sheet in whole.sheets:
        assert [r[:2] for r in sheet.rows] == [[c.county, c.name] for c in counties]
        for row, county in zip(sheet.rows, counties, strict=True):
            part = county.sheet(sheet.title)
            assert row[2:] == (part.total[part.keys :] if part.totals else [len(part.rows)])
        for i in range(2, len(sheet.headers)):
            column = [r[i] for r in sheet.rows]
            if all(isinstance(v, int) for v in column):
                assert sheet.total[i] == sum(column), (sheet.title, sheet.headers[i])


def test_a_station_file_that_changes_another_countys_household_is_refused(two, shared, tmp_path):
    """A household number county A holds, sent by county B's station: refused, never moved
    into B's village."""
    root, _, b_file = two
    [(number,)] = rows(
        root / "before.sqlite", f"SELECT number FROM household WHERE village_id LIKE '{A}%' LIMIT 1"
    )
    [(village,)] = rows(
        root / "before.sqlite", f"SELECT code FROM village WHERE code LIKE '{B}%' LIMIT 1"
    )
    forged = craft(
        b_file,
        tmp_path / "forged.sqlite",
        station_key(root / "before.sqlite", STATION_B),
        (
            "INSERT INTO household_version VALUES (?, '韦某', ?, ?, NULL, '脱贫户', 1, '', "
            "'active', ' wm', '2026-10-20 10:00:00', ?)",
            (number, fix_check("45212219800101001"), village, STATION_B),
        ),
    )
    clock = at_built()
    connect(shared)
    try:
        batch = merge_files(auth.sign_in(f"county-{B}", "1234", clock), [forged], clock)
        refusal = batch.outcomes[0].refusal
        assert refusal is not None and refusal.check == OTHER_COUNTY, batch.outcomes[0].render()
        assert refusal.fields["number"] == number
        assert Household.get_by_id(number).village_id.startswith(A)
    finally:
        close()


def test_a_countys_cards_are_signed_with_its_own_card_key(two):
    """At the province's database a household's card is its own county's: B's code, B's key,
    and it checks there; B's card key does not sign A's cards."""
    root, _, _ = two
    both = root / "province.sqlite"
    [(number,)] = rows(both, f"SELECT number FROM household WHERE village_id LIKE '{B}%' LIMIT 1")
    shown = ok("card", "show", "--db", both, number)
    payload = shown.output.strip().splitlines()[-1].strip()
    assert payload.startswith(f"AX1:{B}:{number}:"), shown.output
    checked = ok("card", "check", "--db", both, payload)
    assert number in checked.output
    [(other,)] = rows(both, f"SELECT number FROM household WHERE village_id LIKE '{A}%' LIMIT 1")
    forged = payload.replace(number, other)
    assert run("card", "check", "--db", both, forged).exit_code == 1
