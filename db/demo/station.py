"""`aixin demo`: a believable station, built only through the services.

Two townships of villages, some hundreds of households, cards for all, the default catalogs,
operators clerk / cadre / manager (PIN 1234), and three months of monthly village scoring,
deductions, redemptions, donations, a stock count and reversals. Every write goes through the
same services the till uses, so the demo obeys every rule of the books. The same seed and the
same clock give the same station.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from catalog.loader import default_goods, default_tasks
from catalog.messages import N_, Message
from db.books import auth, awards, cards, corrections, households, redemptions, stock
from db.books.setup import Place, add_county, add_places, add_station, load_catalogs, make_local
from db.demo import names
from db.store import audit
from db.store.clock import FixedClock
from db.store.connection import database
from db.store.models import Entry, Household, Item, Task

DEMO_PIN = "1234"
Progress = Callable[[Message], None]  # told each stage as it starts


@dataclass(frozen=True)
class DemoStation:
    code: str
    households: int
    villages: int
    sample_household: str  # an active household with points, to try a redemption with


def month_starts(today: datetime, months: int) -> list[datetime]:
    """The first days of the `months` whole months before `today`'s month, oldest first."""
    first = today.replace(day=1, hour=0, minute=0, second=0)
    starts = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def build(
    today: datetime,
    *,
    station: str = "451425-03",
    seed: int = 1,
    county_card_key: str | None = None,
    station_key: str | None = None,
    county_public_key: str | None = None,
    progress: Progress = lambda _: None,
) -> DemoStation:
    """Fill the (empty, migrated) database that is open with a demo station.

    The books are marked as made for trying (`audit.mark_trial`): AIXIN_CLOCK may set their
    time, as it may on no real station's."""
    rng = random.Random(seed)
    clock = FixedClock(today - timedelta(days=120), timedelta(seconds=7))
    county_code = station[:6]
    progress(Message(N_("县、站点和花名册")))
    with database.atomic():
        audit.mark_trial("demo")
        county = add_county(
            county_code,
            names.COUNTIES.get(county_code, names.DEFAULT_COUNTY_NAME),
            card_key=county_card_key,
        )
        county.public_key = county_public_key  # the county's updates are checked with it
        county.save()
        here = add_station(clock, county, station, "", "shop", key=station_key)
        number = int(station[-2:])
        townships = demo_townships(county_code, number)
        here.name = shop_name(townships)
        here.save()
        make_local(here)
        villages, groups = _villages(rng, townships)
        add_places(townships, villages, groups)
        load_catalogs(default_tasks(), default_goods())
        people = _households(rng, clock, county_code, villages, groups, station)
        for operator, role in (("manager", "manager"), ("clerk", "clerk")):
            auth.add_operator(operator, role, DEMO_PIN, clock)
        first_township = tuple(v.code for v in villages if v.parent == townships[0].code)
        auth.add_operator(
            "cadre", "cadre", DEMO_PIN, clock, villages=first_township, household=people[0]
        )
    manager = auth.sign_in("manager", DEMO_PIN, clock)
    clerk = auth.sign_in("clerk", DEMO_PIN, clock)
    cadre = auth.sign_in("cadre", DEMO_PIN, clock)
    progress(Message(N_("发卡")))
    with database.atomic():
        for household in people:
            cards.issue(manager, clock, household)
    history = _History(rng, clock, manager, clerk, cadre, villages)
    for month in month_starts(today, 3):
        progress(
            Message(
                N_("{year} 年 {month} 月的捐赠、记分和兑换"),
                year=f"{month:%Y}",
                month=f"{month:%m}",
            )
        )
        history.month(month)
    history.finish(today)
    return DemoStation(station, len(people), len(villages), sample_household())


def sample_household() -> str:
    """The active household with the most points: the one to try a redemption with."""
    sample = (
        Household.select()
        .where(Household.status == "active")
        .order_by(Household.balance.desc(), Household.number)
        .first()
    )
    return sample.number


def demo_townships(county: str, number: int) -> list[Place]:
    """The two townships demo station `number` serves; stations 01 to 06 share none."""
    towns = names.TOWNSHIPS
    first = (2 * (number - 1)) % len(towns)
    picks = [first, (first + 1) % len(towns)]
    return [Place(f"{county}{100 + i:03d}", towns[i]) for i in picks]


def shop_name(townships: list[Place]) -> str:
    """A demo shop is named after the first township it serves (the record's name, data)."""
    return f"{townships[0].name}爱心超市"


def _villages(rng: random.Random, townships: list[Place]) -> tuple[list[Place], list[Place]]:
    stems = list(names.VILLAGE_STEMS)
    rng.shuffle(stems)
    villages, groups = [], []
    for township in townships:
        for n in range(rng.choice((4, 5))):
            village = Place(f"{township.code}{201 + n:03d}", stems.pop() + "村", township.code)
            villages.append(village)
            for g in range(rng.randint(3, 5)):
                groups.append(
                    Place(f"{village.code}{g + 1:02d}", names.GROUP_NAMES[g], village.code)
                )
    return villages, groups


