"""What the county checks of a month file's roster and cards against its own (docs/design.md
§14): a station writes only households of the townships it serves (one with none serves the
whole county), never moves a household out of another's township, names only villages the
county has (or new ones of its townships), and holds only cards it issued or revoked for the
households it serves. File staged as `f`, inside the merge's write transaction; set-based,
each a lookup by key.
"""

from __future__ import annotations

from catalog.messages import N_, Finding
from db.county.catalog_checks import Found, problem
from db.store.dialect import same
from db.store.ids import human


def check(found: Found, p: dict) -> None:
    _roster(found, p)
    _cards(found, p)


# The township of a household version of the file: its village's at the county, or, for a
# village new to the county, the file's township of it, if the county has that township.
VERSION_TOWNSHIP = (
    "COALESCE((SELECT y.township_id FROM village AS y WHERE y.code = v.village_id), "
    "(SELECT n.code FROM f.village AS y JOIN township AS n ON n.code = y.township_id "
    "WHERE y.code = v.village_id))"
)
SERVED = "(SELECT township_id FROM station_township WHERE station_id = :me)"
# The station does not serve township {0} (which is not NULL): NOT EXISTS, never NOT IN.
NOT_SERVED = (
    "NOT EXISTS (SELECT 1 FROM station_township AS st WHERE st.station_id = :me "
    "AND st.township_id = {0})"
)
BEFORE = (  # the village of the household's version just before this one, as the county has it
    "COALESCE((SELECT p.village_id FROM household_version AS p WHERE p.number = v.number "
    "AND (p.updated, p.updated_by) < (v.updated, v.updated_by) "
    "ORDER BY p.updated DESC, p.updated_by DESC LIMIT 1), "
    "(SELECT h.village_id FROM household AS h WHERE h.number = v.number "
    "AND (h.updated, h.updated_by) < (v.updated, v.updated_by)))"
)


def _roster(found: Found, p: dict) -> None:
    """A station changes only households of the townships it serves (a station with none
    serves the whole county), never moves one into another's township, and names only
    villages of the county's roster or new villages of a township the county has."""
    found.gather(
        "SELECT number, updated, village_id, township, b.township_id FROM (SELECT v.number, "  # noqa: S608
        f"v.updated, v.village_id, {VERSION_TOWNSHIP} AS township, {BEFORE} AS before_village "
        "FROM f.household_version AS v) AS v LEFT JOIN village AS b "
        "ON b.code = v.before_village WHERE township IS NULL OR (:scoped = 1 AND "
        f"({NOT_SERVED.format('v.township')} OR (b.township_id IS NOT NULL "
        f"AND {NOT_SERVED.format('b.township_id')}))) "
        "ORDER BY number, updated",
        p,
        lambda r: _roster_finding(p["me"], r),
    )


def _roster_finding(station: str, row: tuple) -> Finding:
    number, time, village, township, before = row
    if township is None:
        return problem(
            "unknown_place",
            N_("户 {number} 的档案（{time}）所在的村 {village} 不在县花名册里"),
            number,
            number=number,
            time=time,
            village=village,
        )
    if before is not None and before != township:
        template = N_("户 {number} 原在乡镇 {township}，不归站点 {station} 管，它不能改这户的档案")
        return problem(
            "household_taken", template, number, number=number, township=before, station=station
        )
    return problem(
        "household_outside",
        N_("户 {number} 的档案（{time}）把它放在乡镇 {township}，不归站点 {station} 管"),
        number,
        number=number,
        time=time,
        township=township,
        station=station,
    )


def _cards(found: Found, p: dict) -> None:
    """A card another station issued is in the file only because this station revoked it:
    the county must have it, under this id or an older one (a newer id would displace the
    county's); and a station issues and revokes cards only of the households it serves."""
    found.gather(
        "SELECT s.id, s.household_id, s.serial FROM f.card AS s LEFT JOIN card AS m "  # noqa: S608
        "ON m.household_id = s.household_id AND m.serial = s.serial "
        "WHERE (s.id < :low OR s.id >= :high) AND (m.id IS NULL OR m.id > s.id OR (m.id = s.id "
        f"AND NOT ({same('s.issued', 'm.issued')} AND {same('s.operator', 'm.operator')} "
        f"AND {same('s.station', 'm.station')}))) ORDER BY s.id",
        p,
        lambda r: problem(
            "foreign_card",
            N_("积分卡 {card}（户 {household} 第 {serial} 张）不是本站发的，县里也没有这张卡"),
            r[0],
            card=human(r[0]),
            household=r[1],
            serial=r[2],
        ),
    )
    found.gather(
        "SELECT s.id, s.household_id FROM f.card AS s "  # noqa: S608
        "LEFT JOIN household AS h ON h.number = s.household_id "
        "LEFT JOIN village AS w ON w.code = h.village_id "
        "WHERE :scoped = 1 AND (h.number IS NOT NULL OR s.household_id IN "
        "(SELECT number FROM f.household_version)) "
        f"AND NOT COALESCE(w.township_id IN {SERVED}, false) "
        "AND NOT EXISTS (SELECT 1 FROM f.household_version AS v WHERE v.number = s.household_id "
        f"AND {VERSION_TOWNSHIP} IN {SERVED}) "
        "ORDER BY s.id",
        p,
        lambda r: problem(
            "card_outside",
            N_("积分卡 {card} 的户 {household} 不在站点 {station} 服务的乡镇"),
            r[0],
            card=human(r[0]),
            household=r[1],
            station=p["me"],
        ),
    )
