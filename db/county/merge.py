"""`aixin county merge`: stations' monthly files into the county database (docs/design.md §6).

Each file is checked for what it is and copied to a private folder beside the county database
(db/exchange/sealed.py `take`), checked whole on its own (db.month_check), then, inside one
write transaction, against the county: the same month merged before, continuity of the station's
hash chain with the months either side, and every id it shares with the county (same id,
different content is tampering). Only then is it written, set-based: the file staged as schema
`f` (db.county.staging: ATTACH on SQLite, COPY into a schema on PostgreSQL) and INSERT … SELECT
… ON CONFLICT in chunks. A refused file leaves the county database as it was. Merging is a set
union plus two deterministic rules — a household keeps its newest version (time, then station),
a card its earliest revocation — so the same files in any order give the same county books."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from peewee import DatabaseError

from catalog.messages import N_, Finding, Message, Refused, Translate
from db.books.auth import Actor, require
from db.books.setup import local_station
from db.county import catalog_checks, merge_rows, row_checks, staging
from db.county.catalog_checks import Catalog, Prepared
from db.county.merge_rows import Plan
from db.county.office import officer
from db.exchange import sealed
from db.exchange.month_check import Checked, Keys, check_file
from db.exchange.month_content import RowsRefused
from db.exchange.sealed import FileRefused
from db.store import audit, files
from db.store.clock import Clock, next_month, stamp
from db.store.connection import database, is_postgres
from db.store.county_models import MonthlyFile
from db.store.ids import sequences_past
from db.store.models import Station


@dataclass
class Outcome:
    """What became of one file: `result` says it (a Message, or the FileRefused when refused),
    `notices` what is worth knowing about it; the caller renders both."""

    path: Path
    status: str  # merged | unchanged | refused
    result: Message | FileRefused
    station: str | None = None
    month: str | None = None
    notices: list[Finding] = field(default_factory=list)

    @property
    def refusal(self) -> FileRefused | None:
        return self.result if isinstance(self.result, FileRefused) else None

    def render(self, translate: Translate = str) -> str:
        return self.result.render(translate)


@dataclass
class Batch:
    outcomes: list[Outcome]
    missing: list[Finding]  # `missing_months`: months missing from stations' sequences

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "refused"]


def county_keys(office: Station) -> Keys:
    """What files of `office`'s county are checked with: its stations' keys alone, so a file of
    another county's station is refused as one of a station not enrolled here."""
    applied = {r[0] for r in database.execute_sql("SELECT name FROM schema_migration")}
    stations = {
        s.code: s.key
        for s in Station.select().where(
            (Station.kind != "county") & (Station.county == office.county_id)
        )
    }
    return Keys(office.county_id, stations, frozenset(n for n in applied if n >= "0002"))


def _office(actor: Actor) -> Station:
    require(actor, "county")
    if local_station().kind != "county":
        raise Refused("这不是县级数据库：请在县里用 aixin county init 建的数据库上合并")
    return officer(actor)


def merge_files(actor: Actor, paths: Sequence[Path], clock: Clock) -> Batch:
    """`actor`, a county operator, checks and merges each file in turn; a refused file is
    reported and the others go on.

    A second thread reads and checks the files while this one writes them: SQLite lets go of
    the GIL while it works, so checking the next file costs little time beside writing this
    one. A file is written only after its own checks have all passed. Whatever one file does
    — a crafted file, a full disk, a busy database — it is refused on its own and the batch
    goes on. The private copies live beside the county database, and a killed merge's copies
    are cleared by the next merge.
    """
    office = _office(actor)
    keys, catalog = county_keys(office), catalog_checks.county_catalog()
    outcomes = []
    with (
        files.scratch(_beside(), "incoming") as tmp,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="aixin-check") as checker,
    ):
        copies = [tmp / f"{number}.sqlite" for number in range(len(paths))]
        checks = [
            checker.submit(read_and_check, path, copy, keys, catalog)
            for path, copy in zip(paths, copies, strict=True)
        ]
        for path, copy, check in zip(paths, copies, checks, strict=True):
            ready = check.result()
            if isinstance(ready, FileRefused):
                outcomes.append(Outcome(path, "refused", ready))
                continue
            checked, prepared = ready
            try:
                outcomes.append(_merge_checked(path, copy, checked, prepared, clock, actor))
            except FileRefused as refused:
                kept = refused.with_traceback(None)  # the outcome keeps the reason, not the frames
                outcomes.append(Outcome(path, "refused", kept, checked.station, checked.month))
            except Refused as refused:  # a storage fault: busy, full, read-only
                kept = FileRefused("写入县数据库", refused.message)
                outcomes.append(Outcome(path, "refused", kept, checked.station, checked.month))
            finally:
                copy.unlink(missing_ok=True)
    touched = sorted({o.station for o in outcomes if o.station and o.status != "refused"})
    return Batch(outcomes, missing_months(touched))


def _beside() -> Path:
    """Where the private copies go: beside the county's file, or (a server's database) in
    the system's temporary folder."""
    if is_postgres():
        return Path(tempfile.gettempdir()) / "aixin-county"
    return Path(database.obj.database)


