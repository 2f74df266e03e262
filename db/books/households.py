"""Households: validation, adding and editing, roster import, search.

Only active households earn and redeem (`require_active`). ID numbers are checked with the
GB 11643 check digit and leave this module masked except through `form_for` (the edit form).
What the screens show of a household is a `views.HouseholdView` (`shown`, `search`, `roster`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from peewee import fn

from catalog.messages import N_, STOP_AFTER, Message, Refused, SheetRefused
from catalog.pinyin import initials, is_initials_query, like_pattern
from catalog.tabular import Row
from db.books import idnumber, views
from db.books.auth import Actor, require
from db.books.setup import local_station
from db.books.views import HouseholdView
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.models import HOUSEHOLD_CATEGORIES, Group, Household, Village

NUMBER = re.compile(r"^[0-9A-Z]{4,12}$")
MAX_MEMBERS = 30  # the most people of one household (the refusal below says so)
# A head's name is printed on the member card in a CJK font, and shown on screens that read
# markup: ideographs (with the extension blocks rare name characters live in), the middle dot
# of minority names (阿卜杜·热合曼), Latin letters and single spaces; nothing else.
NAME_IDEOGRAPHS = (
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # the unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs that NFC leaves alone (﨑, 﨟 ...)
    (0x20000, 0x2A6DF),  # extension B
    (0x2A700, 0x2EE5F),  # extensions C, D, E, F and I
    (0x30000, 0x323AF),  # extensions G and H
)
NAME_MARKS = "〇·•"  # 〇 is written in names as a character; · and • part minority names
STATUS_NAMES = {
    "active": N_("正常"),
    "moved": N_("迁出"),
    "deceased": N_("去世"),
    "removed": N_("注销"),
}
STATUS_BY_NAME = {**{v: k for k, v in STATUS_NAMES.items()}, **{k: k for k in STATUS_NAMES}}

COLUMNS = {
    "number": "number",
    "户号": "number",
    "household": "number",
    "name": "head_name",
    "headname": "head_name",
    "户主": "head_name",
    "户主姓名": "head_name",
    "idnumber": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "village": "village",
    "村": "village",
    "行政村": "village",
    "村代码": "village",
    "group": "group",
    "组": "group",
    "村民小组": "group",
    "屯": "group",
    "category": "category",
    "类别": "category",
    "户类别": "category",
    "members": "members",
    "人口": "members",
    "家庭人口": "members",
    "phone": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "status": "status",
    "状态": "status",
}
ROSTER_ROWS = 250_000  # a county's roster: up to 200,000 households


@dataclass(frozen=True)
class HouseholdForm:
    """What a person types for a household, before validation."""

    number: str
    head_name: str
    id_number: str
    village: str  # code, or a name that is unique in the roster
    category: str
    group: str = ""  # code or name within the village; empty for none
    members: int | str = 1
    phone: str = ""
    status: str = "active"


def require_active(number: str) -> Household:
    """The household, if it exists and may earn and redeem."""
    household = Household.get_or_none(Household.number == number.strip().upper())
    if household is None:
        raise Refused("户号 {number} 不存在", number=number)
    refuse_inactive(household.status, household.head_name, household.number)
    return household


def refuse_inactive(status: str, name: str, number: str) -> None:
    """Refuse a household that may not earn or redeem."""
    if status != "active":
        raise Refused(
            "{name}（{number}）的状态是“{status}”，不能积分或兑换",
            name=name,
            number=number,
            status=Message(STATUS_NAMES[status]),
        )


def shown(number: str, *, active: bool = False) -> HouseholdView:
    """The household as the screens show it; `active`: only one that may earn and redeem."""
    household = views.household(number.strip().upper())
    if household is None:
        raise Refused("户号 {number} 不存在", number=number)
    if active:
        refuse_inactive(household.status, household.head_name, household.number)
    return household


def roster(
    village: str | None = None, *, active: bool = False, county: str | None = None
) -> list[HouseholdView]:
    """Every household (of one village), by number; `active`: only those that earn;
    `county`: of that county's villages alone (a database of several, docs/design.md §6.7)."""
    query = views.households_query().order_by(Household.number)
    if county is not None:
        query = query.where(fn.substr(Household.village, 1, 6) == county)
    if village is not None:
        if not Village.get_or_none(Village.code == village):
            raise Refused("村代码 {code} 不存在", code=village)
        query = query.where(Household.village == village)
    if active:
        query = query.where(Household.status == "active")
    return views.households(query)


def form_for(number: str) -> HouseholdForm | None:
    """What the edit form starts from, the whole ID number included; None for no such number."""
    household = Household.get_or_none(Household.number == number)
    return form_of(household) if household else None


def village_of(text: str) -> Village:
    """The village of code `text`, or of name `text` when one village has it."""
    return _village(text)


