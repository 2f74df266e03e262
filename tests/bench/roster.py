"""The roster of a large bench station: county, station, places, catalogs, operators,
households and their cards.

The small things (county, station, places, catalogs, operators) go through the services;
households and cards are written set-based, by `INSERT … SELECT` over a recursive series,
from a temp table `bench_household` that later steps join on (position -> household number).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from catalog.loader import default_goods, default_tasks
from catalog.pinyin import initials
from db.books import auth
from db.books.idnumber import check_char
from db.books.setup import Place, add_county, add_places, add_station, load_catalogs, make_local
from db.demo import names as demo_data
from db.store.clock import FixedClock, stamp
from db.store.connection import database
from db.store.ids import id_range

COUNTY = "451425"
STATION = "451425-03"
PIN = "1234"
HOUSEHOLDS_PER_VILLAGE = 1000
VILLAGES_PER_TOWNSHIP = 20
GROUPS_PER_VILLAGE = 5
REISSUED_EVERY = 100  # one household in a hundred has had its card reissued
SETUP = datetime(2025, 1, 2, 9, 0, 0)
FIRST_DAY = datetime(2025, 1, 6)  # midnight before the first scoring round
VILLAGE_PREFIXES = ("", "上", "下", "新", "东", "西", "南", "北")


@dataclass(frozen=True)
class Roster:
    households: int
    villages: int
    townships: int
    reissued: int


def key(seed: int, what: str) -> str:
    """A repeatable 256-bit key, so the same seed gives the same file and card payloads."""
    return hashlib.sha256(f"aixin-bench:{seed}:{what}".encode()).hexdigest()


def build(households: int, seed: int, days: int) -> Roster:
    """Fill the open, empty, migrated database with the roster of a station.

    `days`: how long the history will run; lost cards are reissued over that time.
    """
    villages = math.ceil(households / HOUSEHOLDS_PER_VILLAGE)
    townships = math.ceil(villages / VILLAGES_PER_TOWNSHIP)
    clock = FixedClock(SETUP, timedelta(seconds=1))
    town_places, village_places = _places(townships, villages)
    with database.atomic():
        county = add_county(COUNTY, demo_data.COUNTIES[COUNTY], card_key=key(seed, "card"))
        name = f"{town_places[0].name}爱心超市"
        here = add_station(clock, county, STATION, name, "shop", key=key(seed, "station"))
        make_local(here)
        groups = [
            Place(f"{v.code}{g + 1:02d}", demo_data.GROUP_NAMES[g], v.code)
            for v in village_places
            for g in range(GROUPS_PER_VILLAGE)
        ]
        add_places(town_places, village_places, groups)
        load_catalogs(default_tasks(), default_goods())
        first_township = tuple(v.code for v in village_places if v.parent == town_places[0].code)
        auth.add_operator("manager", "manager", PIN, clock)
        auth.add_operator("clerk", "clerk", PIN, clock)
        auth.add_operator("cadre", "cadre", PIN, clock, villages=first_township)
    conn = database.connection()
    conn.create_function("id_check", 1, check_char, deterministic=True)
    with database.atomic():
        _temp_tables(village_places, town_places)
        _names()
        _households(households)
        reissued = _cards(households, days)
    return Roster(households, villages, townships, reissued)


def _places(townships: int, villages: int) -> tuple[list[Place], list[Place]]:
    names = demo_data.TOWNSHIPS
    towns = [
        Place(
            f"{COUNTY}{101 + t:03d}",
            names[t % len(names)] + ("" if t < len(names) else str(t // len(names) + 1)),
        )
        for t in range(townships)
    ]
    stems = demo_data.VILLAGE_STEMS
    places = []
    for v in range(villages):
        town = towns[v // VILLAGES_PER_TOWNSHIP]
        prefix = VILLAGE_PREFIXES[(v // len(stems)) % len(VILLAGE_PREFIXES)]
        name = f"{prefix}{stems[v % len(stems)]}村"
        places.append(Place(f"{town.code}{201 + v % VILLAGES_PER_TOWNSHIP:03d}", name, town.code))
    return towns, places


def _temp_tables(villages: list[Place], towns: list[Place]) -> None:
    """Villages with their position and the minute of the day their sheet is scored."""
    database.execute_sql(
        "CREATE TEMP TABLE bench_village (pos INTEGER PRIMARY KEY, code TEXT NOT NULL, "
        "township INTEGER NOT NULL, minute INTEGER NOT NULL)"
    )
    # A round scores every village within nine days, from 08:00 to 18:00.
    per_day = math.ceil(len(villages) / 9)
    town_pos = {t.code: i for i, t in enumerate(towns)}
    rows = [
        (
            v,
            place.code,
            town_pos[place.parent],
            (v // per_day) * 1440 + 480 + (v % per_day) * (600 // per_day),
        )
        for v, place in enumerate(villages)
    ]
    database.connection().executemany("INSERT INTO temp.bench_village VALUES (?, ?, ?, ?)", rows)
    database.execute_sql(
        "CREATE TEMP TABLE bench_household (pos INTEGER PRIMARY KEY, number TEXT NOT NULL, "
        "village INTEGER NOT NULL, status TEXT NOT NULL)"
    )


def _names() -> None:
    """Head-of-household names in the local style, with their pinyin initials."""
    surnames = sorted(set(demo_data.SURNAMES))
    given = list(dict.fromkeys(demo_data.GIVEN))
    names = [s + g for s in surnames for g in given]
    names += [s + g + h for s in surnames for g in given[:12] for h in given[::3]]
    database.execute_sql(
        "CREATE TEMP TABLE bench_name (k INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "initials TEXT NOT NULL)"
    )
    database.connection().executemany(
        "INSERT INTO temp.bench_name VALUES (?, ?, ?)",
        [(k, name, initials(name)) for k, name in enumerate(names)],
    )
    database.execute_sql(
        "CREATE TEMP TABLE bench_category (k INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    )
    slots = [name for name, weight in demo_data.CATEGORIES for _ in range(weight)]
    database.connection().executemany(
        "INSERT INTO temp.bench_category VALUES (?, ?)", list(enumerate(slots))
    )


POSITIONS = """
WITH RECURSIVE series(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM series WHERE n + 1 < :count)
INSERT INTO temp.bench_household (pos, number, village, status)
SELECT n, substr(v.code, 7) || printf('%04d', n % :per_village + 1), v.pos,
       CASE WHEN n % 97 = 5 THEN 'moved' WHEN n % 97 = 17 THEN 'deceased'
            WHEN n % 389 = 3 THEN 'removed' ELSE 'active' END
