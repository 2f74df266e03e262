"""`aixin event|transfer|visit` (docs/design.md §7): the contract, refusals in one line."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pos.cli import main
from tests.unit.db.exchange.test_transfers import MOBILE, as_mobile
from tests.unit.pos.paper.test_a4 import text_of

CLOCK = "2026-11-23T10:00:00"


def run(*args, pin="1234"):
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_PIN": pin, "AIXIN_CLOCK": CLOCK}
    )


@pytest.fixture
def db(station_file, tmp_path):
    path = tmp_path / "shop.sqlite"
    shutil.copy(station_file, path)
    return path


def rows(result) -> list[list[str]]:
    return [line.split("\t") for line in result.stdout.splitlines()]


def refused_in_one_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_an_event_from_add_to_the_sheet(db, tmp_path):
    added = run(
        "event", "add", "--db", db, "--name", "春节慰问", "--village", "451425101201",
        "--item", "G001:1", "--points", "10", "--from", "2026-11-20", "--until", "2026-12-31",
        "--operator", "manager",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    number = added.stdout.split()[1].split("：")[0]
    listed = run("event", "list", "--db", db, "--tsv")
    assert rows(listed) == [
        ["number", "name", "from", "until", "eligible", "received"],
        [number, "春节慰问", "2026-11-20", "2026-12-31", "3", "0"],
    ]
    given = run("event", "handout", "--db", db, number, "--household", "1012010001",
                "--operator", "clerk")  # fmt: skip
    assert given.exit_code == 0, given.output
    assert "节日慰问领取单" in given.stdout and "张三" in given.stdout
    again = run("event", "handout", "--db", db, number, "--household", "1012010001",
                "--operator", "clerk")  # fmt: skip
    assert "不能再领" in refused_in_one_line(again)
    other = run("event", "handout", "--db", db, number, "--household", "1012020001",
                "--operator", "clerk")  # fmt: skip
    assert "那造村" in refused_in_one_line(other)
    assert rows(run("event", "list", "--db", db, "--tsv"))[1][4:] == ["3", "1"]
    sheet = run("event", "sheet", "--db", db, number, "--village", "451425101201",
                "--out", tmp_path / "sheet.pdf")  # fmt: skip
    assert sheet.exit_code == 0, sheet.output
    text = "".join(text_of(tmp_path / "sheet.pdf"))
    for word in ("春节慰问签领表", "签名", "张三", "李四", "王五", "应领 3 户，已领 1 户"):
        assert word in text, word
    assert "赵六" not in text
    assert run("verify", "--db", db).exit_code == 0


def test_event_refusals_are_one_line(db):
    base = ["event", "add", "--db", db, "--name", "x", "--from", "2026-11-20",
            "--until", "2026-12-31", "--operator", "manager"]  # fmt: skip
    for extra in (
        [],
        ["--points", "-1"],
        ["--item", "G001"],
        ["--item", "G001:0"],
        ["--item", "NOPE:1"],
        ["--points", "1", "--category", "富户"],
    ):
        refused_in_one_line(run(*base, *extra))
    refused_in_one_line(run("event", "handout", "--db", db, "451425-03-000099",
                            "--household", "1012010001", "--operator", "clerk"))  # fmt: skip
    refused_in_one_line(run("event", "handout", "--db", db, "junk",
                            "--household", "1012010001", "--operator", "clerk"))  # fmt: skip
    assert run(*base, "--points", "2.5").exit_code == 2


def test_transfer_out_on_a_visit_and_back(db, station_file, tmp_path):
    mobile = as_mobile(station_file, tmp_path / "mobile.sqlite")
    sent = run("transfer", "send", "--db", db, "--to", MOBILE, "--item", "G007:6",
               "--operator", "manager", "--out", tmp_path / "t1")  # fmt: skip
    assert sent.exit_code == 0, sent.output
    got = run("transfer", "receive", "--db", mobile, tmp_path / "t1", "--operator", "manager")
    assert got.exit_code == 0 and "已入库" in got.stdout, got.output
    again = run("transfer", "receive", "--db", mobile, tmp_path / "t1", "--operator", "manager")
    assert again.exit_code == 0 and "没有改动" in again.stdout, again.output
    opened = run("visit", "open", "--db", mobile, "--village", "451425101201",
                 "--operator", "clerk")  # fmt: skip
    assert opened.exit_code == 0, opened.output
    assert run("award", "--db", mobile, "--household", "1012010001", "--task", "GY02",
               "--operator", "manager").exit_code == 0  # fmt: skip
    raw = sqlite3.connect(mobile)
    assert raw.execute("SELECT stock FROM item WHERE code = 'G007'").fetchone() == (6,)
    raw.close()
    closed = run("visit", "close", "--db", mobile, "--operator", "clerk")
    assert closed.exit_code == 0, closed.output
    visits = rows(run("visit", "list", "--db", mobile, "--tsv"))
    assert visits[0] == ["number", "village", "day", "closed", "households", "redemptions",
                         "handouts"]  # fmt: skip
    assert visits[1][1:3] == ["那造村", "2026-11-23"]
    back = run("transfer", "send", "--db", mobile, "--to", "451425-03", "--item", "G007:6",
               "--operator", "manager", "--out", tmp_path / "t2")  # fmt: skip
    assert back.exit_code == 0, back.output
    assert run("transfer", "receive", "--db", db, tmp_path / "t2",
               "--operator", "manager").exit_code == 0  # fmt: skip
    listed = rows(run("transfer", "list", "--db", db, "--tsv"))
    assert listed[0] == ["number", "from", "to", "time", "items", "qty", "received"]
    received = {row[1]: row[6] for row in listed[1:]}  # by sender: the order follows the time
    assert len(listed) == 3 and received[MOBILE] and not received["451425-03"]
    too_many = run("transfer", "send", "--db", db, "--to", MOBILE, "--item", "G007:999",
                   "--operator", "manager", "--out", tmp_path / "t3")  # fmt: skip
    refused_in_one_line(too_many)
    assert not (tmp_path / "t3").exists()
    refused_in_one_line(
        run("transfer", "receive", "--db", db, tmp_path / "nothing", "--operator", "manager")
    )
    refused_in_one_line(run("transfer", "receive", "--db", db, db, "--operator", "manager"))
    assert run("verify", "--db", db).exit_code == 0
    assert run("verify", "--db", mobile).exit_code == 0
