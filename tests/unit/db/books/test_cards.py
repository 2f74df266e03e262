"""Member card payloads, checks, issue and reissue (docs/design.md §5, issue 3)."""

from __future__ import annotations

import re

import pytest

from catalog.messages import Refused
from db.books import cards
from db.books.card_faces import faces
from db.books.cards import CardRefused
from db.books.households import HouseholdForm, save, set_status
from db.store.models import Audit, Card, County
from tests.conftest import fix_check
from tests.helpers import snapshot

QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def reason_of(scanned: str) -> str:
    with pytest.raises(CardRefused) as refused:
        cards.check(scanned)
    return refused.value.reason


def test_payload_is_short_qr_alphanumeric_and_checks(station):
    payload = cards.payload_for("1012010001")
    assert re.fullmatch(r"AX1:451425:1012010001:1:[A-Z2-7]{10}", payload)
    assert len(payload) <= cards.MAX_LENGTH
    assert set(payload) <= set(QR_ALPHANUMERIC)
    scan = cards.check(payload)
    assert (scan.household.number, scan.card.serial) == ("1012010001", 1)


def test_longest_payload_fits_forty_characters(station):
    county = County.get_by_id("451425")
    assert len(cards.payload(county, "A" * 12, cards.MAX_SERIAL)) <= 40


@pytest.mark.parametrize(
    "typed",
    [
        "  {p}  ",
        "{p}\r\n",
        "{p}\n",
        "\t{p}\r",
        "\x02{p}\x03",  # STX/ETX framing some scanners add
        "{lower}",  # Caps Lock on
        "{fullwidth}",  # a Chinese input method turned ':' into '：'
    ],
)
def test_scanner_quirks_are_accepted(station, typed):
    payload = cards.payload_for("1012010002")
    scanned = typed.format(p=payload, lower=payload.lower(), fullwidth=payload.replace(":", "："))
    assert cards.looks_like_card(scanned)
    assert cards.check(scanned).household.number == "1012010002"


def test_every_single_character_change_is_refused(station):
    payload = cards.payload_for("1012010001")
    changed = set()
    for i in range(len(payload) + 1):
        for char in QR_ALPHANUMERIC:
            changed.add(payload[:i] + char + payload[i:])  # one inserted
            if i < len(payload):
                changed.add(payload[:i] + char + payload[i + 1 :])  # one swapped
        if i < len(payload):
            changed.add(payload[:i] + payload[i + 1 :])  # one dropped
    changed -= {payload, payload + " ", " " + payload}  # spaces at the ends are scanner noise
    assert len(changed) > 3000
    for text in changed:
        with pytest.raises(CardRefused):
            cards.check(text)


def test_payload_signed_with_another_countys_key_is_refused(station):
    county = County.get_by_id("451425")
    forged = County(code="451425", name="天等县", card_key="22" * 32)
    assert reason_of(cards.payload(forged, "1012010001", 1)) == "bad_mac"
    other = County(code="451421", name="扶绥县", card_key=county.card_key)
    assert reason_of(cards.payload(other, "1012010001", 1)) == "wrong_county"


@pytest.mark.parametrize(
    ("scanned", "reason", "words"),
    [
        ("6901234567892", "malformed", "不是爱心积分卡"),
        ("AX1:451425:1012010001:1:SHORT", "malformed", "不是爱心积分卡"),
        ("AX1:451425:1012010001:01:AAAAAAAAAA", "malformed", "不是爱心积分卡"),
        ("AX2:451425:1012010001:1:AAAAAAAAAA", "malformed", "不是爱心积分卡"),
        ("AX1:451425:1012010001:1:AAAAAAAAAA", "bad_mac", "校验码不对"),
        ("AX1:110101:1012010001:1:AAAAAAAAAA", "wrong_county", "县代码 110101"),
    ],
)
def test_refusal_reasons_of_bad_scans(station, scanned, reason, words):
    with pytest.raises(CardRefused, match=words) as refused:
        cards.check(scanned)
    assert refused.value.reason == reason


