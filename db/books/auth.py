"""Operators, PINs and roles (docs/design.md §2).

PINs are kept as salted scrypt hashes. Five wrong PINs in a row lock the operator for 15
minutes. Every service calls `require` with the signed-in `Actor`, so the roles hold whether
the call comes from the till, the command line or a script.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from catalog.messages import N_, Message, Refused
from db.books.setup import local_station
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.models import Household, Operator, OperatorVillage, Station, Village

MAX_FAILED_PINS = 5
LOCK_TIME = timedelta(minutes=15)
PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
# PINs everyone tries first, beyond repeats and runs (`obvious`): the keypad's middle column,
# and 我爱你 (520) and 一生一世 (1314) in digits.
COMMON_PINS = frozenset({"2580", "0852", "1314", "5201314", "1314520", "52013140"})
RUNS = ("01234567890", "09876543210")
NAME_LIMIT = 20

# scrypt at n=2**14, r=8 costs about 16 MiB and a few tens of milliseconds a try.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

ROLE_NAMES = {
    "clerk": N_("店员"),
    "cadre": N_("村干部"),
    "manager": N_("站长"),
    "county": N_("县扶贫办"),
    "province": N_("省市汇总"),
}

# What each role may do. Managers do everything clerks and cadres do (docs/design.md §1).
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "award": (N_("记分或扣分"), frozenset({"cadre", "manager"})),
    "redeem": (N_("兑换商品"), frozenset({"clerk", "manager"})),
    "donate": (N_("登记捐赠"), frozenset({"clerk", "manager"})),
    "count": (N_("盘点库存"), frozenset({"clerk", "manager"})),
    "finalize_count": (N_("确认盘点"), frozenset({"manager"})),
    "adjust_stock": (N_("调整库存"), frozenset({"manager"})),
    "reverse": (N_("冲正"), frozenset({"manager"})),
    "adjust_points": (N_("调整积分"), frozenset({"manager"})),
    "edit_household": (N_("修改农户档案"), frozenset({"manager"})),
    "issue_card": (N_("发卡或补卡"), frozenset({"manager"})),
    "edit_catalog": (N_("修改商品和积分项目"), frozenset({"manager"})),
    # a manager at a station, a county operator at the county (`in_place`)
    "manage_operators": (N_("管理操作员"), frozenset({"manager", "county"})),
    "export": (N_("导出月报文件"), frozenset({"manager"})),
    "manage_events": (N_("设置节日慰问"), frozenset({"manager", "county"})),  # `in_place`
    "handout": (N_("发放节日慰问"), frozenset({"clerk", "manager"})),
    "visit": (N_("开始或结束流动超市的巡回"), frozenset({"clerk", "manager"})),
    "transfer": (N_("调拨商品"), frozenset({"manager"})),
    "update": (N_("导入县里的更新文件"), frozenset({"manager"})),
    # the county office backs up its own books too
    "backup": (N_("备份账本"), frozenset({"manager", "county"})),
    "county": (N_("县级汇总"), frozenset({"county"})),
    # the counties' totals side by side (docs/design.md §6.7): the province's readers alone
    "province": (N_("查看省市汇总"), frozenset({"province"})),
    "produce": (N_("代销农产品和现金日结"), frozenset({"clerk", "manager"})),
    "notice": (N_("发布政策通知"), frozenset({"county"})),
    "station_settings": (N_("修改本站设置"), frozenset({"manager"})),
    # 公示 (docs/design.md §4.12): anyone at the station takes an objection down; a manager rules
    "object": (N_("登记公示异议"), frozenset({"clerk", "cadre", "manager"})),
    "resolve_posting": (N_("处理公示异议"), frozenset({"manager"})),
    "credit_posting": (N_("公示期满入账"), frozenset({"manager"})),
}


@dataclass(frozen=True)
class Actor:
    """A signed-in operator at a station."""

    name: str
    role: str
    station: str
    villages: frozenset[str] = field(default_factory=frozenset)
    household: str | None = None
    county: str | None = None  # a county officer's county (docs/design.md §6.7)

    def may(self, action: str) -> bool:
        return self.role in PERMISSIONS[action][1]


def require(actor: Actor, action: str) -> None:
    if not actor.may(action):
        raise Refused(
            "{role} {name} 无权{what}",
            role=Message(ROLE_NAMES[actor.role]),
            name=actor.name,
            what=Message(PERMISSIONS[action][0]),
        )


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    trial = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(trial.hex(), digest)


_DUMMY_HASH = hash_pin("0000", salt=b"\0" * 16)


def sign_in(name: str, pin: str, clock: Clock) -> Actor:
    """Check the PIN; count wrong ones, lock after five in a row; record every try.

    Each try is checked whole inside the write lock (every transaction begins IMMEDIATE), one
    at a time across tills, scripts and processes: tries made at once get five PIN checks
    between them at most before the lock, and a try under way is never taken for a wrong one,
    so right PINs given at once all get in.
    """
    station = local_station().code
    operator = Operator.get_or_none(Operator.name == name)
    if operator is not None and operator.county_id:
        station = f"{operator.county_id}-00"  # a county officer works at their county's office
    if operator is None or not operator.active:
        pin_matches(pin, _DUMMY_HASH)  # the same work, so timing tells nothing
        with database.atomic():
            audit.record(name, station, clock.now(), "sign-in-refused", "未知或已停用的操作员")
        raise Refused("操作员 {name} 不存在或已停用", name=name)
    with database.atomic():
        now = clock.now()
        operator = Operator.get_by_id(operator.id)  # as it is now that the lock is ours
        outcome, left, until = _try_pin(operator, pin, station, now)
    if outcome == "locked":
        raise Refused(
            "操作员 {name} 连续输错密码，已锁定到 {until}，请稍后再试或找站长",
            name=name,
            until=until[11:16],
        )
    if outcome == "wrong" and left == 0:
        raise Refused(
            "密码错误。已连续输错 {n} 次，操作员 {name} 锁定 15 分钟",
            n=MAX_FAILED_PINS,
            name=name,
        )
    if outcome == "wrong":
        raise Refused("密码错误，还可以再试 {left} 次", left=left)
    return actor_for(operator, station)


def _try_pin(operator: Operator, pin: str, station: str, now: datetime) -> tuple[str, int, str]:
    """One try, inside the write lock: ('signed-in' | 'wrong' | 'locked', tries left, until)."""
    moment = stamp(now)
    if operator.locked_until and operator.locked_until > moment:
        audit.record(operator.name, station, now, "sign-in-refused", "已锁定")
        return "locked", 0, operator.locked_until
    if pin_matches(pin, operator.pin_hash):
        Operator.update(failed_pins=0, locked_until=None).where(
            Operator.id == operator.id
        ).execute()
        audit.record(operator.name, station, now, "sign-in", ROLE_NAMES[operator.role])
        return "signed-in", MAX_FAILED_PINS, ""
    failed = operator.failed_pins + 1
    locked = stamp(now + LOCK_TIME) if failed >= MAX_FAILED_PINS else None
    Operator.update(failed_pins=0 if locked else failed, locked_until=locked).where(
        Operator.id == operator.id
    ).execute()
    audit.record(
        operator.name,
        station,
        now,
        "sign-in-refused",
        "密码错误，已锁定" if locked else "密码错误",
    )
    return "wrong", max(0, MAX_FAILED_PINS - failed), locked or ""


def actor_for(operator: Operator, station: str) -> Actor:
    villages = frozenset(
        row.village_id
        for row in OperatorVillage.select().where(OperatorVillage.operator == operator.id)
    )
    return Actor(
        operator.name, operator.role, station, villages, operator.household_id, operator.county_id
    )


def check_pin(pin: str) -> None:
    """The form of every PIN: 4 to 8 digits."""
    if not PIN_PATTERN.match(pin):
        raise Refused("密码应为 4 到 8 位数字")


def check_new_pin(pin: str) -> None:
    """A PIN a person chooses: 4 to 8 digits, and not an obvious one, except on books made for
    trying (the demo's and the tests', `audit.is_trial`), whose operators all have 1234."""
    check_pin(pin)
    if not audit.is_trial() and obvious(pin):
        raise Refused(
            "这个密码太容易猜到（同一个数字、重复的几位、连续的数字或常见的密码），请换一个"
        )


def obvious(pin: str) -> bool:
    """0000, 1212, 123123, 1234, 9876, 2580 and the like."""
    repeated = any(
        pin == pin[:k] * (len(pin) // k) for k in range(1, len(pin) // 2 + 1) if len(pin) % k == 0
    )
    return repeated or any(pin in run for run in RUNS) or pin in COMMON_PINS


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise Refused("操作员名不能为空")
    if len(name) > NAME_LIMIT or any(not ch.isprintable() or ch == "\t" for ch in name):
        raise Refused(
            "操作员名“{name}”不对：最多 {limit} 个字，不能有控制字符", name=name, limit=NAME_LIMIT
        )
    return name


def in_place(by: Actor, action: str) -> Station:
    """`require`, for what a manager does at a station and a county operator at the county
    (docs/design.md §2): either of them in the other's books is refused. Returns where."""
    require(by, action)
    here = local_station()
    if (here.kind == "county") != (by.role == "county"):
        raise Refused(
            "{role} {name} 无权{what}",
            role=Message(ROLE_NAMES[by.role]),
            name=by.name,
            what=Message(PERMISSIONS[action][0]),
        )
    return here


