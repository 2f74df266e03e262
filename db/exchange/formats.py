"""The tables of the files that travel between stations and the county, frozen like a migration.

A file of each kind (`month`, `update`, `setup`) holds exactly the tables `KINDS` names, each
created from its `Table` spec: the columns in a fixed order, an integer or text type check on
every column, and the primary key that gives its rows their canonical order. The `manifest`
table holds the signed JSON body. Changing a spec changes the format: bump `FORMAT`.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.messages import N_

# 2: the manifest names its signer; update and setup files are signed by the county
# (Ed25519) and carry a sequence number; the county row carries the county's public key.
# 3: update and setup files carry the rules sheet's history (`task_value`); goods a station
# adds itself (`item.station`) travel in its month files with their price changes
# (`item_price`); update and setup files carry every item's price history; month files carry
# produce sold for cash and the cash book; update and setup files the county's notices.
# The county row carries the posting days and the honour roll's setting; month files carry
# postings (公示), their lines, objections and rulings, credits and the entries credited lines
# became. Month files also carry transfers, visits and holiday hand-outs (migration 0010);
# update and setup files the county's own hand-out events.
FORMAT = 3
APPLICATION_ID = 0x41495849  # 'AIXI'


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, 'int' | 'text' | 'int?' | 'text?')
    key: tuple[str, ...] = ("id",)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    @property
    def column_list(self) -> str:
        return ", ".join(self.names)

    def ddl(self) -> str:
        parts = []
        for name, kind in self.columns:
            sql_type = "INTEGER" if kind.startswith("int") else "TEXT"
            check = f"typeof({name}) = '{'integer' if sql_type == 'INTEGER' else 'text'}'"
            if kind.endswith("?"):
                parts.append(f"{name} {sql_type} CHECK ({name} IS NULL OR {check})")
            else:
                parts.append(f"{name} {sql_type} NOT NULL CHECK ({check})")
        parts.append(f"PRIMARY KEY ({', '.join(self.key)})")
        return f"CREATE TABLE {self.name} ({', '.join(parts)})"


def _t(name: str, spec: str, key: tuple[str, ...] = ("id",)) -> Table:
    columns = tuple(tuple(c.split(":")) for c in spec.split())
    return Table(name, columns, key)  # type: ignore[arg-type]


TABLES = {
    t.name: t
    for t in (
        _t(
            "county",
            "code:text name:text fen_per_point:int card_key:text public_key:text posting_days:int "
            "roll_names_deductions:int",
            ("code",),
        ),
        _t(
            "station",
            "code:text county_id:text name:text kind:text key:text enrolled:text",
            ("code",),
        ),
        _t("station_township", "station_id:text township_id:text", ("station_id", "township_id")),
        _t("township", "code:text name:text", ("code",)),
        _t("village", "code:text township_id:text name:text", ("code",)),
        _t("village_group", "code:text village_id:text name:text", ("code",)),
        _t(
            "household_version",
            "number:text head_name:text id_number:text village_id:text group_id:text? "
            "category:text members:int phone:text status:text initials:text updated:text "
            "updated_by:text",
            ("number", "updated", "updated_by"),
        ),
        _t(
            "card",
            "id:int household_id:text serial:int issued:text revoked:text? "
            "operator:text station:text revoked_by:text?",
        ),
        _t(
            "task",
            "code:text name:text category:text points:int unit:text cap:int? active:int",
            ("code",),
        ),
        _t(
            "task_value",
            "task_id:text since:text points:int cap:int? per:text",
            ("task_id", "since"),
        ),
        _t(
            "item",
            "code:text name:text unit:text category:text price:int reorder_level:int "
            "active:int initials:text station:text?",
            ("code",),
        ),
        _t(
            "item_price",
            "id:int item_id:text since:text old_price:int price:int operator:text station:text",
        ),
        _t("barcode", "code:text item_id:text", ("code",)),
        _t(
            "operator", "name:text role:text pin_hash:text active:int household_id:text?", ("name",)
        ),
        _t("operator_village", "operator:text village_id:text", ("operator", "village_id")),
        _t("donor", "id:int name:text kind:text phone:text"),
        _t(
            "donation",
            "id:int donor_id:int cash_fen:int note:text operator:text station:text time:text",
        ),
        _t("donation_line", "id:int donation_id:int item_id:text qty:int value_fen:int"),
        _t("redemption", "id:int household_id:text total:int operator:text station:text time:text"),
        _t("redemption_line", "id:int redemption_id:int item_id:text qty:int price:int points:int"),
        _t(
            "stock_count",
            "id:int station:text operator:text started:text finalized:text? finalized_by:text?",
        ),
        _t("stock_count_line", "id:int count_id:int item_id:text expected:int counted:int"),
        _t(
            "stock_move",
            "id:int item_id:text qty:int kind:text redemption_id:int? "
            "donation_id:int? count_id:int? reverses_id:int? note:text "
            "operator:text station:text time:text",
        ),
        _t("transfer", "id:int sender:text receiver:text operator:text time:text note:text"),
        _t("transfer_line", "id:int transfer_id:int item_id:text qty:int"),
        _t(
            "transfer_receipt",
            "transfer_id:int station:text operator:text time:text",
            ("transfer_id",),
        ),
        _t("transfer_move", "move_id:int transfer_id:int", ("move_id",)),
        # without `closed`: a visit closed after its month's file is the same row
        _t("visit", "id:int village_id:text day:text operator:text station:text opened:text"),
        _t("visit_redemption", "redemption_id:int visit_id:int", ("redemption_id",)),
        _t(
            "event",
            "id:int name:text starts:text ends:text points:int operator:text station:text "
            "time:text",
        ),
        _t("event_rule", "event_id:int kind:text value:text", ("event_id", "kind", "value")),
        _t("event_item", "event_id:int item_id:text qty:int", ("event_id", "item_id")),
        _t(
            "handout",
            "id:int event_id:int household_id:text entry_id:int? visit_id:int? operator:text "
            "station:text time:text",
        ),
        _t("handout_line", "id:int handout_id:int item_id:text qty:int move_id:int"),
        _t(
            "ledger_entry",
            "id:int household_id:text points:int kind:text task_id:text? "
            "redemption_id:int? reverses_id:int? qty:int note:text "
            "operator:text station:text time:text prev_hash:text",
        ),
        _t(
            "produce_lot",
            "id:int household_id:text name:text unit:text qty:int price_fen:int "
            "operator:text station:text time:text",
        ),
        _t(
            "produce_sale",
            "id:int lot_id:int qty:int price_fen:int amount_fen:int buyer:text "
            "reverses_id:int? operator:text station:text time:text",
        ),
        _t(
            "produce_payout",
            "id:int household_id:text amount_fen:int operator:text station:text time:text",
        ),
        _t("produce_payout_line", "id:int payout_id:int lot_id:int amount_fen:int"),
        _t(
            "cash_close",
            "id:int day:text expected_fen:int counted_fen:int difference_fen:int "
            "counted_to:int? note:text operator:text station:text time:text",
        ),
        _t(
            "cash_move",
            "id:int kind:text amount_fen:int sale_id:int? payout_id:int? close_id:int? "
            "operator:text station:text time:text",
        ),
        _t(
            "notice",
            "id:int title:text text:text start:text until:text? townships:text "
            "categories:text households:text operator:text time:text",
        ),
        # 公示 (docs/design.md §4.12)
        _t(
            "posting",
            "id:int village_id:text month:text days:int published:text until:text "
            "operator:text station:text",
        ),
        _t(
            "posting_line",
            "id:int posting_id:int household_id:text task_id:text points:int qty:int note:text",
        ),
        _t(
            "objection",
            "id:int posting_id:int household_id:text raised_by:text reason:text "
            "operator:text station:text time:text",
        ),
        _t(
            "objection_ruling",
            "id:int objection_id:int upheld:int note:text operator:text station:text time:text",
        ),
        _t("posting_credit", "id:int posting_id:int operator:text station:text time:text"),
        _t("posting_entry", "entry_id:int line_id:int credit_id:int", ("entry_id",)),
    )
}
PRODUCE = (
    "produce_lot",
    "produce_sale",
    "produce_payout",
    "produce_payout_line",
    "cash_close",
    "cash_move",
)
POSTINGS = (
    "posting",
    "posting_line",
    "objection",
    "objection_ruling",
    "posting_credit",
    "posting_entry",
)
# `signer`: the station (monthly file) or the county (update, setup) whose key sealed the
# body; `mac`: the seal, an HMAC-SHA256 or an Ed25519 signature in hex (db/exchange/sealed.py).
MANIFEST_DDL = "CREATE TABLE manifest (signer TEXT NOT NULL, body TEXT NOT NULL, mac TEXT NOT NULL)"

ROSTER = ("township", "village", "village_group", "household_version", "card")
# The shop's work in the field, in a month file (docs/design.md §10).
FIELD = (
    "transfer",
    "transfer_line",
    "transfer_receipt",
    "transfer_move",
    "visit",
    "visit_redemption",
    "event",
    "event_rule",
    "event_item",
    "handout",
    "handout_line",
)
# The county's own hand-out events (set at the county, docs/design.md §6.6), in update and setup
# files: the stations hand them out as they do their own.
COUNTY_EVENTS = ("event", "event_rule", "event_item")
KINDS: dict[str, tuple[str, ...]] = {
    "month": ROSTER
    + (
        "donor",
        "donation",
        "donation_line",
        "redemption",
        "redemption_line",
        "stock_count",
        "stock_count_line",
        "stock_move",
        "ledger_entry",
        "item_price",
        "item",
        *PRODUCE,
        *POSTINGS,
        *FIELD,
    ),
    "update": (
        "county",
        *ROSTER,
        "task",
        "task_value",
        "item",
        "item_price",
        "barcode",
        "redemption",
        "redemption_line",
        "ledger_entry",
        "notice",
        *COUNTY_EVENTS,
    ),
    "setup": (
        "county",
        "station",
        "station_township",
        *ROSTER,
        "task",
        "task_value",
        "item",
        "item_price",
        "barcode",
        "operator",
        "operator_village",
        "redemption",
        "redemption_line",
        "ledger_entry",
        "notice",
        *COUNTY_EVENTS,
    ),
    # goods one station sends another (docs/design.md §10): one transfer and its lines
    "transfer": ("transfer", "transfer_line"),
}
KIND_NAMES = {
    "month": N_("月报文件"),
    "update": N_("更新文件"),
    "setup": N_("站点设置文件"),
    "transfer": N_("调拨文件"),
}
