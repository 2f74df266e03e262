"""Donations that arrive in bulk, entered without the till (`aixin donation add`): the lines
typed as CODE:QTY[:VALUE] or read from a sheet, each checked, every bad one named."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from catalog.loader import whole_number
from catalog.messages import N_, STOP_AFTER, Message, Refused, SheetRefused
from catalog.money import fen
from catalog.tabular import read_rows
from db.books import stock

COLUMNS = {
    "code": "code",
    "编码": "code",
    "商品编码": "code",
    "barcode": "code",
    "条码": "code",
    "qty": "qty",
    "数量": "qty",
    "value": "value",
    "估价": "value",
    "估价（元）": "value",
    "估价(元)": "value",
}
MAX_LINES = 500


def one_line(code: str, qty: str, value: str) -> tuple[str, int, int]:
    """(item code, quantity, estimated value in fen) of one typed or read line."""
    item = stock.find_item(code)
    count = stock.goods_qty(whole_number(qty, Message(N_("数量"))))
    amount = fen(value)
    if amount is None:
        raise Refused(
            "“{name}”的估价应为元，例如 12.50，而不是“{value}”", name=item.name, value=value
        )
    return item.code, count, amount


def typed_lines(texts: Iterable[str]) -> list[tuple[str, int, int]]:
    """--item CODE:QTY[:VALUE] ... (VALUE in yuan); every bad one named, as a sheet's rows."""
    problems: list[tuple[int, Refused]] = []
    lines = []
    for number, text in enumerate(texts, start=1):
        parts = unicodedata.normalize("NFKC", text).split(":")
        try:
            if len(parts) not in (2, 3) or not parts[0].strip():
                raise Refused(
                    "物品应写成 编码:数量 或 编码:数量:估价（元），而不是“{text}”", text=text
                )
            lines.append(one_line(parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
        except Refused as refusal:
            problems.append((number, refusal))
    if problems:
        raise SheetRefused(problems)
    return lines


def sheet_lines(path: Path) -> list[tuple[str, int, int]]:
    """A donation list (编码, 数量, optional 估价（元）) from xlsx or csv, all lines or none."""
    rows = read_rows(path, COLUMNS, ("code", "qty"), max_rows=MAX_LINES)
    problems: list[tuple[int, Refused]] = []
    lines = []
    for row in rows:
        try:
            lines.append(one_line(row.get("code"), row.get("qty"), row.get("value")))
        except Refused as refusal:
            problems.append((row.line, refusal))
            if len(problems) == STOP_AFTER:
                raise SheetRefused(problems, stopped_at=row.line) from None
    if problems:
        raise SheetRefused(problems)
    if not lines:
        raise Refused("文件 {file} 里没有物品", file=path.name)
    return lines
