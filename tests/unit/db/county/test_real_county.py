"""A county from nothing, by the command line alone, with files as a county office writes them
(GBK CSV, an .xlsx), its books on SQLite and on PostgreSQL: county init → places → roster →
its own rules sheet → its own goods → enroll → init --setup → awards with the county's own
tasks → export → merge → report. Then: a cadre scoped to two villages awards and is refused in
the third; a price the county changes reaches the station by update and the redemption after
it pays the new price, the one before keeping the old; a value changed from a date reaches the
station, awards before it keep the old value, after it take the new, and the county's row
checks agree with both."""

from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from db.books import auth, redemptions
from db.store.clock import FixedClock
from db.store.connection import close, connect
from pos.cli import main
from tests.county_engines import rows as engine_rows
from tests.helpers import trial_books

PIN = "4826"
CADRE_PIN = "5731"
PLACES = """乡镇代码,乡镇,村代码,村,组
451425100000,城关镇,451425100201,那良村,一组
451425100000,城关镇,451425100202,陇林村,
451425100000,城关镇,451425100203,岜独村,
451425101000,龙茗镇,451425101201,弄在村,上屯
"""
RULES = """编码,名称,类别,分值,单位,上限,上限周期
TD01,参加“清洁家园”大扫除,环境卫生,3,次,9,月
TD02,护林防火巡查,公益劳动,20,月,20,
TD04,乱堆乱放,扣分,-5,次,,
TD05,家庭年度文明评比,乡风文明,10,项,20,年
"""

GOODS = """编码,名称,单位,类别,积分价
TG01,食用油（5 升）,桶,粮油副食,5
TG02,洗衣粉,袋,日用品,2
"""


def run(*args, clock, pin=PIN):
    env = {"AIXIN_PIN": pin, "AIXIN_CLOCK": clock, "AIXIN_NEW_PIN": CADRE_PIN}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, clock, pin=PIN):
    result = run(*args, clock=clock, pin=pin)
    assert result.exit_code == 0, (args, result.output)
    return result


def rows(db, sql):
    return engine_rows(db, sql)


def merge_month(station, county, files, month, exported, merged):
    """The station's month file, exported at `exported` into `files`, merged whole at
    `merged`."""
    manager, office = ("--operator", "manager"), ("--operator", "county")
    ok("export", "--db", station, "--month", month, "--out", files, *manager, clock=exported)
    done = ok("county", "merge", "--db", county, *files.glob(f"*{month}*"), *office, clock=merged)
    assert "拒收 0 份" in done.output, done.output


def a_county_from_nothing(tmp_path, county):
    """`county`: where the county's books go (a SQLite path, or a PostgreSQL URL)."""
    station = tmp_path / "station.sqlite"
    office = ("--operator", "county")
    day = "2026-12-01T09:00:00"
    ok("county", "init", "--db", county, "--county", "451425", "--name", "天等县", clock=day)
    trial_books(county)
    (tmp_path / "places.csv").write_bytes(PLACES.encode("gbk"))
    ok("county", "places", "import", "--db", county, tmp_path / "places.csv", *office, clock=day)
    roster = Workbook()
    roster.active.append(["户号", "户主", "身份证号", "村代码", "组", "类别"])
    roster.active.append(
        ["1000020101", "农秀英", "11010519491231002X", "451425100201", "一组", "脱贫户"]
    )
    roster.active.append(
        ["1000020201", "黄文", "110105194912310038", "451425100202", None, "监测户"]
    )
    roster.active.append(
        ["1000020301", "黄秀兰", "110105195001010012", "451425100203", None, "脱贫户"]
    )
    roster.save(tmp_path / "roster.xlsx")
    ok("household", "import", "--db", county, tmp_path / "roster.xlsx", *office, clock=day)
    (tmp_path / "rules.csv").write_bytes(RULES.encode("gbk"))
    ok("catalog", "import", "--db", county, "--tasks", tmp_path / "rules.csv", *office, clock=day)
    (tmp_path / "goods.csv").write_bytes(GOODS.encode("gbk"))
    ok("catalog", "import", "--db", county, tmp_path / "goods.csv", *office, clock=day)
    setup = tmp_path / "station.setup"
    ok(
        "county",
        "enroll",
        "--db",
        county,
        "--station",
        "451425-01",
        "--name",
        "城关镇爱心超市",
        "--township",
        "451425100",
        "--out",
        setup,
        *office,
        clock=day,
    )
    ok("init", "--db", station, "--setup", setup, clock=day)
    trial_books(station)
    listed = ok("catalog", "list", "--db", station, "--tasks", "--tsv", clock=day).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()[1:]] == [
        "TD01",
        "TD02",
        "TD04",
        "TD05",
    ]

    manager = ("--operator", "manager")
    award = ("award", "--db", station, *manager, "--household", "1000020101")
    ok(*award, "--task", "TD01", "--qty", "2", clock="2026-12-10T10:00:00")
    retired = run(*award, "--task", "HJ01", clock="2026-12-10T10:01:00")
    assert retired.exit_code == 1 and "已停用" in retired.stderr  # a default: not this county's
    over = run(*award, "--task", "TD01", "--qty", "2", clock="2026-12-10T10:02:00")
    assert over.exit_code == 1 and "每户每月最多 9 分" in over.stderr
    refused = run(
        "catalog", "import", "--db", station, "--tasks", tmp_path / "rules.csv", *manager, clock=day
    )
    assert refused.exit_code == 1 and "不能修改" in refused.stderr

    files = tmp_path / "files"
    merge_month(station, county, files, "2026-12", "2027-01-02T09:00:00", "2027-01-02T10:00:00")
    book = tmp_path / "report.xlsx"
    ok(
        "county",
        "report",
        "--db",
        county,
        "--month",
        "2026-12",
        "--xlsx",
        book,
        *office,
        clock="2027-01-02T11:00:00",
    )
    assert rows(county, "SELECT task_id, points FROM ledger_entry") == [("TD01", 6)]

    return county, station, files


