"""Policy notices (政策信息放送): the county writes them, update files carry them to stations.

A notice has a title, a text, a period (from a day, until a day or open) and whom it is for:
everyone, or the households of some townships and/or some categories, and/or households
named one by one. A household is addressed when it is named, or when the notice names
townships or categories (or nothing at all) and the household is in one of the townships
(any, if none are named) and of one of the categories (any, if none are named). At a station
the notices meant for a household show beside it when its card is scanned, the newest one
on its slips, and the notices an operator has not seen yet at sign-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from catalog.messages import N_, Message, Refused
from db.books.auth import Actor, require
from db.books.setup import local_station
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import next_id
from db.store.models import HOUSEHOLD_CATEGORIES, Household, Setting, Township, Village
from db.store.produce_models import Notice

MAX_TITLE = 40
MAX_TEXT = 500
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SEEN = "notices_seen:"  # + operator: the newest notice shown to them at sign-in


@dataclass(frozen=True)
class NoticeView:
    id: int
    title: str
    text: str
    start: str
    until: str | None
    townships: tuple[str, ...]
    categories: tuple[str, ...]
    households: tuple[str, ...]

    @property
    def whom(self) -> Message:
        """For whom, as a person reads it."""
        if not (self.townships or self.categories or self.households):
            return Message(N_("全体农户"))
        parts: list[Message] = []
        if self.townships:
            parts.append(Message(N_("乡镇 {codes}"), codes=self.townships))
        if self.categories:
            parts.append(
                Message(N_("类别 {names}"), names=tuple(Message(c) for c in self.categories))
            )
        if self.households:
            parts.append(Message(N_("户 {numbers}"), numbers=self.households))
        return Message(N_("{parts}"), parts=tuple(parts))

    def line(self) -> Message:
        """The one line a slip or a card scan shows."""
        return Message(N_("通知：{title}"), title=self.title)

    def current(self, day: str) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)

    def addresses(self, number: str, township: str, category: str) -> bool:
        if number in self.households:
            return True
        if self.households and not (self.townships or self.categories):
            return False
        return (not self.townships or township in self.townships) and (
            not self.categories or category in self.categories
        )


def check_day(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    text = text.strip()
    try:
        if not DAY.match(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError:
        raise Refused(
            "{what}应写成 YYYY-MM-DD，例如 2026-12-31，而不是“{text}”",
            what=Message(what),
            text=text,
        ) from None
    return text


def add(
    actor: Actor,
    clock: Clock,
    title: str,
    text: str,
    *,
    start: str | None = None,
    until: str | None = None,
    townships: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    households: tuple[str, ...] = (),
) -> NoticeView:
    """The county writes a notice; it goes to the stations in their next update files."""
    require(actor, "notice")
    if local_station().kind != "county":
        raise Refused("政策通知由县扶贫办在县级数据库上发布")
    title, text = " ".join(title.split()), text.strip()
    if not title or not text:
        raise Refused("通知的标题和正文都不能为空")
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise Refused(
            "通知标题最长 {title} 个字，正文最长 {text} 个字", title=MAX_TITLE, text=MAX_TEXT
        )
    first = check_day(start, N_("开始日期"))
    last = check_day(until, N_("结束日期"))
    towns = _unique(t.strip() for t in townships)
    kinds = _unique(c.strip() for c in categories)
    numbers = _unique(h.strip().upper() for h in households)
    mine = actor.county or ""  # a county officer names places of their own county only
    for code in towns:
        if Township.get_or_none(Township.code == code) is None or not code.startswith(mine):
            raise Refused("乡镇 {code} 不存在", code=code)
    for name in kinds:
        if name not in HOUSEHOLD_CATEGORIES:
            raise Refused(
                "户类别“{name}”不认识，应为 {names} 之一",
                name=name,
                names=tuple(Message(c) for c in HOUSEHOLD_CATEGORIES),
            )
    for number in numbers:
        found = Household.get_or_none(Household.number == number)
        if found is None or not found.village_id.startswith(mine):
            raise Refused("户号 {number} 不存在", number=number)
    with database.atomic():
        now = clock.now()
        first = first or stamp(now)[:10]
        if last is not None and last < first:
            raise Refused("结束日期 {until} 早于开始日期 {start}", until=last, start=first)
        notice = Notice.create(
            id=next_id(Notice, actor.station),
            title=title,
            text=text,
            start=first,
            until=last,
            townships=" ".join(towns),
            categories=" ".join(kinds),
            households=" ".join(numbers),
            operator=actor.name,
            time=stamp(now),
        )
        audit.record(actor.name, actor.station, now, "notice", title)
    return _view(notice)


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _view(row: Notice) -> NoticeView:
    return NoticeView(
        row.id,
        row.title,
        row.text,
        row.start,
        row.until,
        tuple(row.townships.split()),
        tuple(row.categories.split()),
        tuple(row.households.split()),
    )


def exist() -> bool:
    """Whether the books hold any notice (a cheap test before reading the clock)."""
    return Notice.select().exists()


def every() -> list[NoticeView]:
    """Every notice, newest first."""
    return [_view(n) for n in Notice.select().order_by(Notice.id.desc())]


def for_household(number: str, day: str | None = None) -> list[NoticeView]:
    """The notices meant for household `number` (current on `day`, when given), newest first."""
    row = (
        Household.select(Household.number, Household.category, Village.township)
        .join(Village)
        .where(Household.number == number.strip().upper())
        .first()
    )
    if row is None:
        raise Refused("户号 {number} 不存在", number=number)
    township = row.village.township_id
    return [
        n
        for n in every()
        if n.addresses(row.number, township, row.category) and (day is None or n.current(day))
    ]


def current(day: str) -> list[NoticeView]:
    """Every notice current on `day`, newest first."""
    return [n for n in every() if n.current(day)]


def slip_line(number: str, day: str) -> Message | None:
    """The newest current notice meant for the household, as one line for its slip."""
    meant = for_household(number, day)
    return meant[0].line() if meant else None


def unseen(operator: str, day: str) -> list[NoticeView]:
    """Current notices newer than the last shown to `operator` at sign-in."""
    seen = Setting.get_or_none(Setting.name == SEEN + operator)
    after = int(seen.value) if seen is not None else 0
    return [n for n in current(day) if n.id > after]


def mark_seen(operator: str, shown: list[NoticeView]) -> None:
    if not shown:
        return
    with database.atomic():
        Setting.insert(name=SEEN + operator, value=str(max(n.id for n in shown))).on_conflict(
            conflict_target=[Setting.name], update={Setting.value: str(max(n.id for n in shown))}
        ).execute()
