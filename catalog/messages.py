"""The one kind of error the services raise when they refuse input."""

from __future__ import annotations

from collections.abc import Callable


class Refused(Exception):
    """Input the books will not take. Nothing was written.

    The message is a Chinese template (the msgid of the gettext catalogs) with named fields,
    so the UI can show it in the operator's language: `error.render(gettext)`.
    """

    def __init__(self, template: str, **fields: object) -> None:
        self.template = template
        self.fields = fields
        super().__init__(self.render())

    def render(self, translate: Callable[[str], str] = str) -> str:
        # Field values that are themselves messages (a role, an action) are translated too;
        # names and numbers pass through unchanged.
        fields = {k: translate(v) if isinstance(v, str) else v for k, v in self.fields.items()}
        return translate(self.template).format(**fields)


def N_(message: str) -> str:
    """Marks a message for the translators without translating it here."""
    return message


class SheetRefused(Refused):
    """A whole sheet refused: one message per bad row, with its line number."""

    def __init__(self, problems: list[tuple[int, Refused]]) -> None:
        self.problems = problems
        super().__init__(N_("表格有 {count} 行不能接受，整张表都没有入账"), count=len(problems))

    def render(self, translate: Callable[[str], str] = str) -> str:
        head = translate(self.template).format(**self.fields)
        line = translate(N_("第 {line} 行：{reason}"))
        rows = [line.format(line=n, reason=err.render(translate)) for n, err in self.problems]
        return "\n".join([head, *rows])
