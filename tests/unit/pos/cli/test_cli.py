"""The command line contract (docs/design.md §7): exit 0 / 1 / 2, messages, --tsv columns."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pos.cli import main

# Its module fixture builds the demo station: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("cli")

CLOCK = "2026-11-23T09:30:00"


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = CliRunner().invoke(
        main, ["demo", "--no-ui", "--db", str(path), "--seed", "7"], env={"AIXIN_CLOCK": CLOCK}
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo_db(built_demo, tmp_path):
    """A private copy of the demo station for a test that writes."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(built_demo, path)
    return path


def run(*args, pin="1234", **env):
    result = CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_PIN": pin, "AIXIN_CLOCK": CLOCK, **env}
    )
    return result


def household_in(path, village_index=0, status="active"):
    """A household of the cadre's first village, not the cadre's own."""
    raw = sqlite3.connect(path)
    rows = raw.execute(
        "SELECT number FROM household WHERE status = ? AND number NOT IN "
        "(SELECT household_id FROM operator WHERE household_id IS NOT NULL) ORDER BY number",
        (status,),
    ).fetchall()
    raw.close()
    return rows[village_index][0]


def test_demo_builds_a_station_that_verifies(demo_db):
    result = run("verify", "--db", demo_db)
    assert result.exit_code == 0, result.output
    assert "账本无误" in result.stdout


def test_demo_reuses_an_existing_file(built_demo):
    result = run("demo", "--no-ui", "--db", built_demo)
    assert result.exit_code == 0 and "使用已有的演示数据库" in result.stderr


def test_balance(demo_db):
    number = household_in(demo_db)
    result = run("balance", "--db", demo_db, number)
    assert result.exit_code == 0 and number in result.stdout and "余额" in result.stdout
    missing = run("balance", "--db", demo_db, "0000000000")
    assert missing.exit_code == 1 and "户号 0000000000 不存在" in missing.stderr


def test_household_list_tsv(demo_db):
    result = run("household", "list", "--db", demo_db, "--tsv")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0] == "number\tname\tvillage\tcategory\tstatus\tbalance"
    assert len(lines) > 300 and all(len(line.split("\t")) == 6 for line in lines)
    assert {line.split("\t")[4] for line in lines[1:]} >= {"active", "moved"}
    village = sqlite3.connect(demo_db).execute("SELECT code FROM village LIMIT 1").fetchone()[0]
    some = run("household", "list", "--db", demo_db, "--village", village, "--tsv")
    assert 1 < len(some.stdout.splitlines()) < len(lines)
    assert run("household", "list", "--db", demo_db, "--village", "999").exit_code == 1


def test_catalog_list_tsv(demo_db):
    goods = run("catalog", "list", "--db", demo_db, "--tsv").stdout.splitlines()
    assert goods[0] == "code\tbarcode\tname\tunit\tprice\tstock" and len(goods) > 30
    tasks = run("catalog", "list", "--db", demo_db, "--tasks", "--tsv").stdout.splitlines()
    assert tasks[0] == "code\tname\tcategory\tpoints\tunit\tcap\tper" and len(tasks) > 20
    assert any("\t-" in line for line in tasks)


def test_award_single(demo_db):
    number = household_in(demo_db)
    result = run(
        "award",
        "--db",
        demo_db,
        "--operator",
        "manager",
        "--household",
        number,
        "--task",
        "HJ05",
        "--note",
        "改厕验收",
    )
    assert result.exit_code == 0, result.output
    assert "+10 分" in result.stdout


@pytest.mark.parametrize(
    ("args", "pin", "code", "message"),
    [
        (["--operator", "clerk", "--task", "HJ05"], "1234", 1, "无权记分"),
        (["--operator", "manager", "--task", "HJ05"], "9999", 1, "密码错误"),
        (["--operator", "manager", "--task", "NOPE"], "1234", 1, "积分项目 NOPE 不存在"),
        (["--operator", "manager", "--task", "HJ05", "--qty", "0"], "1234", 1, "数量应为 1 到"),
        (["--operator", "manager", "--task", "HJ05", "--qty", "x"], "1234", 1, "数量应为 1 到"),
        (
            ["--operator", "manager", "--task", "HJ05", "--qty", "-1"],
            "1234",
            1,
            "数量应为 1 到 1000 的整数，而不是“-1”",
        ),
        (["--operator", "manager"], "1234", 2, "--household 和 --task"),
        (["--task", "HJ05"], "1234", 2, "--operator"),
    ],
)
def test_award_refusals(demo_db, args, pin, code, message):
    number = household_in(demo_db)
    result = run("award", "--db", demo_db, "--household", number, *args, pin=pin)
    assert result.exit_code == code, result.output
    assert message in result.output


