"""The county's places from the office's own list: townships, villages and their groups.

`aixin county places import` reads a sheet with the columns 乡镇代码, 乡镇, 村代码, 村 and
optionally 组 (a group's name) and 组代码, one line a village (or a group of it; a line with a
township alone names the township). Codes are the national statistical division codes
(统计用区划代码): a township's 9 digits (or the 12 of the full form, ending 000) begin with the
county's 6, a village's 12 begin with its township's 9; a group's own code, when the sheet has
one, is the village's 12 and two more. A group without a code gets the next free one.

The sheet is taken whole or not at all, every bad line named. Places are never deleted (the
roster and the books point at them): a place in the books that the sheet leaves out stays;
one whose name changed keeps its code, so its households and their history stay with it.
Importing the same sheet again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import N_, Message, Refused
from catalog.tabular import Problems, Row, read_rows
from db.books.auth import Actor
from db.county.office import officer
from db.store import audit
from db.store.clock import Clock
from db.store.connection import database
from db.store.models import County, Group, Township, Village

COLUMNS = {
    "乡镇代码": "township_code",
    "乡镇编码": "township_code",
    "townshipcode": "township_code",
    "乡镇": "township",
    "乡镇名称": "township",
    "乡镇（街道）": "township",
    "township": "township",
    "村代码": "village_code",
    "村编码": "village_code",
    "villagecode": "village_code",
    "村": "village",
    "村名": "village",
    "村名称": "village",
    "行政村": "village",
    "村（社区）": "village",
    "village": "village",
    "组": "group",
    "村民小组": "group",
    "屯": "group",
    "组名": "group",
    "group": "group",
    "组代码": "group_code",
    "groupcode": "group_code",
}
REQUIRED = ("township_code", "township", "village_code", "village")
MAX_ROWS = 50_000  # a county: a few hundred villages, some thousands of groups
NAME_CHARS = 30
TOWNSHIP, VILLAGE, GROUP = N_("乡镇"), N_("村"), N_("组")


@dataclass(frozen=True)
class Imported:
    """What an import changed: places added and places renamed, of each kind."""

    townships: tuple[int, int]
    villages: tuple[int, int]
    groups: tuple[int, int]

    @property
    def changed(self) -> bool:
        return any(self.townships + self.villages + self.groups)


def read_sheet(path: str | Path) -> list[Row]:
    return read_rows(path, COLUMNS, REQUIRED, max_rows=MAX_ROWS)


def _digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()  # full-width digits from an IME


def _name(text: str, kind: str) -> str:
    what = Message(kind)
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise Refused("{what}名称是空的", what=what)
    if len(name) > NAME_CHARS or not all(c.isprintable() for c in name):
        raise Refused(
            "{what}名称“{name}”不对：最多 {most} 个字", what=what, name=name, most=NAME_CHARS
        )
    return name


def township_code(text: str, county: str) -> str:
    """A township's 9-digit code, from the 9 or the 12 digits (…000) of the sheet."""
    code = _digits(text)
    if re.fullmatch(r"\d{12}", code) and code.endswith("000"):
        code = code[:9]
    if not re.fullmatch(r"\d{9}", code):
        raise Refused("乡镇代码“{code}”不对：应为 9 位数字（或以 000 结尾的 12 位）", code=text)
    if not code.startswith(county):
        raise Refused(
            "乡镇代码 {code} 不是本县（{county}）的：应以 {county} 开头", code=code, county=county
        )
    if code.endswith("000"):
        raise Refused("乡镇代码 {code} 不对：后 3 位不能是 000（那是县本身）", code=code)
    return code


def village_code(text: str, county: str, township: str) -> str:
    code = _digits(text)
    if not re.fullmatch(r"\d{12}", code):
        raise Refused("村代码“{code}”不对：应为 12 位数字", code=text)
    if not code.startswith(county):
        raise Refused(
            "村代码 {code} 不是本县（{county}）的：应以 {county} 开头", code=code, county=county
        )
    if code[:9] != township:
        raise Refused(
            "村代码 {code} 属于乡镇 {prefix}，不在这一行的乡镇 {township} 之下",
            code=code,
            prefix=code[:9],
            township=township,
        )
    if code.endswith("000"):
        raise Refused("村代码 {code} 不对：后 3 位不能是 000（那是乡镇本身）", code=code)
    return code


