"""Whoever holds a station's key can rewrite its month file and seal it again; the county holds
every row against its own books and refuses such a file with every reason (docs/design.md §14).

Each attack takes a genuine month file of the county world, changes rows and re-seals it with
the station's key. It must be refused for its rows, with the codes and fields named, leave every
table of the county database as it was, and not stop an honest file in the same batch. Every
test runs on both engines (the `county` fixture, tests/county_copies.py).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from db.books.verify import verify
from db.county import merge, office
from db.exchange.month_check import check_file
from db.exchange.month_content import SHOWN, RowsRefused
from db.store.clock import FixedClock
from db.store.connection import close, connect
from db.store.ids import human
from tests.county_copies import digests
from tests.county_world import MOBILE, SHOP
from tests.crafted import craft, station_key
from tests.helpers import COUNTY_OFFICER

JANUARY = FixedClock(datetime(2027, 1, 5, 9))
SHOP_OCT, MOBILE_OCT = (SHOP, "2026-10"), (MOBILE, "2026-10")
MOBILE_NEXT = 451425060000000001  # the mobile shop's next id in every table: it has none yet
SHOP_FIRST = 451425030000000001


def merged(county, files, clock=JANUARY):
    connect(county)
    try:
        return merge.merge_files(COUNTY_OFFICER, files, clock)
    finally:
        close()


@pytest.fixture
def forge(county_world, county, tmp_path):
    """forge(statements..., of=(station, month)): that month's file, changed and re-sealed."""

    def make(*statements, of=SHOP_OCT):
        target = tmp_path / f"forged-{of[0]}-{of[1]}.sqlite"
        key = station_key(county_world.county, of[0])
        return craft(county_world.files[of], target, key, *statements)

    return make


def refused(county, forged, honest=None, clock=JANUARY) -> list[tuple[str, dict]]:
    """Merge `forged` alone: refused for its rows, every table of the county as it was (its
    content digest, on either engine); then with an honest file after it in one batch: the
    honest one still merges. Returns the problems as (code, fields)."""
    before = digests(county)
    [outcome] = merged(county, [forged], clock).outcomes
    assert outcome.status == "refused", outcome.render()
    refusal = outcome.refusal
    assert isinstance(refusal, RowsRefused), refusal.render()
    assert digests(county) == before
    if honest is not None:
        batch = merged(county, [forged, honest], clock)
        assert [o.status for o in batch.outcomes] == ["refused", "merged"], batch.outcomes
    shown = refusal.problems.shown
    assert refusal.fields["count"] == len(shown) + refusal.problems.more
    return [(p.code, dict(p.fields)) for p in shown]


def codes(problems) -> list[str]:
    return [code for code, _ in problems]


def test_every_genuine_file_keeps_every_rule(county_world, county):
    connect(county)
    keys = merge.county_keys(office.county_office())
    close()
    for path in county_world.all_files():
        assert not check_file(path, keys).problems, path


# --- ids: another station's numbers, another station's name ---------------------------------


def test_a_donor_with_another_stations_next_id(county_world, county, forge):
    forged = forge(
        ("UPDATE donor SET id = ?", (MOBILE_NEXT,)),
        ("UPDATE donation SET donor_id = ?", (MOBILE_NEXT,)),
    )
    problems = refused(county, forged, county_world.files[MOBILE_OCT])
    assert problems == [
        (
            "not_own_id",
            {"table": "donor", "key": human(MOBILE_NEXT), "what": problems[0][1]["what"]},
        )
    ]
    assert problems[0][1]["what"].template == "编号不是本站的"


def test_a_card_with_another_stations_next_id(county_world, county, forge):
    """Passed off as a card of the mobile shop's that the shop revoked: the county has none."""
    forged = forge(
        (
            "INSERT INTO card VALUES (?, '1012010001', 2, '2026-10-06 09:00:00', "
            "'2026-10-07 09:00:00', 'manager', ?, ?)",
            (MOBILE_NEXT, MOBILE, SHOP),
        )
    )
    problems = refused(county, forged, county_world.files[MOBILE_OCT])
    assert problems == [
        (
            "foreign_card",
            {"card": human(MOBILE_NEXT), "household": "1012010001", "serial": 2},
        )
    ]