def phone_ok(phone: str) -> bool:
    """A mobile number (11 digits from 1) or a landline with its area code (0 and 9–11
    digits), with +86, spaces and dashes allowed: a 7-digit local number reaches no one."""
    digits = re.sub(r"[\s\-]", "", phone)
    if not re.fullmatch(r"\+?[0-9]+", digits):
        return False
    digits = digits.removeprefix("+86").removeprefix("+")
    return bool(re.fullmatch(r"1[3-9][0-9]{9}|0[1-9][0-9]{8,10}", digits))


def _village(text: str) -> Village:
    village = Village.get_or_none(Village.code == text)
    if village:
        return village
    named = list(Village.select().where(Village.name == text).limit(2))
    if len(named) == 1:
        return named[0]
    if named:
        raise Refused("有多个村叫“{name}”，请填村代码", name=text)
    raise Refused("村“{village}”不在花名册中", village=text or Message(N_("（空）")))


def _group(village: Village, text: str, *, create: bool) -> Group | None:
    if not text:
        return None
    group = Group.get_or_none(Group.code == text) or Group.get_or_none(
        (Group.village == village.code) & (Group.name == text)
    )
    if group is not None:
        if group.village_id != village.code:
            raise Refused("组 {group} 不属于 {village}", group=text, village=village.name)
        return group
    if not create:
        raise Refused("{village}没有“{group}”", village=village.name, group=text)
    # The next number after the village's highest: the places import may leave gaps (a
    # group's own code from the county's list), and a count would land on a taken code.
    taken = [
        int(g.code[len(village.code) :])
        for g in Group.select(Group.code).where(Group.village == village.code)
        if g.code[len(village.code) :].isdigit()
    ]
    return Group.create(
        code=f"{village.code}{max(taken, default=0) + 1:02d}", village=village, name=text
    )


def head_name(text: str) -> str:
    """The head's name as it will be stored, or Refused naming the characters it may not have."""
    name = re.sub(" +", " ", unicodedata.normalize("NFC", text).strip())
    if not name or len(name) > 20:
        raise Refused("户主姓名不能为空，最多 20 个字")
    bad = [c for c in dict.fromkeys(name) if not _name_char(c)]
    if bad:
        raise Refused(
            "户主姓名里有不能用的字符：{chars}。只能用汉字、间隔点（· 或 •）、拉丁字母和单个空格",
            chars=tuple(_shown(c) for c in bad),
        )
    return name


def _name_char(c: str) -> bool:
    code = ord(c)
    if c == " " or c in NAME_MARKS or any(lo <= code <= hi for lo, hi in NAME_IDEOGRAPHS):
        return True
    return c.isalpha() and (c.isascii() or (0xC0 <= code <= 0x24F))  # Latin-1 to Extended-B


def _shown(c: str) -> str:
    """A character as a message can show it: invisible ones by their code point."""
    if unicodedata.category(c)[0] in "CZ":
        return f"U+{ord(c):04X}"
    return f"“{c}”"


def validate(form: HouseholdForm, *, create_group: bool = False) -> dict:
    """The column values for `form`, or Refused naming the first thing wrong."""
    number = form.number.strip().upper()
    if not NUMBER.match(number):
        raise Refused("户号“{number}”不对：应为 4 到 12 位数字或大写字母", number=form.number)
    name = head_name(form.head_name)
    id_number = idnumber.normalize(form.id_number)
    why = idnumber.problem(id_number)
    if why:
        raise Refused("{why}（{masked}）", why=Message(why), masked=idnumber.mask(id_number))
    if form.category not in HOUSEHOLD_CATEGORIES:
        raise Refused(
            "户类别“{category}”应为 {known} 之一",
            category=form.category,
            known=tuple(Message(c) for c in HOUSEHOLD_CATEGORIES),
        )
    status = STATUS_BY_NAME.get(form.status.strip() or "active")
    if status is None:
        raise Refused("状态“{status}”应为 正常、迁出、去世 或 注销", status=form.status)
    members = str(form.members).strip() or "1"
    if not members.isdigit() or not 1 <= int(members) <= MAX_MEMBERS:
        raise Refused("家庭人口应为 1 到 30 的整数，而不是“{members}”", members=form.members)
    phone = form.phone.strip()
    if phone and not phone_ok(phone):
        raise Refused("电话号码“{phone}”不对：手机号 11 位，座机号要带区号", phone=phone)
    village = _village(form.village.strip())
    group = _group(village, form.group.strip(), create=create_group)
    twin = Household.get_or_none((Household.id_number == id_number) & (Household.number != number))
    if twin:
        raise Refused(
            "身份证号已登记在户 {number}（{name}）", number=twin.number, name=twin.head_name
        )
    return {
        "number": number,
        "head_name": name,
        "id_number": id_number,
        "village": village.code,
        "group": group.code if group else None,
        "category": form.category,
        "members": int(members),
        "phone": phone,
        "status": status,
        "initials": initials(name),
    }


