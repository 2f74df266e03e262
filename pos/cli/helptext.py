"""Help in the operator's language: click's own layout, with our texts translated when shown.

Help texts stay Chinese in the source (docstrings, `help=`) and are msgids paragraph by
paragraph: a paragraph is what click wraps as one (lines between blank lines), its lines
joined into one. `paragraphs()` is the one normalisation, shared by rendering here and by
the extraction in tests/i18n.py, so the text looked up is the text extracted.

`Command` and `Group` lay out help exactly as click does, from a copy of themselves whose
texts are translated (`translated()`); parsing never sees the copy. Every command of `aixin`
is one of them (tests/unit/pos/cli/test_help.py checks).
"""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

import click

from pos.i18n import _, system_language, use

# Chinese and its punctuation: two lines of a paragraph that meet between such characters
# are joined without a space, the way the sentence reads.
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_BREAK = re.compile(rf"(?<={_CJK})\n(?={_CJK})")
_NO_REWRAP = "\b"  # click's marker: keep this paragraph's lines as they are


def paragraphs(text: str | None) -> list[str]:
    """The msgids of a help text: click's cleaned text up to \\f, paragraph by paragraph."""
    return [msgid for _keep, msgid in _paragraphs(text)]


def in_language(text: str | None) -> str | None:
    """`text` in the current language, paragraph by paragraph, ready for click to wrap."""
    if text is None:
        return None
    return "\n\n".join(
        f"{_NO_REWRAP}\n{_(msgid)}" if keep else _(msgid) for keep, msgid in _paragraphs(text)
    )


def _paragraphs(text: str | None) -> list[tuple[bool, str]]:
    """(keeps its lines, msgid) for each paragraph of `text`."""
    if not text:
        return []
    found = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(text).partition("\f")[0]):
        lines = [line.strip() for line in block.strip("\n").splitlines()]
        if lines and lines[0] == _NO_REWRAP:
            found.append((True, "\n".join(lines[1:])))
        elif any(lines):
            found.append((False, _BREAK.sub("", "\n".join(lines)).replace("\n", " ")))
    return found


class _InLanguage:
    """Mixin for click commands: help, short help and parameter help in the operator's
    language, laid out by click's own methods."""

    def translated(self) -> Any:
        """A copy of this command for showing help, its texts in the current language."""
        view = copy.copy(self)
        view.help = in_language(self.help)
        view.short_help = in_language(self.short_help)
        view.epilog = in_language(self.epilog)
        view.params = [_param_in_language(p) for p in self.params]
        return view

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super(_InLanguage, self.translated()).format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        # Translated before click shortens it: English is cut at its first sentence.
        return super(_InLanguage, self.translated()).get_short_help_str(limit)


def _param_in_language(param: click.Parameter) -> click.Parameter:
    if not getattr(param, "help", None):
        return param
    view = copy.copy(param)
    view.help = in_language(param.help)
    return view


class Command(_InLanguage, click.Command):
    """A command whose help is shown in the operator's language."""


class Group(_InLanguage, click.Group):
    """A group whose help is shown in the operator's language, and so are its commands'."""

    command_class = Command
    group_class = type  # subgroups are of the same class


class Root(Group):
    """`aixin` itself: the language follows the locale unless `--lang` says otherwise.

    Set before the arguments are read, so that `aixin --help` speaks the locale's language;
    `--lang` is eager and sets it again before any `--help` that follows it."""

    group_class = Group  # a subgroup must not set the language again

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        use(system_language())
        return super().make_context(info_name, args, parent, **extra)


def choose_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of the eager `--lang`."""
    if value is not None:
        use(value)
    return value