FROM series JOIN temp.bench_village v ON v.pos = series.n / :per_village
"""

# Everyone starts active: the moves, deaths and removals are booked after the history.
HOUSEHOLDS = """
INSERT INTO household (number, head_name, id_number, village_id, group_id, category, members,
                       phone, status, initials, balance, updated, updated_by)
SELECT number, name, born || id_check(born), village, village || printf('%02d', 1 + pos % ?),
       category, 1 + (pos * 13) % 7,
       substr('138139150152177188', 1 + 3 * (pos % 6), 3)
         || printf('%08d', (pos * 48271) % 100000000),
       'active', initials, 0, ?, ?
FROM (SELECT h.pos, h.number, n.name, n.initials, v.code AS village, c.name AS category,
             ? || strftime('%Y%m%d', '1945-01-01', '+' || (h.pos % 18250) || ' days')
               || printf('%03d', h.pos / 18250 + 1) AS born
      FROM temp.bench_household h
      JOIN temp.bench_village v ON v.pos = h.village
      JOIN temp.bench_name n ON n.k = (h.pos * 7919) % (SELECT COUNT(*) FROM temp.bench_name)
      JOIN temp.bench_category c ON c.k = (h.pos * 37) % (SELECT COUNT(*) FROM temp.bench_category)
      ORDER BY h.pos)
"""


def _households(count: int) -> None:
    database.execute_sql(POSITIONS, {"count": count, "per_village": HOUSEHOLDS_PER_VILLAGE})
    database.execute_sql(HOUSEHOLDS, (GROUPS_PER_VILLAGE, stamp(SETUP), STATION, COUNTY))


# First cards during the setup days, one every few seconds; reissues during the history.
CARDS = """
INSERT INTO card (id, household_id, serial, issued, revoked, operator, station)
SELECT :low + 1 + pos, number, 1, datetime(:setup, '+' || (pos * :step) || ' seconds'),
       CASE WHEN pos % :every = 7
            THEN datetime(:first_day, '+' || (pos / :every * :reissue_step) || ' seconds') END,
       'manager', :station
FROM temp.bench_household ORDER BY pos
"""
REISSUES = """
INSERT INTO card (id, household_id, serial, issued, revoked, operator, station)
SELECT :low + 1 + :count + pos / :every, household_id, 2, revoked, NULL, 'manager', station
FROM card JOIN temp.bench_household h ON h.number = card.household_id
WHERE card.revoked IS NOT NULL ORDER BY h.pos
"""


def _cards(count: int, days: int) -> int:
    reissues = max(1, count // REISSUED_EVERY)
    database.execute_sql(
        CARDS,
        {
            "low": id_range(STATION)[0],
            "count": count,
            "every": REISSUED_EVERY,
            "setup": stamp(SETUP + timedelta(hours=1)),
            "station": STATION,
            "step": max(1, int((FIRST_DAY - SETUP).total_seconds()) // count),
            "first_day": stamp(FIRST_DAY + timedelta(hours=10)),
            "reissue_step": max(1, days * 86400 // reissues),
        },
    )
    database.execute_sql(
        REISSUES,
        {
            "low": id_range(STATION)[0],
            "count": count,
            "every": REISSUED_EVERY,
        },
    )
    return database.execute_sql("SELECT COUNT(*) FROM card WHERE serial = 2").fetchone()[0]