def read_and_check(
    path: Path, copy: Path, keys: Keys, catalog: Catalog
) -> tuple[Checked, Prepared] | FileRefused:
    """Copy `path` (read once: what is checked is what is merged), check the copy whole and
    its rows against the county's catalog; the checked file, or why it is refused. Never
    raises: the file is someone's input."""
    try:
        sealed.take(path, copy, "month")
        checked = check_file(copy, keys)
        return checked, catalog_checks.prepare(copy, catalog, checked.month, checked.station)
    except sqlite3.Error as exc:
        copy.unlink(missing_ok=True)
        return FileRefused("SQLite 完整性", "文件读不出来（{error}）", error=exc)
    except FileRefused as refused:
        copy.unlink(missing_ok=True)
        return refused.with_traceback(None)
    except Refused as refused:  # the copy could not be written: a full or read-only disk
        copy.unlink(missing_ok=True)
        return FileRefused("读取文件", refused.message)
    except OSError as exc:
        copy.unlink(missing_ok=True)
        return FileRefused("读取文件", "{error}", error=exc.strerror or str(exc))
    except Exception as exc:  # a crafted file must never stop the batch
        copy.unlink(missing_ok=True)
        return FileRefused("读取文件", "读这份文件时出了意外的错误（{error}）", error=repr(exc))


def _merge_checked(
    path: Path, copy: Path, checked: Checked, prepared: Prepared, clock: Clock, actor: Actor
) -> Outcome:
    station, month = checked.station, checked.month
    notices: list[Finding] = []
    try:
        with staging.staged(copy):
            plan = _against_county(checked, prepared, stamp(clock.now()), notices)
            if plan is None:
                same = Message(
                    N_("站点 {station} {month} 的月报已经并入过，没有变化"),
                    station=station,
                    month=month,
                )
                return Outcome(path, "unchanged", same, station, month, notices)
            try:
                merge_rows.write(plan)
                filled = (*merge_rows.ID_TABLES, "card")
                sequences_past(tuple(t for t in filled if checked.counts.get(t)))
                MonthlyFile.create(
                    station=station,
                    month=month,
                    digest=checked.digest,
                    entries=checked.counts.get("ledger_entry", 0),
                    before_id=checked.before,
                    last_id=checked.last,
                    chain_start=checked.chain_start,
                    chain_end=checked.chain_end,
                )
            except (DatabaseError, sqlite3.Error) as exc:  # rolled back: nothing was written
                raise FileRefused("写入县数据库", "{error}", error=exc) from exc
            summary = describe(checked.counts)
            audit.record(  # the audit trail is data, kept in the source language
                actor.name,
                actor.station,
                clock.now(),
                "merge",
                f"{station} {month}：{summary.render()}",
            )
    except (DatabaseError, sqlite3.Error) as exc:  # staging, or reading the county's books
        raise FileRefused("写入县数据库", "{error}", error=exc) from exc
    merged = Message(
        N_("已并入站点 {station} {month} 的月报：{summary}"),
        station=station,
        month=month,
        summary=summary,
    )
    return Outcome(path, "merged", merged, station, month, notices)


def _against_county(
    checked: Checked, prepared: Prepared, now: str, notices: list[Finding]
) -> Plan | None:
    """The checks that need the county's books; None when the file is already merged.

    Every row is held against the county's books (db.county.row_checks) before anything
    else: a file whose rows break a rule is refused with every reason at once."""
    earlier = MonthlyFile.get_or_none(
        (MonthlyFile.station == checked.station) & (MonthlyFile.month == checked.month)
    )
    if earlier is not None:
        if earlier.digest == checked.digest:
            return None
        raise FileRefused(
            "同月重复",
            "县里已并入站点 {station} {month} 的另一份月报，内容不同"
            "（一个月只能有一份；请核实哪一份是真的）",
            station=checked.station,
            month=checked.month,
        )
    _own_households(checked)
    problems = row_checks.check(checked, prepared, now, notices)
    if problems:
        raise RowsRefused(checked.station, checked.month, problems)
    plan = merge_rows.plan(checked, notices)  # same id, other content: say so first
    merge_rows.check_continuity(checked, notices)
    return plan


OTHER_COUNTY = N_("跨县户号")  # the check's name


def _own_households(checked: Checked) -> None:
    """A station writes its own county's households only: in a database of several counties
    (docs/design.md §6.7) a household number another county holds is refused, never moved."""
    row = database.execute_sql(
        "SELECT s.number, h.village_id FROM f.household_version AS s "
        "JOIN household AS h ON h.number = s.number "
        "WHERE substr(h.village_id, 1, 6) <> ? LIMIT 1",
        (checked.station[:6],),
    ).fetchone()
    if row is not None:
        raise FileRefused(
            OTHER_COUNTY,
            "户 {number} 是县 {county} 的农户：站点 {station} 不能改别的县的农户",
            number=row[0],
            county=str(row[1])[:6],
            station=checked.station,
        )


def describe(counts: dict[str, int]) -> Message:
    """What a month file holds, by its tables' row counts."""
    return Message(
        N_(
            "积分条目 {entries} 条，出入库 {moves} 条，兑换单 {redemptions} 张，"
            "捐赠 {donations} 笔，农户档案 {households} 份，积分卡 {cards} 张"
        ),
        entries=counts.get("ledger_entry", 0),
        moves=counts.get("stock_move", 0),
        redemptions=counts.get("redemption", 0),
        donations=counts.get("donation", 0),
        households=counts.get("household_version", 0),
        cards=counts.get("card", 0),
    )


def missing_months(stations: Sequence[str]) -> list[Finding]:
    """Months between a station's enrollment and its newest merged month with no file:
    one `missing_months` notice per station, its subject the station."""
    notes = []
    for code in stations:
        station = Station.get_by_id(code)
        have = {m.month for m in MonthlyFile.select().where(MonthlyFile.station == code)}
        if not have:
            continue
        month, last = station.enrolled[:7], max(have)
        gaps = []
        while month < last:
            if month not in have:
                gaps.append(month)
            month = next_month(month)
        if gaps:
            message = Message(
                N_("站点 {station} 缺少 {months} 的月报（已收到的最新月份是 {last}）"),
                station=code,
                months=tuple(gaps),
                last=last,
            )
            notes.append(Finding("missing_months", message, "notice", code))
    return notes
