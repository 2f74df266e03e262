"""The merge's work on the county database, with the checked file staged as schema `f`
(db.county.staging: attached on SQLite, copied in on PostgreSQL).

`check_continuity` and `plan` only read (and refuse, or add notices: `Finding`s of severity
`notice`); `write` unions the file in, set-based, inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.messages import N_, Finding, Message
from db.books import month_totals
from db.exchange import union
from db.exchange.month_check import Checked
from db.exchange.sealed import TABLES, FileRefused
from db.exchange.union import one
from db.store import chain
from db.store.connection import database
from db.store.county_models import MonthlyFile
from db.store.ids import human, id_range
from db.store.models import Station

# Parents before children; each has an integer id the station gave it.
ID_TABLES = (
    "donor",
    "redemption",
    "redemption_line",
    "donation",
    "donation_line",
    "stock_count",
    "stock_count_line",
    "stock_move",
    "ledger_entry",
    "item_price",
    "produce_lot",
    "produce_sale",
    "produce_payout",
    "produce_payout_line",
    "cash_close",
    "cash_move",
    "posting",
    "posting_line",
    "objection",
    "objection_ruling",
    "posting_credit",
    # the shop's work in the field (migration 0010)
    "transfer",
    "transfer_line",
    "visit",
    "event",
    "handout",
    "handout_line",
)
# Tables keyed otherwise than by an id of their own: a row the county has is the same row
# (its other columns compared, as for ids), a new one is added.
# posting_entry is keyed by the entry a credited line became (`entry_id`).
KEYED_TABLES = (
    "posting_entry",
    "transfer_receipt",
    "transfer_move",
    "visit_redemption",
    "event_rule",
    "event_item",
)
TAMPERED = "同号不同内容（篡改）"  # a check's name (sealed.CHECKS)


@dataclass
class Plan:
    checked: Checked
    overlapping: set[str] = field(default_factory=set)  # tables sharing ids with the county
    county_max: int | None = None  # the station's newest entry in the county before this


def check_continuity(checked: Checked, notices: list[Finding]) -> None:
    """The file's piece of the chain must join the pieces the county has on either side."""
    low, _ = id_range(checked.station)
    if checked.before is not None:
        row = one(
            f"SELECT {chain.COLUMNS} FROM ledger_entry WHERE id = ?",  # noqa: S608
            checked.before,
        )
        if row is None:
            message = Message(
                N_(
                    "县里还没有条目 {entry}：站点 {station} {month} 之前的月报未到，"
                    "衔接待那份并入时再核对"
                ),
                entry=human(checked.before),
                station=checked.station,
                month=checked.month,
            )
            notices.append(Finding("join_pending", message, "notice", checked.before))
        elif chain.link(row) != checked.chain_start:
            raise FileRefused(
                "与上月衔接",
                "本月第一条接在条目 {entry} 之后，但县里的条目 "
                "{entry} 与它对不上（上月或本月的文件被改动）",
                entry=human(checked.before),
            )
    end = checked.last or checked.before
    row = one("SELECT prev_hash FROM ledger_entry WHERE id = ?", (end or low) + 1)
    if row is not None and row[0] != checked.chain_end:
        raise FileRefused(
            "与下月衔接",
            "县里的条目 {entry} 接不上本月最后一条（文件被改动）",
            entry=human((end or low) + 1),
        )
    # Months without entries have no rows to join on: their files' chain ends must agree.
    for other in MonthlyFile.select().where(MonthlyFile.station == checked.station):
        ends_here = (other.last_id or other.before_id) == checked.before
        if other.month < checked.month and ends_here and other.chain_end != checked.chain_start:
            raise FileRefused("与上月衔接", "与 {month} 的月报接不上", month=other.month)
        starts_here = other.before_id == end
        if other.month > checked.month and starts_here and other.chain_start != checked.chain_end:
            raise FileRefused("与下月衔接", "与 {month} 的月报接不上", month=other.month)


