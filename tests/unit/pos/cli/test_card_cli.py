"""`aixin card show|check|reissue`: output, refusals, exit codes 0, 1, 2 (docs/design.md §7)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from db.books import households
from db.books.households import HouseholdForm, set_status
from db.store.models import Audit
from pos.cli import main


@pytest.fixture
def db_file(station, tmp_path):
    return tmp_path / "station.sqlite"


def run(*args: object, pin: str | None = "1234", stdin: str | None = None):
    env = {"AIXIN_CLOCK": "2026-11-23T10:00:00", "AIXIN_PIN": pin}
    return CliRunner().invoke(main, [str(a) for a in args], env=env, input=stdin)


def show(db_file, household: str) -> str:
    result = run("card", "show", "--db", db_file, household)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_show_prints_only_the_payload(db_file):
    result = run("card", "show", "--db", db_file, "1012010001")
    assert result.exit_code == 0
    assert result.output.startswith("AX1:451425:1012010001:1:") and result.output.count("\n") == 1


def test_check_shows_the_household_with_masked_id(db_file):
    result = run("card", "check", "--db", db_file, show(db_file, "1012010001"))
    assert result.exit_code == 0, result.output
    assert "有效卡：张三（1012010001），第 1 张" in result.output
    assert "4514**********0017" in result.output  # masked, never the whole number
    assert "451425198001010017" not in result.output
    assert "龙茗镇那造村" in result.output and "积分余额：0 分" in result.output


def test_check_reads_a_scanner_line_from_stdin(db_file):
    line = show(db_file, "1012020002").lower() + "\r\n"
    result = run("card", "check", "--db", db_file, "-", stdin=line)
    assert result.exit_code == 0 and "黄建华" in result.output


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"), "卡的校验码不对"),
        (lambda p: p.replace("451425", "451421"), "这张卡属于县代码 451421"),
        (lambda p: p[:20], "这不是爱心积分卡的二维码"),
    ],
)
def test_check_refuses_with_the_reason_and_exit_1(db_file, change, words):
    result = run("card", "check", "--db", db_file, change(show(db_file, "1012010001")))
    assert result.exit_code == 1
    assert words in result.output


def test_check_refuses_inactive_household(db_file, station):
    payload = show(db_file, "1012020001")
    set_status(station.manager, station.clock, "1012020001", "removed")
    result = run("card", "check", "--db", db_file, payload)
    assert result.exit_code == 1 and "状态是“注销”，不能兑换" in result.output


def test_reissue_revokes_the_old_card(db_file):
    old = show(db_file, "1012010002")
    result = run("card", "reissue", "--db", db_file, "1012010002", "--operator", "manager",
                 "--note", "卡丢了")  # fmt: skip
    assert result.exit_code == 0, result.output
    new = show(db_file, "1012010002")
    assert "补发第 2 张卡，第 1 张卡已作废" in result.output and new in result.output
    refused = run("card", "check", "--db", db_file, old)
    assert refused.exit_code == 1 and "作废" in refused.output
    assert run("card", "check", "--db", db_file, new).exit_code == 0
    assert Audit.select().where(Audit.action == "card-reissue").get().operator == "manager"


def test_reissue_to_a_household_without_a_card_says_it_issued_the_first(station, db_file):
    form = HouseholdForm("1012010009", "韦小红", "11010519491231002X", "451425101201", "监测户")
    households.save(station.manager, station.clock, form, station="451425-03", new=True)
    result = run("card", "reissue", "--db", db_file, "1012010009", "--operator", "manager")
    assert result.exit_code == 0, result.output
    assert "已为 韦小红（1012010009）发放第 1 张卡。" in result.output
    assert "补发" not in result.output and "作废" not in result.output
    assert show(db_file, "1012010009").split(":")[3] == "1"
    assert Audit.select().where(Audit.action == "card-issue").count() == 7  # 6 at setup


def test_reissue_asks_for_the_pin_when_not_in_the_environment(db_file):
    result = run("card", "reissue", "--db", db_file, "1012010002", "--operator", "manager",
                 pin=None, stdin="1234\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert show(db_file, "1012010002").split(":")[3] == "2"


@pytest.mark.parametrize(
    ("operator", "pin", "words"),
    [
        ("clerk", "1234", "店员 clerk 无权发卡或补卡"),
        ("cadre", "1234", "村干部 cadre 无权发卡或补卡"),
        ("manager", "9999", "密码错误"),
    ],
)
def test_reissue_refusals_exit_1_and_keep_the_card(db_file, operator, pin, words):
    before = show(db_file, "1012010002")
    result = run("card", "reissue", "--db", db_file, "1012010002", "--operator", operator, pin=pin)
    assert result.exit_code == 1
    assert words in result.output
    assert show(db_file, "1012010002") == before


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["card", "show", "--db", "{db}", "9999999999"], 1, "户号 9999999999 不存在"),
        (["card", "show", "--db", "{db}"], 2, "Missing argument 'HOUSEHOLD'"),
        (["card", "check", "--db", "{db}"], 2, "Missing argument 'PAYLOAD'"),
        (["card", "reissue", "--db", "{db}", "1012010001"], 2, "Missing option '--operator'"),
        (["card", "check", "--db", "{tmp}/none.sqlite", "AX1:"], 1, "数据库文件不存在"),
        (["card", "shred", "--db", "{db}"], 2, "No such command 'shred'"),
    ],
)
def test_exit_codes(db_file, tmp_path, args, code, words):
    result = run(*[a.format(db=db_file, tmp=tmp_path) for a in args])
    assert result.exit_code == code, result.output
    assert words in result.output


def test_every_card_command_has_chinese_help():
    for path in (["card"], ["card", "show"], ["card", "check"], ["card", "reissue"],
                 ["cards"], ["cards", "print"]):  # fmt: skip
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0
        summary = result.output.split("\n\n")[1]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), path