def test_award_sheet_all_or_nothing(demo_db, tmp_path):
    good, other = household_in(demo_db, 0), household_in(demo_db, 1)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        f"户号,项目编码,数量,备注\n{good},HJ05,1,改厕\n{other},NOPE,1,\n{other},HJ05,x,\n",
        encoding="utf-8",
    )
    before = run("balance", "--db", demo_db, good).stdout
    refused = run("award", "--db", demo_db, "--operator", "manager", "--from-file", sheet)
    assert refused.exit_code == 1
    assert "第 3 行" in refused.stderr and "第 4 行" in refused.stderr
    assert run("balance", "--db", demo_db, good).stdout == before
    sheet.write_text(
        f"household,task,qty,note\n{good},HJ05,1,改厕\n{other},HJ05,1,\n", encoding="utf-8"
    )
    done = run("award", "--db", demo_db, "--operator", "manager", "--from-file", sheet)
    assert done.exit_code == 0 and "2 行" in done.stdout
    assert run("verify", "--db", demo_db).exit_code == 0


def test_household_import(demo_db, tmp_path):
    village = sqlite3.connect(demo_db).execute("SELECT name FROM village LIMIT 1").fetchone()[0]
    roster = tmp_path / "roster.csv"
    roster.write_text(
        f"户号,户主,身份证号,村,类别\n9990010001,韦小红,11010519491231002X,"
        f"{village},监测户\n9990010002,黄,110105194912310021,{village},监测户\n",
        encoding="utf-8",
    )
    unsigned = run("household", "import", "--db", demo_db, roster)
    assert unsigned.exit_code == 1 and "--operator" in unsigned.stderr
    refused = run("household", "import", "--db", demo_db, roster, "--operator", "manager")
    assert refused.exit_code == 1 and "第 3 行" in refused.stderr and "校验位" in refused.stderr
    roster.write_text(
        f"户号,户主,身份证号,村,类别\n9990010001,韦小红,11010519491231002X,{village},监测户\n",
        encoding="utf-8",
    )
    clerk = run("household", "import", "--db", demo_db, roster, "--operator", "clerk")
    assert clerk.exit_code == 1 and "无权修改农户档案" in clerk.stderr
    done = run("household", "import", "--db", demo_db, roster, "--operator", "manager")
    assert done.exit_code == 0 and "新增 1 户" in done.stdout


def test_verify_fails_on_a_tampered_file(demo_db):
    raw = sqlite3.connect(demo_db)
    raw.execute("DROP TRIGGER ledger_entry_no_update")
    raw.execute(
        "UPDATE ledger_entry SET points = points + 100 WHERE id = "
        "(SELECT min(id) + 5 FROM ledger_entry)"
    )
    raw.commit()
    raw.close()
    result = run("verify", "--db", demo_db)
    assert result.exit_code == 1 and "账目链" in result.stderr


def test_verify_since_last_checks_what_came_after_the_last_check(demo_db):
    first = run("verify", "--db", demo_db, "--since-last")
    assert first.exit_code == 0, first.output
    assert "还没有核对过" in first.stdout and "账本无误" in first.stdout
    award = ("award", "--db", demo_db, "--operator", "manager", "--task", "GY02", "--household")
    assert run(*award, household_in(demo_db)).exit_code == 0
    again = run("verify", "--db", demo_db, "--since-last")
    assert again.exit_code == 0, again.output
    assert "以来的账目无误：新记 1 条积分、0 条出入库，核对了 1 户的余额" in again.stdout
    english = run("--lang", "en", "verify", "--db", demo_db, "--since-last")
    assert "0 new point entries" in english.stdout


def test_verify_integrity_checks_the_file_too(demo_db):
    result = run("verify", "--db", demo_db, "--integrity")
    assert result.exit_code == 0 and "账本无误" in result.stdout, result.output
    raw = sqlite3.connect(demo_db)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("DELETE FROM village_group WHERE code = (SELECT MIN(group_id) FROM household)")
    raw.commit()
    raw.close()
    assert run("verify", "--db", demo_db).exit_code == 0  # a reference: the file's check
    result = run("verify", "--db", demo_db, "--integrity")
    assert result.exit_code == 1 and "village_group" in result.stderr


