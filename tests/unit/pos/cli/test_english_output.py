"""`--lang en`: what verify, the county merge and the county report say is all English.

Names of households, places, goods, tasks, stations and donors are data and stay as they were
written; every one of them found in the books is taken out before looking for Chinese.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from db.books import auth, awards, redemptions
from db.county import merge, office
from db.exchange import sealed
from db.store import audit
from db.store.clock import FixedClock
from db.store.connection import close, connect
from pos.cli import main
from tests.conftest import COUNTY_KEY
from tests.county_world import SHOP
from tests.helpers import COUNTY_OFFICER

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
JANUARY = "2027-01-05T09:00:00"
# Text columns whose values are data: what people named things, not what the program says.
DATA = (
    "SELECT head_name FROM household",
    "SELECT category FROM household",
    "SELECT name FROM county",
    "SELECT name FROM station",
    "SELECT name FROM township",
    "SELECT name FROM village",
    "SELECT name FROM village_group",
    "SELECT name FROM item",
    "SELECT unit FROM item",
    "SELECT category FROM item",
    "SELECT name FROM task",
    "SELECT category FROM task",
    "SELECT unit FROM task",
    "SELECT name FROM donor",
)


def english(*args, clock=JANUARY):
    if args[0] == "county":  # every county command is a county operator's
        args = (*args, "--operator", "county")
    result = CliRunner().invoke(
        main, ["--lang", "en", *map(str, args)], env={"AIXIN_CLOCK": clock, "AIXIN_PIN": "1234"}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def data_of(*paths) -> list[str]:
    """Every name in the books at `paths`, longest first (a name may hold a shorter one)."""
    names: set[str] = set()
    for path in paths:
        raw = sqlite3.connect(path)
        for sql in DATA:
            names.update(value for (value,) in raw.execute(sql) if value)
        raw.close()
    return sorted(names, key=len, reverse=True)


def assert_english(text: str, data: list[str]) -> None:
    for name in data:
        text = text.replace(name, "")
    left = sorted(set(CJK.findall(text)))
    assert not left, f"Chinese left {left} in:\n{text}"


# verify ------------------------------------------------------------------------------------


@pytest.fixture
def damaged_station(station_file, tmp_path):
    """A station whose books were changed behind the program's back: an entry's points with
    the triggers dropped (the chain breaks), a household's cached balance and an item's
    cached stock set wrong, and a household overdrawn by a changed entry."""
    path = tmp_path / "station.sqlite"
    shutil.copy(station_file, path)
    connect(path)
    clock = FixedClock(datetime(2026, 11, 23, 10))
    manager, clerk = (auth.sign_in(name, "1234", clock) for name in ("manager", "clerk"))
    for number in ("1012010001", "1012010002", "1012020001"):
        awards.award(manager, clock, number, "GY02")
    redemptions.redeem(clerk, clock, "1012010002", [("G007", 1)])
    close()
    assert english("verify", "--db", path).exit_code == 0
    raw = sqlite3.connect(path)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        raw.execute(f'DROP TRIGGER "{name}"')
    first = raw.execute("SELECT MIN(id) FROM ledger_entry").fetchone()[0]
    raw.execute("UPDATE ledger_entry SET points = points + 5 WHERE id = ?", (first,))
    raw.execute("UPDATE household SET balance = balance + 5 WHERE number = '1012010001'")
    raw.execute("UPDATE household SET balance = balance + 1 WHERE number = '1012010002'")
    raw.execute("UPDATE item SET stock = stock + 3 WHERE code = 'G001'")
    raw.execute(
        "UPDATE ledger_entry SET points = -7 WHERE household_id = '1012020001' AND kind = 'award'"
    )
    raw.execute("UPDATE household SET balance = -7 WHERE number = '1012020001'")
    raw.commit()
    raw.close()
    return path


def test_verify_in_english(damaged_station):
    result = english("verify", "--db", damaged_station)
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert all(line.startswith("Problem: ") for line in problems), problems
    said = "\n".join(problems)
    assert "Ledger chain of station 451425-03" in said
    assert "Household 1012010002" in said and "Goods item G001" in said
    assert (
        "Note: Household 1012020001" in result.stdout and "overdrawn by 7 points" in result.stdout
    )
    assert_english(result.output, data_of(damaged_station))


def test_verify_of_a_county_with_wrong_monthly_totals_in_english(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    assert english("county", "merge", "--db", county, *county_world.all_files()).exit_code == 0
    raw = sqlite3.connect(county)
    raw.execute("UPDATE month_household SET award = award + 1 WHERE rowid = 1")
    raw.commit()
    raw.close()
    result = english("verify", "--db", county)
    assert result.exit_code == 1 and "Monthly totals month_household" in result.stderr
    assert "(extra)" in result.stderr and "(missing)" in result.stderr
    assert_english(result.output, data_of(county))


# county merge ------------------------------------------------------------------------------


def station_key(county, code=SHOP) -> str:
    raw = sqlite3.connect(county)
    key = raw.execute("SELECT key FROM station WHERE code = ?", (code,)).fetchone()[0]
    raw.close()
    return key


def copy_of(path, to):
    shutil.copy(path, to)
    return to


@pytest.fixture
def tampered(county_world, tmp_path):
    """(county with the shop's September merged, files each wrong in its own way)."""
    county = county_world.copy_county(tmp_path)
    connect(county)
    merge.merge_files(
        COUNTY_OFFICER, [county_world.files[(SHOP, "2026-09")]], FixedClock(datetime(2027, 1, 5))
    )
    close()
    october = county_world.files[(SHOP, "2026-10")]
    changed = copy_of(october, tmp_path / "changed.sqlite")
    raw = sqlite3.connect(changed)
    raw.execute(
        "UPDATE ledger_entry SET points = points + 5 WHERE id = (SELECT MIN(id) FROM ledger_entry)"
    )
    raw.commit()
    raw.close()
    forged = copy_of(october, tmp_path / "forged.sqlite")
    raw = sqlite3.connect(forged)
    raw.execute("UPDATE manifest SET mac = ?", ("ab" * 32,))
    raw.commit()
    raw.close()
    twice = copy_of(county_world.files[(SHOP, "2026-09")], tmp_path / "twice.sqlite")
    raw = sqlite3.connect(twice)
    body = json.loads(raw.execute("SELECT body FROM manifest").fetchone()[0])
    body["note"] = "exported again"
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    raw.execute(
        "UPDATE manifest SET body = ?, mac = ?", (text, sealed.mac(station_key(county), text))
    )
    raw.commit()
    raw.close()
    return county, {"changed": changed, "forged": forged, "twice": twice}


def test_merge_refusals_in_english(county_world, tampered):
    county, files = tampered
    result = english("county", "merge", "--db", county, *files.values())
    assert result.exit_code == 1
    refused = result.stderr.splitlines()
    assert len(refused) == 3 and all(line.startswith("Refused ") for line in refused), refused
    said = dict(zip(files, refused, strict=True))
    assert "Check failed (Ledger chain)" in said["changed"]
    assert "Check failed (Same month twice)" in said["twice"]
    assert "forged.sqlite" in said["forged"]
    assert "merged 0, refused 3" in result.stdout
    assert_english(result.output, data_of(county))


def test_a_file_from_an_unknown_station_in_english(county_world, tmp_path):
    empty = tmp_path / "empty-county.sqlite"
    connect(empty, create=True)
    audit.mark_trial("tests")
    september = FixedClock(datetime(2026, 9, 1))
    office.init_county("451425", "天等县", september, pin="1234", card_key=COUNTY_KEY)
    close()
    result = english("county", "merge", "--db", empty, county_world.files[(SHOP, "2026-10")])
    assert result.exit_code == 1 and SHOP in result.stderr
    assert_english(result.output, data_of(empty))


def test_merged_unchanged_and_notices_in_english(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    later = [county_world.files[(SHOP, m)] for m in ("2026-09", "2026-11", "2026-12")]
    first = english("county", "merge", "--db", county, *later)
    assert first.exit_code == 0
    assert first.stdout.count("Merged the monthly file of station") == 3
    assert "Note: Station 451425-03 has not sent the monthly files of 2026-10" in first.stdout
    assert "Note: The county does not have entry" in first.stdout
    again = english("county", "merge", "--db", county, *later)
    assert again.exit_code == 0 and again.stdout.count("was merged before; nothing changed") == 3
    assert_english(first.output + again.output, data_of(county))


# county report -----------------------------------------------------------------------------


def test_report_and_workbook_in_english(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    files = [county_world.files[(SHOP, m)] for m in ("2026-09", "2026-10")]
    assert english("county", "merge", "--db", county, *files).exit_code == 0
    out = tmp_path / "report.xlsx"
    result = english("county", "report", "--db", county, "--month", "2026-10", "--xlsx", out)
    assert result.exit_code == 0, result.output
    assert "Stations not reported: 451425-06" in result.stdout
    data = data_of(county)
    assert_english(result.output, data)
    book = load_workbook(out)
    assert book.sheetnames[:4] == ["Notes", "Monthly trend", "By township", "By village"]
    assert book["Monthly trend"]._charts[0].title is not None
    texts = []
    for page in book.worksheets:
        texts.append(page.title)
        texts.extend(str(c.value) for row in page.iter_rows() for c in row if c.value is not None)
    assert "Total" in texts and "Organisation" in texts
    assert any(t.endswith(", month before") for t in texts)
    assert_english("\n".join(texts), data)