def _manages(by: Actor) -> Station:
    """Where `by` manages operators (`in_place`) — still active now that the write lock is
    held."""
    here = in_place(by, "manage_operators")
    _still_active(by.name)
    return here


def _same_county(by: Actor, operator: Operator) -> None:
    """A county officer manages the officers of their own county only (docs/design.md §6.7)."""
    if by.county is not None and operator.county_id != by.county:
        raise Refused(
            "操作员 {name} 不属于县 {county}：各县只管理本县的操作员",
            name=operator.name,
            county=by.county,
        )


def _still_active(name: str) -> Operator:
    operator = Operator.get_or_none(Operator.name == name)
    if operator is None or not operator.active:
        raise Refused("操作员 {name} 不存在或已停用", name=name)
    return operator


def _check_role_here(role: str, here: Station) -> None:
    if role not in ROLE_NAMES:
        raise Refused("角色 {role} 不存在，应为 clerk、cadre、manager 或 county", role=role)
    if role == "province":
        raise Refused("省市汇总的操作员（province）只能用 aixin province init 添加")
    if here.kind == "county" and role != "county":
        raise Refused("县级数据库的操作员都是县扶贫办的（county），不能添加 {role}", role=role)
    if here.kind != "county" and role == "county":
        raise Refused("县扶贫办的操作员（county）只在县级数据库里添加和管理，站点不能")


