"""Managing operators: add, list, disable, PINs (docs/design.md §2); refusals change nothing."""

from __future__ import annotations

import pytest

from catalog.messages import Refused
from db.books import auth
from db.county import office
from db.store.connection import close, connect
from db.store.models import Audit, Setting
from tests.helpers import snapshot


def real_books() -> None:
    """The fixture's books as if made by `init --setup`: no longer marked as for trying."""
    Setting.delete().where(Setting.name == "trial").execute()


def refused(match: str, call, *args, **kwargs) -> None:
    """`call` is refused with `match`, and the books are as they were."""
    before = snapshot()
    with pytest.raises(Refused, match=match):
        call(*args, **kwargs)
    assert snapshot() == before


@pytest.mark.parametrize(
    "pin",
    [
        "0000",
        "1111",
        "1234",
        "123456",
        "12345678",
        "4321",
        "9876",
        "7890",
        "1212",
        "123123",
        "520520",
        "2580",
        "5201314",
    ],
)
def test_obvious_pins_are_refused_on_real_books(station, pin):
    real_books()
    refused("太容易猜到", auth.add_operator, "x", "clerk", pin, station.clock, by=station.manager)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "１２３４５"])
def test_a_pin_is_four_to_eight_digits(station, pin):
    refused(
        "4 到 8 位数字", auth.add_operator, "x", "clerk", pin, station.clock, by=station.manager
    )


def test_on_books_made_for_trying_the_demo_pin_is_taken(station):
    auth.add_operator("试用", "clerk", "1234", station.clock, by=station.manager)
    assert auth.sign_in("试用", "1234", station.clock).role == "clerk"


def test_a_manager_adds_a_cadre_with_villages_and_household_audited(station):
    real_books()
    auth.add_operator(
        "韦小宝",
        "cadre",
        "390417",
        station.clock,
        by=station.manager,
        villages=("451425101201", "451425101202", "451425101201"),
        household="1012010001",
    )
    actor = auth.sign_in("韦小宝", "390417", station.clock)
    assert actor.villages == {"451425101201", "451425101202"}
    assert actor.household == "1012010001"
    line = Audit.get(Audit.action == "operator-add", Audit.operator == "manager")
    assert line.detail == "韦小宝 cadre 451425101201 451425101202 1012010001"
    assert "390417" not in line.detail


def test_add_refusals(station):
    m, clock = station.manager, station.clock
    refused("无权管理操作员", auth.add_operator, "x", "clerk", "3904", clock, by=station.clerk)
    refused("无权管理操作员", auth.add_operator, "x", "clerk", "3904", clock, by=station.cadre)
    refused("只在县级数据库", auth.add_operator, "x", "county", "3904", clock, by=m)
    refused("已经存在", auth.add_operator, "clerk", "clerk", "3904", clock, by=m)
    refused("不能为空", auth.add_operator, "  ", "clerk", "3904", clock, by=m)
    refused("最多 20 个字", auth.add_operator, "x" * 21, "clerk", "3904", clock, by=m)
    refused("控制字符", auth.add_operator, "a\x1bb", "clerk", "3904", clock, by=m)
    refused("角色 boss", auth.add_operator, "x", "boss", "3904", clock, by=m)
    refused(
        "村 451425999999 不存在",
        auth.add_operator,
        "x",
        "cadre",
        "3904",
        clock,
        by=m,
        villages=("451425999999",),
    )
    refused(
        "只有村干部",
        auth.add_operator,
        "x",
        "clerk",
        "3904",
        clock,
        by=m,
        villages=("451425101201",),
    )
    refused(
        "户号 9999 不存在", auth.add_operator, "x", "cadre", "3904", clock, by=m, household="9999"
    )


def test_a_county_operator_at_a_station_manages_nothing_there(station):
    county = auth.sign_in("county", "1234", station.clock)
    refused("无权管理操作员", auth.add_operator, "x", "clerk", "3904", station.clock, by=county)
    refused("无权管理操作员", auth.disable_operator, county, station.clock, "clerk")
    refused("无权管理操作员", auth.change_pin, county, station.clock, "clerk", "3904")


def test_a_disabled_manager_manages_no_more(station):
    auth.add_operator("副站长", "manager", "3904", station.clock, by=station.manager)
    deputy = auth.sign_in("副站长", "3904", station.clock)
    auth.disable_operator(station.manager, station.clock, "副站长")
    refused("不存在或已停用", auth.add_operator, "x", "clerk", "3904", station.clock, by=deputy)


def test_at_the_county_only_county_operators(tmp_path, clock):
    connect(tmp_path / "county.sqlite", create=True)
    try:
        office.init_county("451425", "天等县", clock, pin="1234")
        county = auth.sign_in("county", "1234", clock)
        refused("不能添加 manager", auth.add_operator, "x", "manager", "3904", clock, by=county)
        refused("太容易猜到", auth.add_operator, "x", "county", "1111", clock, by=county)
        auth.add_operator("县办小李", "county", "3904", clock, by=county)
        assert auth.sign_in("县办小李", "3904", clock).role == "county"
        refused("不能停用自己", auth.disable_operator, county, clock, "county")
        auth.disable_operator(county, clock, "县办小李")
        assert not auth.sign_in("county", "1234", clock).may("redeem")
    finally:
        close()


