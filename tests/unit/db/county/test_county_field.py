"""The mobile shop and holiday hand-outs through month files to the county (docs/design.md
§6.4, §14): the county reconciles every transfer, counts coverage and people reached, and
refuses a month file whose hand-outs or transfers were rewritten."""

from __future__ import annotations

from datetime import datetime

import pytest

from db.books import auth, awards, events, redemptions, verify, visits
from db.county import merge
from db.county import report as reports
from db.exchange import export, transfers
from db.exchange.month_content import RowsRefused
from db.store.clock import FixedClock
from db.store.connection import close, connect
from tests.county_copies import digests
from tests.county_world import MOBILE, SHOP, at
from tests.crafted import craft, station_key
from tests.helpers import COUNTY_OFFICER, manager_of

# Its module fixture builds January at both stations of the county world: the module's
# tests run on one worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("county_field")

FEBRUARY = FixedClock(datetime(2027, 2, 5, 9))


def staff(path, clock):
    close()
    connect(path)
    return auth.sign_in("manager", "1234", clock), auth.sign_in("clerk", "1234", clock)


@pytest.fixture(scope="module")
def january(county_world, tmp_path_factory):
    """January 2027: goods out to the mobile shop, a visit, a hand-out, the rest back."""
    root = tmp_path_factory.mktemp("field")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 2**8)
        shop, mobile = (county_world.copy_station(c, root) for c in (SHOP, MOBILE))
        county = county_world.copy_county(root)
        clock = at("2027-01-08T09:00:00")
        manager, _ = staff(shop, clock)
        transfers.send(manager, clock, MOBILE, [("G007", 10)], root / "out.transfer")
        transfers.send(manager, clock, MOBILE, [("G001", 1)], root / "lost.transfer")
        clock = at("2027-01-10T08:00:00")
        manager, clerk = staff(mobile, clock)
        transfers.receive(manager, clock, root / "out.transfer")
        event = events.add(
            manager,
            clock,
            "春节慰问",
            "2027-01-01",
            "2027-02-15",
            villages=("451425101201",),
            items=[("G007", 1)],
            points=5,
        )
        visits.start(clerk, clock, "451425101201")
        awards.award(manager, clock, "1012010001", "GY02")
        redemptions.redeem(clerk, clock, "1012010001", [("G007", 1)])
        events.handout(clerk, clock, event, "1012010002")
        visits.close(clerk, clock)
        transfers.send(manager, clock, SHOP, [("G007", 5)], root / "back.transfer")
        assert verify.verify(clock=clock).ok
        clock = at("2027-01-20T09:00:00")
        manager, _ = staff(shop, clock)
        transfers.receive(manager, clock, root / "back.transfer")
        files = {}
        for code, path in ((SHOP, shop), (MOBILE, mobile)):
            close()
            connect(path)
            done = export.export_month(manager_of(code), "2027-01", root / "files", FEBRUARY)
            files[code] = done.path
        close()
        connect(county)
        merge.merge_files(COUNTY_OFFICER, county_world.all_files(), FEBRUARY)
        close()
    yield county, files, event
    close()


def merged(county, files):
    connect(county)
    try:
        return merge.merge_files(COUNTY_OFFICER, files, FEBRUARY)
    finally:
        close()


@pytest.fixture
def county(january, county_from):
    """January's county, on the test's engine (tests/county_copies.py)."""
    return county_from(january[0])


def test_the_county_reconciles_every_transfer(county, january):
    _, files, event = january
    outcomes = merged(county, [files[SHOP], files[MOBILE]]).outcomes
    assert [o.status for o in outcomes] == ["merged", "merged"], [o.render() for o in outcomes]
    connect(county)
    try:
        assert verify.verify(clock=FEBRUARY).ok
        report = reports.county_report(COUNTY_OFFICER, "2027-01", FEBRUARY)
        sheet = report.sheet("调拨对账")
        found = [(r[1], r[2], r[5], r[6], r[7], r[8].template) for r in sheet.rows]
        assert found == [
            (SHOP, MOBILE, 10, 10, 10, "已到账"),
            (SHOP, MOBILE, 1, 1, 0, "在途"),
            (MOBILE, SHOP, 5, 5, 5, "已到账"),
        ]
        [row] = report.sheet("节日慰问").rows
        assert row[1] == "春节慰问" and row[5:] == [3, 1, 1, "33.3%"]
        [visit] = report.sheet("流动超市巡回").rows
        assert visit[1:] == ["那造村", "2027-01-10", 2, 1, 1]
        villages = {r[2]: r for r in report.sheet("按村").rows}
        heads = report.sheet("按村").headers
        reached = heads.index("受益人次")
        assert villages["451425101201"][reached] >= 2  # the redemption and the hand-out
        stations = {r[0]: r for r in report.sheet("按站点").rows}
        assert stations[MOBILE][-1] == 2
    finally:
        close()


def test_the_same_files_again_change_nothing(county, january):
    _, files, _ = january
    merged(county, [files[SHOP], files[MOBILE]])
    before = digests(county)
    outcomes = merged(county, [files[MOBILE], files[SHOP]]).outcomes
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert digests(county) == before


def test_the_receivers_file_alone_shows_goods_not_seen_sent(county, january):
    _, files, _ = january
    merged(county, [files[MOBILE]])
    connect(county)
    try:
        sheet = reports.county_report(COUNTY_OFFICER, "2027-01", FEBRUARY).sheet("调拨对账")
        statuses = {(r[1], r[8].template) for r in sheet.rows}
        assert (SHOP, "未见调出") in statuses
    finally:
        close()


@pytest.mark.parametrize(
    ("statements", "code"),
    [
        (("UPDATE ledger_entry SET points = 500 WHERE kind = 'handout'",), "handout_points"),
        (
            (
                "UPDATE handout_line SET qty = 3",
                "UPDATE stock_move SET qty = -3 WHERE kind = 'handout'",
            ),
            "handout_lines",
        ),  # fmt: skip
        (("DELETE FROM handout_line",), "move_handout"),
        (("DELETE FROM handout",), "entry_handout"),
        (
            (
                "UPDATE handout SET event_id = event_id + 1",
                "DELETE FROM event_item",
                "DELETE FROM event_rule",
                "DELETE FROM event",
            ),
            "unknown_event",
        ),  # fmt: skip
        (("UPDATE visit_redemption SET visit_id = visit_id + 7",), "unknown_visit"),
        (
            (
                "UPDATE transfer_line SET qty = 50 WHERE transfer_id IN "
                "(SELECT transfer_id FROM transfer_receipt)",
            ),
            "move_transfer",
        ),  # fmt: skip
        (
            ("UPDATE transfer SET receiver = '451425-09' WHERE sender = '451425-06'",),
            "unknown_station",
        ),  # fmt: skip
        (("UPDATE event SET points = 20000",), "event_shape"),
    ],
)
def test_a_rewritten_field_record_is_refused(county, january, tmp_path, statements, code):
    _, files, _ = january
    forged = craft(
        files[MOBILE], tmp_path / "forged.sqlite", station_key(january[0], MOBILE), *statements
    )
    before = digests(county)
    [outcome] = merged(county, [forged]).outcomes
    assert outcome.status == "refused", outcome.render()
    assert isinstance(outcome.refusal, RowsRefused), outcome.refusal.render()
    assert code in {p.code for p in outcome.refusal.problems.shown}, outcome.render()
    assert digests(county) == before
    assert [o.status for o in merged(county, [files[MOBILE]]).outcomes] == ["merged"]
