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
from db.store.models import Household, Operator, OperatorVillage, Village

MAX_FAILED_PINS = 5
LOCK_TIME = timedelta(minutes=15)
PIN_PATTERN = re.compile(r"^\d{4,12}$")

# scrypt at n=2**14, r=8 costs about 16 MiB and a few tens of milliseconds a try.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

ROLE_NAMES = {
    "clerk": N_("店员"),
    "cadre": N_("村干部"),
    "manager": N_("站长"),
    "county": N_("县扶贫办"),
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
    "manage_operators": (N_("管理操作员"), frozenset({"manager"})),
    "export": (N_("导出月报文件"), frozenset({"manager"})),
    "manage_events": (N_("设置节日慰问"), frozenset({"manager"})),
    "handout": (N_("发放节日慰问"), frozenset({"clerk", "manager"})),
    "visit": (N_("开始或结束流动超市的巡回"), frozenset({"clerk", "manager"})),
    "transfer": (N_("调拨商品"), frozenset({"manager"})),
    "update": (N_("导入县里的更新文件"), frozenset({"manager"})),
    # the county office backs up its own books too
    "backup": (N_("备份账本"), frozenset({"manager", "county"})),
    "county": (N_("县级汇总"), frozenset({"county"})),
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
    return Actor(operator.name, operator.role, station, villages, operator.household_id)


def add_operator(
    name: str,
    role: str,
    pin: str,
    clock: Clock,
    *,
    by: Actor | None = None,
    villages: tuple[str, ...] = (),
    household: str | None = None,
) -> Operator:
    """Create an operator. `by` is the manager doing it; None only when setting up a station."""
    if by is not None:
        require(by, "manage_operators")
    name = name.strip()
    if not name:
        raise Refused("操作员名不能为空")
    if role not in ROLE_NAMES:
        raise Refused("角色 {role} 不存在，应为 clerk、cadre、manager 或 county", role=role)
    if not PIN_PATTERN.match(pin):
        raise Refused("密码应为 4 到 12 位数字")
    if Operator.get_or_none(Operator.name == name):
        raise Refused("操作员 {name} 已经存在", name=name)
    for code in villages:
        if not Village.get_or_none(Village.code == code):
            raise Refused("村 {code} 不存在", code=code)
    if household and not Household.get_or_none(Household.number == household):
        raise Refused("户号 {number} 不存在", number=household)
    with database.atomic():
        operator = Operator.create(
            name=name, role=role, pin_hash=hash_pin(pin), household=household
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
            f"{name} {role}",
        )
    return operator