def _households(
    rng, clock, county: str, villages: list[Place], groups: list[Place], station: str
) -> list[str]:
    numbers = []
    for village in villages:
        own_groups = [g for g in groups if g.parent == village.code]
        for seq in range(1, rng.randint(38, 50) + 1):
            number = f"{village.code[6:]}{seq:04d}"
            form = households.HouseholdForm(
                number=number,
                head_name=names.person_name(rng),
                id_number=names.id_number(rng, county),
                village=village.code,
                category=names.category(rng),
                group=rng.choice(own_groups).code,
                members=rng.randint(1, 7),
                phone=names.phone(rng),
            )
            households.save(None, clock, form, station=station, new=True)
            numbers.append(number)
    return numbers


class _History:
    """Writes months of believable activity through the services."""

    def __init__(self, rng, clock, manager, clerk, cadre, villages):
        self.rng, self.clock = rng, clock
        self.manager, self.clerk, self.cadre = manager, clerk, cadre
        self.villages = villages
        self.tasks = list(Task.select().where(Task.points > 0))
        self.deductions = list(Task.select().where(Task.points < 0))
        self.goods = [item.code for item in Item.select()]
        self.redeemed: list[int] = []

    def at(self, day: datetime, hour: int, minute: int = 0) -> None:
        self.clock.at = day.replace(hour=hour, minute=minute, second=0)

    def month(self, start: datetime) -> None:
        self.at(start + timedelta(days=self.rng.randint(1, 4)), 9)
        self._donations()
        self.at(start + timedelta(days=24), 9)
        for village in self.villages:
            self._score(village)
            self.clock.advance(minutes=20)
        for day in range(2, 24):
            self.at(start + timedelta(days=day), 8, 30)
            self._redemptions(self.rng.randint(3, 9))

    def finish(self, today: datetime) -> None:
        """A stock count, a reversed redemption and a reversed award, then today's trade."""
        self.at(today - timedelta(days=3), 17)
        count = stock.start_count(self.clerk, self.clock)
        for code in self.goods[:12]:
            item = Item.get_by_id(code)
            short = 1 if item.stock > 5 and code[-1] in "158" else 0
            stock.record_count(self.clerk, self.clock, count, code, item.stock - short)
        stock.finalize_count(self.manager, self.clock, count)
        if self.redeemed:
            corrections.reverse_redemption(
                self.manager, self.clock, self.redeemed[-1], "拿错商品，退回重兑"
            )
        award = Household.select().where(Household.balance > 30).first()
        if award:
            entry = (
                Entry.select()
                .where(Entry.household == award.number, Entry.kind == "award")
                .order_by(Entry.id.desc())
                .first()
            )
            if entry and entry.points <= award.balance:
                corrections.reverse_entry(self.manager, self.clock, entry.id, "重复记分，予以冲正")
        for day in range(1, today.day):
            self.at(today.replace(day=day), 8, 30)
            self._redemptions(self.rng.randint(2, 6))
        self._statuses()

    def _statuses(self) -> None:
        """Some households have moved away, died out or been struck off since."""
        people = list(Household.select().order_by(Household.number))
        for person in self.rng.sample(people, len(people) // 16):
            status = self.rng.choices(("moved", "deceased", "removed"), (3, 2, 1))[0]
            households.set_status(self.manager, self.clock, person.number, status)

    def _donations(self) -> None:
        rng = self.rng
        for _ in range(rng.randint(2, 4)):
            company = rng.random() < 0.6
            donor = rng.choice(names.COMPANY_DONORS if company else names.PERSON_DONORS)
            picks = rng.sample(self.goods, rng.randint(3, 8))
            lines = [(code, rng.randint(10, 40), 0) for code in picks]
            lines = [(c, q, q * Item.get_by_id(c).price * 100) for c, q, _ in lines]
            cash = rng.choice((0, 0, 50000, 100000)) if company else 0
            stock.take_donation(
                self.clerk,
                self.clock,
                donor,
                lines,
                donor_kind="company" if company else "person",
                cash_fen=cash,
                note="节日慰问物资" if rng.random() < 0.3 else "",
            )
            self.clock.advance(minutes=40)

    def _score(self, village: Place) -> None:
        rng = self.rng
        actor = self.cadre if village.code in self.cadre.villages else self.manager
        lines = []
        people = Household.select().where(
            Household.village == village.code, Household.status == "active"
        )
        for person in people:
            if person.number == actor.household:
                continue
            earned = 0
            for task in rng.sample(self.tasks, rng.randint(1, 4)):
                qty = max(1, min(rng.randint(1, 3), (task.cap or 99) // task.points))
                lines.append(awards.AwardLine(person.number, task.code, qty, "村评议小组"))
                earned += task.points * qty
            if rng.random() < 0.06:
                task = rng.choice(self.deductions)
                if earned + person.balance >= -task.points:
                    lines.append(awards.AwardLine(person.number, task.code, 1, "村评议：经核实"))
        awards.apply_sheet(actor, self.clock, lines)

    def _redemptions(self, count: int) -> None:
        rng = self.rng
        shoppers = list(
            Household.select()
            .where(Household.status == "active", Household.balance >= 10)
            .order_by(Household.number)
        )
        for person in rng.sample(shoppers, min(count, len(shoppers))):
            budget = person.balance
            basket = []
            for code in rng.sample(self.goods, rng.randint(1, 4)):
                item = Item.get_by_id(code)
                if item.stock >= 1 and item.price <= budget:
                    basket.append((code, 1))
                    budget -= item.price
            if not basket:
                continue
            done = redemptions.redeem(self.clerk, self.clock, person.number, basket)
            self.redeemed.append(done.id)
            self.clock.advance(minutes=rng.randint(3, 25))
