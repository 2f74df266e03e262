"""The whole county loop from the command line (DESIGN.md §6, §7), on three demo stations and a
mobile shop that serves one of their townships: enroll, export, merge in any order, report,
update — until every station's balances agree with the county's."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from db.books import auth, awards, redemptions, stock
from db.store.clock import FixedClock, next_month
from db.store.connection import close, connect
from pos.cli import main
from tests.helpers import trial_books

BUILT = "2026-11-23T09:30:00"
DECEMBER = "2026-12-02T09:00:00"
DEMOS = ("451425-01", "451425-02", "451425-03")
MOBILE = "451425-09"


def run(*args, clock=BUILT, pin="1234"):
    env = {"AIXIN_CLOCK": clock, "AIXIN_PIN": pin}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, **kw):
    result = run(*args, **kw)
    assert result.exit_code == 0, result.output
    return result


def rows(path, sql):
    raw = sqlite3.connect(path)
    found = raw.execute(sql).fetchall()
    raw.close()
    return found


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
            )
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
    result = ok("county", "merge", "--db", county, *october)
    assert "并入 3 份，拒收 0 份" in result.output
    ok("county", "merge", "--db", other, *reversed(october))
    assert books(county) == books(other)
    again = ok("county", "merge", "--db", county, *october)
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
        ok("export", "--db", path, "--month", "2026-11", "--out", loop / "november", clock=DECEMBER)
    result = ok("county", "merge", "--db", county, *files(loop, "november"), clock=DECEMBER)
    assert "并入 4 份" in result.output
    for code, path in stations.items():
        update = loop / f"update-{code}.sqlite"
        ok("county", "update", "--db", county, "--station", code, "--out", update, clock=DECEMBER)
        ok("update", "--db", path, update, clock=DECEMBER)
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
            "county", "report", "--db", county, "--month", month, "--xlsx", out, clock=DECEMBER
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
    result = run("county", "merge", "--db", county, junk)
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
    )
    assert result.exit_code == 1 and "已经存在" in result.stderr
    assert not (tmp_path / "y.setup").exists()
    result = run(
        "export", "--db", loop / "451425-01.sqlite", "--month", "2026-12", "--out", tmp_path
    )  # the books have been written up to December 2nd at the latest
    assert result.exit_code == 1 and "还没有结束" in result.stderr
    update = tmp_path / "u.sqlite"
    ok("county", "update", "--db", county, "--station", "451425-02", "--out", update)
    copy = tmp_path / "s01.sqlite"
    shutil.copy(loop / "451425-01.sqlite", copy)
    result = run("update", "--db", copy, update)
    assert result.exit_code == 1 and "不是给本站" in result.stderr
    result = run("init", "--db", copy, "--setup", update)
    assert result.exit_code == 1 and "已经存在" in result.stderr
    assert run("county", "merge", "--db", county).exit_code == 2
    assert run("county", "enroll", "--db", county, "--station", "451425-08").exit_code == 2


def test_a_new_county_and_an_enrollment_from_the_command_line(tmp_path):
    county = tmp_path / "c.sqlite"
    result = ok("county", "init", "--db", county, "--county", "451426", "--name", "示范县")
    assert "451426-00" in result.output
    env_free = CliRunner().invoke(
        main,
        [
            "county",
            "enroll",
            "--db",
            str(county),
            "--station",
            "451426-01",
            "--name",
            "示范镇爱心超市",
            "--out",
            str(tmp_path / "s.setup"),
        ],
        env={"AIXIN_CLOCK": BUILT, "AIXIN_PIN": ""},
    )
    assert env_free.exit_code == 0, env_free.output
    assert "初始密码" in env_free.output
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
        clock=later,
    )
    assert "积分条目 0 条" in result.output
