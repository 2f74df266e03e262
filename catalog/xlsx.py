"""Reading the first sheet of an .xlsx workbook, within the bounds its caller sets.

openpyxl's read-only mode reads rows lazily, but it trusts the file: it pads rows out to the
size the sheet claims, holds a whole row (and any element it does not know) in memory while
it parses it, and reads the shared strings whole when the workbook opens. An .xlsx is a zip
that anyone can craft, so before openpyxl opens one this module checks what it would read:

1. the zip: at most MEMBERS parts, each part's declared size and their sum within the bounds
   (zipfile never inflates a part past its declared size, so a zip bomb stops there);
2. every XML part, in one expat pass that builds nothing: no DTD (no entities to expand),
   nesting at most DEPTH, at most ROW_ELEMENTS elements in one row or shared string and
   ELEMENTS outside them, no text or tag longer than TEXT_BYTES, rows in ascending order
   within Excel's 1,048,576 lines, shared strings within the bound. What openpyxl holds in
   memory at once is then bounded. Of the sheet to be read the pass notes its formula cells
   and its last line with something in it;
3. a sheet with a formula cell is refused, naming the cells: the value a formula shows may be
   stale, or missing altogether, so a person pastes it as values. A sheet with something
   below the caller's last line is refused; for the sheet that comes first in the workbook
   as soon as the pass gets there;
4. then openpyxl reads the header (at most COLUMNS wide) and the rows under it down to the
   last line with something in it, as wide as the header.
"""

from __future__ import annotations