def save(
    actor: Actor | None, clock: Clock, form: HouseholdForm, *, station: str, new: bool = False
) -> str:
    """Change a household (same number), or add one; returns its number. `actor` None: roster
    setup.

    `new=True` is adding (the add form): a number already taken is refused rather than
    overwriting that household."""
    if actor is not None:
        require(actor, "edit_household")
    with database.atomic():
        if new:  # before the other fields: a taken number is what the person must see first
            _not_taken(form.number.strip().upper())
        values = validate(form, create_group=actor is None)
        _write(values, actor, clock, station)
    return values["number"]


def _not_taken(number: str) -> None:
    taken = Household.get_or_none(Household.number == number)
    if taken is not None:
        raise Refused(
            "户号 {number} 已经有了（{name}），要修改请打开这一户按 F7",
            number=number,
            name=taken.head_name,
        )


def _write(values: dict, actor: Actor | None, clock: Clock, station: str) -> str:
    now = clock.now()
    values = {**values, "updated": stamp(now), "updated_by": station}
    exists = Household.select().where(Household.number == values["number"]).exists()
    if exists:
        Household.update(**values).where(Household.number == values["number"]).execute()
    else:
        Household.insert(**values).execute()
    action = "household-edit" if exists else "household-add"
    audit.record(actor.name if actor else "roster", station, now, action, values["number"])
    return action


def set_status(actor: Actor, clock: Clock, number: str, status: str) -> None:
    household = Household.get_or_none(Household.number == number)
    if household is None:
        raise Refused("户号 {number} 不存在", number=number)
    form = form_of(household)
    save(actor, clock, replace(form, status=status), station=actor.station)


def form_of(household: Household) -> HouseholdForm:
    return HouseholdForm(
        number=household.number,
        head_name=household.head_name,
        id_number=household.id_number,
        village=household.village_id,
        category=household.category,
        group=household.group_id or "",
        members=household.members,
        phone=household.phone,
        status=household.status,
    )


def import_rows(actor: Actor | None, clock: Clock, rows: list[Row], *, station: str) -> dict:
    """Add or update every row, or none: one bad row refuses the sheet, naming every bad row.

    At a station a manager imports (`actor`); at the county, a county operator."""
    at_county = local_station().kind == "county"
    if actor is None and at_county:
        raise Refused("在县级数据库导入花名册要由县扶贫办的操作员来做：请加上 --operator county")
    if actor is None:
        raise Refused("在站点导入农户要由站长来做：请加上 --operator 站长的操作员名")
    require(actor, "county" if at_county else "edit_household")
    problems: list[tuple[int, Refused]] = []
    counts = {"household-add": 0, "household-edit": 0}
    with database.atomic() as transaction:
        seen: dict[str, int] = {}
        for row in rows:
            form = HouseholdForm(
                number=row.get("number"),
                head_name=row.get("head_name"),
                id_number=row.get("id_number"),
                village=row.get("village"),
                category=row.get("category"),
                group=row.get("group"),
                members=row.get("members") or 1,
                phone=row.get("phone"),
                status=row.get("status") or "active",
            )
            try:
                if form.number.strip().upper() in seen:
                    raise Refused(
                        "户号 {number} 与第 {line} 行重复",
                        number=form.number,
                        line=seen[form.number.strip().upper()],
                    )
                values = validate(form, create_group=True)
                if at_county and actor.county:
                    _in_county(values, actor.county)
                seen[values["number"]] = row.line
                counts[_write(values, actor, clock, station)] += 1
            except Refused as refusal:
                problems.append((row.line, refusal))
                if len(problems) == STOP_AFTER:
                    transaction.rollback()
                    raise SheetRefused(problems, stopped_at=row.line) from None
        if problems:
            transaction.rollback()
            raise SheetRefused(problems)
    return {"added": counts["household-add"], "updated": counts["household-edit"]}


def _in_county(values: dict, county: str) -> None:
    """A county's roster holds its own households: in a database of several counties
    (docs/design.md §6.7) a line for another county's village or household is refused."""
    if not str(values["village"]).startswith(county):
        raise Refused("村代码 {code} 不在本县花名册中", code=values["village"])
    known = Household.get_or_none(Household.number == values["number"])
    if known is not None and not known.village_id.startswith(county):
        raise Refused("户号 {number} 已属于另一个县", number=values["number"])


ID_TAIL = 4


def search(text: str, *, limit: int = 20, village: str | None = None) -> list[HouseholdView]:
    """By name, pinyin initials ('zs'), household number, or the tail of the ID number."""
    text = text.strip()
    if not text:
        return []
    query = views.households_query()
    if village:
        query = query.where(Household.village == village)
    if is_initials_query(text):
        query = query.where(Household.initials ** like_pattern(text))
    elif text.isascii():
        text = text.upper()
        # The ID number: its last four (what the mask shows anyway) or the whole of it. A
        # longer tail would let anyone read a hidden digit a search at a time.
        if len(text) <= ID_TAIL:
            by_id = Household.id_number.endswith(text)
        else:
            by_id = Household.id_number == text
        query = query.where(Household.number.startswith(text) | by_id)
    else:
        query = query.where(Household.head_name.contains(text))
    return views.households(query.order_by(Household.number).limit(limit))