def add_operator(
    name: str,
    role: str,
    pin: str,
    clock: Clock,
    *,
    by: Actor | None = None,
    villages: tuple[str, ...] = (),
    household: str | None = None,
    county: str | None = None,
) -> Operator:
    """Create an operator. `by` is the manager (at the county, the county operator) doing it;
    None only when code sets up books (a station, the county, the demo, the tests), where the
    PIN is checked for its form only. A county operator works for `by`'s county, else for
    `county`, else for the county of the database's own office."""
    name = check_name(name)
    if role not in ROLE_NAMES:
        raise Refused("角色 {role} 不存在，应为 clerk、cadre、manager 或 county", role=role)
    if by is not None:
        check_new_pin(pin)
    else:
        check_pin(pin)
    villages = tuple(dict.fromkeys(code.strip() for code in villages))
    if villages and role != "cadre":
        raise Refused(
            "只有村干部（cadre）有可以记分的村，{role} 不用写村", role=Message(ROLE_NAMES[role])
        )
    household = household.strip() if household else None
    with database.atomic():
        if by is not None:
            _check_role_here(role, _manages(by))
        if Operator.get_or_none(Operator.name == name):
            raise Refused("操作员 {name} 已经存在", name=name)
        for code in villages:
            if not Village.get_or_none(Village.code == code):
                raise Refused("村 {code} 不存在", code=code)
        if household and not Household.get_or_none(Household.number == household):
            raise Refused("户号 {number} 不存在", number=household)
        if role == "county":
            county = (by.county if by else None) or county or local_station().county_id
        else:
            county = None
        operator = Operator.create(
            name=name, role=role, pin_hash=hash_pin(pin), household=household, county=county
        )
        if villages:
            OperatorVillage.insert_many(
                [{"operator": operator.id, "village": code} for code in villages]
            ).execute()
        audit.record(
            by.name if by else "setup",
            local_station().code,
            clock.now(),
            "operator-add",
            " ".join([name, role, *villages, *([household] if household else [])]),
        )
    return operator


