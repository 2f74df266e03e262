"""Operators: slow salted PINs, lockout after five wrong PINs, roles enforced in the services."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta

import pytest

from catalog.messages import Refused
from db.books import auth
from db.store.clock import FixedClock
from db.store.connection import close, connect, database
from db.store.models import Audit, Operator
from tests.conftest import NOW


def test_pins_are_salted_slow_hashes(monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**14)  # the production cost
    first, second = auth.hash_pin("1234"), auth.hash_pin("1234")
    assert first != second  # salted
    assert first.startswith("scrypt$16384$8$1$") and "1234" not in first
    assert auth.pin_matches("1234", first) and not auth.pin_matches("1235", first)
    assert not auth.pin_matches("1234", "plain1234")


def test_sign_in_gives_an_actor_and_is_audited(station):
    actor = auth.sign_in("cadre", "1234", station.clock)
    assert (actor.role, actor.villages, actor.household) == (
        "cadre",
        frozenset({"451425101201"}),
        "1012010003",
    )
    assert Audit.select().where(Audit.action == "sign-in", Audit.operator == "cadre").exists()


def test_five_wrong_pins_lock_for_fifteen_minutes(station):
    for left in (4, 3, 2, 1):
        with pytest.raises(Refused, match=f"还可以再试 {left} 次"):
            auth.sign_in("clerk", "0000", station.clock)
    with pytest.raises(Refused, match="锁定 15 分钟"):
        auth.sign_in("clerk", "0000", station.clock)
    with pytest.raises(Refused, match="已锁定到"):
        auth.sign_in("clerk", "1234", station.clock)  # even the right PIN
    station.clock.advance(minutes=14)
    with pytest.raises(Refused, match="已锁定到"):
        auth.sign_in("clerk", "1234", station.clock)
    station.clock.advance(minutes=2)
    assert auth.sign_in("clerk", "1234", station.clock).role == "clerk"
    assert Operator.get(Operator.name == "clerk").failed_pins == 0
    refused = Audit.select().where(Audit.action == "sign-in-refused", Audit.operator == "clerk")
    assert refused.count() == 7


def test_a_right_pin_resets_the_count(station):
    for _ in range(4):
        with pytest.raises(Refused):
            auth.sign_in("clerk", "9999", station.clock)
    auth.sign_in("clerk", "1234", station.clock)
    with pytest.raises(Refused, match="还可以再试 4 次"):
        auth.sign_in("clerk", "9999", station.clock)


def test_tries_made_at_once_still_get_five_pin_checks_at_most(station, monkeypatch):
    """A script trying PINs from eight places at once: each try takes one of the five."""
    checks = []
    slow_check = auth.pin_matches

    def pin_matches(pin: str, digest: str) -> bool:
        checks.append(pin)
        time.sleep(0.3)  # every try is under way before the first check ends
        return slow_check(pin, digest)

    monkeypatch.setattr(auth, "pin_matches", pin_matches)
    said: list[str] = []

    def attempt(pin: str) -> None:
        try:
            auth.sign_in("clerk", pin, station.clock)
        except Refused as refusal:
            said.append(refusal.render(lambda text: text))
        finally:
            database.close()

    threads = [threading.Thread(target=attempt, args=(f"{n:04d}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == 5 and len(said) == 8
    assert sum("已锁定到" in text for text in said) == 3
    assert Operator.get(Operator.name == "clerk").locked_until is not None
    with pytest.raises(Refused, match="已锁定到"):
        auth.sign_in("clerk", "1234", station.clock)


def slow_checks(monkeypatch, seconds: float) -> list[str]:
    """Make every PIN check take `seconds`, so that tries started at once are under way
    together; returns the PINs checked."""
    checks: list[str] = []
    check = auth.pin_matches

    def pin_matches(pin: str, digest: str) -> bool:
        checks.append(pin)
        time.sleep(seconds)
        return check(pin, digest)

    monkeypatch.setattr(auth, "pin_matches", pin_matches)
    return checks


def test_right_pins_given_at_once_all_sign_in(station, monkeypatch):
    """Twelve tills signing the same operator in at once: a try under way is no wrong try."""
    slow_checks(monkeypatch, 0.05)
    signed: list[str] = []
    said: list[str] = []

    def attempt() -> None:
        try:
            signed.append(auth.sign_in("clerk", "1234", station.clock).role)
        except Refused as refusal:
            said.append(refusal.render(lambda text: text))
        finally:
            database.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert said == [] and signed == ["clerk"] * 12
    clerk = Operator.get(Operator.name == "clerk")
    assert (clerk.failed_pins, clerk.locked_until) == (0, None)


def _sign_in_from_a_process(path, pin: str, start, results) -> None:
    connect(path)
    start.wait()
    try:
        auth.sign_in("clerk", pin, FixedClock(NOW + timedelta(hours=1), timedelta(seconds=1)))
        results.put("signed-in")
    except Refused as refusal:
        results.put(refusal.render(lambda text: text))
    finally:
        close()


def sign_in_from_processes(path, pins: list[str]) -> list[str]:
    """Each PIN tried by its own process, all at once; what each was told."""
    fork = multiprocessing.get_context("fork")
    start, results = fork.Barrier(len(pins)), fork.Queue()
    close()  # no open connection may cross a fork
    processes = [
        fork.Process(target=_sign_in_from_a_process, args=(path, pin, start, results))
        for pin in pins
    ]
    for process in processes:
        process.start()
    said = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    connect(path)
    return said


def test_pins_given_at_once_from_many_processes(station, tmp_path, monkeypatch):
    """Wrong PINs from ten processes at once get five checks and lock; right ones from
    twelve at once all get in."""
    checks = slow_checks(monkeypatch, 0.05)
    path = tmp_path / "station.sqlite"
    said = sign_in_from_processes(path, ["1234"] * 12)
    assert said == ["signed-in"] * 12
    said = sign_in_from_processes(path, [f"{n:04d}" for n in range(10)])
    assert sum(text.startswith("密码错误") for text in said) == 5
    assert sum("已锁定到" in text for text in said) == 5
    assert Operator.get(Operator.name == "clerk").locked_until is not None
    assert checks == []  # every check was made in the processes, none here
    with pytest.raises(Refused, match="已锁定到"):
        auth.sign_in("clerk", "1234", FixedClock(NOW + timedelta(hours=1)))


def test_unknown_and_inactive_operators_are_refused(station):
    with pytest.raises(Refused, match="不存在或已停用"):
        auth.sign_in("nobody", "1234", station.clock)
    Operator.update(active=False).where(Operator.name == "clerk").execute()
    with pytest.raises(Refused, match="不存在或已停用"):
        auth.sign_in("clerk", "1234", station.clock)


def test_operator_rules(station):
    with pytest.raises(Refused, match="4 到 8 位数字"):
        auth.add_operator("x", "clerk", "12a4", station.clock, by=station.manager)
    with pytest.raises(Refused, match="已经存在"):
        auth.add_operator("clerk", "clerk", "1234", station.clock, by=station.manager)
    with pytest.raises(Refused, match="角色 boss 不存在"):
        auth.add_operator("x", "boss", "1234", station.clock, by=station.manager)
    with pytest.raises(Refused, match="无权管理操作员"):
        auth.add_operator("x", "clerk", "1234", station.clock, by=station.clerk)
    auth.add_operator(
        "韦小宝", "cadre", "123456", station.clock, by=station.manager, villages=("451425101202",)
    )
    assert auth.sign_in("韦小宝", "123456", station.clock).villages == {"451425101202"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("clerk", {"redeem", "donate", "count", "produce", "object", "handout", "visit"}),
        ("cadre", {"award", "object"}),
        ("county", {"county", "backup", "notice", "manage_operators", "manage_events"}),
        ("manager", set(auth.PERMISSIONS) - {"county", "notice", "province"}),
    ],
)
def test_role_matrix(role, allowed):
    actor = auth.Actor("x", role, "451425-03")
    assert {action for action in auth.PERMISSIONS if actor.may(action)} == allowed
    for action in set(auth.PERMISSIONS) - allowed:
        with pytest.raises(Refused, match="无权"):
            auth.require(actor, action)


def test_lock_time_is_fifteen_minutes():
    assert timedelta(minutes=15) == auth.LOCK_TIME and auth.MAX_FAILED_PINS == 5