def plan(checked: Checked, notices: list[Finding]) -> Plan:
    """Find every id the file shares with the county; refuse any that differ in content."""
    result = Plan(checked)
    low, high = id_range(checked.station)
    top = one("SELECT MAX(id) FROM ledger_entry WHERE id >= ? AND id < ?", low, high)
    result.county_max = top[0] if top else None
    for name in ID_TABLES:
        if not union.overlaps("f", name):
            continue
        result.overlapping.add(name)
        bad = union.first_clash("f", name)
        if bad is not None:
            raise FileRefused(
                TAMPERED,
                "{table} {record} 与县里已有的同号记录内容不同",
                table=name,
                record=human(bad),
            )
    for name in KEYED_TABLES:
        table = TABLES[name]
        rest = tuple(c for c in table.names if c not in table.key)
        if not rest:
            continue
        joined = " AND ".join(f"m.{c} = s.{c}" for c in table.key)
        clash = one(
            f"SELECT s.{table.key[0]} FROM f.{name} AS s JOIN {name} AS m "  # noqa: S608
            f"ON {joined} WHERE {union.differs(rest)} LIMIT 1"
        )
        if clash:
            raise FileRefused(
                TAMPERED,
                "{table} {record} 与县里已有的同号记录内容不同",
                table=name,
                record=human(clash[0]),
            )
    bad_version = one(
        "SELECT s.number, s.updated FROM f.household_version AS s "  # noqa: S608 - constants
        "JOIN household_version AS m USING (number, updated, updated_by) "
        f"WHERE {union.differs(union.HOUSEHOLD)} LIMIT 1"
    )
    if bad_version:
        raise FileRefused(
            TAMPERED,
            "户 {number} 在 {time} 的档案与县里已有的不同",
            number=bad_version[0],
            time=bad_version[1],
        )
    bad_card = one(
        "SELECT s.id FROM f.card AS s JOIN card AS m ON m.id = s.id "  # noqa: S608 - constants
        f"WHERE {union.differs(union.CARD_IDENTITY)} LIMIT 1"
    )
    if bad_card:
        raise FileRefused(
            TAMPERED, "积分卡 {record} 与县里已有的同号记录内容不同", record=human(bad_card[0])
        )
    _notices(notices)
    return result


def _notices(notices: list[Finding]) -> None:
    for name in ("township", "village", "village_group"):
        columns = TABLES[name].names
        for (code,) in database.execute_sql(
            f"SELECT s.code FROM f.{name} AS s JOIN {name} AS m USING (code) "  # noqa: S608
            f"WHERE {union.differs(columns[1:])} LIMIT 5"
        ):
            message = Message(N_("地名 {code} 与县花名册不同，以县里为准"), code=code)
            notices.append(Finding("place_differs", message, "notice", code))
    for household, serial, mine in database.execute_sql(
        "SELECT s.household_id, s.serial, m.id FROM f.card AS s JOIN card AS m "
        "ON m.household_id = s.household_id AND m.serial = s.serial AND m.id <> s.id LIMIT 20"
    ):
        message = Message(
            N_(
                "户 {household} 的第 {serial} 号卡由两个站点分别发放（县里已有 {card}），"
                "保留编号小的那张"
            ),
            household=household,
            serial=serial,
            card=human(mine),
        )
        notices.append(Finding("card_twice", message, "notice", household))


def write(plan: Plan) -> None:
    checked = plan.checked
    union.copy_places("f", keep_known=True)  # the county's roster is the authority
    versions = TABLES["household_version"].column_list
    database.execute_sql(
        f"INSERT INTO household_version ({versions}) "  # noqa: S608
        f"SELECT {versions} FROM f.household_version WHERE true ON CONFLICT DO NOTHING"
    )
    union.upsert_households("f")
    if plan.overlapping & {"ledger_entry", "stock_move"} or checked.totals is None:
        union.add_balances("f", "ledger_entry" in plan.overlapping)
        month_totals.add("f", plan.overlapping)
    else:  # every row is new: the totals the checker summed apply as they are
        month_totals.add_computed(checked.totals)
    _own_goods(checked.station)
    for name in ID_TABLES:
        union.insert_rows("f", name, name in plan.overlapping)
    _reprice(checked.station)
    for name in KEYED_TABLES:
        columns = TABLES[name].column_list
        database.execute_sql(
            f"INSERT INTO {name} ({columns}) "  # noqa: S608 - constants
            f"SELECT {columns} FROM f.{name} WHERE true ON CONFLICT DO NOTHING"
        )
    union.merge_cards("f")
    if checked.last is not None and (plan.county_max is None or checked.last > plan.county_max):
        Station.update(chain_head=checked.chain_end).where(
            Station.code == checked.station
        ).execute()


def _own_goods(station: str) -> None:
    """The station's own goods (checked: its codes, no other's) join the county's catalog; a
    known one takes the file's name, unit and category, but only from the station it belongs
    to."""
    table = TABLES["item"]
    rest = ("name", "unit", "category", "reorder_level", "active", "initials")
    database.execute_sql(
        f"INSERT INTO item ({table.column_list}, stock) "  # noqa: S608 - constants
        f"SELECT {table.column_list}, 0 FROM f.item WHERE station = ? "
        f"ON CONFLICT (code) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in rest)} "
        "WHERE item.station = excluded.station",
        (station,),
    )


def _reprice(station: str) -> None:
    """Each of the station's goods the file repriced costs what its latest change says (files
    may arrive in any order: the history decides, not the file)."""
    database.execute_sql(
        "UPDATE item SET price = (SELECT p.price FROM item_price AS p "
        "WHERE p.item_id = item.code ORDER BY p.since DESC, p.id DESC LIMIT 1) "
        "WHERE station = ? AND code IN (SELECT item_id FROM f.item_price)",
        (station,),
    )