def test_list_shows_role_villages_active_and_locked(station):
    for _ in range(5):
        with pytest.raises(Refused):
            auth.sign_in("clerk", "0000", station.clock)
    auth.add_operator("老韦", "clerk", "3904", station.clock, by=station.manager)
    auth.disable_operator(station.manager, station.clock, "老韦")
    views = {v.name: v for v in auth.operators(station.clock)}
    assert list(views) == sorted(views)
    assert views["cadre"].villages == ("451425101201",)
    assert views["cadre"].household == "1012010003"
    assert views["clerk"].locked and views["clerk"].active
    assert not views["老韦"].active and not views["老韦"].locked
    assert not views["manager"].locked
    station.clock.advance(minutes=16)
    assert not {v.name: v for v in auth.operators(station.clock)}["clerk"].locked


def test_disable_stops_sign_in_and_is_audited(station):
    auth.disable_operator(station.manager, station.clock, "clerk")
    with pytest.raises(Refused, match="不存在或已停用"):
        auth.sign_in("clerk", "1234", station.clock)
    assert Audit.get(Audit.action == "operator-disable").detail == "clerk"


def test_disable_refusals(station):
    m, clock = station.manager, station.clock
    refused("不能停用自己", auth.disable_operator, m, clock, "manager")
    refused("无权管理操作员", auth.disable_operator, station.clerk, clock, "cadre")
    refused("操作员 nobody 不存在", auth.disable_operator, m, clock, "nobody")
    auth.disable_operator(m, clock, "clerk")
    refused("已经停用了", auth.disable_operator, m, clock, "clerk")


def test_nobody_disables_the_last_manager(station):
    """Only an active manager disables, and never themselves: one always stays."""
    auth.add_operator("副站长", "manager", "3904", station.clock, by=station.manager)
    deputy = auth.sign_in("副站长", "3904", station.clock)
    auth.disable_operator(deputy, station.clock, "manager")
    # the first manager, still signed in somewhere, cannot take the deputy out now
    refused("不存在或已停用", auth.disable_operator, station.manager, station.clock, "副站长")
    refused("不能停用自己", auth.disable_operator, deputy, station.clock, "副站长")
    assert [v.name for v in auth.operators(station.clock) if v.active and v.role == "manager"] == [
        "副站长"
    ]


def test_anyone_changes_their_own_pin_giving_the_old_one(station):
    real_books()
    auth.change_pin(station.clerk, station.clock, "clerk", "390417", old_pin="1234")
    with pytest.raises(Refused, match="密码错误"):
        auth.sign_in("clerk", "1234", station.clock)
    assert auth.sign_in("clerk", "390417", station.clock).role == "clerk"
    line = Audit.get(Audit.action == "operator-pin")
    assert (line.operator, line.detail) == ("clerk", "clerk 本人修改")


def test_own_pin_refusals(station):
    clerk, clock = station.clerk, station.clock
    with pytest.raises(Refused, match="原密码不对"):  # counted as a wrong PIN, nothing else
        auth.change_pin(clerk, clock, "clerk", "3904")
    refused("和原来的一样", auth.change_pin, clerk, clock, "clerk", "1234", old_pin="1234")
    real_books()
    refused("太容易猜到", auth.change_pin, clerk, clock, "clerk", "0000", old_pin="1234")
    refused("4 到 8 位", auth.change_pin, clerk, clock, "clerk", "12", old_pin="1234")
    refused("无权管理操作员", auth.change_pin, clerk, clock, "cadre", "3904")


def test_wrong_old_pins_count_like_wrong_sign_ins(station):
    for left in (4, 3, 2, 1):
        with pytest.raises(Refused, match=f"还可以再试 {left} 次"):
            auth.change_pin(station.clerk, station.clock, "clerk", "3904", old_pin="9999")
    with pytest.raises(Refused, match="锁定 15 分钟"):
        auth.change_pin(station.clerk, station.clock, "clerk", "3904", old_pin="9999")
    with pytest.raises(Refused, match="已锁定到"):
        auth.change_pin(station.clerk, station.clock, "clerk", "3904", old_pin="1234")
    assert Audit.select().where(Audit.action == "operator-pin-refused").count() == 5


def test_a_manager_resets_another_pin_and_lifts_a_lock(station):
    for _ in range(5):
        with pytest.raises(Refused):
            auth.sign_in("clerk", "0000", station.clock)
    auth.change_pin(station.manager, station.clock, "clerk", "3904")
    assert auth.sign_in("clerk", "3904", station.clock).role == "clerk"
    line = Audit.get(Audit.action == "operator-pin")
    assert (line.operator, line.detail) == ("manager", "clerk 重设")
    refused(
        "操作员 nobody 不存在", auth.change_pin, station.manager, station.clock, "nobody", "3904"
    )
    refused("只在县级数据库", auth.change_pin, station.manager, station.clock, "county", "3904")
