"""F11 操作员 (managers) and F11 修改我的密码 (everyone), driven by keys, checked on the books."""

from __future__ import annotations

from db.books import auth
from db.store.models import Audit, Operator, Setting
from tests.conftest import NOW
from tests.tui.conftest import SIZE, message, sign_in


async def open_more(pilot, app, label: str) -> None:
    await pilot.press("f11")
    await pilot.pause()
    number = [text for _section, text in app.more_sections()].index(label) + 1
    await pilot.press(str(number))
    await pilot.pause()


async def test_everyone_changes_their_own_pin(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk")
        sections = [s for s, _label in app.more_sections()]
        assert "my_pin" in sections and "operators" not in sections  # no operators screen
        await open_more(pilot, app, "修改我的密码")
        assert type(app.screen).__name__ == "MyPinScreen"
        await pilot.press(*"9999", "enter", *"390417", "enter", *"390417", "enter")
        await pilot.pause()
        problem = str(app.screen.query_one("#problem").render())
        assert "原密码不对" in problem
        assert app.screen.focused.id == "old" and app.screen.focused.value == ""
        await pilot.press(*"1234", "enter", *"390417", "enter", *"390418", "enter")
        await pilot.pause()
        assert "两次输入的新密码不一样" in str(app.screen.query_one("#problem").render())
        await pilot.press(*"1234", "enter", *"390417", "enter", *"390417", "enter")
        await pilot.pause()
        assert "已修改操作员 clerk 的密码" in message(app)
    assert auth.pin_matches("390417", Operator.get(Operator.name == "clerk").pin_hash)


async def test_a_manager_adds_a_cadre_disables_and_resets(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_more(pilot, app, "操作员")
        assert type(app.screen).__name__ == "OperatorsScreen"
        await pilot.press("f6")
        await pilot.pause()
        form = app.screen
        form.query_one("#name").value = "韦小宝"
        form.query_one("#role").value = "cadre"
        form.query_one("#villages").value = "451425101201 451425101202"
        form.query_one("#pin").value = "390417"
        form.query_one("#again").value = "390417"
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "OperatorsScreen"
        assert "已添加操作员 韦小宝（村干部）" in message(app)
        table = app.screen.query_one("#operators")
        assert "韦小宝" in [str(k.value) for k in table.rows]
        # disable the cadre: down to 韦小宝 (names sorted: cadre, clerk, county, manager, 韦小宝)
        for _ in range(4):
            await pilot.press("down")
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "已停用操作员 韦小宝" in message(app)
        await pilot.press("down")  # the list is filled again, from the top: clerk
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press(*"681542", "enter", *"681542", "enter")
        await pilot.pause()
        assert "已修改操作员 clerk 的密码" in message(app)
    assert not Operator.get(Operator.name == "韦小宝").active
    assert auth.pin_matches("681542", Operator.get(Operator.name == "clerk").pin_hash)
    actions = [a.action for a in Audit.select().where(Audit.operator == "manager")]
    assert {"operator-add", "operator-disable", "operator-pin"} <= set(actions)


async def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(app):
    Setting.delete().where(Setting.name == "trial").execute()  # real books: real PIN rules
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_more(pilot, app, "操作员")
        await pilot.press("f6")
        await pilot.pause()
        form = app.screen
        form.query_one("#name").value = "小农"
        await pilot.press("f10")
        await pilot.pause()
        assert "请选择角色" in str(form.query_one("#problem").render())
        form.query_one("#role").value = "clerk"
        form.query_one("#pin").value = "1111"
        form.query_one("#again").value = "1111"
        await pilot.press("f10")
        await pilot.pause()
        assert "太容易猜到" in str(form.query_one("#problem").render())
        assert form.query_one("#name").value == "小农" and app.screen is form
        await pilot.press("f8")  # the disable key of the list underneath does nothing here
        await pilot.pause()
        assert app.screen is form
    assert not Operator.select().where(Operator.name == "小农").exists()


async def test_the_manager_cannot_disable_themselves_on_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "manager")
        await open_more(pilot, app, "操作员")
        for _ in range(3):
            await pilot.press("down")  # manager
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "不能停用自己" in message(app)
    assert Operator.get(Operator.name == "manager").active
    assert NOW  # the fixed clock of the fixtures
