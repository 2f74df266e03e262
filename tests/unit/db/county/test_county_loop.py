"""The whole county loop from the command line (docs/design.md §6, §7), on three demo stations and a
mobile shop that serves one of their townships: enroll, export, merge in any order, report,
update — until every station's balances agree with the county's."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from db.books import auth, awards, redemptions, stock
from db.store.clock import FixedClock, next_month, stamp
from db.store.connection import close, connect
from pos.cli import main
from tests.county_copies import digests, to_server
from tests.county_engines import database_url, drop, fresh_postgres
from tests.county_engines import rows as engine_rows
from tests.helpers import trial_books

# Its module fixture builds demo stations into one county: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("county_loop")

BUILT = "2026-11-23T09:30:00"
DECEMBER = "2026-12-02T09:00:00"
DEMOS = ("451425-01", "451425-02", "451425-03")
MOBILE = "451425-09"
COUNTY = ("--operator", "county")  # the demo county's operator, PIN 1234
MANAGER = ("--operator", "manager")


def run(*args, clock=BUILT, pin="1234"):
    env = {"AIXIN_CLOCK": clock, "AIXIN_PIN": pin}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, **kw):
    result = run(*args, **kw)
    assert result.exit_code == 0, result.output
    return result


def rows(path, sql):
    return engine_rows(path, sql)


def books(path) -> dict[str, list]:
    names = [n for (n,) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        n: sorted(rows(path, f'SELECT * FROM "{n}"'), key=repr)
        for n in names
        if n not in ("audit", "schema_migration")
    }


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    root = tmp_path_factory.mktemp("loop")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        county = root / "county.sqlite"
        for number, code in enumerate(DEMOS, start=1):
            result = ok(
                "demo",
                "--no-ui",
                "--db",
                root / f"{code}.sqlite",
                "--county-db",
                county,
                "--station",
                code,
                "--seed",
                number,
            )
            assert "2026-07、2026-08、2026-09 的月报已并入县里" in result.output
        for code in DEMOS:
            ok(
                "export",
                "--db",
                root / f"{code}.sqlite",
                "--month",
                "2026-10",
                "--out",
                root / "october",
                *MANAGER,
            )
        shutil.copy(county, root / "county-start.sqlite")  # before any test merges October
        yield root
    close()


def files(root: Path, month: str) -> list[Path]:
    return sorted((root / month).glob("*.sqlite"))


def test_the_loop(loop):
    county = loop / "county.sqlite"
    october = files(loop, "october")
    assert len(october) == 3
    other = loop / "county-b.sqlite"
    shutil.copy(county, other)
    result = ok("county", "merge", "--db", county, *october, *COUNTY)
    assert "并入 3 份，拒收 0 份" in result.output
    ok("county", "merge", "--db", other, *reversed(october), *COUNTY)
    assert books(county) == books(other)
    again = ok("county", "merge", "--db", county, *october, *COUNTY)
    assert again.output.count("已经并入过，没有变化") == 3
    ok("verify", "--db", county)

    # A mobile shop for the first demo station's first township, serving its households too.
    result = ok(
        "county",
        "enroll",
        "--db",
        county,
        "--station",
        MOBILE,
        "--name",
        "天等镇流动超市",
        "--kind",
        "mobile",
        "--township",
        "451425100",
        "--out",
        loop / "mobile.setup",
        *COUNTY,
    )
    ok("init", "--db", loop / "mobile.sqlite", "--setup", loop / "mobile.setup")
    trial_books(loop / "mobile.sqlite")  # so that AIXIN_CLOCK dates its books, as the demos'
    connect(loop / "mobile.sqlite")
    clock = FixedClock(datetime(2026, 11, 25, 10))
    manager = auth.sign_in("manager", "1234", clock)
    stock.adjust(manager, clock, "G007", 20, "purchase", "县里配送")
    number = rows(
        loop / "mobile.sqlite",
        "SELECT number FROM household WHERE status = 'active' ORDER BY number LIMIT 1",
    )[0][0]
    awards.award(manager, clock, number, "GY02")
    redemptions.redeem(manager, clock, number, [("G007", 3)])
    close()

    stations = {**{c: loop / f"{c}.sqlite" for c in DEMOS}, MOBILE: loop / "mobile.sqlite"}
    for path in stations.values():
        november = loop / "november"
        ok(
            "export",
            "--db",
            path,
            "--month",
            "2026-11",
            "--out",
            november,
            *MANAGER,
            clock=DECEMBER,
        )
    result = ok(
        "county", "merge", "--db", county, *files(loop, "november"), *COUNTY, clock=DECEMBER
    )
    assert "并入 4 份" in result.output
    for code, path in stations.items():
        update = loop / f"update-{code}.sqlite"
        ok(
            "county",
            "update",
            "--db",
            county,
            "--station",
            code,
            "--out",
            update,
            *COUNTY,
            clock=DECEMBER,
        )
        ok("update", "--db", path, update, *MANAGER, clock=DECEMBER)
    everywhere = dict(rows(county, "SELECT number, balance FROM household"))
    for code, path in stations.items():
        here = dict(rows(path, "SELECT number, balance FROM household"))
        assert here == {n: everywhere[n] for n in here}, code
        assert "无误" in ok("verify", "--db", path).output
    assert len(dict(rows(stations[MOBILE], "SELECT number, balance FROM household"))) > 100
    ok("verify", "--db", county)

    for month, folder in (("2026-10", "october"), ("2026-11", "november")):
        out = loop / f"report-{month}.xlsx"
        result = ok(
            "county",
            "report",
            "--db",
            county,
            "--month",
            month,
            "--xlsx",
            out,
            *COUNTY,
            clock=DECEMBER,
        )
        assert "未报站点：无" in result.output
        totals = {"award": 0, "deduction": 0, "redemption": 0}
        for path in files(loop, folder):
            for kind, points in rows(
                path, "SELECT kind, SUM(points) FROM ledger_entry GROUP BY kind"
            ):
                if kind in totals:
                    totals[kind] += points
        sheet = load_workbook(out)["按站点"]
        header = [c.value for c in sheet[2]]
        last = dict(zip(header, [c.value for c in sheet[sheet.max_row]], strict=True))
        assert (last["奖励积分"], last["扣减积分"], last["兑换积分"]) == (
            totals["award"],
            -totals["deduction"],
            -totals["redemption"],
        ), month


def test_refusals_on_the_command_line(loop, tmp_path):
    county = loop / "county.sqlite"
    junk = tmp_path / "junk.sqlite"
    junk.write_text("这不是月报")
    result = run("county", "merge", "--db", county, junk, *COUNTY)
    assert result.exit_code == 1 and "拒收" in result.stderr and "文件类型不通过" in result.stderr
    assert (
        run("county", "init", "--db", county, "--county", "451425", "--name", "天等县").exit_code
        == 1
    )
    result = run(
        "county",
        "enroll",
        "--db",
        county,
        "--station",
        "451425-08",
        "--name",
        "x",
        "--township",
        "999999999",
        "--out",
        tmp_path / "x.setup",
        *COUNTY,
    )
    assert result.exit_code == 1 and "不在本县花名册中" in result.stderr
    result = run(
        "county",
        "enroll",
        "--db",
        county,
        "--station",
        "451425-01",
        "--name",
        "x",
        "--out",
        tmp_path / "y.setup",
        *COUNTY,
    )
    assert result.exit_code == 1 and "已经存在" in result.stderr
    assert not (tmp_path / "y.setup").exists()
    result = run(
        "export",
        "--db",
        loop / "451425-01.sqlite",
        "--month",
        "2026-12",
        "--out",
        tmp_path,
        *MANAGER,
    )  # the books have been written up to December 2nd at the latest
    assert result.exit_code == 1 and "还没有结束" in result.stderr
    update = tmp_path / "u.sqlite"
    ok("county", "update", "--db", county, "--station", "451425-02", "--out", update, *COUNTY)
    copy = tmp_path / "s01.sqlite"
    shutil.copy(loop / "451425-01.sqlite", copy)
    result = run("update", "--db", copy, update, *MANAGER)
    assert result.exit_code == 1 and "不是给本站" in result.stderr
    result = run("init", "--db", copy, "--setup", update)
    assert result.exit_code == 1 and "已经存在" in result.stderr
    assert run("county", "merge", "--db", county, *COUNTY).exit_code == 2
    assert run("county", "enroll", "--db", county, "--station", "451425-08", *COUNTY).exit_code == 2


def said_pin(output: str, who: str) -> str:
    found = re.search(who + r" 的初始密码：(\d+)", output)
    assert found, output
    return found.group(1)


def test_a_new_county_and_an_enrollment_from_the_command_line(tmp_path):
    """Without AIXIN_PIN: `county init` prints the county operator's PIN once, `enroll` asks
    for it and prints the new manager's, who then exports."""
    county = tmp_path / "c.sqlite"
    made = CliRunner().invoke(
        main,
        ["county", "init", "--db", str(county), "--county", "451426", "--name", "示范县"],
        env={"AIXIN_CLOCK": None, "AIXIN_PIN": None},
    )
    assert made.exit_code == 0, made.output
    assert "451426-00" in made.output
    county_pin = said_pin(made.output, "county")
    assert rows(county, "SELECT name, role FROM operator") == [("county", "county")]
    args = ["county", "enroll", "--db", str(county), "--station", "451426-01"]
    args += ["--name", "示范镇爱心超市", "--out", str(tmp_path / "s.setup"), *COUNTY]
    wrong = CliRunner().invoke(main, args, env={"AIXIN_CLOCK": BUILT, "AIXIN_PIN": "9999"})
    assert wrong.exit_code == 1 and "密码错误" in wrong.stderr
    assert not (tmp_path / "s.setup").exists()
    asked = CliRunner().invoke(
        main, args, env={"AIXIN_CLOCK": BUILT, "AIXIN_PIN": None}, input=f"{county_pin}\n"
    )
    assert asked.exit_code == 0, asked.output
    manager_pin = said_pin(asked.output, "站长账号 manager")
    result = ok("init", "--db", tmp_path / "s.sqlite", "--setup", tmp_path / "s.setup")
    assert "站点 451426-01 已建好" in result.output
    # Enrolled this month by the PC's clock; marked as the tests' books, its clock can be set
    # on to the next month, so that this one can be exported.
    [(enrolled,)] = rows(county, "SELECT enrolled FROM station WHERE code = '451426-01'")
    trial_books(tmp_path / "s.sqlite")
    later = f"{next_month(enrolled[:7])}-02T09:00:00"
    result = ok(
        "export",
        "--db",
        tmp_path / "s.sqlite",
        "--month",
        enrolled[:7],
        "--out",
        tmp_path,
        *MANAGER,
        clock=later,
        pin=manager_pin,
    )
    assert "积分条目 0 条" in result.output
    actions = rows(county, "SELECT operator, action FROM audit ORDER BY id")
    assert ("county", "county-init") in actions and ("county", "enroll") in actions


