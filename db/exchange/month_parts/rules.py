"""The vocabulary of a month file's parts (docs/design.md §6.2, §14): a `Part` names the rows
of one table the file holds (`selects`, what export copies) and what each such row satisfies
besides (`rules`); each is a `Rule`, SQL over one row of the table.

`{f}` in a condition is the file's schema (`x.` while the export fills it, `main.` while the
checker reads it); the parameters are the station's ids (`:low`, `:high`), its code (`:me`),
the month (`:start`, `:end`) and the month's piece of the chain (`:before`, `:last`). Every rule
is one set-based pass over its table: the conditions that look at other rows use uncorrelated
`IN (SELECT …)` lists, which SQLite builds once per query.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.messages import N_


@dataclass(frozen=True)
class Rule:
    code: str  # what tests and programs act on
    condition: str  # true for a good row
    what: str  # msgid: what is wrong with a row that breaks it


@dataclass(frozen=True)
class Part:
    name: str
    selects: tuple[Rule, ...]  # the rows of the books the file holds (what export copies)
    rules: tuple[Rule, ...] = ()  # what every such row satisfies besides
    columns: str | None = None  # what export writes, when not the columns as they are

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        return self.selects + self.rules

    def select(self, schema: str) -> str:
        return " AND ".join(f"({r.condition})" for r in self.selects).format(f=schema)


def sql_list(values: tuple[str, ...]) -> str:
    """An SQL list of constant texts (the kinds and categories the schema names)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


OWN = Rule("not_own_id", "id >= :low AND id < :high", N_("编号不是本站的"))
SENDER = Rule("not_sender", "station = :me", N_("记录的站点不是发文件的站点"))


def in_month(column: str) -> Rule:
    return Rule("outside_month", f"{column} >= :start AND {column} < :end", N_("时间不在本月"))


# A reversal: of an earlier row of the station's own, and each row reversed once at most.
REVERSED_ONCE = (
    "reverses_id IS NULL OR reverses_id NOT IN (SELECT reverses_id FROM {f}%s "
    "WHERE reverses_id IS NOT NULL GROUP BY reverses_id HAVING COUNT(*) > 1)"
)
EARLIER_OWN = "reverses_id IS NULL OR (reverses_id >= :low AND reverses_id < id)"