def test_a_county_from_nothing_with_its_own_rules(tmp_path, county_db):
    county, station, files = a_county_from_nothing(tmp_path, county_db)
    office, manager = ("--operator", "county"), ("--operator", "manager")
    award = ("award", "--db", station, *manager, "--household", "1000020101")
    # A new value from 01-15: the station has it by update; the awards on each side keep theirs.
    (tmp_path / "rules2.csv").write_bytes(RULES.replace(",3,次,9", ",4,次,12").encode("gbk"))
    done = ok(
        "catalog",
        "import",
        "--db",
        county,
        "--tasks",
        tmp_path / "rules2.csv",
        "--from",
        "2027-01-15",
        *office,
        clock="2027-01-02T12:00:00",
    )
    assert "改分值 1 项（2027-01-15 起）" in done.output
    update = tmp_path / "u1.update"
    ok(
        "county",
        "update",
        "--db",
        county,
        "--station",
        "451425-01",
        "--out",
        update,
        *office,
        clock="2027-01-02T12:30:00",
    )
    ok("update", "--db", station, update, *manager, clock="2027-01-03T09:00:00")
    assert rows(
        station, "SELECT since, points FROM task_value WHERE task_id = 'TD01' ORDER BY since"
    ) == [
        ("0001-01-01", 3),
        ("2027-01-15", 4),
    ]
    ok(*award, "--task", "TD01", clock="2027-01-10T10:00:00")
    ok(*award, "--task", "TD01", clock="2027-01-20T10:00:00")
    assert [p for (p,) in rows(station, "SELECT points FROM ledger_entry ORDER BY id")] == [6, 3, 4]
    merge_month(station, county, files, "2027-01", "2027-02-02T09:00:00", "2027-02-02T10:00:00")
    assert [p for (p,) in rows(county, "SELECT points FROM ledger_entry ORDER BY id")] == [6, 3, 4]


def test_a_station_that_awards_at_an_old_value_is_refused_at_the_county(tmp_path, county_db):
    """The county trusts no station's arithmetic: an award after the new value holds, at the
    old value (a station that never took its update, or a forged file), is refused."""
    county, station, files = a_county_from_nothing(tmp_path, county_db)
    office, manager = ("--operator", "county"), ("--operator", "manager")
    (tmp_path / "rules2.csv").write_bytes(RULES.replace(",3,次,9", ",4,次,12").encode("gbk"))
    ok(
        "catalog",
        "import",
        "--db",
        county,
        "--tasks",
        tmp_path / "rules2.csv",
        "--from",
        "2027-01-15",
        *office,
        clock="2027-01-02T12:00:00",
    )
    award = ("award", "--db", station, *manager, "--household", "1000020101")
    ok(*award, "--task", "TD01", clock="2027-01-20T10:00:00")  # no update: still 3 here
    ok(
        "export",
        "--db",
        station,
        "--month",
        "2027-01",
        "--out",
        files,
        *manager,
        clock="2027-02-02T09:00:00",
    )
    before = rows(county, "SELECT * FROM ledger_entry ORDER BY id")
    merged = run(
        "county",
        "merge",
        "--db",
        county,
        *files.glob("*2027-01*"),
        *office,
        clock="2027-02-02T10:00:00",
    )
    assert merged.exit_code == 1 and "不等于项目 TD01 的分值 4" in merged.stderr, merged.output
    assert rows(county, "SELECT * FROM ledger_entry ORDER BY id") == before