def test_no_county_command_runs_without_a_county_operator(loop, tmp_path):
    """Every county command names a county operator, signed in with the PIN; a station's
    manager, even one with the right PIN, is refused, and nothing is written."""
    county, station = tmp_path / "county.sqlite", tmp_path / "451425-01.sqlite"
    shutil.copy(loop / "county.sqlite", county)
    shutil.copy(loop / "451425-01.sqlite", station)
    october = files(loop, "october")
    out = tmp_path / "x"
    commands = [
        ("merge", *october),
        ("report", "--month", "2026-10"),
        ("update", "--station", "451425-01", "--out", out),
        ("enroll", "--station", "451425-08", "--name", "x", "--out", out),
    ]
    merged = rows(county, "SELECT * FROM monthly_file")
    for name, *rest in commands:
        bare = run("county", name, "--db", county, *rest)
        assert bare.exit_code == 2 and "--operator" in bare.output, name
        wrong = run("county", name, "--db", county, *rest, *COUNTY, pin="9999")
        assert wrong.exit_code == 1 and "密码错误" in wrong.stderr, name
        manager = run("county", name, "--db", station, *rest, *MANAGER)
        assert manager.exit_code == 1 and "无权县级汇总" in manager.stderr, name
        assert not out.exists()
    unlocked = run("county", "report", "--db", county, "--month", "2026-10", *COUNTY)
    assert unlocked.exit_code == 0, unlocked.output  # four wrong PINs in a row, then the right one
    audit = rows(county, "SELECT operator, action, detail FROM audit ORDER BY id DESC LIMIT 1")
    assert audit == [("county", "report", "2026-10")]
    assert rows(county, "SELECT * FROM monthly_file") == merged
    assert rows(county, "SELECT code FROM station WHERE code = '451425-08'") == []