import posixpath
import re
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from catalog.messages import Refused, SheetRefused
from catalog.tabular import (
    COLUMNS,
    Bounds,
    Problems,
    beyond,
    cell_problem,
    column_name,
    megabytes,
    too_slow,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
ROW, FORMULA, STRING = f"{MAIN} row", f"{MAIN} f", f"{MAIN} si"  # as expat names them

EXCEL_LINES = 1_048_576
MEMBERS = 1_000
DEPTH = 64  # real parts nest about a dozen deep
ELEMENTS = 500_000  # outside rows and strings: a bloated but real styles part has ~200,000
ROW_ELEMENTS = 50_000  # in one row (or one shared string): thousands of cells
TEXT_BYTES = 1 << 20  # one text or tag: a cell holds at most 32,767 characters
CHUNK = 1 << 18
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any .xlsx saved with a password
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?[0-9]+$")  # the cell references openpyxl takes


def invalid(name: str) -> Refused:
    return Refused(
        "{name} 不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的别种文件）。"
        "请用 Excel 或 WPS 打开，另存为 .xlsx 或 .csv 后再试",
        name=name,
    )


def read_table(
    path: Path, bounds: Bounds, deadline: float, *, strict: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """The header (line 1), then every line under it that has something in it, as text.

    Refuses a file that is not an .xlsx, one bigger than `bounds` allow, and a first sheet
    with a formula cell or with something below line `bounds.lines`. `strict=False` (a sheet
    written back with its problems, catalog/report.py): formula cells come back as their
    formula text and too-long cells as they are, since the reading already refused them."""
    with path.open("rb") as file:
        if file.read(len(OLE)) == OLE:
            raise Refused(
                "{name} 是旧的 .xls 格式，或设了打开密码：请用 Excel 或 WPS 打开，"
                "去掉密码，另存为 .xlsx 后再试",
                name=path.name,
            )
    parts = _scan(path, bounds, deadline, strict=strict)
    yield from _read(path, bounds, deadline, parts, strict=strict)


class _Part:
    """What the pass over one XML part found, and its handlers for expat."""

    def __init__(self, name: str, bounds: Bounds, *, first: bool, strict: bool = True) -> None:
        self.name, self.bounds, self.first, self.strict = name, bounds, first, strict
        self.depth = self.row_depth = self.string_depth = 0  # 0: not inside one
        self.inside = self.outside = self.strings = 0
        self.line = self.column = self.last = 0  # last: the last line with something in it
        self.filled = False
        self.formulas: dict[int, list[int]] = {}  # line: columns, up to Problems.STOP rows
        self.formulas_from = 0  # the line where noting formulas stopped
        self.at = 0  # where the last tag was, in bytes
        self.expat: Any = None

    def parser(self) -> Any:
        parser = self.expat = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        return parser

    def doctype(self, *_: object) -> None:
        raise _Malformed  # no spreadsheet program writes one; its entities could expand

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.at = self.expat.CurrentByteIndex  # the pass checks what came since (`_scan_part`)
        self.depth += 1
        if self.depth > DEPTH:
            raise _Malformed
        if self.row_depth:
            self.inside += 1
            if self.inside > ROW_ELEMENTS:
                raise Refused(
                    "第 {line} 行的单元格太多（超过 {most} 个）：请删掉表格右边多余的列后再试",
                    line=self.line,
                    most=ROW_ELEMENTS,
                )
            if name == ROW:
                raise _Malformed
            if self.depth == self.row_depth + 1:  # a cell: openpyxl takes any child of a row
                ref = attrs.get("r")
                self.column = _column(ref) if ref else self.column + 1
            elif self.depth == self.row_depth + 2:  # a value, a string or a formula
                self.filled = True
                if name == FORMULA:
                    self.formula()
        elif name == ROW:
            ref = attrs.get("r")
            line = _line(ref) if ref else self.line + 1
            if not self.line < line <= EXCEL_LINES:
                raise _Malformed  # openpyxl would skip such rows, unread and unsaid
            self.line, self.row_depth, self.inside, self.column = line, self.depth, 0, 0
            self.filled = False
        elif self.string_depth:
            self.inside += 1
            if self.inside > ROW_ELEMENTS:
                raise _Malformed
        elif name == STRING:
            self.string_depth, self.inside = self.depth, 0
            self.strings += 1
            if self.strings > self.bounds.strings:
                raise _Malformed
        else:
            self.outside += 1
            if self.outside > ELEMENTS:
                raise _Malformed

    def end(self, _name: str) -> None:
        self.at = self.expat.CurrentByteIndex
        if self.depth == self.row_depth:
            self.row_depth = 0
            if self.filled:
                self.last = self.line
                if self.first and self.line > self.bounds.lines:
                    raise beyond(self.bounds, self.line)
        elif self.depth == self.string_depth:
            self.string_depth = 0
        self.depth -= 1

    def formula(self) -> None:
        if self.formulas_from or not self.strict:
            return
        if self.line not in self.formulas:
            if len(self.formulas) == Problems.STOP:
                self.formulas_from = self.line
                if self.first:
                    self.refuse_formulas()
                return
            self.formulas[self.line] = []
        self.formulas[self.line].append(self.column)

    def check(self) -> None:
        """The checks on the sheet that is read, once the pass is over."""
        if self.last > self.bounds.lines:
            raise beyond(self.bounds, self.last)
        if self.formulas:
            self.refuse_formulas()

    def refuse_formulas(self) -> None:
        problems = [
            (line, _formula_cells(tuple(column_name(c) for c in dict.fromkeys(columns))))
            for line, columns in self.formulas.items()
        ]
        raise SheetRefused(problems, stopped_at=self.formulas_from or None)


def _formula_cells(columns: tuple[str, ...]) -> Refused:
    return Refused(
        "{columns} 列是公式，请粘贴为数值（复制这些单元格，再用“选择性粘贴 → 数值”贴回原处）",
        columns=columns,
    )


class _Malformed(Exception):
    """A part no spreadsheet program would write, or one built to make a reader choke."""


def _column(ref: str) -> int:
    match = CELL_REF.match(ref)
    if not match:
        raise _Malformed
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


def _line(ref: str) -> int:
    try:  # as openpyxl reads a row's number
        return int(ref)
    except ValueError:
        try:
            number = float(ref)
        except ValueError:
            raise _Malformed from None
        if not number.is_integer():
            raise _Malformed from None
        return int(number)


def _scan(
    path: Path, bounds: Bounds, deadline: float, *, strict: bool = True
) -> dict[str, _Part | None]:
    """Every part, checked: None for a part that is not XML. The first sheet is checked
    before the parts after it, so that a sheet too long or full of formulas is refused at once."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:  # zipfile raises many kinds on a damaged file
        raise invalid(path.name) from error
    with archive:
        members = archive.infolist()
        if len(members) > MEMBERS:
            raise invalid(path.name)
        largest = max((m.file_size for m in members), default=0)
        unpacked = sum(m.file_size for m in members)
        if largest > bounds.sheet_bytes or unpacked > bounds.unpacked_bytes:
            size, most = (
                (largest, bounds.sheet_bytes)
                if largest > bounds.sheet_bytes
                else (unpacked, bounds.unpacked_bytes)
            )
            raise Refused(
                "{name} 解压后有 {size} MB，这种表格最多 {most} MB："
                "请删掉表里的图片和多余的工作表，或分成几个文件",
                name=path.name,
                size=megabytes(size),
                most=megabytes(most),
            )
        by_name = {m.filename: m for m in members}  # a name given twice: zipfile opens the last
        parts: dict[str, _Part | None] = {}

        def scan(name: str, *, first: bool = False) -> _Part | None:
            if name in by_name and name not in parts:
                parts[name] = _scan_part(
                    archive, by_name[name], bounds, deadline, first=first, strict=strict
                )
            return parts.get(name)

        try:
            workbook = _workbook_name(archive) if scan("_rels/.rels") else None
            if workbook and scan(workbook) and scan(_rels_name(workbook)):
                first = _first_sheet(archive, workbook, by_name)
                if first and (part := scan(first, first=True)):
                    part.check()
            for member in members:
                scan(member.filename)
        except _Malformed as error:
            raise invalid(path.name) from error
        return parts


def _workbook_name(archive: zipfile.ZipFile) -> str | None:
    """The workbook part, as the package's relationships name it."""
    try:
        root = ElementTree.fromstring(archive.read("_rels/.rels"))
    except Exception:
        return None
    for rel in root.iter(f"{{{PACKAGE}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return _target("", rel.get("Target", ""))
    return None


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _target(folder: str, target: str) -> str:
    """A relationship's target as a part name, resolved the way openpyxl does."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(folder, target))


def _first_sheet(
    archive: zipfile.ZipFile, workbook: str, by_name: dict[str, zipfile.ZipInfo]
) -> str | None:
    """The part of the workbook's first worksheet, or None when unsure: then the sheet is
    checked once openpyxl has said which part it reads (`_read`)."""
    try:  # both parts passed the scan: no DTD, a bounded number of elements
        book = ElementTree.fromstring(archive.read(workbook))
        rels = ElementTree.fromstring(archive.read(_rels_name(workbook)))
    except Exception:
        return None
    folder = posixpath.dirname(workbook)
    targets = {
        rel.get("Id"): (rel.get("Type", ""), _target(folder, rel.get("Target", "")))
        for rel in rels.iter(f"{{{PACKAGE}}}Relationship")
    }
    for sheet in book.iter(f"{{{MAIN}}}sheet"):
        kind, target = targets.get(sheet.get(f"{{{RELATIONSHIPS}}}id"), ("", ""))
        if target in by_name and "chartsheet" not in kind:
            return target
    return None


def _scan_part(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    bounds: Bounds,
    deadline: float,
    *,
    first: bool = False,
    strict: bool = True,
) -> _Part | None:
    name = Path(str(archive.filename)).name
    try:
        with archive.open(member) as stream:
            chunk = stream.read(CHUNK)
            if not _xml(chunk):
                return None  # a picture or a binary part: openpyxl does not parse these
            part = _Part(member.filename, bounds, first=first, strict=strict)
            parser = part.parser()
            fed = 0
            while chunk:
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - part.at > TEXT_BYTES:  # one text, or one tag, openpyxl holds whole
                    raise _Malformed
                if time.monotonic() > deadline:
                    raise too_slow(bounds, name)
                chunk = stream.read(CHUNK)
            parser.Parse(b"", True)
            return part
    except (Refused, _Malformed):
        raise
    except Exception as error:  # bad XML, a bad CRC, an encrypted or unknown compression
        raise _Malformed from error


def _xml(head: bytes) -> bool:
    start = head.lstrip(b" \t\r\n")
    return start.startswith((b"<", b"\xef\xbb\xbf<", b"\xff\xfe", b"\xfe\xff"))


def _read(
    path: Path,
    bounds: Bounds,
    deadline: float,
    parts: dict[str, _Part | None],
    *,
    strict: bool = True,
) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():  # openpyxl warns in English about what it drops
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
        except Exception as error:  # openpyxl raises many kinds, in English, on a damaged file
            raise invalid(path.name) from error
        try:
            if not book.worksheets:
                raise Refused("{name} 里没有工作表", name=path.name)
            sheet = book.worksheets[0]
            part = parts.get(sheet_part(sheet))
            if part is None:
                raise invalid(path.name)
            if not part.first:  # the workbook named its first sheet otherwise than we read it
                part.check()
            yield from _cells(path.name, sheet, part, bounds, deadline, strict=strict)
        finally:
            book.close()


def sheet_part(sheet: Any) -> str:
    """The zip part openpyxl reads a read-only sheet from. openpyxl keeps it in a private
    attribute; tests/unit/catalog/test_xlsx.py breaks if that changes."""
    return str(getattr(sheet, "_worksheet_path", ""))


def _cells(
    name: str, sheet: Any, part: _Part, bounds: Bounds, deadline: float, *, strict: bool = True
) -> Iterator[tuple[int, list[str]]]:
    if not part.last:
        return
    problems = Problems() if strict else _Ignored()
    header = next(_rows(name, sheet.iter_rows(1, 1, 1, COLUMNS, values_only=True)), ())
    texts = [_text(v, 1, c, problems) for c, v in enumerate(header, 1)]
    width = max((i for i, t in enumerate(texts, 1) if t), default=0)
    yield 1, texts[:width]
    if width and part.last > 1:
        rows = sheet.iter_rows(2, part.last, 1, width, values_only=True)
        for line, values in enumerate(_rows(name, rows), 2):
            if line % 256 == 0 and time.monotonic() > deadline:
                raise too_slow(bounds, name)
            if any(v is not None for v in values):
                yield line, [_text(v, line, c, problems) for c, v in enumerate(values, 1)]
            if line == part.last:
                break  # asking for more would have openpyxl parse the rest of the part
    problems.refuse()


class _Ignored(Problems):
    """Problems noted and let pass: the sheet is being written back, not read in."""

    def add(self, line: int, problem: Refused) -> None:
        del line, problem


def _rows(name: str, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """openpyxl's rows; whatever it raises on a damaged part is a refusal."""
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as error:
            raise invalid(name) from error
        yield values


def _text(value: object, line: int, column: int, problems: Problems) -> str:
    """A cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1e15:  # Excel keeps 15 significant digits
            problems.add(
                line,
                Refused(
                    "{column} 列的数字 {value} 超过 15 位，Excel 只记得前 15 位："
                    "请把这一列设为文本，重新填写",
                    column=column_name(column),
                    value=format(value, ".0f"),
                ),
            )
            return format(value, ".0f") if isinstance(problems, _Ignored) else ""
        return format(value, ".15g")  # as Excel shows it: 3.0 is 3, 0.1 + 0.2 is 0.3
    text = str(value).strip()
    problem = cell_problem(text, column)
    if problem:
        problems.add(line, problem)
        return text if isinstance(problems, _Ignored) else ""
    return text
