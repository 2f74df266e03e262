"""Set-based union of a staged file (schema `src`) into the open books (their own tables).

The county merge and the station update share these statements. Rows with ids are a plain set
union; a household keeps its newest version ((updated, updated_by) decides); a card keeps the
smallest id and the earliest revocation. So the result is the same whatever order files arrive
in, and applying a file twice changes nothing. Table and schema names come from the constants
of db.packet, never from input.
"""

from __future__ import annotations

from typing import Any

from db.exchange.sealed import TABLES
from db.store.connection import database
from db.store.dialect import same

CHUNK = 100_000
HOUSEHOLD = TABLES["household_version"].names  # a household's columns but `balance`
CARD_IDENTITY = ("household_id", "serial", "issued", "operator", "station")


def one(sql: str, *params: object) -> tuple | None:
    return database.execute_sql(sql, params).fetchone()


def differs(columns: tuple[str, ...]) -> str:
    """SQL: row `s` differs from row `m` in any of `columns` (NULLs compare equal)."""
    return "NOT (" + " AND ".join(same(f"s.{c}", f"m.{c}") for c in columns) + ")"


def scalar(sql: str, *params: object) -> Any:
    row = one(sql, *params)
    return row[0] if row else None


def overlaps(src: str, name: str) -> bool:
    """Whether main holds any id in the span of `src.name`'s ids (a cheap range probe)."""
    span = one(f"SELECT MIN(id), MAX(id) FROM {src}.{name}")  # noqa: S608 - constants
    if not span or span[0] is None:
        return False
    sql = f"SELECT EXISTS (SELECT 1 FROM {name} WHERE id BETWEEN ? AND ?)"  # noqa: S608
    return bool(scalar(sql, span[0], span[1]))


def first_clash(src: str, name: str) -> int | None:
    """The first id `src` shares with main whose content differs (tampering), if any."""
    if not overlaps(src, name):
        return None
    bad = scalar(
        f"SELECT s.id FROM {src}.{name} AS s JOIN {name} AS m ON m.id = s.id "  # noqa: S608
        f"WHERE {differs(TABLES[name].names)} LIMIT 1"
    )
    return bad if isinstance(bad, int) else None


def first_clash_of_parts(src: str, name: str, parent: str) -> int | None:
    """The first `parent` id both hold whose rows of `name` (keyed by `parent`_id, such as an
    event's rules) differ, one side having a row the other lacks (tampering), if any."""
    link = f"{parent}_id"
    match = " AND ".join(same(f"x.{c}", f"y.{c}") for c in TABLES[name].names)
    sql = " UNION ".join(
        f"SELECT x.{link} FROM {a}.{name} AS x WHERE x.{link} IN "  # noqa: S608 - constants
        f"(SELECT id FROM {b}.{parent}) AND NOT EXISTS (SELECT 1 FROM {b}.{name} AS y "
        f"WHERE {match})"
        for a, b in ((src, "main"), ("main", src))
    )
    bad = scalar(f"{sql} LIMIT 1")
    return bad if isinstance(bad, int) else None


def insert_parts(src: str, name: str, parent: str) -> None:
    """The rows of `name` of the `parent`s that main does not hold yet (call before copying
    the parents themselves)."""
    columns = TABLES[name].column_list
    database.execute_sql(
        f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {src}.{name} "  # noqa: S608
        f"WHERE {parent}_id NOT IN (SELECT id FROM main.{parent})"
    )


def insert_rows(src: str, name: str, overlapping: bool) -> None:
    """Rows of `src.name` not yet in main, in chunks of ids."""
    columns = TABLES[name].column_list
    # Ids the books have already come with the same content (checked before): kept as they are.
    known = " ON CONFLICT (id) DO NOTHING" if overlapping else ""
    sql = (
        f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {src}.{name} AS s "  # noqa: S608
        f"WHERE s.id >= ? AND s.id < ?{known}"
    )
    # Only the chunks that hold rows: a file's ids of two stations (a transfer's two ends) lie
    # ten billion apart, and a statement for every empty chunk between costs a round trip each.
    chunks = database.execute_sql(
        f"SELECT DISTINCT id / {CHUNK} FROM {src}.{name} ORDER BY 1"  # noqa: S608 - constants
    ).fetchall()
    for (chunk,) in chunks:
        database.execute_sql(sql, (chunk * CHUNK, (chunk + 1) * CHUNK))


def add_balances(src: str, overlapping: bool) -> None:
    """Move cached balances by the entries `src` adds. Call before inserting them."""
    new = (
        "WHERE NOT EXISTS (SELECT 1 FROM ledger_entry AS m WHERE m.id = s.id)"
        if overlapping
        else ""
    )
    database.execute_sql(
        "UPDATE household SET balance = balance + d.points FROM (SELECT s.household_id, "  # noqa: S608
        f"SUM(s.points) AS points FROM {src}.ledger_entry AS s {new} "
        "GROUP BY s.household_id) AS d WHERE household.number = d.household_id"
    )