def test_export_update_and_backup_need_a_manager(loop, tmp_path):
    station = tmp_path / "451425-02.sqlite"
    shutil.copy(loop / "451425-02.sqlite", station)
    [(last,)] = rows(station, "SELECT MAX(id) FROM audit")
    update = tmp_path / "u.sqlite"
    ok(
        "county",
        "update",
        "--db",
        loop / "county.sqlite",
        "--station",
        "451425-02",
        "--out",
        update,
        *COUNTY,
    )
    commands = [
        ("export", "--month", "2026-10", "--out", tmp_path / "files"),
        ("update", update),
        ("backup", "--out", tmp_path / "b.sqlite"),
    ]
    for name, *rest in commands:
        bare = run(name, "--db", station, *rest)
        assert bare.exit_code == 2 and "--operator" in bare.output, name
        clerk = run(name, "--db", station, *rest, "--operator", "clerk")
        assert clerk.exit_code == 1 and "店员 clerk 无权" in clerk.stderr, name
    assert not (tmp_path / "files").exists() and not (tmp_path / "b.sqlite").exists()
    for name, *rest in commands:
        ok(name, "--db", station, *rest, *MANAGER)
    done = rows(
        station,
        f"SELECT operator, action FROM audit WHERE id > {last} "
        "AND action IN ('export', 'update', 'backup')",
    )
    assert sorted(done) == [("manager", "backup"), ("manager", "export"), ("manager", "update")]


