"""The household a card opened: who, where, how many points, what happened lately.

Drawn as plain marked-up lines rather than a Rich table: the panel changes on every scan,
and a table costs several milliseconds more to lay out each time (docs/design.md §9's 25 ms).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.markup import escape
from textual.widgets import Static

from db.books import ledger, notices
from db.books.corrections import KIND_NAMES
from db.books.households import STATUS_NAMES
from db.books.views import EntryView, HouseholdView
from pos.i18n import _


class HouseholdPanel(Static):
    DEFAULT_CSS = """
    HouseholdPanel { border: round $primary; padding: 0 1; height: 13; }
    HouseholdPanel.detail { height: auto; }
    HouseholdPanel.empty { color: $text-muted; border: round $panel; }
    """

    def on_mount(self) -> None:
        self.show(None)

    def show(
        self,
        household: HouseholdView | None,
        *,
        entries: int = 5,
        after: int | None = None,
        detail: bool = False,
        full_phone: bool = False,
    ) -> None:
        """`detail` adds the household's size and phone, for the household screen; the
        phone is masked like the ID number unless `full_phone` (roles that edit households)."""
        if household is None:
            self.border_title = _("农户")
            self.add_class("empty")
            self.update(_("扫会员卡打开农户（F6 手工查户）"))
            return
        self.remove_class("empty")
        self.border_title = f"{escape(household.head_name)}  {household.number}"
        rows = [
            (_("身份证"), household.masked_id),
            (_("村"), escape(f"{household.township} {household.village}")),
            (_("类别"), _(household.category)),
        ]
        if detail:
            self.add_class("detail")
            rows.append((_("人口"), _("{count} 人").format(count=household.members)))
            if household.phone:
                phone = household.phone if full_phone else masked_phone(household.phone)
                rows.append((_("电话"), escape(phone)))
        if household.status != "active":
            rows.append((_("状态"), f"[b red]{_(STATUS_NAMES[household.status])}[/]"))
        balance = _("[b]{count}[/] 分").format(count=household.balance)
        if after is not None:
            colour = "red" if after < 0 else "green"
            balance += "  →  " + _("[b {colour}]{count}[/] 分").format(colour=colour, count=after)
        rows.append((_("余额"), balance))
        meant = self.notices(household.number)
        if meant:
            shown = "、".join(n.title for n in meant[:2])
            rows.append((_("通知"), f"[b yellow]{escape(shown)}[/]"))
        for entry in ledger.history(household.number, limit=entries):
            rows.append((entry.time[5:10], f"{entry.points:>+4d}  {escape(describe(entry))}"))
        width = max(cell_len(label) for label, _value in rows)
        self.update(
            "\n".join(
                f"[dim]{label}[/]{' ' * (width - cell_len(label) + 2)}{value}"
                for label, value in rows
            )
        )

    def notices(self, number: str) -> list[notices.NoticeView]:
        """The notices current today for the household (the clock is read only when the
        books hold any notice at all)."""
        if not notices.exist():
            return []
        shop = getattr(self.app, "shop", None)
        if shop is None:
            return []
        return notices.for_household(number, shop.clock.now().strftime("%Y-%m-%d"))


def masked_phone(phone: str) -> str:
    """'138****5678': the first three and last four digits, as the ID number is masked."""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 7:
        return "*" * len(phone)
    return "".join(digits[:3]) + "*" * (len(digits) - 7) + "".join(digits[-4:])


def describe(entry: EntryView) -> str:
    """'垃圾分类定点投放' for an award; '冲正 · 垃圾分类定点投放', '兑换' ... for the rest."""
    kind = _(KIND_NAMES[entry.kind])
    if entry.task is None:
        return kind
    return entry.task if entry.kind == "award" else f"{kind} · {entry.task}"
