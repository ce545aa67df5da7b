"""A role is checked at the moment of every staff action, not only on entering a flow; the
first admins come from ADMINS for as long as it lists them."""

from __future__ import annotations

from bot.app import App, open_app
from bot.db import people
from bot.db.session import transaction
from tests.conftest import make_settings
from tests.events.test_flow import add_cafe
from tests.fakes import FakeClock
from tests.talk import Talk


async def staff(app: App, user: str) -> Talk:
    async with transaction(app.sessions) as session:
        await people.set_role(session, "telegram", user, "staff", app.runtime.clock())
    talk = Talk(app, user, channel="telegram", hint="en")
    await talk.open()
    await talk.tap("yes")
    return talk


async def test_a_demoted_staff_member_sees_no_attendee_list_any_more(app: App) -> None:
    await add_cafe(app)
    sara = await staff(app, "sara")
    listing = await sara.say("/attendees")
    assert "Language café West" in listing[0].text
    async with transaction(app.sessions) as session:
        await people.set_role(session, "telegram", "sara", "newcomer", app.runtime.clock())
    refused = await sara.tap("event:1")
    assert refused[0].text == ("Sorry, this is only for the Welcome Center's staff. Let's "
                               "continue from the menu.")
    assert "🗂 Events: who comes" not in [b.label for b in refused[-1].buttons]
    again = await sara.say("/attendees")
    assert again[0].text.startswith("I don't know the command /attendees")


async def test_someone_removed_from_admins_is_admin_no_more(sqlite_url: str,
                                                            clock: FakeClock) -> None:
    async with open_app(make_settings(sqlite_url, admins=["telegram:77"]), clock=clock) as app:
        boss = Talk(app, "77", channel="telegram", hint="en")
        await boss.open()
        await boss.tap("yes")
        menu = await boss.say("/menu")
        assert "🗂 Events: who comes" in [b.label for b in menu[-1].buttons]
    async with open_app(make_settings(sqlite_url, admins=[]), clock=clock) as app:
        boss = Talk(app, "77", channel="telegram", hint="en")
        menu = await boss.say("/menu")
        assert "🗂 Events: who comes" not in [b.label for b in menu[-1].buttons]
        async with app.sessions() as session:
            person = await people.find(session, "telegram", "77")
            assert person is not None and person.role == "newcomer"


async def test_a_role_given_on_the_command_line_stays_when_admins_changes(
        sqlite_url: str, clock: FakeClock) -> None:
    async with open_app(make_settings(sqlite_url, admins=["telegram:78"]), clock=clock) as app:
        async with transaction(app.sessions) as session:
            await people.set_role(session, "telegram", "78", "staff", clock())
        boss = Talk(app, "78", channel="telegram", hint="en")
        await boss.open()
        await boss.tap("yes")
    async with open_app(make_settings(sqlite_url, admins=[]), clock=clock) as app:
        async with app.sessions() as session:
            person = await people.find(session, "telegram", "78")
            assert person is not None and person.role == "staff"