def test_aixin_clock_moves_no_real_countys_or_stations_time(tmp_path):
    """Books made by `county init` and `init --setup` keep the PC's time, whatever AIXIN_CLOCK
    says, and say so; stepping it on, as an attacker would, does not lift a PIN lock."""
    county = tmp_path / "c.sqlite"
    before = datetime.now().replace(microsecond=0)
    made = ok("county", "init", "--db", county, "--county", "451426", "--name", "示范县")
    ignored = "AIXIN_CLOCK 只用于演示和测试的账本"
    assert made.stderr.count(ignored) == 1 and len(made.stderr.splitlines()) == 1
    setup = tmp_path / "s.setup"
    enrolled = ok(
        "county",
        "enroll",
        "--db",
        county,
        "--station",
        "451426-01",
        "--name",
        "示范镇",
        "--out",
        setup,
        *COUNTY,
    )
    assert enrolled.stderr.count(ignored) == 1
    station = tmp_path / "s.sqlite"
    assert ignored in ok("init", "--db", station, "--setup", setup).stderr
    times = [t for (t,) in rows(county, "SELECT time FROM audit")]
    times += [t for (t,) in rows(station, "SELECT time FROM audit")]
    times += [t for (t,) in rows(county, "SELECT enrolled FROM station")]
    assert all(stamp(before) <= t <= stamp(datetime.now()) for t in times), times
    moment = datetime.fromisoformat(BUILT)
    for _ in range(5):
        result = run(
            "backup",
            "--db",
            station,
            "--out",
            tmp_path / "b.sqlite",
            *MANAGER,
            pin="0000",
            clock=moment.isoformat(),
        )
        assert result.exit_code == 1 and "密码错误" in result.stderr
    for _ in range(3):
        moment += timedelta(minutes=16)
        result = run(
            "backup",
            "--db",
            station,
            "--out",
            tmp_path / "b.sqlite",
            *MANAGER,
            clock=moment.isoformat(),
        )
        assert result.exit_code == 1 and "已锁定到" in result.stderr, result.output
    assert not (tmp_path / "b.sqlite").exists()
    assert all(
        stamp(before) <= t <= stamp(datetime.now())
        for (t,) in rows(station, "SELECT time FROM audit")
    )


def test_a_demo_is_not_enrolled_in_a_county_made_by_county_init(tmp_path, county_db):
    """A demo writes its station into the county without a county operator's PIN: only into
    a county the demo made itself (on either engine)."""
    county = county_db
    ok("county", "init", "--db", county, "--county", "451425", "--name", "天等县")
    before = digests(county)
    demo = tmp_path / "d.sqlite"
    result = run("demo", "--no-ui", "--db", demo, "--county-db", county, "--station", "451425-04")
    assert result.exit_code == 1 and "不是演示建的" in result.stderr
    assert digests(county) == before
    assert rows(county, "SELECT code FROM station") == [("451425-00",)]


def test_the_loop_on_postgresql_reports_what_sqlite_reports(loop, tmp_path, pg_template):
    """The README's loop with a postgresql:// URL for the county: the same county and the same
    October files, merged into a copy of its file and into a PostgreSQL database, give the same
    books, the same report (its lines and every cell of its workbook) and the same update."""
    start = loop / "county-start.sqlite"
    name = fresh_postgres(pg_template)
    url = database_url(name)
    try:
        to_server(start, url)
        copy = tmp_path / "county.sqlite"
        shutil.copy(start, copy)
        said, books_of, cells, updates = {}, {}, {}, {}
        for engine, county in (("sqlite", copy), ("postgres", url)):
            merged = ok("county", "merge", "--db", county, *files(loop, "october"), *COUNTY)
            assert "并入 3 份，拒收 0 份" in merged.output
            out = tmp_path / f"report-{engine}.xlsx"
            report = ok(
                "county", "report", "--db", county, "--month", "2026-10", "--xlsx", out, *COUNTY
            )
            said[engine] = report.output.replace(str(out), "FILE")
            cells[engine] = {
                sheet.title: [[c.value for c in row] for row in sheet.iter_rows()]
                for sheet in load_workbook(out).worksheets
            }
            update = tmp_path / f"update-{engine}.sqlite"
            ok("county", "update", "--db", county, "--station", DEMOS[0], "--out", update, *COUNTY)
            updates[engine] = json.loads(rows(update, "SELECT body FROM manifest")[0][0])["tables"]
            assert "无误" in ok("verify", "--db", county).output
            books_of[engine] = digests(county, skip=("audit",))
        assert said["postgres"] == said["sqlite"]
        assert cells["postgres"] == cells["sqlite"]
        assert updates["postgres"] == updates["sqlite"]
        assert books_of["postgres"] == books_of["sqlite"]
    finally:
        close()
        drop(name)
