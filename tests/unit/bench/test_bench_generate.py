"""The bench station generator makes a valid station that the services work on (issue 2)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from catalog.messages import Refused
from db.books import auth, awards, cards, idnumber, redemptions
from db.books.households import NUMBER
from db.books.verify import verify
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from db.store.ids import id_range
from db.store.models import County
from pos.cli import main
from tests.bench import bench_station
from tests.bench.generate import default_redemptions, generate
from tests.bench.roster import PIN, STATION

HOUSEHOLDS, ENTRIES = 2_000, 20_000


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("bench") / "station.sqlite", HOUSEHOLDS, ENTRIES)


@pytest.fixture
def books(made):
    connect(made.path)
    yield made
    close()


def scalar(sql: str, *params: object):
    return database.execute_sql(sql, params).fetchone()[0]


def test_verify_passes_and_counts_are_right(books):
    report = verify()
    assert report.ok, report.problems
    assert report.counted["households"] == HOUSEHOLDS
    assert report.counted["entries"] == ENTRIES
    assert report.counted["chains"] == 1
    redeemed = scalar("SELECT COUNT(*) FROM ledger_entry WHERE kind = 'redemption'")
    slips = scalar("SELECT COUNT(*) FROM redemption")
    assert books.redemptions == default_redemptions(ENTRIES) == slips == redeemed


def test_aixin_verify_passes(made):
    result = CliRunner().invoke(main, ["verify", "--db", str(made.path)])
    assert result.exit_code == 0, result.output
    assert f"{HOUSEHOLDS} 户，{ENTRIES} 条积分" in result.output


def test_ids_are_the_stations_own_and_gapless(books):
    low, high = id_range(STATION)
    for table in ("ledger_entry", "card", "redemption", "stock_move", "audit"):
        first, last, count = database.execute_sql(
            f"SELECT MIN(id), MAX(id), COUNT(*) FROM {table}"  # noqa: S608 - names above
        ).fetchone()
        assert (first, last) == (low + 1, low + count), table
    assert scalar("SELECT COUNT(*) FROM ledger_entry WHERE id >= ?", high) == 0


def test_households_would_pass_the_household_form(books):
    rows = database.execute_sql("SELECT number, head_name, id_number FROM household").fetchall()
    assert all(NUMBER.match(number) for number, _, _ in rows)
    assert all(0 < len(name) <= 20 for _, name, _ in rows)
    assert [idnumber.problem(id_number) for _, _, id_number in rows] == [None] * HOUSEHOLDS
    assert len({id_number for _, _, id_number in rows}) == HOUSEHOLDS


def test_one_live_card_per_household(books):
    assert scalar("SELECT COUNT(*) FROM card WHERE revoked IS NULL") == HOUSEHOLDS
    assert scalar("SELECT COUNT(DISTINCT household_id) FROM card") == HOUSEHOLDS
    assert books.cards == scalar("SELECT COUNT(*) FROM card") > HOUSEHOLDS


def test_no_balance_ever_dips_below_zero_and_caps_hold(books):
    assert (
        scalar(
            "SELECT MIN(running) FROM (SELECT SUM(points) OVER "
            "(PARTITION BY household_id ORDER BY id) AS running FROM ledger_entry)"
        )
        >= 0
    )
    over_cap = database.execute_sql(
        "SELECT e.household_id, e.task_id, substr(e.time, 1, 7) FROM ledger_entry e "
        "JOIN task t ON t.code = e.task_id GROUP BY 1, 2, 3 HAVING ABS(SUM(e.points)) > MAX(t.cap)"
    ).fetchall()
    assert over_cap == []


def test_times_follow_the_ids(books):
    for table in ("ledger_entry", "stock_move", "audit"):
        backwards = scalar(
            f"SELECT COUNT(*) FROM (SELECT time < LAG(time) OVER (ORDER BY id) AS back "  # noqa: S608
            f"FROM {table}) WHERE back"
        )
        assert backwards == 0, table


def test_cards_scan_and_a_reissued_card_is_refused(books):
    number = scalar("SELECT household_id FROM card WHERE serial = 2 LIMIT 1")
    county = County.get()
    assert cards.check(cards.payload(county, number, 2)).household.number == number
    with pytest.raises(Refused, match="作废"):
        cards.check(cards.payload(county, number, 1))


@pytest.fixture
def copy(made, tmp_path):
    """A copy of the generated station, for tests that write."""
    shutil.copy(made.path, tmp_path / "copy.sqlite")
    connect(tmp_path / "copy.sqlite")
    yield
    close()


def test_services_work_on_the_generated_station(copy):
    clock = FixedClock(datetime(2026, 1, 5, 9, 0), timedelta(seconds=1))
    manager = auth.sign_in("manager", PIN, clock)
    clerk = auth.sign_in("clerk", PIN, clock)
    rich = scalar("SELECT number FROM household WHERE status = 'active' ORDER BY balance DESC")
    before = scalar("SELECT balance FROM household WHERE number = ?", rich)
    awards.award(manager, clock, rich, "PX02")
    slip = redemptions.redeem(clerk, clock, rich, [("G001", 1), ("G015", 2)])
    assert scalar("SELECT balance FROM household WHERE number = ?", rich) == before + 2 - slip.total
    assert verify().ok


def test_refuses_to_overwrite(made):
    with pytest.raises(FileExistsError):
        generate(made.path, 10, 100)


def test_the_station_benchmark_runs_on_a_small_file(made, tmp_path, capsys):
    shutil.copy(made.path, tmp_path / "bench.sqlite")
    try:
        bench_station.main(
            [
                "--db",
                str(tmp_path / "bench.sqlite"),
                "--samples",
                "20",
                "--searches",
                "5",
                "--writes",
                "5",
            ]
        )
    finally:
        close()
    printed = capsys.readouterr().out
    assert "| card scan: cards.check" in printed
    assert "| verify (whole file)" in printed
