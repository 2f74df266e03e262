"""Corrections (docs/design.md §4.2): nothing is changed or deleted; a reversal points at the
original.

An entry is reversed at most once (a unique index on `reverses` holds that even against a
race), a reversal is never itself reversed, and reversing a redemption also puts its goods
back on the shelf. Managers may also book adjustments and opening balances.
"""

from __future__ import annotations

from catalog.messages import N_, Refused
from db.books import ledger, stock
from db.books.auth import Actor, require
from db.store import audit
from db.store.clock import Clock
from db.store.connection import database
from db.store.ids import human, station_of
from db.store.models import Entry, Household, Redemption, StockMove

KIND_NAMES = {
    "award": N_("记分"),
    "deduction": N_("扣分"),
    "redemption": N_("兑换"),
    "reversal": N_("冲正"),
    "adjustment": N_("调整"),
    "base": N_("期初"),
}


def _reason(reason: str) -> str:
    text = ledger.clean_note(reason)
    if not text:
        raise Refused("请写明冲正原因")
    return text


def _not_reversed(entry: Entry) -> None:
    if entry.kind == "reversal":
        raise Refused("条目 {entry} 本身是冲正记录，不能再冲正", entry=human(entry.id))
    earlier = Entry.get_or_none(Entry.reverses == entry.id)
    if earlier is not None:
        raise Refused(
            "条目 {entry} 已于 {time} 冲正过（冲正条目 {by}）",
            entry=human(entry.id),
            time=earlier.time,
            by=human(earlier.id),
        )


def check_reversible(entry_id: int) -> None:
    """Refuses, before any reason is asked for, an entry that cannot be reversed whatever the
    reason: unknown, a reversal itself, already reversed (the redemption an entry belongs
    to, for a redemption's entry)."""
    entry = Entry.get_or_none(Entry.id == entry_id)
    if entry is None:
        raise Refused("条目 {entry} 不存在", entry=human(entry_id))
    _not_reversed(entry)


def _opposite(entry: Entry, note: str) -> ledger.NewEntry:
    """The reversal of `entry`: the same household, task and redemption, the points negated."""
    return ledger.NewEntry(
        household=entry.household_id,
        points=-entry.points,
        kind="reversal",
        task=entry.task_id,
        redemption=entry.redemption_id,
        reverses=entry.id,
        qty=entry.qty,
        note=note,
    )


def reverse_entry(actor: Actor, clock: Clock, entry_id: int, reason: str) -> int:
    """Reverse one entry (a redemption's entry reverses the whole redemption)."""
    require(actor, "reverse")
    note = _reason(reason)
    with database.atomic():
        entry = Entry.get_or_none(Entry.id == entry_id)
        if entry is None:
            raise Refused("条目 {entry} 不存在", entry=human(entry_id))
        if entry.kind == "redemption" and entry.redemption_id is not None:
            return reverse_redemption(actor, clock, entry.redemption_id, reason)
        if station_of(entry.id) != actor.station:
            # another station may reverse it too while the two are apart: the county could
            # then never take both, so each entry is corrected where it was written
            raise Refused(
                "条目 {entry} 是站点 {station} 记的，只能在那里冲正",
                entry=human(entry.id),
                station=station_of(entry.id),
            )
        _not_reversed(entry)
        household = Household.get_by_id(entry.household_id)
        if household.balance - entry.points < 0:
            raise Refused(
                "{name} 的积分已用掉，冲正后余额会成为负数（余额 {balance}，冲正 {points} 分）",
                name=household.head_name,
                balance=household.balance,
                points=entry.points,
            )
        now = clock.now()
        [reversal] = ledger.append(actor.name, actor.station, now, [_opposite(entry, note)])
        audit.record(
            actor.name,
            actor.station,
            now,
            "reversal",
            f"{human(entry.id)} {KIND_NAMES[entry.kind]} {entry.points:+d}：{note}",
        )
    return reversal


def reverse_redemption(actor: Actor, clock: Clock, redemption_id: int, reason: str) -> int:
    """Give the points back and put the goods back in stock; returns the reversal entry id."""
    require(actor, "reverse")
    note = _reason(reason)
    with database.atomic():
        redemption = Redemption.get_or_none(Redemption.id == redemption_id)
        if redemption is None:
            raise Refused("兑换单 {slip} 不存在", slip=human(redemption_id))
        if redemption.station != actor.station:
            raise Refused(
                "兑换单 {slip} 是在站点 {station} 做的，只能在那里冲正",
                slip=human(redemption.id),
                station=redemption.station,
            )
        entry = Entry.get_or_none(Entry.redemption == redemption.id, Entry.kind == "redemption")
        if entry is None:  # written together, so only a damaged file lacks it
            raise Refused(
                "兑换单 {slip} 的扣分条目不见了，不能冲正：请运行 aixin verify",
                slip=human(redemption.id),
            )
        _not_reversed(entry)
        now = clock.now()
        [reversal] = ledger.append(actor.name, actor.station, now, [_opposite(entry, note)])
        moves = StockMove.select().where(
            StockMove.redemption == redemption.id, ledger.unindexed(StockMove.reverses).is_null()
        )
        stock.append(
            actor.name,
            actor.station,
            now,
            [
                stock.NewMove(
                    m.item_id,
                    -m.qty,
                    "redemption",
                    redemption=redemption.id,
                    reverses=m.id,
                    note=note,
                )
                for m in moves
            ],
        )
        audit.record(
            actor.name,
            actor.station,
            now,
            "reversal",
            f"兑换单 {human(redemption.id)} {redemption.total} 分：{note}",
        )
    return reversal


def adjust_points(
    actor: Actor, clock: Clock, household: str, points: int, note: str, *, kind: str = "adjustment"
) -> int:
    """A manager's adjustment, or an opening balance (`kind='base'`) carried over from paper."""
    require(actor, "adjust_points")
    if kind not in ("adjustment", "base"):
        raise Refused("调整类型应为调整或期初")
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise Refused("调整的积分应为非零整数")
    text = ledger.clean_note(note)
    if not text:
        raise Refused("请写明调整原因")
    with database.atomic():
        person = Household.get_or_none(Household.number == household)
        if person is None:
            raise Refused("户号 {number} 不存在", number=household)
        if person.balance + points < 0:
            raise Refused(
                "{name} 余额 {balance} 分，调整后会成为负数",
                name=person.head_name,
                balance=person.balance,
            )
        now = clock.now()
        [entry] = ledger.append(
            actor.name,
            actor.station,
            now,
            [
                ledger.NewEntry(
                    household=person.number,
                    points=points,
                    kind=kind,
                    note=text,
                )
            ],
        )
        audit.record(actor.name, actor.station, now, kind, f"{person.number} {points:+d}：{text}")
    return entry
