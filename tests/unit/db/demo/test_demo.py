"""`aixin demo --no-ui`: a believable station that obeys every rule, the same for a seed."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from catalog.messages import Message
from db.books.verify import verify
from db.demo import station as demo
from db.store.connection import close, connect
from pos.i18n import translator

# Its module fixture builds the demo station: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("demo")

TODAY = datetime(2026, 11, 23, 9, 30)


STAGES: list[Message] = []  # what the first demo built said as it went


def build(path, seed, progress=lambda _: None):
    connect(path, create=True)
    demo.build(TODAY, seed=seed, progress=progress)
    report = verify()
    close()
    return report


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "a.sqlite"
    assert build(path, 3, STAGES.append).ok
    return path


def test_demo_says_its_stages_as_messages(demo_file):
    english = translator("en")
    assert [stage.render(english) for stage in STAGES] == [
        "county, station and roster",
        "cards",
        "donations, points and redemptions of 2026-08",
        "donations, points and redemptions of 2026-09",
        "donations, points and redemptions of 2026-10",
    ]
    assert STAGES[2].render() == "2026 年 08 月的捐赠、记分和兑换"


def query(path, sql):
    raw = sqlite3.connect(path)
    rows = raw.execute(sql).fetchall()
    raw.close()
    return rows


def test_demo_is_big_and_varied_enough(demo_file):
    assert query(demo_file, "SELECT COUNT(*) FROM household")[0][0] >= 300
    assert query(demo_file, "SELECT COUNT(*) FROM village")[0][0] >= 8
    assert query(demo_file, "SELECT COUNT(*) FROM township")[0][0] == 2
    statuses = dict(query(demo_file, "SELECT status, COUNT(*) FROM household GROUP BY 1"))
    assert set(statuses) == {"active", "moved", "deceased", "removed"}
    assert len(query(demo_file, "SELECT DISTINCT category FROM household")) >= 6
    names = [r[0] for r in query(demo_file, "SELECT head_name FROM household")]
    assert all("\u4e00" <= name[0] <= "\u9fff" for name in names)
    assert query(demo_file, "SELECT COUNT(*) FROM card WHERE revoked IS NULL")[0][0] == len(names)
    assert {r[0] for r in query(demo_file, "SELECT name FROM operator")} == {
        "clerk",
        "cadre",
        "manager",
    }


def test_demo_has_three_months_of_every_kind_of_record(demo_file):
    kinds = {r[0] for r in query(demo_file, "SELECT DISTINCT kind FROM ledger_entry")}
    assert kinds >= {"award", "deduction", "redemption", "reversal"}
    months = query(
        demo_file,
        "SELECT DISTINCT substr(time, 1, 7) FROM ledger_entry WHERE kind = 'award' ORDER BY 1",
    )
    assert [m[0] for m in months] == ["2026-08", "2026-09", "2026-10"]
    for table in ("donation", "redemption", "stock_move", "stock_count"):
        assert query(demo_file, f"SELECT COUNT(*) FROM {table}")[0][0] > 0, table
    assert query(demo_file, "SELECT COUNT(*) FROM stock_move WHERE kind = 'count'")[0][0] > 0
    assert query(demo_file, "SELECT MAX(time) FROM ledger_entry")[0][0] < "2026-11-23 09:30:00"


def test_demo_is_deterministic_for_a_seed(demo_file, tmp_path):
    again = tmp_path / "b.sqlite"
    build(again, 3)
    tables = ["household", "ledger_entry", "stock_move", "redemption_line", "donation", "card"]
    for table in tables:
        sql = f"SELECT * FROM {table} ORDER BY 1"
        assert query(demo_file, sql) == query(again, sql), table
