"""Issue 13's acceptance, from the command line: produce sold for cash through a month file
to the county report, and a notice for one category reaching two stations by update."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from db.books import auth
from pos.cli import main

# Its module fixture builds demo stations into one county: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("produce_loop")

BUILT = "2026-11-23T09:30:00"
DECEMBER = "2026-12-02T09:00:00"
STATIONS = ("451425-01", "451425-02")
COUNTY = ("--operator", "county")
MANAGER = ("--operator", "manager")
CLERK = ("--operator", "clerk")


def run(*args, clock=BUILT, pin="1234"):
    env = {"AIXIN_CLOCK": clock, "AIXIN_PIN": pin}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args, **kw):
    result = run(*args, **kw)
    assert result.exit_code == 0, result.output
    return result


def refused(*args, **kw):
    result = run(*args, **kw)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result


def rows(path, sql, *params):
    raw = sqlite3.connect(path)
    found = raw.execute(sql, params).fetchall()
    raw.close()
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("produce")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        for number, code in enumerate(STATIONS, start=1):
            ok(
                "demo", "--no-ui", "--db", root / f"{code}.sqlite",
                "--county-db", root / "county.sqlite", "--station", code, "--seed", number,
            )  # fmt: skip
        yield root


def first_household(path, category=None, other_than=None):
    sql = "SELECT number, category FROM household WHERE status = 'active'"
    found = rows(path, sql + " ORDER BY number")
    for number, kind in found:
        if (category is None or kind == category) and (other_than is None or kind != other_than):
            return number, kind
    raise AssertionError("no such household")


def test_produce_through_a_month_file_to_the_county_report(world, monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)
    shop = world / "451425-01.sqlite"
    number, _ = first_household(shop)
    result = ok(
        "produce", "intake", "--db", shop, "--household", number, "--name", "土鸡蛋",
        "--unit", "个", "--qty", "30", "--price", "1.5", *CLERK,
    )  # fmt: skip
    lot = result.output.split("已收代销品 ")[1].split("：")[0]
    refused(
        "produce", "intake", "--db", shop, "--household", number, "--name", "蜂蜜",
        "--unit", "瓶", "--qty", "2", "--price", "12.345", *CLERK,
    )  # fmt: skip
    ok("produce", "sell", "--db", shop, "--lot", lot, "--qty", "12", "--buyer", "县人社局", *CLERK)
    over = refused("produce", "sell", "--db", shop, "--lot", lot, "--qty", "19", *CLERK)
    assert "只剩 18 个" in over.output
    slip = ok("produce", "payout", "--db", shop, "--household", number, *CLERK)
    [paid] = [line for line in slip.output.splitlines() if line.startswith("合计付款")]
    assert paid.endswith("18.00 元") and "农户签字" in slip.output
    twice = refused("produce", "payout", "--db", shop, "--household", number, *CLERK)
    assert "没有待付的代销款" in twice.output
    ok("produce", "sell", "--db", shop, "--lot", lot, "--qty", "2", *CLERK)  # 3.00 in the till
    close = ok("produce", "close", "--db", shop, "--counted", "2.5", "--note", "少五毛", *CLERK)
    assert "短款 0.50 元" in close.output and "账面应有：3.00 元" in close.output
    listed = ok("produce", "list", "--db", shop, "--household", number, "--tsv")
    assert listed.output.splitlines() == [
        "lot\thousehold\tname\tunit\tin\tsold\tprice\towed\tpaid",
        f"{lot}\t{number}\t土鸡蛋\t个\t30\t14\t1.50\t3.00\t18.00",
    ]
    ok("verify", "--db", shop)

    for month in ("2026-10", "2026-11"):
        ok("export", "--db", shop, "--month", month, "--out", world / "files", *MANAGER,
           clock=DECEMBER)  # fmt: skip
    october, month_file = sorted((world / "files").glob("*.sqlite"))
    tables = dict(rows(month_file, "SELECT 'lots', COUNT(*) FROM produce_lot"))
    assert tables == {"lots": 1}
    county = world / "county.sqlite"
    merged = ok("county", "merge", "--db", county, october, month_file, *COUNTY, clock=DECEMBER)
    assert "并入 2 份" in merged.output
    ok("verify", "--db", county, clock=DECEMBER)
    report = ok("county", "report", "--db", county, "--month", "2026-11", *COUNTY, clock=DECEMBER)
    assert "代销：卖出 1 户，收入 21.00 元，付给农户 18.00 元" in report.output
    sold = rows(county, "SELECT SUM(amount_fen) FROM produce_sale")[0][0]
    assert sold == 2100


def test_a_notice_for_one_category_reaches_two_stations(world, monkeypatch, tmp_path):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)
    county = world / "county.sqlite"
    category = rows(county, "SELECT category FROM household GROUP BY category "
                    "ORDER BY COUNT(*) DESC LIMIT 1")[0][0]  # fmt: skip
    result = ok(
        "notice", "add", "--db", county, "--title", "缴纳医保", "--text",
        "请于 12 月 31 日前缴纳 2027 年医保", "--from", "2026-11-20", "--until", "2026-12-31",
        "--category", category, *COUNTY,
    )  # fmt: skip
    assert "已发布通知" in result.output
    refused("notice", "add", "--db", county, "--title", "x", "--text", "y", "--category", "富户",
            *COUNTY)  # fmt: skip
    refused("notice", "add", "--db", county, "--title", "x", "--text", "y", "--from", "2026-13-01",
            *COUNTY)  # fmt: skip
    listed = ok("notice", "list", "--db", county, "--tsv")
    assert listed.output.splitlines()[0] == "number\ttitle\tfrom\tuntil\tfor"
    assert "缴纳医保\t2026-11-20\t2026-12-31" in listed.output
    for code in STATIONS:
        shop = world / f"{code}.sqlite"
        out = world / f"{code}.update"
        ok("county", "update", "--db", county, "--station", code, "--out", out, *COUNTY)
        ok("update", "--db", shop, out, *MANAGER)
        meant, _ = first_household(shop, category=category)
        other, _ = first_household(shop, other_than=category)
        payload = ok("card", "show", "--db", shop, meant).output.strip()
        shown = ok("card", "check", "--db", shop, payload)
        assert "该户通知：缴纳医保——请于 12 月 31 日前缴纳 2027 年医保" in shown.output
        payload = ok("card", "show", "--db", shop, other).output.strip()
        assert "缴纳医保" not in ok("card", "check", "--db", shop, payload).output
        mine = ok("notice", "list", "--db", shop, "--household", meant, "--tsv").output
        assert "缴纳医保" in mine
        assert "缴纳医保" not in ok("notice", "list", "--db", shop, "--household", other).output
    # and the sheet for the wall, at a station the notice reached
    out = tmp_path / "notices.pdf"
    ok("notice", "sheet", "--db", shop, "--out", out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "政策通知" in text
    assert "缴纳医保" in text and "请于 12 月 31 日前缴纳 2027 年医保" in text
