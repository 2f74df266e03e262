"""What a month file holds, table by table, one module per kind of record; `PARTS` in the order
export fills the file (later parts refer to rows already in it: docs/design.md §6.2)."""

from __future__ import annotations

from db.exchange.month_parts import books, field, goods, postings, produce
from db.exchange.month_parts.rules import Part

PARTS: tuple[Part, ...] = books.PARTS + goods.PARTS + produce.PARTS + postings.PARTS + field.PARTS
