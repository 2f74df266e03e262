"""What the county sends a station: a setup file at enrollment, update files after.

Both carry the county's current roster and catalogs, the cards of the station's households and
the other stations' ledger entries for those households (with the redemptions they refer to), so
a household's balance is the same at every station once the files have gone round. A setup file
also names the station, its key, its first operators and the county's public key. Each file is
signed with the county's private key (db/exchange/signing.py), which never leaves the county,
and each update carries the next number of the station's sequence, so a station takes only what
its county sent it, and never an older update after a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from db.exchange import outfile, sealed, signing
from db.store import files
from db.store.clock import Clock, stamp
from db.store.connection import database, schema_version
from db.store.ids import id_range
from db.store.models import County, Setting, Station

# The other stations' entries for the station's households (`reach`, a temporary table).
OTHERS = "household_id IN (SELECT number FROM reach) AND (id < :low OR id >= :high)"
# (table, the rows of main to copy). `:station`, `:county`, `:low`, `:high` are parameters;
# `:office_low`, `:office_high` bound the county office's ids; a condition reads only the
# books (on PostgreSQL the file is not beside them: outfile.py). A database may hold several
# counties (docs/design.md §6.7): a place is its county's by its code's first six digits.
COPIES = (
    ("county", "code = :county"),
    ("station", "code = :station"),
    ("station_township", "station_id = :station"),
    ("township", "substr(code, 1, 6) = :county"),
    ("village", "substr(code, 1, 6) = :county"),
    ("village_group", "substr(code, 1, 6) = :county"),
    ("task", "true"),
    ("task_value", "true"),
    ("item", "true"),
    ("item_price", "true"),
    ("barcode", "true"),
    ("card", "household_id IN (SELECT number FROM reach)"),
    ("ledger_entry", OTHERS),
    ("redemption", f"id IN (SELECT redemption_id FROM ledger_entry WHERE {OTHERS})"),  # noqa: S608
    (
        "redemption_line",
        f"redemption_id IN (SELECT redemption_id FROM ledger_entry WHERE {OTHERS})",  # noqa: S608
    ),
    # every notice of its county: the station picks those for each household
    ("notice", "id >= :office_low AND id < :office_high"),
    # the county's own hand-out events (docs/design.md §6.6)
    ("event", "id >= :office_low AND id < :office_high"),
    ("event_rule", "event_id >= :office_low AND event_id < :office_high"),
    ("event_item", "event_id >= :office_low AND event_id < :office_high"),
)
HOUSEHOLDS = (
    "SELECT {columns} FROM household WHERE number IN (SELECT number FROM reach) ORDER BY number"
)
# The station's households: those of the townships it serves (every township when it serves
# none in particular, as a county-wide mobile shop), and any it has served itself.
REACH = (
    "INSERT INTO reach SELECT h.number FROM household AS h "
    "JOIN village AS v ON v.code = h.village_id WHERE v.township_id IN "
    "(SELECT township_id FROM station_township WHERE station_id = :station) "
    "OR (NOT EXISTS (SELECT 1 FROM station_township WHERE station_id = :station) "
    "AND substr(h.village_id, 1, 6) = :county) ON CONFLICT DO NOTHING",
    "INSERT INTO reach SELECT DISTINCT household_id FROM ledger_entry "
    "WHERE id >= :low AND id < :high ON CONFLICT DO NOTHING",
)


@dataclass(frozen=True)
class FirstOperator:
    name: str
    role: str
    pin_hash: str
    household: str | None = None
    villages: tuple[str, ...] = ()


def write(
    code: str,
    out: Path,
    kind: str,
    clock: Clock,
    operators: Sequence[FirstOperator] = (),
    inside: Callable[[], object] | None = None,
) -> dict:
    """Write the `kind` ('setup' or 'update') file for station `code` to `out`.

    `inside` runs first in the same transaction (enrollment creates the station there). The
    file is filled and signed inside that transaction, so when it cannot be written (a full
    disk) nothing is enrolled and no sequence number is used; it takes its name at `out` only
    when whole. Returns the manifest.
    """
    with files.output(out) as partial:
        sealed.create(partial, kind)
        with outfile.attached(partial) as x, database.atomic():
            if inside is not None:
                inside()
            station = Station.get_by_id(code)
            key = signing_key(station.county_id)
            sequence = station.update_seq + (1 if kind == "update" else 0)
            Station.update(update_seq=sequence).where(Station.code == code).execute()
            low, high = id_range(code)
            office_low, office_high = id_range(f"{station.county_id}-00")
            params = {
                "station": code,
                "county": station.county_id,
                "low": low,
                "high": high,
                "office_low": office_low,
                "office_high": office_high,
            }
            database.execute_sql("CREATE TEMP TABLE reach (number TEXT PRIMARY KEY)")
            for sql in REACH:
                database.execute_sql(sql, params)
            _copy(x, kind, params)
            _operators(x, operators)
            database.execute_sql("DROP TABLE reach")
            fields = {
                "kind": kind,
                "county": station.county_id,
                "station": code,
                "schema": schema_version(database.obj),
                "made": stamp(clock.now()),
                "sequence": sequence,
            }
            body = sealed.seal_attached(x.connection, x.schema, fields, key)
    return body


def signing_key(county: str) -> str:
    """The county's private signing key, made with its public half when the county has none
    yet (a county database made before updates were signed). Call inside a transaction."""
    row = Setting.get_or_none(Setting.name == signing.setting_name(county))
    if row is not None:
        return str(row.value)
    private, public = signing.new_key_pair()
    Setting.create(name=signing.setting_name(county), value=private)
    County.update(public_key=public).where(County.code == county).execute()
    return private


def _copy(x: outfile.OutFile, kind: str, params: dict) -> None:
    wanted = sealed.KINDS[kind]
    for name, condition in COPIES:
        if name not in wanted:
            continue
        table = sealed.TABLES[name]
        x.copy(
            name,
            table.column_list,
            f"SELECT {table.column_list} FROM {name} WHERE {condition} "  # noqa: S608
            f"ORDER BY {', '.join(table.key)}",
            params,
        )
    columns = sealed.TABLES["household_version"].column_list
    x.copy("household_version", columns, HOUSEHOLDS.format(columns=columns))


def _operators(x: outfile.OutFile, operators: Sequence[FirstOperator]) -> None:
    x.insert(
        "operator",
        "name, role, pin_hash, active, household_id",
        [(p.name, p.role, p.pin_hash, 1, p.household) for p in operators],
    )
    x.insert(
        "operator_village",
        "operator, village_id",
        [(p.name, village) for p in operators for village in p.villages],
    )