def test_unknown_household_is_refused(station):
    county = County.get_by_id("451425")
    genuine = cards.payload(county, "1099990001", 1)  # signed right, another station's roster
    with pytest.raises(CardRefused, match="1099990001 不在本站花名册") as refused:
        cards.check(genuine)
    assert refused.value.reason == "unknown_household"


def test_reissued_households_old_card_is_refused(station):
    old = cards.payload_for("1012010001")
    card = cards.reissue(station.manager, station.clock, "1012010001", note="遗失")
    assert card.serial == 2
    new = cards.payload_for("1012010001")
    assert new != old and new.split(":")[3] == "2"
    with pytest.raises(CardRefused, match="作废") as refused:
        cards.check(old)
    assert refused.value.reason == "revoked"
    assert cards.check(new).card.serial == 2
    line = Audit.select().where(Audit.action == "card-reissue").get()
    assert (line.operator, line.detail) == ("manager", "1012010001 第 2 号卡，第 1 号卡作废：遗失")


def test_older_serial_without_a_row_is_still_revoked(station):
    """A roster from the county may carry only the live card; older serials stay refused."""
    cards.reissue(station.manager, station.clock, "1012010001")
    cards.reissue(station.manager, station.clock, "1012010001")
    county = County.get_by_id("451425")
    first = cards.payload(county, "1012010001", 1)
    Card.delete().where((Card.household == "1012010001") & (Card.serial == 1)).execute()
    assert reason_of(first) == "revoked"


def test_newer_serial_than_known_is_refused_as_unknown_card(station):
    county = County.get_by_id("451425")
    assert reason_of(cards.payload(county, "1012010001", 2)) == "unknown_card"


def test_inactive_household_is_refused(station):
    payload = cards.payload_for("1012020001")
    set_status(station.manager, station.clock, "1012020001", "deceased")
    with pytest.raises(CardRefused, match="状态是“去世”，不能兑换") as refused:
        cards.check(payload)
    assert refused.value.reason == "inactive"


def test_only_managers_reissue_and_refusals_change_nothing(station):
    before = snapshot()
    for actor in (station.clerk, station.cadre):
        with pytest.raises(Refused, match="无权发卡或补卡"):
            cards.reissue(actor, station.clock, "1012010001")
    with pytest.raises(Refused, match="户号 9999999999 不存在"):
        cards.reissue(station.manager, station.clock, "9999999999")
    assert snapshot() == before
    set_status(station.manager, station.clock, "1012010002", "moved")
    before = snapshot()
    with pytest.raises(Refused, match="状态是“迁出”，只有正常户才发卡"):
        cards.reissue(station.manager, station.clock, "1012010002")
    with pytest.raises(Refused, match="状态是“迁出”，只有正常户才发卡、印卡"):
        faces(households=["1012010002"])  # nor printed by name
    with pytest.raises(Refused, match="户号 9999999999 不存在"):
        faces(households=["9999999999"])
    assert snapshot() == before


def test_issue_once_then_reissue(station):
    form = HouseholdForm("1012020009", "韦春花", fix_check("45142519880808008"), "451425101202",
                         "监测户")  # fmt: skip
    save(station.manager, station.clock, form, station="451425-03")
    with pytest.raises(Refused, match="还没有有效的积分卡"):
        cards.payload_for("1012020009")
    with pytest.raises(Refused, match="无权发卡"):
        cards.issue(station.clerk, station.clock, "1012020009")
    assert cards.issue(station.manager, station.clock, " 1012020009 ").serial == 1
    with pytest.raises(Refused, match="已经有卡，请用补卡"):
        cards.issue(station.manager, station.clock, "1012020009")
    assert cards.check(cards.payload_for("1012020009")).household.head_name == "韦春花"


def test_one_live_card_per_household(station):
    for _ in range(3):
        cards.reissue(station.manager, station.clock, "1012010003")
    live = Card.select().where((Card.household == "1012010003") & Card.revoked.is_null())
    assert [c.serial for c in live] == [4]
    assert Card.select().where(Card.household == "1012010003").count() == 4
