"""`aixin operator add|list|disable|pin`: exit 0 / 1, one line, nothing changed on a refusal."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pos.cli import main

CLOCK = "2026-11-23T10:00:00"


@pytest.fixture
def db(station_file, tmp_path):
    """The test station, as books made by `init --setup` (not for trying: real PIN rules)."""
    path = tmp_path / "station.sqlite"
    shutil.copy(station_file, path)
    raw = sqlite3.connect(path)
    raw.execute("DELETE FROM setting WHERE name = 'trial'")
    raw.commit()
    raw.close()
    return path


def run(*args, pin="1234", new=None, lang=(), stdin=None):
    env = {"AIXIN_PIN": pin, "AIXIN_NEW_PIN": new, "AIXIN_CLOCK": None}
    return CliRunner().invoke(main, [*lang, *map(str, args)], env=env, input=stdin)


def rows(db) -> list[tuple]:
    raw = sqlite3.connect(db)
    found = raw.execute(
        "SELECT name, role, pin_hash, active, failed_pins, locked_until FROM operator ORDER BY 1"
    ).fetchall()
    found += raw.execute("SELECT * FROM operator_village ORDER BY 1, 2").fetchall()
    raw.close()
    return found


def audit(db, action):
    raw = sqlite3.connect(db)
    found = raw.execute(
        "SELECT operator, detail FROM audit WHERE action = ? ORDER BY id", (action,)
    ).fetchall()
    raw.close()
    return found


def test_add_a_cadre_for_two_villages_then_list(db):
    added = run(
        "operator", "add", "--db", db, "韦小宝", "--role", "cadre",
        "--village", "451425101201", "--village", "451425101202",
        "--household", "1012010001", "--operator", "manager", new="390417",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "已添加操作员 韦小宝（村干部）" in added.stdout
    assert audit(db, "operator-add")[-1][0] == "manager"
    listed = run("operator", "list", "--db", db, "--tsv")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0] == "name\trole\tvillages\tactive\tlocked"
    assert "韦小宝\tcadre\t451425101201,451425101202\tyes\tno" in lines
    assert "clerk\tclerk\t\tyes\tno" in lines
    award = run(
        "award", "--db", db, "--household", "1012020001", "--task", "HJ02",
        "--operator", "韦小宝", pin="390417",
    )  # fmt: skip
    assert award.exit_code == 0, award.output


def test_the_new_pin_is_asked_twice(db):
    result = run(
        "operator", "add", "--db", db, "小农", "--role", "clerk", "--operator", "manager",
        stdin="390417\n390417\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("operator", "list", "--db", db).exit_code == 0
    assert run("balance", "--db", db, "1012010001").exit_code == 0
    before = rows(db)
    differ = run(
        "operator", "add", "--db", db, "小黄", "--role", "clerk", "--operator", "manager",
        stdin="390417\n390418\n",
    )  # fmt: skip
    assert differ.exit_code == 1 and "两次输入的新密码不一样" in differ.stderr
    assert rows(db) == before


@pytest.mark.parametrize(
    ("args", "pin", "new", "says"),
    [
        (["x", "--role", "clerk", "--operator", "manager"], "1234", "1234", "太容易猜到"),
        (["x", "--role", "clerk", "--operator", "manager"], "1234", "000000", "太容易猜到"),
        (["x", "--role", "clerk", "--operator", "manager"], "1234", "123456789", "4 到 8 位"),
        (["x", "--role", "county", "--operator", "manager"], "1234", "3904", "只在县级数据库"),
        (["x", "--role", "clerk", "--operator", "clerk"], "1234", "3904", "无权管理操作员"),
        (["x", "--role", "clerk", "--operator", "manager"], "9999", "3904", "密码错误"),
        (["clerk", "--role", "clerk", "--operator", "manager"], "1234", "3904", "已经存在"),
        (["x", "--role", "clerk", "--village", "451425101201", "--operator", "manager"],
         "1234", "3904", "只有村干部"),
        (["x", "--role", "cadre", "--village", "999", "--operator", "manager"],
         "1234", "3904", "村 999 不存在"),
    ],
)  # fmt: skip
def test_add_refusals_are_one_line_and_change_nothing(db, args, pin, new, says):
    before = rows(db)
    result = run("operator", "add", "--db", db, *args, pin=pin, new=new)
    assert result.exit_code == 1, result.output
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    if says != "密码错误":  # a wrong PIN is counted, as at every sign-in
        assert rows(db) == before


def test_a_bad_role_is_a_usage_error(db):
    result = run("operator", "add", "--db", db, "x", "--role", "boss", "--operator", "manager")
    assert result.exit_code == 2


def test_disable(db):
    done = run("operator", "disable", "--db", db, "clerk", "--operator", "manager")
    assert done.exit_code == 0, done.output
    assert "clerk\tclerk\t\tno\tno" in run("operator", "list", "--db", db, "--tsv").stdout
    refused = run("balance", "--db", db, "1012010001")
    assert refused.exit_code == 0
    sale = run(
        "export", "--db", db, "--month", "2026-10", "--out", db.parent, "--operator", "clerk"
    )
    assert sale.exit_code == 1 and "不存在或已停用" in sale.stderr
    before = rows(db)
    for args, says in [
        (["clerk", "--operator", "manager"], "已经停用了"),
        (["manager", "--operator", "manager"], "不能停用自己"),
        (["cadre", "--operator", "cadre"], "无权管理操作员"),
        (["nobody", "--operator", "manager"], "不存在"),
    ]:
        result = run("operator", "disable", "--db", db, *args)
        assert result.exit_code == 1 and says in result.stderr, result.output
    assert rows(db) == before
    assert audit(db, "operator-disable") == [("manager", "clerk")]


def test_own_pin_with_the_old_one_and_a_managers_reset(db):
    own = run("operator", "pin", "--db", db, "clerk", "--operator", "clerk", new="390417")
    assert own.exit_code == 0, own.output
    assert "已修改操作员 clerk 的密码" in own.stdout
    reset = run("operator", "pin", "--db", db, "clerk", "--operator", "manager", new="681542")
    assert reset.exit_code == 0, reset.output
    check = run("operator", "pin", "--db", db, "clerk", "--operator", "clerk", pin="681542",
                new="390417")  # fmt: skip
    assert check.exit_code == 0, check.output
    assert audit(db, "operator-pin") == [
        ("clerk", "clerk 本人修改"),
        ("manager", "clerk 重设"),
        ("clerk", "clerk 本人修改"),
    ]


def test_pin_refusals(db):
    before = rows(db)
    for args, pin, new, says in [
        (["cadre", "--operator", "clerk"], "1234", "390417", "无权管理操作员"),
        (["clerk", "--operator", "clerk"], "1234", "1111", "太容易猜到"),
        (["clerk", "--operator", "clerk"], "1234", "12", "4 到 8 位"),
        (["nobody", "--operator", "manager"], "1234", "390417", "不存在"),
        (["county", "--operator", "manager"], "1234", "390417", "只在县级数据库"),
    ]:
        result = run("operator", "pin", "--db", db, *args, pin=pin, new=new)
        assert result.exit_code == 1 and says in result.stderr, result.output
    assert rows(db) == before


def test_english(db):
    result = run(
        "operator", "add", "--db", db, "x", "--role", "clerk", "--operator", "manager",
        new="1234", lang=("--lang", "en"),
    )  # fmt: skip
    assert result.exit_code == 1 and "guess" in result.stderr
    listed = run("operator", "list", "--db", db, lang=("--lang", "en"))
    assert "Village cadre" in listed.stdout or "cadre" in listed.stdout.lower()
