"""A small county for the county-loop tests, built through the services as people would.

County 451425 (its operator `county`, PIN 1234) has six households in two townships, with
cards. Station 451425-03 (a township shop) serves 龙茗镇; station 451425-06 (a mobile shop)
serves the whole county, so both serve 1012010001 and 1012010003. October and November see
every kind of record at both — awards, a deduction, redemptions, a reversal, a donation,
purchases, a stock count, a card reissue, household edits (the same household edited at
both) — and September (when they are set up) and December see nothing at all. Each
station's four months are exported in January.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from db.books import auth, awards, cards, corrections, households, redemptions, stock
from db.books.setup import Place, add_places
from db.county import office
from db.exchange import export, intake
from db.store import audit
from db.store.clock import FixedClock
from db.store.connection import close, connect
from tests.conftest import COUNTY_KEY, fix_check
from tests.helpers import manager_of

SHOP, MOBILE = "451425-03", "451425-06"
MONTHS = ("2026-09", "2026-10", "2026-11", "2026-12")
TOWNSHIPS = [Place("451425101", "龙茗镇"), Place("451425102", "进结镇")]
VILLAGES = [
    Place("451425101201", "那造村", "451425101"),
    Place("451425101202", "陇林村", "451425101"),
    Place("451425102201", "岜独村", "451425102"),
]
PEOPLE = [
    ("1012010001", "张三", "45142519800101001", "451425101201"),
    ("1012010002", "李四", "45142519850202002", "451425101201"),
    ("1012010003", "王五", "45142519700303003", "451425101201"),
    ("1012020001", "赵六", "45142519900404004", "451425101202"),
    ("1022010001", "黄建华", "45142519650505005", "451425102201"),
    ("1022010002", "农秀英", "45142519770606006", "451425102201"),
]


@dataclass
class World:
    county: Path  # the county with both stations enrolled, nothing merged
    stations: dict[str, Path]
    files: dict[tuple[str, str], Path]  # (station, month) -> its monthly file
    setups: dict[str, Path]

    def copy_county(self, to: Path) -> Path:
        target = to / "county.sqlite"
        shutil.copy(self.county, target)
        return target

    def copy_station(self, code: str, to: Path) -> Path:
        target = to / f"{code}.sqlite"
        shutil.copy(self.stations[code], target)
        return target

    def all_files(self) -> list[Path]:
        return [self.files[key] for key in sorted(self.files)]


def at(when: str) -> FixedClock:
    return FixedClock(datetime.fromisoformat(when), timedelta(seconds=5))


def build_world(root: Path) -> World:
    root.mkdir(parents=True, exist_ok=True)
    county_path = root / "county.sqlite"
    clock = at("2026-09-20T09:00:00")
    connect(county_path, create=True)
    audit.mark_trial("tests")
    office.init_county("451425", "天等县", clock, pin="1234", card_key=COUNTY_KEY)
    county = auth.sign_in("county", "1234", clock)
    add_places(TOWNSHIPS, VILLAGES)
    for number, name, id17, village in PEOPLE:
        form = households.HouseholdForm(number, name, fix_check(id17), village, "脱贫户")
        households.save(None, clock, form, station="451425-00")
        cards.issue(None, clock, number)
    setups = {SHOP: root / "shop.setup", MOBILE: root / "mobile.setup"}
    office.enroll(
        county,
        clock,
        SHOP,
        "龙茗镇爱心超市",
        "shop",
        setups[SHOP],
        townships=["451425101"],
        manager_pin="1234",
    )
    office.enroll(
        county, clock, MOBILE, "天等县流动超市", "mobile", setups[MOBILE], manager_pin="1234"
    )
    close()
    stations = {code: root / f"{code}.sqlite" for code in (SHOP, MOBILE)}
    for code in (SHOP, MOBILE):
        connect(stations[code], create=True)
        audit.mark_trial("tests")
        intake.setup_station(setups[code], clock)
        manager = auth.sign_in("manager", "1234", clock)
        auth.add_operator("clerk", "clerk", "1234", clock, by=manager)
        close()
    _october(stations)
    _november(stations)
    files = {}
    january = at("2027-01-03T08:00:00")
    for code, path in stations.items():
        connect(path)
        for month in MONTHS:
            done = export.export_month(manager_of(code), month, root / "files", january)
            files[(code, month)] = done.path
        close()
    return World(county_path, stations, files, setups)


def _staff(path: Path, clock: FixedClock) -> tuple[auth.Actor, auth.Actor]:
    connect(path)
    return auth.sign_in("manager", "1234", clock), auth.sign_in("clerk", "1234", clock)


def _october(stations: dict[str, Path]) -> None:
    clock = at("2026-10-05T09:00:00")
    manager, clerk = _staff(stations[SHOP], clock)
    stock.take_donation(
        clerk,
        clock,
        "天等县供销合作社",
        [("G001", 10, 50000), ("G007", 40, 0), ("G019", 10, 0)],
        donor_kind="company",
        cash_fen=20000,
    )
    awards.apply_sheet(
        manager,
        clock,
        [
            awards.AwardLine("1012010001", "GY02", 1),
            awards.AwardLine("1012010002", "HJ02", 3),
            awards.AwardLine("1012010003", "CY01", 2),
            awards.AwardLine("1012020001", "PX01", 2),
        ],
    )
    awards.award(manager, clock, "1012010002", "KF01")
    redemptions.redeem(clerk, clock, "1012010001", [("G007", 2)])
    reversed_award = awards.award(manager, clock, "1012020001", "HJ02")
    corrections.reverse_entry(manager, clock, reversed_award, "记错了户")
    clock.at = datetime(2026, 10, 10, 10)
    new_phone(manager, clock, "13800000001", station=SHOP)
    cards.reissue(manager, clock, "1012020001")
    close()
    clock = at("2026-10-12T09:00:00")
    manager, _ = _staff(stations[MOBILE], clock)
    stock.adjust(manager, clock, "G007", 30, "purchase", "县里采购")
    awards.award(manager, clock, "1022010001", "GY01", 2)
    awards.award(manager, clock, "1012010001", "GY04", 1)
    redemptions.redeem(manager, clock, "1022010001", [("G007", 3)])
    new_phone(manager, clock, "13900000002", station=MOBILE)
    close()


def _november(stations: dict[str, Path]) -> None:
    clock = at("2026-11-03T09:00:00")
    manager, clerk = _staff(stations[SHOP], clock)
    redemptions.redeem(clerk, clock, "1012010001", [("G007", 2)])
    awards.award(manager, clock, "1012010002", "GY01", 1)
    count = stock.start_count(clerk, clock)
    stock.record_count(clerk, clock, count, "G007", 35)
    stock.finalize_count(manager, clock, count)
    households.set_status(manager, clock, "1012020001", "moved")
    close()
    clock = at("2026-11-20T09:00:00")
    manager, _ = _staff(stations[MOBILE], clock)
    redemptions.redeem(manager, clock, "1012010001", [("G007", 1)])
    awards.award(manager, clock, "1012010003", "HJ02", 3)
    redemptions.redeem(manager, clock, "1012010003", [("G007", 2)])
    close()


def new_phone(manager, clock, phone: str, *, station: str) -> None:
    """王五 (1012010003) gets a new phone number: a household edit at `station`."""
    households.save(
        manager,
        clock,
        households.HouseholdForm(
            "1012010003",
            "王五",
            fix_check("45142519700303003"),
            "451425101201",
            "脱贫户",
            phone=phone,
        ),
        station=station,
    )
