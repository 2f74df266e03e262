"""Messages: every text a person reads, as a template with fields, rendered at the boundary.

A template is the Chinese source text (the msgid of the gettext catalog) with named fields.
Services, checks and loaders never build sentences: they return or raise `Message`s, and the
command line and the shop screen render them in the operator's language with
`message.render(translate)`. A field is shown as it is (a name, a number, a code), unless it
is itself a `Message` — a role, a status, a kind of file — which is rendered in the same
language; a list or tuple of fields is joined with the language's list separator.

This is the bottom layer of the house (docs/design.md §11, §12): `catalog`, `db` and `pos`
all use it, and it imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for the translators without translating it here."""
    return message


LIST_SEPARATOR = N_("、")


class Message:
    """A template and its fields. Equal messages have the same template and fields."""

    __slots__ = ("fields", "template")

    def __init__(self, template: str, /, **fields: object) -> None:
        self.template = template
        self.fields: Mapping[str, object] = fields

    def render(self, translate: Translate = str) -> str:
        values = {name: shown(value, translate) for name, value in self.fields.items()}
        return translate(self.template).format(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.template, dict(self.fields)) == (other.template, dict(other.fields))

    def __hash__(self) -> int:
        return hash(self.template)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return f"Message({self.template!r}{', ' if fields else ''}{fields})"

    def __str__(self) -> str:
        return self.render()


def shown(value: object, translate: Translate = str) -> object:
    """A field or a table cell as a person reads it: a Message rendered, a list or tuple
    joined with the language's list separator, anything else (data) as it is."""
    if isinstance(value, Message):
        return value.render(translate)
    if isinstance(value, list | tuple):
        return translate(LIST_SEPARATOR).join(str(shown(v, translate)) for v in value)
    return value


def text(message: str | Message, translate: Translate = str) -> str:
    """A message or a plain string, rendered."""
    return message.render(translate) if isinstance(message, Message) else translate(message)


class Refused(Exception):
    """Input the books will not take. Nothing was written.

    `Refused(template, **fields)`, or `Refused(message)` for a message made elsewhere; the UI
    shows it in the operator's language with `error.render(translate)`.
    """

    def __init__(self, template: str | Message, /, **fields: object) -> None:
        self.message = template if isinstance(template, Message) else Message(template, **fields)
        super().__init__(self.render())

    @property
    def template(self) -> str:
        return self.message.template

    @property
    def fields(self) -> Mapping[str, object]:
        return self.message.fields

    def render(self, translate: Translate = str) -> str:
        return self.message.render(translate)


@dataclass(frozen=True)
class Finding:
    """One thing a check found: a code that tests and programs act on, and its message.

    Checks (verify, the merge, sheets) return findings as data; `severity` is `problem`
    (the check fails) or `notice` (worth saying, nothing is wrong with the books).
    """

    code: str
    message: Message
    severity: str = "problem"
    subject: object = None  # what is at fault: a record's id or number, or the check's own data

    @property
    def fields(self) -> Mapping[str, object]:
        return self.message.fields

    def render(self, translate: Translate = str) -> str:
        return self.message.render(translate)


# A refused sheet lists this many bad rows, then how many more there are: a 100,000-row
# sheet gets a readable answer, not megabytes of reasons.
SHOWN_ROWS = 20
# A check stops looking once a sheet has this many bad rows: nobody fixes row 90,000 of a
# sheet that is wrong from the start, and checking the rest would only cost time.
STOP_AFTER = 10 * SHOWN_ROWS


class SheetRefused(Refused):
    """A whole sheet refused: one refusal per bad row, with its line number.

    `stopped_at`: the line where the check stopped, STOP_AFTER bad rows in; None when every
    row was checked."""

    def __init__(
        self, problems: list[tuple[int, Refused]], *, stopped_at: int | None = None
    ) -> None:
        self.problems = problems
        self.stopped_at = stopped_at
        if stopped_at is None:
            super().__init__(N_("表格有 {count} 行不能接受，整张表都没有入账"), count=len(problems))
        else:
            super().__init__(
                N_("表格到第 {line} 行已有 {count} 行不能接受，后面的没有再查；整张表都没有入账"),
                line=stopped_at,
                count=len(problems),
            )

    def render(self, translate: Translate = str) -> str:
        head = super().render(translate)
        line = translate(N_("第 {line} 行：{reason}"))
        shown = self.problems[:SHOWN_ROWS]
        rows = [line.format(line=n, reason=err.render(translate)) for n, err in shown]
        if len(self.problems) > SHOWN_ROWS:
            more = Message(
                N_("还有 {count} 行有问题，没有列出"), count=len(self.problems) - SHOWN_ROWS
            )
            rows.append(more.render(translate))
        return "\n".join([head, *rows])
