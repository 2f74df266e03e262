"""`aixin printer set|test` and `aixin slip --printer`: the station's receipt printer."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from db.books import awards, redemptions
from db.store.ids import human
from pos.cli import main
from tests.unit.pos.paper.test_thermal import text_part


def run(*args: object, pin: str = "1234"):
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_CLOCK": "2026-11-23T10:00:00", "AIXIN_PIN": pin}
    )


@pytest.fixture
def db_file(station, tmp_path) -> Path:
    return tmp_path / "station.sqlite"


def test_set_then_test_prints_chinese_to_the_file(db_file, tmp_path):
    lp = tmp_path / "lp0"
    result = run("printer", "set", "--db", db_file, f"file:{lp}", "--operator", "manager")
    assert result.exit_code == 0, result.output
    assert f"file:{lp}" in result.output
    result = run("printer", "test", "--db", db_file)
    assert result.exit_code == 0, result.output
    text = text_part(lp.read_bytes())
    assert "打印机测试" in text and "龙茗镇爱心超市" in text and "爱心超市积分兑换 GB18030" in text


def test_a_clerk_may_not_set_the_printer(db_file, tmp_path):
    result = run("printer", "set", "--db", db_file, "none", "--operator", "clerk")
    assert result.exit_code == 1 and "无权修改本站设置" in result.output


@pytest.mark.parametrize("spec", ["lpt1", "usb:zz:1", "network:"])
def test_a_bad_spec_is_refused_and_nothing_changes(db_file, spec):
    assert run("printer", "set", "--db", db_file, spec, "--operator", "manager").exit_code == 1
    result = run("printer", "test", "--db", db_file)
    assert result.exit_code == 1 and "aixin printer set" in result.output  # still none


def test_a_dead_printer_is_one_line(db_file, tmp_path):
    dead = f"file:{tmp_path}/gone/lp0"
    assert run("printer", "set", "--db", db_file, dead, "--operator", "manager").exit_code == 0
    result = run("printer", "test", "--db", db_file)
    assert result.exit_code == 1
    assert result.output.startswith("小票没有打印出来") and len(result.output.splitlines()) == 1


def test_image_mode_is_a_setting(db_file, tmp_path):
    lp = tmp_path / "lp0"
    args = ("printer", "set", "--db", db_file, f"file:{lp}", "--operator", "manager")
    assert "图片" in run(*args, "--image").output
    assert run("printer", "test", "--db", db_file).exit_code == 0
    assert b"\x1c\x26" not in lp.read_bytes() and b"\x1dv0" in lp.read_bytes()
    assert "文字" in run(*args, "--text").output


def test_a_slip_reprinted_on_the_printer(station, db_file, tmp_path):
    lp = tmp_path / "lp0"
    run("printer", "set", "--db", db_file, f"file:{lp}", "--operator", "manager")
    awards.award(station.manager, station.clock, "1012010001", "HJ02", 3)
    slip = redemptions.redeem(station.clerk, station.clock, "1012010001", [("G007", 1)])
    result = run("slip", "--db", db_file, human(slip.id), "--printer")
    assert result.exit_code == 0, result.output
    text = text_part(lp.read_bytes())
    assert "补打时间" in text and "张三" in text and "食盐（400 克）" in text
