"""The English catalog: find every message in the source, keep the .po in step.

    python -m tests.i18n          add new messages to pos/locale/en/.../aixin.po, drop gone
                                  ones; then translate the empty entries

Messages are Chinese (the source language) and are found where the code marks them:
`_()` and `N_()`, the template of `Refused(...)`, `CardRefused(reason, ...)` and
`FileRefused(check, reason, ...)`, and the description of `Binding(key, action, description)`.
Help texts are no call arguments: they are found by walking the `aixin` command tree, every
command's help, short help and epilog and every parameter's help, paragraph by paragraph as
pos/cli/helptext.py looks them up.
The catalog keeps no source locations, so two changes that add different messages merge
cleanly, and no version stamp of the tool that wrote it.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "pos" / "locale" / "en" / "LC_MESSAGES" / "aixin.po"
KEYWORDS = {
    "_": None,
    "N_": None,
    "Refused": (1,),
    "CardRefused": (2,),
    "FileRefused": (2,),
    "Binding": (3,),
}
# Header lines that only say when and by what the file was written.
UNSTABLE = (b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')


def source_messages() -> dict[str, list[str]]:
    """msgid -> the places it is used ('db/books/cards.py:88')."""
    found: dict[str, list[str]] = {}
    for package in ("db", "catalog", "pos"):
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            text = message if isinstance(message, str) else message[0]
            if text:
                found.setdefault(text, []).append(f"{package}/{filename}:{line}")
    for text, where in help_messages():
        found.setdefault(text, []).append(where)
    return found


def help_messages() -> list[tuple[str, str]]:
    """(msgid, 'aixin county merge --db') for every help paragraph of the command tree."""
    import click

    from pos.cli import main
    from pos.cli.helptext import paragraphs

    found: list[tuple[str, str]] = []

    def walk(command: click.Command, path: str) -> None:
        for text in (command.help, command.short_help, command.epilog):
            found.extend((msgid, path) for msgid in paragraphs(text))
        for param in command.params:
            where = f"{path} {param.opts[0] if param.opts else param.name}"
            found.extend((msgid, where) for msgid in paragraphs(getattr(param, "help", None)))
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                walk(sub, f"{path} {name}")

    walk(main, "aixin")
    return found


def read_catalog() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="en")


def write_catalog(catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, no_location=True)
    lines = buffer.getvalue().splitlines(keepends=True)
    PO.write_bytes(b"".join(line for line in lines if not line.startswith(UNSTABLE)))


def update() -> None:
    catalog = read_catalog() if PO.exists() else Catalog(locale="en", project="aixin")
    wanted = source_messages()
    for message in list(catalog):
        if message.id and message.id not in wanted:
            catalog.delete(message.id)
    for text in sorted(wanted):
        if catalog.get(text) is None:
            catalog.add(text, "")
    PO.parent.mkdir(parents=True, exist_ok=True)
    write_catalog(catalog)
    missing = [m.id for m in read_catalog() if m.id and not m.string]
    print(f"{len(wanted)} messages, {len(missing)} without an English translation")


if __name__ == "__main__":
    update()
