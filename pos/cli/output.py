"""Printing rows: a readable table for people, tab-separated values for programs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from pos.i18n import _


def table(
    keys: Sequence[str], headers: Sequence[str], rows: Iterable[Sequence[object]], *, tsv: bool
) -> None:
    """`--tsv`: a header line of `keys`, then one tab-separated line per row."""
    if tsv:
        click.echo("\t".join(keys))
        for row in rows:
            click.echo("\t".join("" if v is None else _one_line(str(v)) for v in row))
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


def _one_line(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
