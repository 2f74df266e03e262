"""County-unique ids (docs/design.md §4.5): the station's number followed by its own sequence.

Station `451425-03` writes ids 45142503_0000000001, 45142503_0000000002, ... in every table,
so ids from different stations never meet and a merge is a plain set union. The ids fit in
SQLite's 64-bit integer primary key, which keeps lookups on the rowid.
"""

from __future__ import annotations

import re

from catalog.messages import Refused
from db.store.connection import database, is_postgres

SEQUENCE_SPAN = 10**10
STATION_CODE = re.compile(r"^(\d{6})-(\d{2})$")


def station_number(code: str) -> int:
    match = STATION_CODE.match(code)
    if not match:
        raise Refused("站点编码应为“6 位县代码-2 位序号”，例如 451425-03，而不是 {code}", code=code)
    return int(match.group(1) + match.group(2))


def id_range(station: str) -> tuple[int, int]:
    """The ids station `station` may use: [low, high)."""
    low = station_number(station) * SEQUENCE_SPAN
    return low, low + SEQUENCE_SPAN


def next_ids(model, station: str, count: int = 1) -> list[int]:
    """The next `count` unused ids of `model` for `station`.

    Call inside the write transaction that inserts them: the IMMEDIATE lock keeps two tills
    from taking the same numbers.
    """
    low, high = id_range(station)
    table, pk = model._meta.table_name, model._meta.primary_key.column_name
    top = database.execute_sql(
        f"SELECT MAX({pk}) FROM {table} WHERE {pk} >= ? AND {pk} < ?",  # noqa: S608 - names
        (low, high),
    ).fetchone()[0]
    start = (top or low) + 1
    if start + count > high:
        raise Refused("站点 {station} 的编号已用尽", station=station)
    return list(range(start, start + count))


def next_id(model, station: str) -> int:
    return next_ids(model, station)[0]


def station_of(record_id: int) -> str:
    """45142503_0000000007 -> '451425-03'."""
    digits = f"{record_id // SEQUENCE_SPAN:08d}"
    return f"{digits[:6]}-{digits[6:]}"


def human(record_id: int) -> str:
    """The form printed on slips and receipts: '451425-03-000007'."""
    return f"{station_of(record_id)}-{record_id % SEQUENCE_SPAN:06d}"


def parse_human(text: str) -> int:
    """'451425-03-000007' -> 45142503_0000000007; refuses anything else."""
    match = re.match(r"^\s*(\d{6})-(\d{2})-(\d{1,10})\s*$", text)
    if not match:
        raise Refused("单号格式不对：{text}（应像 451425-03-000007）", text=text)
    return int(match.group(1) + match.group(2)) * SEQUENCE_SPAN + int(match.group(3))


def sequences_past(tables: tuple[str, ...]) -> None:
    """Move the identity sequence of each of `tables` (an `id` primary key) past its largest
    id, after rows came in with the ids their stations gave them: the engine's own numbering
    then never takes an id already used. PostgreSQL only; SQLite's rowid needs nothing."""
    if not is_postgres() or not tables:
        return
    moves = ", ".join(
        f"setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - table names
        f"GREATEST((SELECT MAX(id) FROM {name}), 1))"
        for name in tables
    )
    database.execute_sql(f"SELECT {moves}")  # noqa: S608 - constants