@pytest.mark.parametrize(
    ("statement", "table", "code"),
    [
        ("UPDATE ledger_entry SET station = '451425-06' WHERE id = 451425030000000002", "ledger_entry", "not_sender"),  # noqa: E501
        ("UPDATE stock_move SET id = 451425060000000009 WHERE id = 451425030000000001", "stock_move", "not_own_id"),  # noqa: E501
        ("UPDATE redemption SET station = '451425-06'", "redemption", "not_sender"),
        ("UPDATE donation SET station = '451425-06'", "donation", "not_sender"),
        ("UPDATE household_version SET updated_by = '451425-06'", "household_version", "not_sender"),  # noqa: E501
    ],
)  # fmt: skip
def test_rows_in_another_stations_name(county, forge, statement, table, code):
    problems = refused(county, forge(statement))
    assert (code, table) in [(c, f.get("table")) for c, f in problems], problems


# --- households of townships the station does not serve --------------------------------------


def version_of(number: str, village: str, status: str) -> tuple[str, tuple]:
    return (
        "INSERT INTO household_version SELECT ?, '黄建华', '451425196505050055', ?, NULL, "
        "'脱贫户', 1, '', ?, '', '2026-10-11 09:00:00', '451425-03'",
        (number, village, status),
    )


@pytest.mark.parametrize(
    "change",
    ["members = 0", "category = '富裕户'", "status = 'gone'", "village_id = '451425101299'"],
)
def test_a_household_record_no_service_would_write(county, forge, change):
    problems = refused(county, forge(f"UPDATE household_version SET {change}"))
    assert problems[0][1]["table"] == "household_version", problems


def test_striking_off_a_household_of_another_township(county_world, county, forge):
    forged = forge(
        version_of("1022010001", "451425102201", "removed"),
        "INSERT INTO village VALUES ('451425102201', '451425102', '岜独村')",
        "INSERT INTO township VALUES ('451425102', '进结镇')",
    )
    problems = refused(county, forged, county_world.files[MOBILE_OCT])
    assert problems == [
        (
            "household_outside",
            {
                "number": "1022010001",
                "time": "2026-10-11 09:00:00",
                "township": "451425102",
                "station": SHOP,
            },
        )
    ]


def test_moving_a_household_of_another_township_into_ones_own(county_world, county, forge):
    forged = forge(version_of("1022010001", "451425101201", "removed"))
    problems = refused(county, forged, county_world.files[MOBILE_OCT])
    assert problems == [
        ("household_taken", {"number": "1022010001", "township": "451425102", "station": SHOP})
    ]


def test_revoking_the_card_of_a_household_of_another_township(county_world, county, forge):
    with sqlite3.connect(
        county_world.county
    ) as books:  # the county's own card, as the county has it
        issued = books.execute("SELECT issued FROM card WHERE id = 451425000000000005").fetchone()
    forged = forge(
        f"INSERT INTO card SELECT 451425000000000005, '1022010001', 1, '{issued[0]}', "
        "'2026-10-11 09:00:00', 'setup', '451425-00', '451425-03'"
    )
    problems = refused(county, forged)
    assert problems == [
        (
            "card_outside",
            {"card": human(451425000000000005), "household": "1022010001", "station": SHOP},
        )
    ]


def test_a_station_serving_the_whole_county_changes_any_household(county_world, county, forge):
    forged = forge(
        ("UPDATE household_version SET phone = '13900000009'", ()),
        of=MOBILE_OCT,
    )
    assert merged(county, [forged]).outcomes[0].status == "merged"


# --- points against the rules sheet ----------------------------------------------------------


def test_a_billion_points(county, forge):
    forged = forge("UPDATE ledger_entry SET points = 1000000000 WHERE id = 451425030000000001")
    assert refused(county, forged)[:1] == [
        (
            "task_points",
            {
                "entry": human(SHOP_FIRST),
                "points": 1_000_000_000,
                "task": "GY02",
                "value": 10,
                "qty": 1,
            },
        )
    ]


