"""Reading sheets people make: CSV (UTF-8 or the GBK that Chinese Excel writes) and .xlsx.

Every row comes back with the line number a person sees in their spreadsheet program, and
with its columns renamed to the English keys the services use, so '户号' and 'household'
both work as headers.

A sheet is something anyone can hand in, so it is read within bounds the caller sets with
`max_rows` (the rows under the header it accepts): the file's size, how much an .xlsx
unpacks to, how long reading may take and how wide a row may be all follow from it
(`Bounds`). A sheet beyond them is refused early, saying the bound. A formula cell is
refused with its row and column: its value may be stale or missing, and a person pastes it
as values (catalog/xlsx.py).
"""

from __future__ import annotations

import csv
import re
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from catalog.messages import N_, STOP_AFTER, Message, Refused, SheetRefused

# A village's (or a township's) monthly sheet, a catalog: a few thousand rows at most. A
# county's roster passes its own bound (db/books/households.ROSTER_ROWS).
MAX_ROWS = 10_000
COLUMNS = 256  # of the header; cells right of the header are not read
CELL_CHARS = 32_767  # what Excel holds in one cell
RECORD_CHARS = 65_536  # one CSV record: csv holds it whole, and a quote left open runs on
MB = 1 << 20


@dataclass(frozen=True)
class Bounds:
    """How big a sheet a caller takes. Everything follows from the rows under the header."""

    rows: int = MAX_ROWS

    @property
    def lines(self) -> int:
        """The last line that may have something in it: the header and `rows` under it."""
        return self.rows + 1

    @property
    def file_bytes(self) -> int:
        return 4 * MB + 512 * self.rows  # a roster's CSV line is ~100 bytes, an xlsx row ~40

    @property
    def sheet_bytes(self) -> int:
        return MB + 2048 * self.rows  # an xlsx row of 10 columns unpacks to ~500 bytes

    @property
    def unpacked_bytes(self) -> int:
        return self.sheet_bytes + 64 * MB

    @property
    def strings(self) -> int:
        return 10_000 + 8 * self.rows  # distinct texts: a name, an ID number, a note a row

    @property
    def seconds(self) -> float:
        return 30 + self.rows / 1000  # a slow PC reads a few thousand rows a second


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def read_rows(
    path: str | Path,
    aliases: Mapping[str, str],
    required: tuple[str, ...],
    *,
    max_rows: int = MAX_ROWS,
) -> list[Row]:
    """Rows of the first sheet of `path`; `aliases` maps header text to keys.

    Refuses a file it cannot read, one beyond the bounds of `max_rows` rows under the header,
    a formula cell, and a header that lacks a required column. Blank rows are skipped; cell
    text is stripped.
    """
    table = read_table(path, max_rows=max_rows)
    first = next((line for line in table if any(line[1])), None)  # the first line with text
    if first is None:
        raise Refused("文件 {name} 是空的", name=Path(path).name)
    header_line, header = first
    keys = [aliases.get(_normal(cell), "") for cell in header]
    missing = [key for key in required if key not in keys]
    if missing:
        wanted = tuple(_display(aliases, key) for key in missing)
        raise Refused("第 {line} 行表头缺少列：{columns}", line=header_line, columns=wanted)
    rows = []
    for line, cells in table:
        values = {k: c for k, c in zip(keys, cells, strict=False) if k}
        if any(values.values()):
            rows.append(Row(line, values))
    return rows


