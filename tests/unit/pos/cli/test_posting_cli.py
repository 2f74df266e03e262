"""`aixin posting …` and `county settings` (docs/design.md §4.12, §7): refusals are one line and
exit 1 with nothing changed, usage errors exit 2; with posting days 0 `award` credits as ever."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pos.cli import main
from tests.conftest import NOW

CLOCK = NOW.isoformat()


def run(*args, clock=CLOCK):
    env = {"AIXIN_PIN": "1234", "AIXIN_CLOCK": clock}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def count(path, table) -> int:
    raw = sqlite3.connect(path)
    found = raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
    raw.close()
    return found


@pytest.fixture
def books(station_file, tmp_path):
    path = tmp_path / "station.sqlite"
    shutil.copy(station_file, path)
    return path


@pytest.fixture
def posted(books):
    """Posting days 3 (set as the county would) and one posted award."""
    assert run("county", "settings", "--db", books, "--posting-days", "3", "--operator",
               "county").exit_code == 0  # fmt: skip
    result = run("award", "--db", books, "--operator", "manager", "--household", "1012010001",
                 "--task", "GY02")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "已进入公示 451425-03-" in result.output
    return books, re.search(r"\d{6}-\d{2}-\d{6}", result.output).group(0)


def test_days_zero_award_credits_at_once(books):
    result = run("award", "--db", books, "--operator", "manager", "--household", "1012010001",
                 "--task", "GY02")  # fmt: skip
    assert result.exit_code == 0 and "已记入" in result.output
    assert count(books, "posting") == 0


@pytest.mark.parametrize("days", ["31", "-1", "x"])
def test_posting_days_out_of_range(books, days):
    result = run("county", "settings", "--db", books, "--posting-days", days, "--operator",
                 "county")  # fmt: skip
    assert result.exit_code == 1 and "0 到 30" in result.output


def test_refusals_change_nothing(posted):
    books, number = posted
    cases = [
        ("posting", "print", "--db", books, number, "--out", books.with_name("list.txt")),
        ("posting", "print", "--db", books, "451425-03-999999", "--out", books.with_name("a.pdf")),
        ("posting", "object", "--db", books, number, "--household", "1012020001", "--reason",
         "x", "--by", "y", "--operator", "clerk"),
        ("posting", "object", "--db", books, number, "--household", "1012010001", "--reason",
         " ", "--by", "y", "--operator", "clerk"),
        ("posting", "resolve", "--db", books, number, "--household", "1012010001", "--uphold",
         "--operator", "manager"),
        ("posting", "credit", "--db", books, number, "--operator", "manager"),
        ("posting", "credit", "--db", books, number, "--operator", "clerk"),
        ("posting", "credit", "--db", books, "12345", "--operator", "manager"),
    ]  # fmt: skip
    before = {t: count(books, t) for t in ("objection", "objection_ruling", "ledger_entry")}
    for args in cases:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output
    assert {t: count(books, t) for t in before} == before


def test_usage_errors(posted):
    books, number = posted
    result = run("posting", "resolve", "--db", books, number, "--household", "1012010001",
                 "--operator", "manager")  # fmt: skip
    assert result.exit_code == 2
    assert run("posting", "list", "--db", books, "--status", "late").exit_code == 2


def test_list_in_english(posted):
    books, number = posted
    result = run("--lang", "en", "posting", "list", "--db", books)
    assert result.exit_code == 0 and "Until" in result.output and "From" in result.output
    result = run("posting", "list", "--db", books, "--status", "open", "--tsv")
    assert result.output.splitlines()[1].startswith(number)
