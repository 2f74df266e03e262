"""The shop screen: one App, built by `make_app`, used alike by the CLI and the tests."""

from __future__ import annotations

import os
import time
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from catalog.messages import N_, Message
from db.books import cards, notices
from db.books.setup import here, setting
from db.store.audit import IGNORED_CLOCK, BooksClock
from db.store.clock import Clock, SystemClock, env_clock
from db.store.connection import connect
from pos.desk import Desk, forget, typed_in, unsaved_of
from pos.i18n import _, translate_bindings, use
from pos.screens import section_screen
from pos.screens.dialogs import DropScreen
from pos.screens.help import HelpScreen
from pos.screens.signin import SignInScreen
from pos.shop import Shop

# Function keys as on shop tills (docs/design.md §8): the screen each opens, and who may open it.
SECTIONS = {
    "checkout": ("redeem",),
    "award": ("award",),
    "households": (),
    "stock": ("donate", "count", "adjust_stock"),
    "reports": (),
}
# Sections without a function key: F11 lists them (pos/screens/more.py), in this order, each
# with its label and the permissions that open it (any one of them; none: everyone).
MORE: dict[str, tuple[str, tuple[str, ...]]] = {
    "produce": (N_("代销"), ("produce",)),
    "notices": (N_("通知"), ()),
    "postings": (N_("公示"), ("award", "object", "resolve_posting", "credit_posting")),
    "handout": (N_("节日慰问"), ("handout",)),
    "visit": (N_("流动超市巡回"), ("visit",)),
    "operators": (N_("操作员"), ("manage_operators",)),
    "my_pin": (N_("修改我的密码"), ()),
}


class AixinApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "爱心超市"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f1", "help", "帮助"),
        # the sections: shown on the top line (`menu`), so the footer has room for the screen's keys
        Binding("f2", "section('checkout')", "兑换", show=False),
        Binding("f3", "section('award')", "积分", show=False),
        Binding("f4", "section('households')", "农户", show=False),
        Binding("f5", "section('stock')", "库存", show=False),
        Binding("f9", "section('reports')", "报表", show=False),
        Binding("f11", "more", "更多"),
        Binding("ctrl+o", "sign_out", "退出登录"),
        Binding("ctrl+q", "quit", "关闭", priority=True),
    ]

    def __init__(self, shop: Shop) -> None:
        super().__init__()
        self.shop = shop
        self.last_activity = time.monotonic()
        #: the signed-in (or last) operator's section screens, kept with their work (§8.1)
        self.desk = Desk(self)
        translate_bindings(self)

    def on_mount(self) -> None:
        self.title = _("爱心超市")
        self.sub_title = self.shop.station_name
        self.set_interval(max(1.0, min(30.0, self.shop.idle_minutes * 30)), self.sign_out_if_idle)
        self.sign_out()
        if self.shop.clock_ignored:
            self.notify(IGNORED_CLOCK.render(_), severity="warning", timeout=30)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not self.is_running:
            return  # closing: the screens are coming down, a late key or click has no target
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    def sign_out_if_idle(self) -> None:
        if not self.is_running:
            return
        idle = time.monotonic() - self.last_activity
        if self.shop.actor is not None and idle > self.shop.idle_minutes * 60:
            self.sign_out(keep=True)  # the work waits for the same operator
            self.notify(_("长时间没有操作，已自动退出登录"), timeout=30)

    def get_key_display(self, binding: Binding) -> str:
        if binding.key.startswith("f") and binding.key[1:].isdigit():
            return binding.key.upper()  # F2, as printed on the keyboard
        names = {"escape": "Esc", "pagedown": "PgDn", "pageup": "PgUp"}
        if binding.key in names:
            return names[binding.key]
        if binding.key.startswith("ctrl+"):
            return "Ctrl+" + binding.key[5:].upper()
        return super().get_key_display(binding)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_running:
            return False
        signed_in = self.shop.actor is not None and not isinstance(self.screen, ModalScreen)
        if action in ("section", "sign_out", "help", "more") and not signed_in:
            return False
        if action == "section":
            return self.may_open(str(parameters[0]))
        if action == "more":
            return bool(self.more_sections())
        return True

    def menu(self) -> list[str]:
        """'F2 兑换', ... for each section the signed-in operator may open."""
        return [
            f"{self.get_key_display(b)} {b.description}"
            for bindings in self._bindings.key_to_bindings.values()
            for b in bindings
            if b.action.startswith("section(") and self.may_open(b.action[9:-2])
        ]

    def may_open(self, section: str) -> bool:
        actor = self.shop.actor
        needs = SECTIONS[section] if section in SECTIONS else MORE[section][1]
        return actor is not None and (not needs or any(actor.may(a) for a in needs))

    def more_sections(self) -> list[tuple[str, str]]:
        """(section, label) of the F11 list that the signed-in operator may open."""
        return [(name, _(label)) for name, (label, _needs) in MORE.items() if self.may_open(name)]

    def action_more(self) -> None:
        from pos.screens.more import MoreScreen

        def chosen(section: str | None) -> None:
            if section is not None:
                self.action_section(section)

        self.push_screen(MoreScreen(self.more_sections()), chosen)

    # -- the desk: switching section, signing out and closing keep or ask (§8.1) ----------

    def shown_screens(self) -> list[Screen]:
        """The full screens of the section shown, its section screen first."""
        from pos.screens.signin import SignInScreen

        return [s for s in self.screen_stack[1:] if not isinstance(s, ModalScreen | SignInScreen)]

    def unsaved(self) -> list[Message]:
        """Every piece of typed work not yet saved: on the screens of the stack (the section
        shown, the forms and dialogs over it) and on the desk."""
        return unsaved_of(self.screen_stack[1:]) + self.desk.unsaved()

    def ask_to_drop(self, work: list[Message], then, *, title: str = "") -> None:
        """Run `then` at once when there is no work to lose, else after the operator agrees."""
        if not work:
            then()
            return
        self.push_screen(DropScreen(work, title), lambda yes: then() if yes else None)

    def action_section(self, section: str) -> None:
        if not self.may_open(section):
            return
        current = self.desk.section
        if section == current:  # back to the section's own screen, from a form over it
            above = self.shown_screens()[1:]
            if above:
                self.ask_to_drop(unsaved_of(above), self.back_to_section)
            return
        if current is not None:
            self.desk.keep(current, self.shown_screens())
        self.show_section(section)

    def back_to_section(self) -> None:
        above = self.shown_screens()[1:]
        while len(self.screen_stack) > 2:
            self.pop_screen()
        for screen in above:
            forget(self, screen, just_left=True)

    def show_section(self, section: str) -> None:
        """The section's kept screens, or a new section screen."""
        screens = self.desk.take(section)
        if section in MORE and not unsaved_of(screens) and not typed_in(screens):
            # the F11 sections read the books when they mount: a fresh one shows them as
            # they are now (the F2–F9 ones refresh themselves when shown again); one with
            # work or a box typed into is kept as it was
            for screen in screens:
                forget(self, screen)
            screens = []
        screens = screens or [section_screen(section)]
        while len(self.screen_stack) > 2:  # kept on the desk, or dialogs
            self.pop_screen()
        self.switch_screen(screens[0])
        for screen in screens[1:]:
            self.push_screen(screen)
        self.desk.section = section

    def scan_elsewhere(self, text: str) -> None:
        """A scan the screen shown has no box for (§8.2): a member card goes to the checkout,
        as the next household, when the operator redeems; else it is refused, saying where
        it is taken."""
        if cards.looks_like_card(text) and self.may_open("checkout"):
            self.action_section("checkout")
            self.call_after_refresh(lambda: self.screen.take_scan(text))  # type: ignore[attr-defined]
            return
        say = getattr(self.screen, "say", None)
        why = _("扫到了“{text}”：这里不收扫码；会员卡和商品请在 F2 兑换 扫").format(text=text[:40])
        if say is not None:
            say(why, error=True)
        else:
            self.notify(why, severity="error")
        self.bell()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    def action_sign_out(self) -> None:
        title = _("退出登录会丢掉这些还没有保存的工作")
        self.ask_to_drop(self.unsaved(), lambda: self.sign_out(keep=False), title=title)

    async def action_quit(self) -> None:
        work = self.unsaved() if not isinstance(self.screen, DropScreen) else []
        title = _("关闭会丢掉这些还没有保存的工作")
        self.ask_to_drop(work, self.exit, title=title)

    def sign_out(self, *, keep: bool = True) -> None:
        """Back to sign-in. `keep` (an idle till): every screen stays as it is, a dialog half
        answered too, under the sign-in screen, for the same operator; else they are dropped
        (asked before, by the caller)."""
        if keep and self.shop.actor is not None:
            self.shop.actor = None
            self.push_screen(SignInScreen())
            return
        self.shop.actor = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.switch_screen(SignInScreen())
        else:
            self.push_screen(SignInScreen())
        if not keep:
            self.desk.clear(self.desk.operator, just_left=True)

    def signed_in(self) -> None:
        """After sign-in: the operator's own desk as it was left, else the first section the
        role may open — after asking, when another operator left unsaved work; and the notices
        that came since the operator last signed in."""
        actor = self.shop.signed_in
        # F11 and the others hang on who signed in: the footer asks again once shown
        self.call_after_refresh(self.refresh_bindings)
        self.tell_new_notices()
        desk = self.desk
        waiting = self.screen_stack[1:-1]  # left by an idle sign-out, under the sign-in
        if waiting and desk.operator == actor.name:
            self.pop_screen()  # as it was left
            return

        def fresh() -> None:
            while len(self.screen_stack) > 2:  # the previous operator's, dropped
                self.pop_screen()
            desk.clear(actor.name)
            for section in SECTIONS:
                if self.may_open(section):
                    self.show_section(section)
                    return

        def answered(drop: bool | None) -> None:
            if drop:
                fresh()
            else:  # the previous operator may come back and sign in
                self.shop.actor = None

        work = unsaved_of(waiting) + desk.unsaved()
        if work:
            title = _("{name} 还有没有保存的工作；放弃它们，换 {other} 登录？").format(
                name=desk.operator, other=actor.name
            )
            self.push_screen(DropScreen(work, title), answered)
        else:
            fresh()

    def tell_new_notices(self) -> None:
        actor = self.shop.signed_in
        new = notices.unseen(actor.name, self.shop.clock.now().strftime("%Y-%m-%d"))
        if new:
            titles = "、".join(n.title for n in new[:3])
            text = _("新通知 {count} 条：{titles}（F11 通知）")
            self.notify(text.format(count=len(new), titles=titles), timeout=20)
            notices.mark_seen(actor.name, new)


def make_app(
    db_path: str | Path,
    *,
    clock: Clock | None = None,
    lang: str = "zh",
    idle_minutes: float | None = None,
    demo_card: str = "",
) -> AixinApp:
    """The shop on the station database at `db_path` (refuses a file that is not one).

    `demo_card` (a demo station's card payload, from `aixin demo`) shows the demo operators
    at sign-in and that card to try at the till."""
    use(lang)
    connect(db_path)
    station = here()
    if idle_minutes is None:
        configured = os.environ.get("AIXIN_IDLE_MINUTES") or setting("idle_minutes") or ""
        idle_minutes = float(configured) if configured.replace(".", "", 1).isdecimal() else 10.0
    books_clock = BooksClock(SystemClock(), env_clock())
    shop = Shop(
        db_path=Path(db_path),
        clock=clock or books_clock,
        clock_ignored=clock is None and books_clock.ignores_trial,
        station=station.code,
        station_name=station.name,
        idle_minutes=idle_minutes,
        slips_dir=Path(db_path).with_name("slips"),
        demo_card=demo_card,
    )
    return AixinApp(shop)
