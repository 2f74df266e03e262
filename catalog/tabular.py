"""Reading sheets people make: CSV (UTF-8 or the GBK that Chinese Excel writes) and .xlsx.

Every row comes back with the line number a person sees in their spreadsheet program, and
with its columns renamed to the English keys the services use, so '户号' and 'household'
both work as headers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import N_, Message, Refused


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def read_rows(path: str | Path, aliases: Mapping[str, str], required: tuple[str, ...]) -> list[Row]:
    """Rows of the first sheet of `path`; `aliases` maps header text to keys.

    Refuses a file it cannot read or whose header lacks a required column. Blank rows are
    skipped; cell text is stripped.
    """
    target = Path(path)
    if not target.is_file():
        raise Refused("找不到文件：{path}", path=path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(target)
    elif suffix in (".csv", ".txt", ".tsv"):
        table = _csv_table(target)
    else:
        raise Refused("只能读取 .xlsx 或 .csv 文件，而不是 {name}", name=target.name)
    if not table:
        raise Refused("文件 {name} 是空的", name=target.name)
    header_line, header = table[0]
    keys = [aliases.get(_normal(cell), "") for cell in header]
    missing = [key for key in required if key not in keys]
    if missing:
        wanted = tuple(_display(aliases, key) for key in missing)
        raise Refused("第 {line} 行表头缺少列：{columns}", line=header_line, columns=wanted)
    rows = []
    for line, cells in table[1:]:
        values = {k: c for k, c in zip(keys, cells, strict=False) if k}
        if any(values.values()):
            rows.append(Row(line, values))
    return rows


def _normal(cell: str) -> str:
    return cell.strip().lower().replace(" ", "").replace("_", "")


def _display(aliases: Mapping[str, str], key: str) -> Message:
    """'户号（number）': the first Chinese and the first English header for `key`."""
    names = [name for name, k in aliases.items() if k == key]
    chinese = next((n for n in names if not n.isascii()), key)
    english = next((n for n in names if n.isascii()), key)
    return Message(N_("{chinese}（{english}）"), chinese=chinese, english=english)


def _csv_table(path: Path) -> list[tuple[int, list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise Refused("文件 {name} 的编码无法识别，请另存为 UTF-8 的 CSV", name=path.name)
    if "\0" in text:
        raise Refused("文件 {name} 不是文本表格", name=path.name)
    dialect: type[csv.Dialect] = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [(n, [c.strip() for c in cells]) for n, cells in enumerate(reader, 1)]
    except csv.Error as exc:
        raise Refused("文件 {name} 不是有效的 CSV：{error}", name=path.name, error=exc) from exc


def _xlsx_table(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds, in English, on a damaged file
        raise Refused(
            "{name} 不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的别种文件）。"
            "请用 Excel 或 WPS 打开，另存为 .xlsx 或 .csv 后再试",
            name=path.name,
        ) from exc
    try:
        sheet = book.worksheets[0]
        table = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
            table.append((number, [_cell_text(c) for c in cells]))
        return table
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps 3 as 3.0
    return str(value).strip()
