"""`aixin update` and `aixin init --setup`: a station takes in what its county sent.

The file is copied into a private folder beside the books (after checking what it is: see
db/exchange/sealed.py), checked whole (integrity, schema, the county's signature with the
public key this station was set up with, every table against the manifest), and applied in one
transaction: the county's roster, catalogs and card revocations, households by their newest
version, and other stations' entries for this station's households with the redemptions they
name. Each update carries the next number of this station's sequence: one already applied
changes nothing (and says so), an older one is refused, so a replayed old update can never
turn the catalog back. Taking a file in twice changes nothing more: everything is a union or
keeps the newest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError

from catalog.messages import Refused
from db.books.auth import Actor, require
from db.books.setup import local_station
from db.exchange import sealed, union
from db.exchange.sealed import TABLES, FileRefused
from db.store import audit, chain, files
from db.store.clock import Clock
from db.store.connection import database
from db.store.ids import human, id_range, station_number
from db.store.models import County, Station


@dataclass(frozen=True)
class Applied:
    station: str
    entries: int  # new entries taken in
    households: int  # households in the file
    sequence: int = 0  # the update's number in the station's sequence
    status: str = "applied"  # applied | unchanged (this update was applied before)


def apply_update(actor: Actor, path: Path, clock: Clock) -> Applied:
    """`actor`, a manager, takes in the update file at `path`."""
    require(actor, "update")
    here = local_station()
    if here.kind == "county":
        raise Refused("这是县级数据库：更新文件是给站点用的")
    public = County.get_by_id(here.county_id).public_key
    if not public:
        raise Refused(
            "本站没有县里的签名公钥（本站是用旧版设置文件建的），认不出哪份更新是县里签发的："
            "请县里重新登记本站"
        )
    known = {r[0] for r in database.execute_sql("SELECT name FROM schema_migration")}

    def verify(_conn: sqlite3.Connection, signer: str, data: bytes, signature: str) -> None:
        if signer != here.county_id:
            raise FileRefused(
                "县", "文件来自县 {other}，不是本县（{mine}）", other=signer, mine=here.county_id
            )
        sealed.check_signature(public, data, signature)

    def check(opened: sealed.Opened) -> None:
        body = opened.body
        if body["county"] != here.county_id or body["station"] != here.code:
            raise FileRefused(
                "站点",
                "这是县 {county} 发给站点 {station} 的更新，不是给本站（{mine}）的",
                county=body["county"],
                station=body["station"],
                mine=here.code,
            )
        if body["schema"] not in known:
            raise FileRefused(
                "格式版本",
                "县里的数据库版本 {schema} 本站不认识，请先升级本站程序",
                schema=body["schema"],
            )

    return _take(path, "update", verify, check, clock, lambda: None, by=actor.name)


def setup_station(path: Path, clock: Clock) -> Applied:
    """Fill the new, empty database that is open from a setup file."""
    found: dict[str, str] = {}

    def verify(conn: sqlite3.Connection, signer: str, data: bytes, signature: str) -> None:
        rows = conn.execute("SELECT code, public_key FROM county").fetchall()
        if len(rows) != 1 or rows[0][0] != signer:
            raise FileRefused("清单与内容", "设置文件里的县与签名的不符")
        sealed.check_signature(rows[0][1], data, signature)

    def check(opened: sealed.Opened) -> None:
        rows = opened.conn.execute("SELECT code, county_id FROM station").fetchall()
        body = opened.body
        if len(rows) != 1 or rows[0][0] != body["station"] or rows[0][1] != body["county"]:
            raise FileRefused("清单与内容", "设置文件里的站点与清单不符")
        found["station"] = body["station"]

    def create() -> None:
        database.execute_sql(
            "INSERT INTO main.county (code, name, fen_per_point, card_key, public_key, "
            "posting_days, roll_names_deductions) SELECT code, name, fen_per_point, card_key, "
            "public_key, posting_days, roll_names_deductions FROM u.county"
        )
        database.execute_sql(
            "INSERT INTO main.station (code, county_id, name, kind, key, enrolled, chain_head) "
            "SELECT code, county_id, name, kind, key, enrolled, ? FROM u.station",
            (chain.GENESIS,),
        )
        database.execute_sql(
            "INSERT INTO main.setting (name, value) VALUES ('station', ?)", (found["station"],)
        )
        database.execute_sql(
            "INSERT INTO main.station_township (station_id, township_id) "
            "SELECT station_id, township_id FROM u.station_township"
        )

    def operators() -> None:
        database.execute_sql(
            "INSERT INTO main.operator (name, role, pin_hash, active, household_id, failed_pins) "
            "SELECT name, role, pin_hash, active, household_id, 0 FROM u.operator"
        )
        database.execute_sql(
            "INSERT INTO main.operator_village (operator_id, village_id) SELECT o.id, v.village_id "
            "FROM u.operator_village AS v JOIN main.operator AS o ON o.name = v.operator"
        )

    return _take(path, "setup", verify, check, clock, operators, create, by="county")


def _sequence(body: dict) -> int:
    sequence = body.get("sequence")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise FileRefused("清单与内容", "清单里没有更新序号")
    return sequence


def _take(
    path: Path,
    kind: str,
    verify: sealed.Verify,
    check: Callable[[sealed.Opened], None],
    clock: Clock,
    after: Callable[[], None],
    before: Callable[[], None] | None = None,
    *,
    by: str,
) -> Applied:
    with files.scratch(Path(database.obj.database), "incoming") as folder:
        copy = folder / "file.sqlite"
        sealed.take(path, copy, kind)
        opened = sealed.open_checked(copy, kind, verify)
        try:
            check(opened)
            sequence = _sequence(opened.body)
            sealed.check_tables(opened, kind)
            households = opened.body["tables"]["household_version"]["rows"]
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise FileRefused("SQLite 完整性", "文件读不出来（{error}）", error=exc) from exc
        finally:
            opened.close()
        attached = False
        try:
            database.execute_sql("ATTACH DATABASE ? AS u", (str(copy),))
            attached = True
            with database.atomic():
                database.execute_sql("PRAGMA defer_foreign_keys = ON")
                if before is not None:
                    before()
                here = local_station().code
                last = Station.get_by_id(here).update_seq
                if kind == "update" and sequence == last:
                    return Applied(here, 0, households, sequence, "unchanged")
                if kind == "update" and sequence < last:
                    raise FileRefused(
                        "更新顺序",
                        "这是第 {sequence} 号更新，本站已经导入了第 {last} 号："
                        "旧的更新不再导入，本站的账没有变化。请用县里最新发的更新文件",
                        sequence=sequence,
                        last=last,
                    )
                entries = _union(here)
                after()
                Station.update(update_seq=sequence).where(Station.code == here).execute()
                audit.record(
                    by,
                    here,
                    clock.now(),
                    kind,
                    f"{kind} {sequence} households={households} entries=+{entries}",
                )
        except (DatabaseError, sqlite3.Error) as exc:
            raise FileRefused(
                "写入本站数据库", "文件与本站的账对不上（{error}）", error=exc
            ) from exc
        finally:
            if attached:
                database.execute_sql("DETACH DATABASE u")
    return Applied(local_station().code, entries, households, sequence)


# What the station holds as the county sent it, compared row by row when it comes again.
SAME_ROWS = ("redemption", "redemption_line", "ledger_entry", "notice", "event")
EVENT_PARTS = ("event_rule", "event_item")  # an event's rules and package, by event


def _union(here: str) -> int:
    low, high = id_range(here)
    own = union.one("SELECT id FROM u.ledger_entry WHERE id >= ? AND id < ? LIMIT 1", low, high)
    if own:
        raise FileRefused("清单与内容", "文件里有本站自己的条目 {entry}", entry=human(own[0]))
    _refuse_clashes()
    database.execute_sql(
        "UPDATE main.county SET name = u.name, fen_per_point = u.fen_per_point, "
        "card_key = u.card_key, posting_days = u.posting_days, "
        "roll_names_deductions = u.roll_names_deductions "
        "FROM u.county AS u WHERE county.code = u.code"
    )
    union.copy_places("u", keep_known=False)
    union.copy_by_code("u", "task", keep_known=False)
    clash = union.copy_task_values("u")
    if clash is not None:
        raise FileRefused(
            "同号不同内容（篡改）",
            "积分项目 {task} 从 {since} 起的分值与本站已有的不同：县里从不改已定的分值",
            task=clash[0],
            since=clash[1],
        )
    # the station's own goods are its own: the county's copy of them never overwrites them
    station_number(here)  # digits and a dash: safe to write into the SQL
    mine = "station IS NOT '{0}' AND code NOT IN (SELECT code FROM main.item WHERE station = '{0}')"
    mine = mine.format(here)
    union.copy_by_code("u", "item", keep_known=False, extra=("stock", "0"), where=mine)
    union.copy_by_code("u", "barcode", keep_known=False)
    prices = TABLES["item_price"].column_list
    database.execute_sql(
        f"INSERT OR IGNORE INTO main.item_price ({prices}) SELECT {prices} FROM u.item_price "  # noqa: S608
        "WHERE item_id IN (SELECT code FROM main.item)"
    )
    union.upsert_households("u")
    union.merge_cards("u")
    for name in ("redemption", "redemption_line", "notice"):
        union.insert_rows("u", name, union.overlaps("u", name))
    _county_events()
    new = union.scalar(
        "SELECT COUNT(*) FROM u.ledger_entry AS s "
        "WHERE NOT EXISTS (SELECT 1 FROM main.ledger_entry AS m WHERE m.id = s.id)"
    )
    overlapping = union.overlaps("u", "ledger_entry")
    union.add_balances("u", overlapping)
    union.insert_rows("u", "ledger_entry", overlapping)
    return int(new or 0)


def _refuse_clashes() -> None:
    """Before anything is written: a row the file brings under an id (or an event whose rules
    or package) the station already has with other content is tampering."""
    for name in SAME_ROWS:
        _refuse_clash(name, union.first_clash("u", name))
    for name in EVENT_PARTS:
        _refuse_clash(name, union.first_clash_of_parts("u", name, "event"))


def _refuse_clash(table: str, bad: int | None) -> None:
    if bad is not None:
        raise FileRefused(
            "同号不同内容（篡改）",
            "{table} {record} 与本站已有的同号记录内容不同",
            table=table,
            record=human(bad),
        )


def _county_events() -> None:
    """The county's hand-out events the station does not have yet, with their rules and
    package (those it has came again unchanged: `_refuse_clashes`)."""
    for name in EVENT_PARTS:
        union.insert_parts("u", name, "event")
    union.insert_rows("u", "event", union.overlaps("u", "event"))
