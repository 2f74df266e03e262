"""The county's own rules sheet (积分细则): taking it in with its history.

`aixin catalog import --tasks` at the county reads the sheet (the columns `catalog list --tasks
--tsv` prints, Chinese headers accepted: catalog/loader.py) and makes the books' rules sheet
say the same, without ever losing what was:
- a task new to the books is added, worth its value from the start (no award can have used it);
- a task whose points, cap or cap period changed gets a new line in its history from the date
  given (`since`, by default the first day of next month, so that every station has the update
  before it holds); the old value stays for the awards made under it (db/books/catalog_at.py);
- a task the sheet leaves out is retired (`active` off), never deleted: entries point at it;
  one the sheet names again is in use again;
- a changed name, category or unit is only a change of the row.
The date may not be in the past: the awards already made keep their meaning. The sheet is taken
whole or not at all. Only the county changes its rules; stations receive them in their setup
and update files (db/county/updates.py), and `import_tasks` at a station is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from catalog.loader import TaskLine
from catalog.messages import Refused
from db.books.auth import Actor, require
from db.books.catalog_at import ALWAYS, tasks_at
from db.books.setup import local_station, refuse_shared_catalog
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.models import Task, TaskValue


@dataclass(frozen=True)
class RulesImported:
    added: tuple[str, ...]
    changed: tuple[str, ...]  # a new value from `since`
    retired: tuple[str, ...]
    restored: tuple[str, ...]  # retired before, in use again
    renamed: tuple[str, ...]  # name, category or unit changed
    since: str

    @property
    def changes(self) -> int:
        return sum(map(len, (self.added, self.changed, self.retired, self.restored, self.renamed)))


def refuse_at_station() -> None:
    here = local_station()
    if here.kind != "county":
        raise Refused(
            "积分细则由县扶贫办统一制定，随设置文件和更新文件发到各站点：站点 {code} 不能修改",
            code=here.code,
        )
    refuse_shared_catalog()


def default_since(now: datetime) -> str:
    """The first day of next month: the stations have their update before it holds."""
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return f"{year:04d}-{month:02d}-01"


def valid_since(text: str, now: datetime) -> str:
    """A date 'YYYY-MM-DD' from today on."""
    typed = text.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed):
            raise ValueError(typed)
        day = date.fromisoformat(typed)
    except ValueError:
        raise Refused(
            "起用日期应为 YYYY-MM-DD，例如 2027-01-01，而不是“{text}”", text=text
        ) from None
    if day < now.date():
        raise Refused(
            "起用日期 {since} 已经过去：已记的分要保持原来的分值，新分值只能从今天或以后起用",
            since=typed,
        )
    return typed


def import_tasks(
    actor: Actor, clock: Clock, lines: Sequence[TaskLine], *, since: str | None = None
) -> RulesImported:
    """Make the books' rules sheet say what `lines` say, from `since` (see the module)."""
    refuse_at_station()
    require(actor, "county")
    if not lines:
        raise Refused("表格中没有积分项目：整张细则不能是空的")
    now = clock.now()
    when = valid_since(since, now) if since else default_since(now)
    with database.atomic():
        newest = _newest()
        rows = {t.code: t for t in Task.select()}
        unkept = set(rows) - set(newest)  # rows made before their history was kept
        added, changed, restored, renamed = [], [], [], []
        for line in lines:
            row = rows.get(line.code)
            value = (line.points, line.cap, line.per)
            if row is None:
                Task.create(
                    code=line.code,
                    name=line.name,
                    category=line.category,
                    points=line.points,
                    unit=line.unit,
                    cap=line.cap,
                    active=True,
                )
                _add_value(line, ALWAYS)
                added.append(line.code)
                continue
            last = newest.get(line.code, (ALWAYS, row.points, row.cap, "month"))
            if last[1:] != value:
                if last[0] == when:
                    raise Refused(
                        "项目 {code} 从 {since} 起的分值已经定了，不能再改：请换一个起用日期",
                        code=line.code,
                        since=when,
                    )
                if line.code in unkept:  # what it was worth until now holds until then
                    TaskValue.create(
                        task=line.code, since=ALWAYS, points=row.points, cap=row.cap, per="month"
                    )
                _add_value(line, when)
                changed.append(line.code)
            if not row.active:
                restored.append(line.code)
            elif (row.name, row.category, row.unit) != (line.name, line.category, line.unit):
                renamed.append(line.code)
            Task.update(
                name=line.name,
                category=line.category,
                unit=line.unit,
                points=line.points,
                cap=line.cap,
                active=True,
            ).where(Task.code == line.code).execute()
        named = {line.code for line in lines}
        retired = sorted(code for code, row in rows.items() if row.active and code not in named)
        if retired:
            Task.update(active=False).where(Task.code.in_(retired)).execute()
        result = RulesImported(
            tuple(added), tuple(changed), tuple(retired), tuple(restored), tuple(renamed), when
        )
        if result.changes:
            audit.record(
                actor.name,
                actor.station,
                now,
                "rules-import",
                # data, not a sentence: counts of tasks by what the sheet did to them
                f"added {len(added)} revalued {len(changed)} from {when} retired {len(retired)} "
                f"restored {len(restored)} renamed {len(renamed)}",
            )
    return result


def _newest() -> dict[str, tuple[str, int, int | None, str]]:
    """Each task's newest line of history: since, points, cap, per."""
    found: dict[str, tuple[str, int, int | None, str]] = {}
    rows = database.execute_sql(
        "SELECT task_id, since, points, cap, per FROM task_value ORDER BY task_id, since"
    )
    for task, since, points, cap, per in rows:
        found[task] = (since, points, cap, per)
    return found


def _add_value(line: TaskLine, since: str) -> None:
    TaskValue.create(task=line.code, since=since, points=line.points, cap=line.cap, per=line.per)


def history(code: str) -> list[tuple[str, int, int | None, str]]:
    """Every value task `code` has had, oldest first: since, points, cap, per."""
    rows = database.execute_sql(
        "SELECT since, points, cap, per FROM task_value WHERE task_id = ? ORDER BY since", (code,)
    )
    return [tuple(row) for row in rows]


def rules_at(clock: Clock) -> list:
    """The tasks in use as they stand now, in code order (for `catalog list --tasks`)."""
    return [t for t in tasks_at(stamp(clock.now())) if t.active and t.points is not None]
