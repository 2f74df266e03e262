"""The county office's own commands on both engines (the county's books a SQLite file, then a
PostgreSQL database): settings, notices and verify behave alike, with the same refusals, and a
refusal changes nothing."""

from __future__ import annotations

from click.testing import CliRunner

from db.store.connection import close, connect
from pos.cli import main
from tests.county_copies import digests
from tests.county_engines import rows, run_sql
from tests.county_world import SHOP

COUNTY = ("--operator", "county")
JANUARY = "2027-01-05T09:00:00"


def run(*args, pin="1234"):
    env = {"AIXIN_PIN": pin, "AIXIN_CLOCK": JANUARY}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def ok(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


# What a refused command may still write: its sign-in, and a wrong PIN's count.
SIGN_IN = ("audit", "operator")


def refused(county, *args, pin="1234"):
    before = digests(county, skip=SIGN_IN)
    result = run(*args, pin=pin)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert digests(county, skip=SIGN_IN) == before
    return result.stderr


def test_posting_days_are_set_and_refused_alike(county):
    ok("county", "settings", "--db", county, "--posting-days", "3", *COUNTY)
    assert rows(county, "SELECT posting_days FROM county") == [(3,)]
    assert "0 到 30" in refused(county, "county", "settings", "--db", county, "--posting-days",
                                "31", *COUNTY)  # fmt: skip
    assert "密码错误" in refused(county, "county", "settings", "--db", county, "--posting-days",
                                 "5", *COUNTY, pin="9999")  # fmt: skip
    assert rows(county, "SELECT posting_days FROM county") == [(3,)]


def test_the_honour_rolls_naming_of_deductions_is_set_and_refused_alike(county):
    assert rows(county, "SELECT roll_names_deductions FROM county") == [(0,)]
    done = ok("county", "settings", "--db", county, "--name-deductions", "yes", *COUNTY)
    assert "按户列出扣分户的姓名" in done.output
    assert rows(county, "SELECT roll_names_deductions, posting_days FROM county") == [(1, 0)]
    assert "--posting-days 或 --name-deductions" in refused(county, "county", "settings",
                                                            "--db", county, *COUNTY)  # fmt: skip
    assert "密码错误" in refused(county, "county", "settings", "--db", county,
                                 "--name-deductions", "no", *COUNTY, pin="9999")  # fmt: skip
    ok("county", "settings", "--db", county, "--name-deductions", "no", "--posting-days", "2",
       *COUNTY)  # fmt: skip
    assert rows(county, "SELECT roll_names_deductions, posting_days FROM county") == [(0, 2)]


def test_a_notice_is_added_listed_and_sent(county, tmp_path):
    done = ok("notice", "add", "--db", county, "--title", "缴纳医保", "--text", "12 月 31 日前",
              "--from", "2027-01-05", "--township", "451425101", *COUNTY)  # fmt: skip
    assert "已发布通知" in done.output
    assert "富户" in refused(county, "notice", "add", "--db", county, "--title", "x", "--text",
                             "y", "--category", "富户", *COUNTY)  # fmt: skip
    listed = ok("notice", "list", "--db", county, "--tsv").output.splitlines()
    assert listed[0] == "number\ttitle\tfrom\tuntil\tfor" and "缴纳医保\t2027-01-05" in listed[1]
    out = tmp_path / "update.sqlite"
    ok("county", "update", "--db", county, "--station", SHOP, "--out", out, *COUNTY)
    assert rows(out, "SELECT title, townships FROM notice") == [("缴纳医保", "451425101")]


def test_verify_finds_the_same_on_both(county):
    assert "账本无误" in ok("verify", "--db", county).output
    assert "无误" in ok("verify", "--db", county, "--since-last").output
    run_sql(county, "UPDATE household SET balance = balance + 7 WHERE number = '1012010001'")
    found = run("verify", "--db", county)
    assert found.exit_code == 1 and "1012010001" in found.output, found.output
    connect(county)  # the books' own view agrees with the command's
    try:
        from db.books.verify import verify

        assert [p.code for p in verify().problems] == ["balance"]
    finally:
        close()