class _Sheet:
    """The places the sheet names, checked line by line against each other."""

    def __init__(self, county: str) -> None:
        self.county = county
        self.townships: dict[str, tuple[str, int]] = {}  # code: name, first line
        self.villages: dict[str, tuple[str, str, int]] = {}  # code: township, name, line
        self.groups: dict[tuple[str, str], tuple[str, int]] = {}  # (village, name): code, line
        self.group_codes: dict[str, tuple[str, str, int]] = {}  # code: village, name, line

    def line(self, row: Row) -> None:
        code = township_code(row.get("township_code"), self.county)
        name = _name(row.get("township"), TOWNSHIP)
        self._same(self.townships, code, (name,), row.line, TOWNSHIP, name)
        self.townships.setdefault(code, (name, row.line))
        if not row.get("village_code") and not row.get("village"):
            if row.get("group") or row.get("group_code"):
                raise Refused("这一行有组，没有村：请填上村代码和村")
            return
        village = village_code(row.get("village_code"), self.county, code)
        village_name = _name(row.get("village"), VILLAGE)
        self._same(self.villages, village, (code, village_name), row.line, VILLAGE, village_name)
        self.villages.setdefault(village, (code, village_name, row.line))
        group, group_code = row.get("group"), _digits(row.get("group_code"))
        if not group and not group_code:
            return
        group = _name(group, GROUP)
        if group_code:
            if not re.fullmatch(r"\d{14}", group_code) or not group_code.startswith(village):
                raise Refused(
                    "组代码“{code}”不对：应为村代码 {village} 后加 2 位数字",
                    code=group_code,
                    village=village,
                )
            self._same(self.group_codes, group_code, (village, group), row.line, GROUP, group)
            self.group_codes.setdefault(group_code, (village, group, row.line))
        known = self.groups.get((village, group))
        if known and group_code and known[0] and known[0] != group_code:
            raise Refused(
                "{village}的“{group}”在第 {line} 行的组代码是 {other}",
                village=village_name,
                group=group,
                line=known[1],
                other=known[0],
            )
        if not known or (group_code and not known[0]):
            self.groups[(village, group)] = (group_code, row.line)

    @staticmethod
    def _same(seen: dict, code: str, values: tuple, line: int, what: str, name: str) -> None:
        """One code, one place: the same code on another line must say the same."""
        if code in seen and tuple(seen[code][: len(values)]) != values:
            raise Refused(
                "{what}代码 {code} 在第 {line} 行是“{other}”，这一行是“{name}”："
                "同一个代码只能是一个地方",
                what=Message(what),
                code=code,
                line=seen[code][-1],
                other=seen[code][len(values) - 1],
                name=name,
            )

    def names(self, problems: Problems) -> None:
        """Two places of one parent with one name: the roster finds a village by its name."""
        for kind, places in (
            (TOWNSHIP, {c: ("", n, line) for c, (n, line) in self.townships.items()}),
            (VILLAGE, self.villages),
        ):
            first: dict[tuple[str, str], str] = {}
            for code, (parent, name, line) in places.items():
                other = first.setdefault((parent, name), code)
                if other != code:
                    problems.add(
                        line,
                        Refused(
                            "{what}“{name}”有两个代码：{other} 和 {code}",
                            what=Message(kind),
                            name=name,
                            other=other,
                            code=code,
                        ),
                    )


def check(rows: list[Row], county: str) -> _Sheet:
    sheet = _Sheet(county)
    problems = Problems()
    for row in rows:
        try:
            sheet.line(row)
        except Refused as refusal:
            problems.add(row.line, refusal)
    sheet.names(problems)
    _against_books(sheet, problems)
    problems.refuse()
    if not sheet.townships:
        raise Refused("表格里没有乡镇和村")
    return sheet


def _against_books(sheet: _Sheet, problems: Problems) -> None:
    """A name the sheet gives a new place may not be another place's already in the books."""
    for code, (township, name, line) in sheet.villages.items():
        twin = Village.get_or_none(
            (Village.township == township) & (Village.name == name) & (Village.code != code)
        )
        if twin is not None and twin.code not in sheet.villages:
            problems.add(
                line,
                Refused(
                    "本乡镇已有村“{name}”，代码是 {other}，不是 {code}",
                    name=name,
                    other=twin.code,
                    code=code,
                ),
            )
    for code, (village, _group, line) in sheet.group_codes.items():
        known = Group.get_or_none(Group.code == code)
        if known is not None and known.village_id != village:
            problems.add(
                line,
                Refused("组代码 {code} 已属于村 {village}", code=code, village=known.village_id),
            )


def import_places(actor: Actor, clock: Clock, rows: list[Row]) -> Imported:
    """Add or rename every place of the sheet, or none of them."""
    office = officer(actor)
    county = County.get_by_id(office.county_id).code
    sheet = check(rows, county)
    with database.atomic():
        townships = _upsert(
            Township, {code: {"name": name} for code, (name, _) in sheet.townships.items()}
        )
        villages = _upsert(
            Village,
            {c: {"township": t, "name": n} for c, (t, n, _) in sheet.villages.items()},
        )
        groups = _groups(sheet)
        result = Imported(townships, villages, groups)
        if result.changed:
            audit.record(
                actor.name,
                office.code,
                clock.now(),
                "places-import",
                # data, not a sentence: counts of places added (+) and renamed (~)
                f"township +{townships[0]} ~{townships[1]} village +{villages[0]} "
                f"~{villages[1]} group +{groups[0]} ~{groups[1]}",
            )
    return result


def _upsert(model: type, wanted: dict[str, dict[str, str]]) -> tuple[int, int]:
    """Add the new codes, rename the known ones whose name changed; (added, renamed)."""
    known = {
        row[0]: row[1:]
        for row in model.select(model.code, model.name).tuples()  # type: ignore[attr-defined]
    }
    added = renamed = 0
    for code, values in wanted.items():
        if code not in known:
            model.insert(code=code, **values).execute()  # type: ignore[attr-defined]
            added += 1
        elif known[code][0] != values["name"]:
            model.update(name=values["name"]).where(model.code == code).execute()  # type: ignore[attr-defined]
            renamed += 1
    return added, renamed


def _groups(sheet: _Sheet) -> tuple[int, int]:
    added = renamed = 0
    for (village, name), (code, _) in sheet.groups.items():
        if code:
            known = Group.get_or_none(Group.code == code)
            if known is None:
                Group.create(code=code, village=village, name=name)
                added += 1
            elif known.name != name:
                Group.update(name=name).where(Group.code == code).execute()
                renamed += 1
            continue
        if Group.get_or_none((Group.village == village) & (Group.name == name)):
            continue
        taken = [
            int(g.code[len(village) :])
            for g in Group.select(Group.code).where(Group.village == village)
            if g.code[len(village) :].isdigit()
        ]
        Group.create(code=f"{village}{max(taken, default=0) + 1:02d}", village=village, name=name)
        added += 1
    return added, renamed