def read_table(
    path: str | Path, *, max_rows: int = MAX_ROWS, strict: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """The lines of the first sheet of `path` that have something in them, header first, as
    (line, cell texts), within the bounds of `max_rows`. `strict=False`: for writing a sheet
    back with its problems (catalog/report.py), formula cells and too-long cells come back as
    they are instead of being refused."""
    target = Path(path)
    bounds = Bounds(max_rows)
    try:
        status = target.stat()
    except (OSError, ValueError):
        raise Refused("找不到文件：{path}", path=path) from None
    if not stat.S_ISREG(status.st_mode):
        raise Refused("{name} 不是普通文件", name=target.name)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt", ".tsv"):
        raise Refused("只能读取 .xlsx 或 .csv 文件，而不是 {name}", name=target.name)
    if status.st_size > bounds.file_bytes:
        raise too_big(target.name, status.st_size, bounds)
    deadline = time.monotonic() + bounds.seconds
    if suffix == ".xlsx":
        from catalog import xlsx  # openpyxl loads slowly: only when a workbook is read

        return xlsx.read_table(target, bounds, deadline, strict=strict)
    return _csv_table(target, bounds, deadline, strict=strict)


def _normal(cell: str) -> str:
    return cell.strip().lower().replace(" ", "").replace("_", "")


def _display(aliases: Mapping[str, str], key: str) -> Message:
    """'户号（number）': the first Chinese and the first English header for `key`."""
    names = [name for name, k in aliases.items() if k == key]
    chinese = next((n for n in names if not n.isascii()), key)
    english = next((n for n in names if n.isascii()), key)
    return Message(N_("{chinese}（{english}）"), chinese=chinese, english=english)


class Problems:
    """The bad cells of a sheet being read, a refusal per line; past STOP lines the reading
    stops, so that a sheet wrong from the start is refused at once."""

    STOP = STOP_AFTER

    def __init__(self) -> None:
        self.lines: dict[int, Refused] = {}

    def add(self, line: int, problem: Refused) -> None:
        if line in self.lines:
            return  # one reason a line is enough to send the sheet back
        self.lines[line] = problem
        if len(self.lines) >= self.STOP:
            raise SheetRefused(list(self.lines.items()), stopped_at=line)

    def refuse(self) -> None:
        if self.lines:
            raise SheetRefused(list(self.lines.items()))


def cell_problem(text: str, column: int) -> Refused | None:
    if len(text) > CELL_CHARS:
        return Refused(
            "{column} 列的内容超过 {most} 个字", column=column_name(column), most=CELL_CHARS
        )
    return None


def column_name(number: int) -> str:
    """1 -> 'A', 27 -> 'AA': the column as a spreadsheet program names it."""
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def megabytes(size: int) -> float:
    return round(size / MB, 1)


def too_big(name: str, size: int, bounds: Bounds) -> Refused:
    return Refused(
        "{name} 有 {size} MB，这种表格最多 {most} MB：请分成几个文件",
        name=name,
        size=megabytes(size),
        most=megabytes(bounds.file_bytes),
    )


def beyond(bounds: Bounds, line: int) -> Refused:
    return Refused(
        "表格最多 {most} 行（不算表头），第 {line} 行还有内容：请分成几个文件，或删掉多余的行",
        most=bounds.rows,
        line=line,
    )


def too_slow(bounds: Bounds, name: str) -> Refused:
    return Refused(
        "读了 {seconds} 秒还没有读完 {name}，已停止：表格太大，请分成几个文件",
        seconds=round(bounds.seconds),
        name=name,
    )


def decode(raw: bytes, name: str) -> str:
    """The text of a CSV as Excel, WPS or a text editor saved it: UTF-8 (with or without the
    BOM Excel puts first), UTF-16 with its BOM (Excel's “Unicode text”), else GB18030, which
    reads GBK and GB2312 alike. Bytes that are none of these are refused, not guessed at."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused(
        "文件 {name} 的编码无法识别（不是 UTF-8，也不是 GBK/GB18030）：请用 Excel 或 WPS 打开，"
        "另存为 CSV 或 .xlsx 后再试",
        name=name,
    )


def _csv_table(
    path: Path, bounds: Bounds, deadline: float, *, strict: bool = True
) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as file:
        raw = file.read(bounds.file_bytes + 1)  # the size was checked; the file may grow
    if len(raw) > bounds.file_bytes:
        raise too_big(path.name, len(raw), bounds)
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text": tabs
    text = decode(raw, path.name)
    del raw
    if "\0" in text:
        raise Refused("文件 {name} 不是文本表格", name=path.name)
    tabs = path.suffix.lower() == ".tsv" or utf16
    dialect: type[csv.Dialect] = csv.excel_tab if tabs else csv.excel
    lines = _Lines(text)
    problems = Problems()
    try:
        for number, cells in enumerate(csv.reader(lines, dialect), 1):
            lines.record = number + 1
            if number % 1024 == 0 and time.monotonic() > deadline:
                raise too_slow(bounds, path.name)
            texts = [c.strip() for c in cells[:COLUMNS]]
            if number > bounds.lines and any(texts):
                raise beyond(bounds, number)
            for column, cell in enumerate(texts, 1):
                problem = cell_problem(cell, column) if strict else None
                if problem:
                    problems.add(number, problem)
            yield number, texts
    except csv.Error as exc:
        raise Refused("文件 {name} 不是有效的 CSV：{error}", name=path.name, error=exc) from exc
    problems.refuse()


class _Lines:
    """The lines of a CSV text for csv.reader, without copying the text. A record longer than
    RECORD_CHARS is refused before csv holds it: a quote left open would run on to the end of
    the file (csv.field_size_limit stops a field only once it is read)."""

    NEWLINE = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0  # where the next line starts
        self.record = 1  # the record csv is reading: the caller moves it on
        self._started = (0, 0)  # the record the lines so far belong to, and where it began

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.at >= len(self.text):
            raise StopIteration
        record, start = self._started
        if record != self.record:
            self._started, start = (self.record, self.at), self.at
        window = start + RECORD_CHARS + 1
        found = self.NEWLINE.search(self.text, self.at, window)
        if found:
            end = found.end()
        elif window >= len(self.text):
            end = len(self.text)
        else:
            raise Refused(
                "第 {line} 行太长（超过 {most} 个字）：请检查引号是否配对",
                line=self.record,
                most=RECORD_CHARS,
            )
        line, self.at = self.text[self.at : end], end
        return line