def test_missing_or_foreign_database(tmp_path):
    result = run("verify", "--db", tmp_path / "none.sqlite")
    assert result.exit_code == 1 and "数据库文件不存在" in result.stderr
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"hello" * 100)
    result = run("verify", "--db", junk)
    assert result.exit_code == 1 and "不是 aixin 数据库" in result.stderr


def test_usage_errors_exit_2():
    assert run("verify").exit_code == 2
    assert run("nonsense").exit_code == 2
    assert run("balance", "--db", "x", "--bogus").exit_code == 2


def test_the_shop_on_a_missing_database_says_what_to_do(tmp_path):
    result = run("--db", tmp_path / "none.sqlite")
    assert result.exit_code == 1
    assert "数据库文件不存在" in result.stderr and "aixin demo" in result.stderr


def test_tables_print_names_as_they_are(demo_db):
    """A name holding brackets is printed as typed, never read as markup."""
    with sqlite3.connect(demo_db) as con:
        con.execute(
            "UPDATE household SET head_name = '[/]张[b]'"
            " WHERE number = (SELECT min(number) FROM household)"
        )
    result = run("household", "list", "--db", demo_db)
    assert result.exit_code == 0, result.output
    assert "[/]张[b]" in result.output


def test_backup_takes_what_is_still_in_the_wal_file(demo_db, tmp_path):
    till = sqlite3.connect(demo_db)  # a till still open, its newest write not yet checkpointed
    till.execute("PRAGMA wal_autocheckpoint = 0")
    till.execute(
        "INSERT INTO audit (id, time, operator, station, action, detail) "
        "VALUES (1, '2026-11-23 09:31:00', 'clerk', '451425-03', 'sign-in', 'newest')"
    )
    till.commit()
    shutil.copy(demo_db, tmp_path / "copied.sqlite")  # what copying the file gives
    out = tmp_path / "backup.sqlite"
    result = run("backup", "--db", demo_db, "--out", out, "--operator", "manager")
    assert result.exit_code == 0, result.output
    newest = "SELECT COUNT(*) FROM audit WHERE detail = 'newest'"
    assert sqlite3.connect(out).execute(newest).fetchone() == (1,)
    assert sqlite3.connect(tmp_path / "copied.sqlite").execute(newest).fetchone() == (0,)
    assert run("verify", "--db", out).exit_code == 0
    again = run("backup", "--db", demo_db, "--out", out, "--operator", "manager")
    assert again.exit_code == 1 and "已经存在" in again.stderr
    till.close()


def newest(path, table):
    raw = sqlite3.connect(path)
    number = raw.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0]
    raw.close()
    return f"{number // 10**10 // 100:06d}-{number // 10**10 % 100:02d}-{number % 10**10:06d}"


def test_slip_prints_a_redemption_or_donation_again(demo_db, tmp_path):
    number = newest(demo_db, "redemption")
    result = run("slip", "--db", demo_db, number)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("爱心超市兑换单") and number in result.stdout
    assert "补打时间" in result.stdout and "兑换后余额" in result.stdout
    gift = run("slip", "--db", demo_db, newest(demo_db, "donation"), "--donation")
    assert gift.exit_code == 0 and gift.stdout.startswith("爱心捐赠收据"), gift.output
    out = tmp_path / "again.txt"
    saved = run("slip", "--db", demo_db, number, "--out", out)
    assert saved.exit_code == 0 and out.read_text(encoding="utf-8") == result.stdout


def test_slip_refusals(demo_db, tmp_path):
    unknown = run("slip", "--db", demo_db, "451425-03-999999")
    assert unknown.exit_code == 1 and "不存在" in unknown.stderr
    garbled = run("slip", "--db", demo_db, "12345")
    assert garbled.exit_code == 1 and "单号格式不对" in garbled.stderr
    nowhere = run(
        "slip", "--db", demo_db, newest(demo_db, "redemption"), "--out", tmp_path / "no" / "x.txt"
    )
    assert nowhere.exit_code == 1 and "单据没能保存" in nowhere.stderr
    assert not (tmp_path / "no").exists()