@dataclass(frozen=True)
class OperatorView:
    """An operator as the list shows them: never the PIN's hash."""

    name: str
    role: str
    villages: tuple[str, ...]
    household: str | None
    active: bool
    locked_until: str | None  # set while five wrong PINs keep them out

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def operators(clock: Clock, county: str | None = None) -> list[OperatorView]:
    """Every operator of these books, by name; `county`: that county's officers alone (in a
    database of several counties, docs/design.md §6.7)."""
    moment = stamp(clock.now())
    scopes: dict[int, list[str]] = {}
    pairs = database.execute_sql("SELECT operator_id, village_id FROM operator_village")
    for operator_id, village in pairs.fetchall():
        scopes.setdefault(operator_id, []).append(village)
    return [
        OperatorView(
            o.name,
            o.role,
            tuple(sorted(scopes.get(o.id, ()))),
            o.household_id,
            bool(o.active),
            o.locked_until if o.locked_until and o.locked_until > moment else None,
        )
        for o in Operator.select()
        .where(True if county is None else Operator.county == county)
        .order_by(Operator.name)
    ]


def disable_operator(by: Actor, clock: Clock, name: str) -> None:
    """`by` stops `name` from signing in. Never oneself, never the last who manages here."""
    name = name.strip()
    with database.atomic():
        here = _manages(by)
        operator = Operator.get_or_none(Operator.name == name)
        if operator is None:
            raise Refused("操作员 {name} 不存在", name=name)
        _same_county(by, operator)
        if name == by.name:
            raise Refused("不能停用自己：请另一位站长来停用")
        if not operator.active:
            raise Refused("操作员 {name} 已经停用了", name=name)
        managing = "county" if here.kind == "county" else "manager"
        others = Operator.select().where(
            Operator.role == managing, Operator.active, Operator.id != operator.id
        )
        if operator.county_id:  # the last officer of their county
            others = others.where(Operator.county == operator.county_id)
        if operator.role == managing and not others.exists():
            raise Refused(
                "{name} 是这里最后一位{role}，停用后就没有人能管理操作员了",
                name=name,
                role=Message(ROLE_NAMES[managing]),
            )
        Operator.update(active=False).where(Operator.id == operator.id).execute()
        audit.record(by.name, here.code, clock.now(), "operator-disable", name)


def change_pin(
    by: Actor, clock: Clock, name: str, new_pin: str, *, old_pin: str | None = None
) -> None:
    """`by` sets `name`'s PIN: their own, giving the old one; another's, as the one who
    manages operators here (a reset, which also lifts a lock)."""
    name = name.strip()
    check_new_pin(new_pin)
    wrong: tuple[int, str | None] | None = None
    with database.atomic():
        now = clock.now()
        here = local_station()
        if name == by.name:
            operator = _still_active(name)
            if operator.locked_until and operator.locked_until > stamp(now):
                raise Refused(
                    "操作员 {name} 连续输错密码，已锁定到 {until}，请稍后再试或找站长",
                    name=name,
                    until=operator.locked_until[11:16],
                )
            if old_pin is None or not pin_matches(old_pin, operator.pin_hash):
                wrong = _wrong_old_pin(operator, here.code, now)
            elif old_pin == new_pin:
                raise Refused("新密码和原来的一样，请换一个")
            how = "本人修改"
        else:
            _manages(by)
            found = Operator.get_or_none(Operator.name == name)
            if found is None:
                raise Refused("操作员 {name} 不存在", name=name)
            _check_role_here(found.role, here)
            _same_county(by, found)
            operator = found
            how = "重设"
        if wrong is None:
            Operator.update(pin_hash=hash_pin(new_pin), failed_pins=0, locked_until=None).where(
                Operator.id == operator.id
            ).execute()
            audit.record(by.name, here.code, now, "operator-pin", f"{name} {how}")
    if wrong is not None:  # the count of wrong PINs is kept: raised after the commit
        left, until = wrong
        if until:
            raise Refused(
                "原密码不对。已连续输错 {n} 次，操作员 {name} 锁定 15 分钟",
                n=MAX_FAILED_PINS,
                name=name,
            )
        raise Refused("原密码不对，还可以再试 {left} 次", left=left)


def _wrong_old_pin(operator: Operator, station: str, now: datetime) -> tuple[int, str | None]:
    """A wrong old PIN counts as a wrong PIN at sign-in: five in a row lock the operator."""
    failed = operator.failed_pins + 1
    locked = stamp(now + LOCK_TIME) if failed >= MAX_FAILED_PINS else None
    Operator.update(failed_pins=0 if locked else failed, locked_until=locked).where(
        Operator.id == operator.id
    ).execute()
    audit.record(operator.name, station, now, "operator-pin-refused", "原密码错误")
    return max(0, MAX_FAILED_PINS - failed), locked
