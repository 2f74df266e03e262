"""Printing rows: a readable table for people, tab-separated values for programs.

`--tsv` output ends up in spreadsheets too (saved as .tsv or .txt and opened in Excel or WPS,
which evaluate a field that begins with = + - or @). So a text field that begins with one of
those, after any spaces, is printed with a leading apostrophe, the way a spreadsheet marks
text; numbers (a negative balance, a deduction's points) and every ordinary text are printed
as they are. Tabs and line breaks inside a field become spaces: one row is one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from pos.i18n import _

FORMULA_START = ("=", "+", "-", "@")


def table(
    keys: Sequence[str], headers: Sequence[str], rows: Iterable[Sequence[object]], *, tsv: bool
) -> None:
    """`--tsv`: a header line of `keys`, then one tab-separated line per row."""
    if tsv:
        click.echo("\t".join(keys))
        for row in rows:
            click.echo("\t".join(_field(v) for v in row))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    view = Table(*headers, box=None, pad_edge=False)
    count = 0
    for row in rows:  # Text: a name or note holding '[' is printed as it is, not as markup
        view.add_row(*(Text("" if v is None else str(v)) for v in row))
        count += 1
    console = Console(soft_wrap=True)
    console.print(view)
    console.print(_("共 {count} 行").format(count=count))


def _field(value: object) -> str:
    if value is None:
        return ""
    text = str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if isinstance(value, str) and text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text
