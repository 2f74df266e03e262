"""Which foreign keys the county's PostgreSQL schema declares (docs/design.md §6.3).

A county's books are a union of its stations' months, and the months arrive in any order: an
entry may come before the file that brings its household's record, a reversal before the
month of the entry it reverses, a transfer's receipt before its sending. Until every month is
in, such references point at rows the county does not have yet; the merge notes them, and
checks them again when the missing month arrives (db.county.row_checks). SQLite's county lets
them be by merging with foreign keys off. PostgreSQL cannot turn a constraint off for one
transaction without a superuser, so on PostgreSQL the tables a merge fills declare no foreign
keys at all: every migration's POSTGRES text passes through `server_schema`, which leaves their
REFERENCES out. The county's own tables (county, station, operators, the monthly files, the
settings and the work log) keep theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every table `county merge` writes (db/county/merge_rows.py, db/exchange/union.py,
# db/books/month_totals.py): the month file's tables, the households and the monthly totals.
MERGED = frozenset(
    {
        "township",
        "village",
        "village_group",
        "household",
        "household_version",
        "card",
        "item",
        "item_price",
        "donor",
        "donation",
        "donation_line",
        "redemption",
        "redemption_line",
        "stock_count",
        "stock_count_line",
        "stock_move",
        "ledger_entry",
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
        "posting_entry",
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
        "month_household",
        "month_station",
        "month_stock",
    }
)

_TABLE = re.compile(r"^\s*(?:CREATE\s+TABLE|ALTER\s+TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
_REFERENCE = re.compile(
    r"\s+REFERENCES\s+\w+\s*\([^)]*\)(?:\s+ON\s+(?:DELETE|UPDATE)\s+"
    r"(?:CASCADE|RESTRICT|SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION))*",
    re.I,
)


def server_schema(statements: Iterable[str]) -> tuple[str, ...]:
    """`statements` with the REFERENCES clauses of the tables a merge fills left out."""
    kept = []
    for sql in statements:
        table = _TABLE.match(sql)
        if table and table.group(1).lower() in MERGED:
            sql = _REFERENCE.sub("", sql)
        kept.append(sql)
    return tuple(kept)