def test_a_billion_units(county, forge):
    forged = forge(
        "UPDATE ledger_entry SET qty = 100000000, points = 1000000000 WHERE id = 451425030000000001"
    )
    problems = refused(county, forged)
    assert codes(problems) == ["bad_quantity", "over_cap"], problems
    assert problems[1][1] == {
        "household": "1012010001",
        "task": "GY02",
        "month": "2026-10",
        "points": 1_000_000_000,
        "cap": 10,
    }


def test_a_negative_award(county, forge):
    forged = forge("UPDATE ledger_entry SET points = -10 WHERE id = 451425030000000001")
    problems = refused(county, forged)
    assert codes(problems) == ["bad_sign", "task_points", "overdrawn"], problems
    assert problems[0][1]["key"] == human(SHOP_FIRST)


def test_a_deduction_booked_as_an_award(county, forge):
    forged = forge(
        "UPDATE ledger_entry SET kind = 'award', points = 3 WHERE id = 451425030000000005"
    )
    problems = refused(county, forged)
    assert ("task_kind", "KF01") in [(c, f.get("task")) for c, f in problems], problems


def test_an_unknown_task(county, forge):
    forged = forge("UPDATE ledger_entry SET task_id = 'ZZ99' WHERE id = 451425030000000001")
    assert refused(county, forged) == [("unknown_task", {"code": "ZZ99", "count": 1})]


def test_a_cap_broken_within_the_file(county, forge):
    forged = forge(
        "UPDATE ledger_entry SET qty = 5, points = 10 WHERE id = 451425030000000002"
    )  # HJ02: 2 points a time, at most 8 a month
    assert refused(county, forged) == [
        (
            "over_cap",
            {"household": "1012010002", "task": "HJ02", "month": "2026-10", "points": 10, "cap": 8},
        )
    ]


def test_a_cap_broken_across_the_county(county_world, county, forge):
    """The mobile shop's October award of GY04 to 1012010001 (2 of its 8) is merged; the
    shop's file then gives the same household 8 more."""
    assert merged(county, [county_world.files[MOBILE_OCT]]).outcomes[0].status == "merged"
    forged = forge(
        "UPDATE ledger_entry SET task_id = 'GY04', qty = 4, points = 8 "
        "WHERE id = 451425030000000001"
    )
    assert refused(county, forged) == [
        (
            "over_cap",
            {"household": "1012010001", "task": "GY04", "month": "2026-10", "points": 10, "cap": 8},
        )
    ]


def test_a_reversal_frees_the_cap_it_reverses(county, forge):
    """An award reversed in the same month counts for nothing against the cap."""
    forged = forge(  # 赵六: HJ02 × 4 reversed, then HJ02 × 3: 6 of the cap of 8, not 14
        "UPDATE ledger_entry SET qty = 4, points = 8 WHERE id = 451425030000000007",
        "UPDATE ledger_entry SET qty = 4, points = -8 WHERE id = 451425030000000008",
        "UPDATE ledger_entry SET task_id = 'HJ02', qty = 3 WHERE id = 451425030000000004",
    )
    [outcome] = merged(county, [forged]).outcomes
    assert outcome.status == "merged", outcome.render()


# --- time: outside the month, after the county's clock --------------------------------------


def test_an_entry_dated_2031(county, forge):
    forged = forge(
        "UPDATE ledger_entry SET time = '2031-01-01 00:00:00' WHERE id = 451425030000000002"
    )
    problems = refused(county, forged)
    assert [(c, f["table"], f["key"]) for c, f in problems] == [
        ("outside_month", "ledger_entry", human(451425030000000002))
    ]


@pytest.mark.parametrize(
    ("statement", "table", "code"),
    [
        ("UPDATE stock_move SET time = '2026-09-30 23:59:59' WHERE kind = 'donation'", "stock_move", "outside_month"),  # noqa: E501
        ("UPDATE household_version SET updated = '2026-11-01 00:00:00'", "household_version", "outside_month"),  # noqa: E501
        ("UPDATE card SET issued = '2031-05-01 00:00:00' WHERE revoked IS NULL", "card", "card_not_here"),  # noqa: E501
        ("UPDATE redemption SET time = '2031-05-01 00:00:00'", "redemption", "outside_month"),
    ],
)  # fmt: skip
def test_rows_outside_the_month(county, forge, statement, table, code):
    problems = refused(county, forge(statement))
    assert (code, table) in [(c, f.get("table")) for c, f in problems], problems


