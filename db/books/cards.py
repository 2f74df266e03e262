"""Member cards (docs/design.md §5): the signed QR payload, its checks, issue and reissue.

The payload is `AX1:<county>:<household>:<serial>:<mac>`, e.g.
`AX1:451425:1002010023:1:K7Q2M4XB5T` — only characters of the QR alphanumeric set, at most
40 of them, so it encodes compactly and a USB scanner in keyboard mode types it back as is.
The MAC is HMAC-SHA256 under the county's card key, truncated to 50 bits (ten base-32
letters). The serial counts the household's cards: a reissue revokes every older serial.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from typing import NoReturn

from catalog.messages import Message, Refused
from db.books import views
from db.books.auth import Actor, require
from db.books.households import STATUS_NAMES
from db.books.setup import local_station
from db.books.views import CardView, HouseholdView
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import next_id
from db.store.models import Card, County, Household

VERSION = "AX1"
MAC_CHARS = 10  # base-32 letters: 50 bits
MAX_LENGTH = 40
MAX_SERIAL = 999
PAYLOAD = re.compile(
    r"^AX1:(?P<county>\d{6}):(?P<household>[0-9A-Z]{4,12}):(?P<serial>[1-9]\d{0,2})"
    rf":(?P<mac>[A-Z2-7]{{{MAC_CHARS}}})$"
)
# Some scanners wrap what they type in control characters (STX/ETX, tab, CR/LF).
_EDGES = re.compile(r"^[\s\x00-\x1f\x7f]+|[\s\x00-\x1f\x7f]+$")

# Why a scan was refused, for callers that act on the kind rather than the words.
REASONS = (
    "malformed",  # not a card payload at all
    "wrong_county",  # another county's card
    "bad_mac",  # changed or forged
    "unknown_household",  # signed, but the household is not in this station's roster
    "unknown_card",  # a newer serial than this station knows (reissued elsewhere)
    "revoked",  # an older serial: the card was replaced
    "inactive",  # the household moved, died out or was struck off
)


class CardRefused(Refused):
    """A scanned card the till must not accept; `reason` is one of REASONS."""

    def __init__(self, reason: str, template: str, **fields: object) -> None:
        assert reason in REASONS, reason
        self.reason = reason
        super().__init__(template, **fields)


@dataclass(frozen=True)
class CardScan:
    household: HouseholdView
    card: CardView


def mac(card_key: str, county: str, household: str, serial: int) -> str:
    message = f"{VERSION}:{county}:{household}:{serial}".encode("ascii")
    digest = hmac.new(bytes.fromhex(card_key), message, hashlib.sha256).digest()
    return base64.b32encode(digest[:8]).decode("ascii")[:MAC_CHARS]


def payload(county: County, household: str, serial: int) -> str:
    text = f"{VERSION}:{county.code}:{household}:{serial}:"
    text += mac(county.card_key, county.code, household, serial)
    if len(text) > MAX_LENGTH or not PAYLOAD.match(text):
        # Household numbers are validated on entry, so this is a bug, not bad input.
        raise ValueError(f"not a valid card payload: {text!r}")
    return text


def normalize(scanned: str) -> str:
    """What keyboard-mode scanners really send: spaces, CR/LF, Caps Lock, full-width marks."""
    return _EDGES.sub("", unicodedata.normalize("NFKC", scanned)).upper()


def looks_like_card(scanned: str) -> bool:
    return normalize(scanned).startswith(VERSION + ":")


def live_card(household: str) -> Card | None:
    return Card.get_or_none((Card.household == household) & Card.revoked.is_null())


def payload_for(household: str) -> str:
    """The payload of the household's live card."""
    number = household.strip().upper()
    card = live_card(number)
    if card is None:
        if not Household.get_or_none(Household.number == number):
            raise Refused("户号 {number} 不存在", number=number)
        raise Refused("户 {number} 还没有有效的积分卡，请站长发卡", number=number)
    return payload(county_of(number), number, card.serial)


def county_of(number: str) -> County:
    """The county whose card key signs household `number`'s cards: its village's county when
    the books hold it (a database of several counties, docs/design.md §6.7), else this
    installation's."""
    household = Household.get_or_none(Household.number == number)
    if household is not None:
        found = County.get_or_none(County.code == household.village_id[:6])
        if found is not None:
            return found
    return local_station().county


