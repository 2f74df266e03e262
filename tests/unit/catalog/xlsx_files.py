"""Hand-made .xlsx files for the reading tests.

The parts are written out as XML, so that a test can build what no spreadsheet program would
(a cell at XFD1048576, a row of 100,000 cells, a zip bomb, a DTD) in milliseconds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def number(ref: str, value: object) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def formula(ref: str, source: str, cached: object = None) -> str:
    value = "" if cached is None else f"<v>{cached}</v>"
    return f'<c r="{ref}"><f>{escape(source)}</f>{value}</c>'


def row(line: int, *cells: str) -> str:
    return f'<row r="{line}">{"".join(cells)}</row>'


def header(*names: str) -> str:
    return row(1, *(text(f"{chr(65 + i)}1", n) for i, n in enumerate(names)))


def sheet(*rows: str, before: str = "", after: str = "") -> str:
    return (
        f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{DOC}">{before}'
        f"<sheetData>{''.join(rows)}</sheetData>{after}</worksheet>"
    )


def write(
    path: Path,
    *sheets: str,
    strings: str | None = None,
    extra: dict[str, bytes | str] | None = None,
    names: tuple[str, ...] = (),
) -> Path:
    """A workbook of `sheets` (XML texts) in tab order; `names` renames their parts."""
    parts = names or tuple(f"worksheets/sheet{i}.xml" for i in range(1, len(sheets) + 1))
    overrides = "".join(f'<Override PartName="/xl/{p}" ContentType="{SHEET_TYPE}"/>' for p in parts)
    if strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
    sheet_list = "".join(
        f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="{p}"/>'
        for i, p in enumerate(parts, 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'{HEAD}<Types xmlns="{TYPES}">'
            f'<Default Extension="rels" ContentType="application/'
            f'vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>{sheet_list}</sheets>'
            "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{HEAD}<Relationships xmlns="{RELS}">{rels}</Relationships>',
        )
        for part, xml in zip(parts, sheets, strict=True):
            archive.writestr(f"xl/{part}", xml)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path