def test_a_month_not_over_by_the_countys_clock(county_world, county):
    october = county_world.files[SHOP_OCT]
    problems = refused(county, october, clock=FixedClock(datetime(2026, 10, 20, 9)))
    assert problems == [
        ("month_not_over", {"now": "2026-10-20 09:00:00", "month": "2026-10"}),
    ]


# --- households, goods and prices ------------------------------------------------------------


def test_an_unknown_household(county, forge):
    forged = forge(
        "UPDATE ledger_entry SET household_id = '9999999999' WHERE id = 451425030000000003"
    )
    assert refused(county, forged) == [
        ("unknown_household", {"numbers": ("9999999999",), "count": 1}),
    ]


REDEMPTION = 451425030000000001


def bigger_basket(qty: int, price: int = 2) -> tuple[str, ...]:
    """The shop's October redemption for 1012010001 (G007 × 2 at 2 points), made `qty` of them
    at `price`, consistently in every row that tells of it."""
    points = qty * price
    return (
        f"UPDATE redemption_line SET qty = {qty}, price = {price}, points = {points}",
        f"UPDATE redemption SET total = {points}",
        f"UPDATE ledger_entry SET points = -{points}, qty = {qty} WHERE kind = 'redemption'",
        f"UPDATE stock_move SET qty = -{qty} WHERE kind = 'redemption'",
    )


def test_goods_at_another_price_than_the_catalogs(county, forge):
    problems = refused(county, forge(*bigger_basket(2, price=1)))
    assert problems == [
        (
            "wrong_price",
            {"line": human(REDEMPTION), "item": "G007", "price": 1, "listed": 2},
        )
    ]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE redemption SET total = 1", {"redemption_lines", "entry_redemption"}),
        ("UPDATE stock_move SET qty = -1 WHERE kind = 'redemption'", {"move_redemption", "line_moves"}),  # noqa: E501
        ("UPDATE redemption_line SET points = 3", {"line_points", "redemption_lines"}),
        ("DELETE FROM stock_move WHERE kind = 'redemption'", {"line_moves"}),
    ],
)  # fmt: skip
def test_a_redemption_that_disagrees_with_its_lines_entry_or_moves(
    county, forge, statement, expected
):
    problems = refused(county, forge(statement))
    assert set(codes(problems)) == expected, problems


# --- reversals --------------------------------------------------------------------------------


def test_a_reversal_of_another_stations_entry(county, forge):
    forged = forge(
        ("UPDATE ledger_entry SET reverses_id = ? WHERE kind = 'reversal'", (MOBILE_NEXT,))
    )
    problems = refused(county, forged)
    assert ("reverses_foreign", "ledger_entry") in [(c, f.get("table")) for c, f in problems]


def test_a_reversal_that_does_not_negate(county, forge):
    forged = forge("UPDATE ledger_entry SET points = -20, qty = 10 WHERE kind = 'reversal'")
    problems = refused(county, forged)
    assert codes(problems) == ["over_cap", "reversal_mismatch", "overdrawn"], problems
    assert problems[1][1] == {
        "record": human(451425030000000008),
        "target": human(451425030000000007),
    }


# --- balances ---------------------------------------------------------------------------------


def test_spending_points_the_household_never_had(county, forge):
    """张三 has 10 from the shop's award; a basket of 40 takes him to -30."""
    problems = refused(county, forge(*bigger_basket(20)))
    assert problems == [
        (
            "overdrawn",
            {"household": "1012010001", "entry": human(451425030000000006), "points": -40,
             "balance": -30},
        )
    ]  # fmt: skip


def test_spending_another_stations_credit_the_county_has(county_world, county, forge):
    """The mobile shop's October award of 2 to 张三 is at the county: the shop may spend it."""
    forged = forge(*bigger_basket(6))  # 12 = his 10 at the shop + 2 at the mobile shop
    assert refused(county, forged)[0][0] == "overdrawn"  # without the mobile shop's file: -2
    batch = merged(county, [county_world.files[MOBILE_OCT], forged])
    assert [o.status for o in batch.outcomes] == ["merged", "merged"]