def check(scanned: str) -> CardScan:
    """The household a scanned card belongs to, or CardRefused saying what the clerk can do.

    The MAC is checked before the roster is read, so a forged card learns nothing about
    which household numbers exist.
    """
    match = PAYLOAD.match(normalize(scanned))
    if not match:
        raise CardRefused("malformed", "这不是爱心积分卡的二维码，请重新扫描或手工查户")
    here = local_station()
    county = here.county
    if here.kind == "county" and match["county"] != county.code:  # another county of the books
        county = County.get_or_none(County.code == match["county"]) or county
    if match["county"] != county.code:
        raise CardRefused(
            "wrong_county",
            "这张卡属于县代码 {other}，不是本县（{mine}）的卡",
            other=match["county"],
            mine=county.code,
        )
    number, serial = match["household"], int(match["serial"])
    expected = mac(county.card_key, county.code, number, serial)
    if not hmac.compare_digest(expected, match["mac"]):
        raise CardRefused("bad_mac", "卡的校验码不对：卡可能被改动或伪造，请核对本人身份后补卡")
    household = views.household(number)
    if household is None:
        raise CardRefused(
            "unknown_household",
            "卡上的户号 {number} 不在本站花名册中，请联系县扶贫办更新",
            number=number,
        )
    card = Card.get_or_none((Card.household == number) & (Card.serial == serial))
    if card is None:
        _unknown_serial(number, serial)
    if card.revoked:
        raise CardRefused(
            "revoked",
            "这张卡已于 {when} 作废（已补发新卡），请收回并使用新卡",
            when=card.revoked[:10],
        )
    if household.status != "active":
        raise CardRefused(
            "inactive",
            "{name}（{number}）的状态是“{status}”，不能兑换",
            name=household.head_name,
            number=number,
            status=Message(STATUS_NAMES[household.status]),
        )
    return CardScan(household, views.card(card))


def _unknown_serial(number: str, serial: int) -> NoReturn:
    """A genuine card whose serial this station has no row for: older or newer than ours."""
    live = live_card(number)
    if live is not None and serial < live.serial:
        # Replaced before this station's books began (e.g. a roster from the county).
        raise CardRefused(
            "revoked",
            "这张卡已作废（户 {number} 现用第 {live} 号卡），请收回并使用新卡",
            number=number,
            live=live.serial,
        )
    raise CardRefused(
        "unknown_card",
        "本站没有户 {number} 第 {serial} 号卡的记录（可能在别的站点补发过），"
        "请等县里的更新文件，或核对本人身份后补卡",
        number=number,
        serial=serial,
    )


def issue(actor: Actor | None, clock: Clock, household: str) -> CardView:
    """The household's first card. `actor` None: cards made while setting up a station."""
    if actor is not None:
        require(actor, "issue_card")
    number = household.strip().upper()
    with database.atomic():
        cardable(number)
        if Card.select().where(Card.household == number).exists():
            raise Refused("户 {number} 已经有卡，请用补卡", number=number)
        return _new_card(actor, clock, number, 1, "card-issue", f"{number} 第 1 号卡")


def reissue(actor: Actor, clock: Clock, household: str, *, note: str = "") -> CardView:
    """Revoke the live card (lost, damaged) and issue the next serial; a household that never
    had a card gets its first.

    The old card is refused from the moment this commits, so a lost card never redeems.
    """
    require(actor, "issue_card")
    number = household.strip().upper()
    with database.atomic():
        cardable(number)
        last = (
            Card.select(Card.serial)
            .where(Card.household == number)
            .order_by(Card.serial.desc())
            .scalar()
            or 0
        )
        if last >= MAX_SERIAL:
            raise Refused("户 {number} 补卡次数已达上限", number=number)
        old = live_card(number)
        Card.update(revoked=stamp(clock.now())).where(
            (Card.household == number) & Card.revoked.is_null()
        ).execute()
        detail = f"{number} 第 {last + 1} 号卡"
        if old is not None:
            detail += f"，第 {old.serial} 号卡作废"
        if note.strip():
            detail += f"：{note.strip()}"
        action = "card-reissue" if last else "card-issue"  # no card before: a first issue
        return _new_card(actor, clock, number, last + 1, action, detail)


def cardable(number: str) -> Household:
    """Cards are only issued and printed for households that may redeem."""
    household = Household.get_or_none(Household.number == number)
    if household is None:
        raise Refused("户号 {number} 不存在", number=number)
    if household.status != "active":
        raise Refused(
            "{name}（{number}）的状态是“{status}”，只有正常户才发卡、印卡",
            name=household.head_name,
            number=number,
            status=Message(STATUS_NAMES[household.status]),
        )
    return household


def _new_card(
    actor: Actor | None, clock: Clock, household: str, serial: int, action: str, detail: str
) -> CardView:
    station = actor.station if actor else local_station().code
    now = clock.now()
    card = Card.create(
        id=next_id(Card, station),
        household=household,
        serial=serial,
        issued=stamp(now),
        operator=actor.name if actor else "setup",
        station=station,
    )
    audit.record(actor.name if actor else "setup", station, now, action, detail)
    return views.card(card)