def upsert_households(src: str) -> None:
    """Each household keeps its newest version. A new one starts from the entries already here."""
    columns = ", ".join(HOUSEHOLD)
    chosen = ", ".join(f"v.{c}" for c in HOUSEHOLD)
    updates = ", ".join(f"{c} = excluded.{c}" for c in HOUSEHOLD[1:])
    database.execute_sql(
        f"INSERT INTO household ({columns}, balance) SELECT {chosen}, "  # noqa: S608
        "(SELECT COALESCE(SUM(e.points), 0) FROM ledger_entry AS e "
        f"WHERE e.household_id = v.number) FROM {src}.household_version AS v "
        f"WHERE NOT EXISTS (SELECT 1 FROM {src}.household_version AS w WHERE w.number = v.number "
        "AND (w.updated, w.updated_by) > (v.updated, v.updated_by)) "
        f"ON CONFLICT (number) DO UPDATE SET {updates} "
        "WHERE (excluded.updated, excluded.updated_by) > (household.updated, household.updated_by)"
    )


def merge_cards(src: str) -> None:
    """New cards in; a card two stations issued keeps the smaller id and earliest revocation."""
    columns = TABLES["card"].column_list
    database.execute_sql(
        f"INSERT INTO card ({columns}) SELECT {columns} FROM {src}.card AS s "  # noqa: S608
        "WHERE NOT EXISTS (SELECT 1 FROM card AS m "
        "WHERE m.household_id = s.household_id AND m.serial = s.serial)"
    )
    database.execute_sql(
        "UPDATE card SET id = s.id, issued = s.issued, operator = s.operator, "  # noqa: S608
        f"station = s.station FROM {src}.card AS s WHERE s.household_id = card.household_id "
        "AND s.serial = card.serial AND s.id < card.id"
    )
    database.execute_sql(
        "UPDATE card SET revoked = s.revoked, revoked_by = s.revoked_by "  # noqa: S608
        f"FROM {src}.card AS s WHERE s.household_id = card.household_id "
        "AND s.serial = card.serial AND s.revoked IS NOT NULL AND (card.revoked IS NULL OR "
        "(s.revoked, COALESCE(s.revoked_by, '')) < (card.revoked, COALESCE(card.revoked_by, '')))"
    )


def copy_by_code(
    src: str,
    name: str,
    *,
    keep_known: bool,
    extra: tuple[str, str] | None = None,
    where: str = "true",
) -> None:
    """Rows keyed by `code` (places, tasks, goods, barcodes): new codes in; a known code is
    kept as it is (`keep_known`: the county's roster stands) or takes the file's values (a
    station takes the county's). `extra` is (column, constant) for a column the file lacks;
    `where` (SQL over the file's row) limits the rows taken."""
    table = TABLES[name]
    columns, values = table.column_list, table.column_list
    if extra:
        columns, values = f"{columns}, {extra[0]}", f"{values}, {extra[1]}"
    if keep_known:
        tail = " ON CONFLICT (code) DO NOTHING"
    else:
        rest = table.names[1:]
        updates = ", ".join(f"{c} = excluded.{c}" for c in rest)
        unchanged = " AND ".join(same(f"{name}.{c}", f"excluded.{c}") for c in rest)
        tail = f" ON CONFLICT (code) DO UPDATE SET {updates} WHERE NOT ({unchanged})"
    database.execute_sql(
        f"INSERT INTO {name} ({columns}) "  # noqa: S608 - constants
        f"SELECT {values} FROM {src}.{name} WHERE {where}{tail}"
    )


def copy_places(src: str, *, keep_known: bool) -> None:
    for name in ("township", "village", "village_group"):
        copy_by_code(src, name, keep_known=keep_known)


def copy_task_values(src: str) -> tuple[str, str] | None:
    """The rules sheet's history: lines not yet in main go in, a line main has stays as it is
    (lines are never changed). Returns the first (task, since) that `src` holds with other
    values than main (a crafted file: the county never changes a line), having copied nothing;
    None when all went well."""
    columns = TABLES["task_value"].column_list
    clash = one(
        f"SELECT s.task_id, s.since FROM {src}.task_value AS s JOIN task_value AS m "  # noqa: S608
        "ON m.task_id = s.task_id AND m.since = s.since "
        f"WHERE {differs(TABLES['task_value'].names)} LIMIT 1"
    )
    if clash is not None:
        return (str(clash[0]), str(clash[1]))
    database.execute_sql(
        f"INSERT INTO task_value ({columns}) "  # noqa: S608 - constants
        f"SELECT {columns} FROM {src}.task_value WHERE true ON CONFLICT DO NOTHING"
    )
    return None
