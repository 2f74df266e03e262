"""Opening the shop screen from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import click

from pos.cli.common import refusals, station_only
from pos.i18n import system_language


@refusals
def open_shop(db_path: Path, lang: str | None, *, demo_card: str = "") -> None:
    # Textual draws at most TEXTUAL_FPS frames a second, and a change waits for the next
    # frame slot: at the default 60 a scan can wait two slots (33 ms) before it shows.
    # Frames are drawn only when something changed, so an idle till costs nothing more.
    station_only(db_path)  # the till keeps a station's books: a SQLite file
    os.environ.setdefault("TEXTUAL_FPS", "240")
    from pos.app import make_app

    make_app(db_path, lang=lang or asked_language() or system_language(), demo_card=demo_card).run()


def asked_language() -> str | None:
    """The `--lang` given to `aixin`, also when a subcommand (`aixin --lang en demo`) opens
    the shop."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().params.get("lang") if ctx else None