def test_an_overdraft_in_a_month_merged_early_is_found_when_its_past_arrives(
    county_world, county, forge
):
    """November is merged before October: its balances wait. When October comes, November's
    basket that takes 张三 below zero is reported."""
    november = forge(*bigger_basket(20), of=(SHOP, "2026-11"))
    [early] = merged(county, [november]).outcomes
    assert early.status == "merged"
    assert "balance_pending" in [n.code for n in early.notices]
    [late] = merged(county, [county_world.files[SHOP_OCT]]).outcomes
    assert late.status == "merged"
    [notice] = [n for n in late.notices if n.code == "overdrawn_later"]
    assert dict(notice.fields) == {
        "household": "1012010001",
        "station": SHOP,
        "entry": human(451425030000000009),
        "points": -40,
        "balance": -34,
        "month": "2026-10",
    }


# --- every reason at once, and no more than a screenful ---------------------------------------


def test_every_reason_is_given_up_to_a_bound(county, forge):
    donors = [
        ("INSERT INTO donor VALUES (?, '某人', 'person', '')", (MOBILE_NEXT + n,))
        for n in range(30)
    ]
    forged = forge(
        "UPDATE ledger_entry SET task_id = 'ZZ99' WHERE id = 451425030000000001",
        "UPDATE ledger_entry SET time = '2031-01-01 00:00:00' WHERE id = 451425030000000003",
        *donors,
    )
    connect(county)
    [outcome] = merge.merge_files(COUNTY_OFFICER, [forged], JANUARY).outcomes
    close()
    refusal = outcome.refusal
    assert isinstance(refusal, RowsRefused)
    shown, more = refusal.problems.shown, refusal.problems.more
    assert len(shown) == SHOWN
    # one entry out of its month, 30 donors not the shop's and used by no donation, one task
    assert refusal.fields["count"] == 1 + 30 * 2 + 1 == SHOWN + more
    assert [p.code for p in shown[:1]] == ["outside_month"]
    text = refusal.render()
    assert text.count("\n") == SHOWN + 1 and "还有 42 处没有列出" in text


def test_the_honest_world_still_verifies_after_refusals(county_world, county, forge):
    refused(county, forge("UPDATE ledger_entry SET points = 11 WHERE id = 451425030000000001"))
    assert not merged(county, county_world.all_files()).refused
    connect(county)
    assert verify().ok
    close()


def test_a_refusal_reads_in_english(county, forge):
    forged = forge("UPDATE ledger_entry SET task_id = 'ZZ99' WHERE id = 451425030000000001")
    connect(county)
    [outcome] = merge.merge_files(COUNTY_OFFICER, [forged], JANUARY).outcomes
    close()
    from pos import i18n

    text = outcome.render(i18n.translator("en"))
    assert "Row checks" in text and "ZZ99" in text
    assert not any("\u4e00" <= c <= "\u9fff" for c in text), text


def test_what_a_month_merged_early_names_is_checked_when_its_past_arrives(
    county_world, county, forge
):
    """November names a household nobody has and reverses October's award with other points:
    merged early with notices, and both are reported when October comes."""
    november = forge(
        "UPDATE ledger_entry SET household_id = '9999999999' WHERE kind = 'award'",
        (
            "INSERT INTO ledger_entry SELECT MAX(id) + 1, '1012010001', -3, 'reversal', 'GY02', "
            "NULL, ?, 1, '', 'manager', '451425-03', '2026-11-25 09:00:00', '' FROM ledger_entry",
            (SHOP_FIRST,),
        ),
        of=(SHOP, "2026-11"),
    )
    [early] = merged(county, [november]).outcomes
    assert early.status == "merged", early.render()
    assert {"unknown_households", "balance_pending"} <= {n.code for n in early.notices}
    [late] = merged(county, [county_world.files[SHOP_OCT]]).outcomes
    assert late.status == "merged", late.render()
    later = {n.code: dict(n.fields) for n in late.notices}
    assert later["unknown_households_later"]["numbers"] == ("9999999999",)
    assert later["reversal_mismatch_later"]["target"] == human(SHOP_FIRST)