def test_a_yearly_cap_holds_across_stations_and_months_at_the_county(tmp_path, county_db):
    """Two stations serve one household and never exchange updates: each keeps the yearly cap
    with what it knows, and the county, counting the whole year, refuses the file that breaks it."""
    county, station, files = a_county_from_nothing(tmp_path, county_db)
    office, manager = ("--operator", "county"), ("--operator", "manager")
    other, setup = tmp_path / "other.sqlite", tmp_path / "other.setup"
    ok(
        "county",
        "enroll",
        "--db",
        county,
        "--station",
        "451425-02",
        "--name",
        "流动超市",
        "--kind",
        "mobile",
        "--out",
        setup,
        *office,
        clock="2027-01-02T13:00:00",
    )
    ok("init", "--db", other, "--setup", setup, clock="2027-01-02T13:00:00")
    trial_books(other)
    for db, when in ((station, "2027-01-05T10:00:00"), (station, "2027-01-06T10:00:00")):
        ok("award", "--db", db, *manager, "--household", "1000020101", "--task", "TD05", clock=when)
    over = run(
        "award",
        "--db",
        station,
        *manager,
        "--household",
        "1000020101",
        "--task",
        "TD05",
        clock="2027-01-07T10:00:00",
    )
    assert over.exit_code == 1 and "每户每年最多 20 分" in over.stderr
    ok(
        "award",
        "--db",
        other,
        *manager,
        "--household",
        "1000020101",
        "--task",
        "TD05",
        clock="2027-01-08T10:00:00",
    )
    for db in (station, other):
        ok(
            "export",
            "--db",
            db,
            "--month",
            "2027-01",
            "--out",
            files,
            *manager,
            clock="2027-02-02T09:00:00",
        )
    first = ok(
        "county",
        "merge",
        "--db",
        county,
        *files.glob("*451425-01-2027-01*"),
        *office,
        clock="2027-02-02T10:00:00",
    )
    assert "拒收 0 份" in first.output
    second = run(
        "county",
        "merge",
        "--db",
        county,
        *files.glob("*451425-02-2027-01*"),
        *office,
        clock="2027-02-02T10:30:00",
    )
    assert second.exit_code == 1 and "超过每户每年上限 20 分" in second.stderr, second.output


def redeem_one(station, household, code, when):
    """A redemption at the till of `station`, by its manager, of one `code` (the till's F10)."""
    clock = FixedClock(datetime.fromisoformat(when))
    connect(station)
    try:
        manager = auth.sign_in("manager", PIN, clock)
        return redemptions.redeem(manager, clock, household, [(code, 1)])
    finally:
        close()


def test_a_cadre_of_two_villages_and_a_price_the_county_changes(tmp_path, county_db):
    """The rest of a county from nothing: a cadre the station adds for two of its three
    villages awards with the county's own task and is refused in the third; the county
    changes a price, the station has it by update, and the redemption after it pays the new
    price while the one before keeps the old; January's file reaches the county report with
    the county's own tasks in it."""
    county, station, files = a_county_from_nothing(tmp_path, county_db)
    office, manager = ("--operator", "county"), ("--operator", "manager")
    two_villages = ("--village", "451425100201", "--village", "451425100202")
    added = ok(
        "operator",
        "add",
        "--db",
        station,
        "lan",
        "--role",
        "cadre",
        *two_villages,
        *manager,
        clock="2027-01-04T09:00:00",
    )
    assert "已添加操作员 lan（村干部）" in added.output
    cadre = ("award", "--db", station, "--operator", "lan", "--task", "TD02")
    ok(*cadre, "--household", "1000020201", clock="2027-01-04T10:00:00", pin=CADRE_PIN)
    outside = run(*cadre, "--household", "1000020301", clock="2027-01-04T10:01:00", pin=CADRE_PIN)
    assert outside.exit_code == 1 and "岜独村" in outside.stderr, outside.output

    gift = ("donation", "add", "--db", station, "--donor", "县供销社", "--company")
    ok(*gift, "--item", "TG01:10", *manager, clock="2027-01-05T09:00:00")
    before = redeem_one(station, "1000020201", "TG01", "2027-01-05T10:00:00")
    changed = ok(
        "catalog", "price", "--db", county, "TG01", "7", *office, clock="2027-01-06T09:00:00"
    )
    assert "从 5 分改为 7 分" in changed.output
    update = tmp_path / "prices.update"
    ok(
        "county",
        "update",
        "--db",
        county,
        "--station",
        "451425-01",
        "--out",
        update,
        *office,
        clock="2027-01-06T09:30:00",
    )
    ok("update", "--db", station, update, *manager, clock="2027-01-07T08:00:00")
    after = redeem_one(station, "1000020201", "TG01", "2027-01-07T10:00:00")
    assert (before.total, before.balance_after, after.total, after.balance_after) == (5, 15, 7, 8)
    assert rows(station, "SELECT price FROM redemption_line ORDER BY id") == [(5,), (7,)]

    merge_month(station, county, files, "2027-01", "2027-02-02T09:00:00", "2027-02-02T10:00:00")
    assert rows(
        county, "SELECT points FROM ledger_entry WHERE household_id = '1000020201' ORDER BY id"
    ) == [(20,), (-5,), (-7,)]
    book = tmp_path / "january.xlsx"
    ok(
        "county",
        "report",
        "--db",
        county,
        "--month",
        "2027-01",
        "--xlsx",
        book,
        *office,
        clock="2027-02-02T11:00:00",
    )
    sheet = load_workbook(book)["按积分类别"].iter_rows(values_only=True)
    awarded = {row[0]: row[1] for row in sheet if isinstance(row[1], int)}  # below the heading
    assert awarded == {"（兑换、调整等，无积分项目）": 0, "公益劳动": 20, "合计": 20}  # TD02's
