"""Volunteers over time: declined ones are told kindly, approved ones change what they offer,
pause for the holidays and come back, and leave (their newcomer is told); a newcomer stops
looking; either deletes their data and the other one is told, without a name."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.session import transaction
from bot.db.tables import BuddyRequest, BuddyVolunteer, OutboxMessage
from bot.privacy import erase_inactive
from tests.buddies.conftest import City, ask_for_buddy, register, said
from tests.buddies.test_rounds import newcomer, volunteer
from tests.fakes import FakeClock

LOOKING = "🔎 We are looking for a Welcome Buddy for you (since {since})."


async def test_staff_decline_in_the_chat_and_the_volunteer_is_told(city: City) -> None:
    staff = await city.staff("100")
    karl = await city.person("201", "de")
    await register(karl, name="Karl", languages={"de": "3"}, district="Mitte",
                   times=["mornings"], offers=["job"])
    await city.deliver()
    overview = await staff.say("/buddies")
    assert "1 waiting for approval" in overview[0].text
    assert [b.label for b in overview[0].buttons] == ["#1 Karl", "Back to the menu"]
    await staff.tap("volunteer:1")
    decided = await staff.tap("decline")
    assert decided[0].text == "Declined: Karl has been told."
    await city.deliver()
    assert len(karl.pushes) == 1  # told, in German
    assert karl.pushes[0].startswith(said(
        karl, "Thank you for wanting to be a Welcome Buddy. The team cannot approve you at the "
        "moment. If you have questions, type /contact."))
    again = await karl.say("/volunteer")
    assert again[0].text != karl.pushes[0] and len(again) == 2  # a note, then the menu


async def test_a_volunteer_changes_offers_pauses_resumes_and_leaves(city: City) -> None:
    await volunteer(city, "anna", {"uk": 3, "de": 3}, "Ost")
    anna = city.phones["anna"]
    manage = await anna.say("/volunteer")
    assert said(anna, "✍️ First name: {name}", name="Anna") in manage[0].text  # in German
    assert [b.value for b in manage[0].buttons] == ["pause", "change", "leave", "back"]
    await anna.tap("change")
    offers = await anna.tap("offers")
    assert f"✅ {said(anna, '📄 Letters and documents')}" in [b.label for b in offers[0].buttons]
    await anna.tap("housing")
    saved = await anna.tap("done")
    assert saved[0].text == said(anna, "Saved. Thank you!")
    await anna.tap("change")
    await anna.tap("capacity")
    await anna.tap("3")
    async with city.app.sessions() as session:
        found = await session.scalar(select(BuddyVolunteer))
    assert found is not None and found.offers == ["documents", "housing"]
    assert found.capacity == 3 and found.status == "approved"

    await anna.tap("pause")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    assert (await city.round()).proposed == 0  # on holiday: nobody is proposed to her
    await anna.say("/volunteer")
    back = await anna.tap("resume")
    assert back[0].text == said(
        anna, "Welcome back! We will propose newcomers who fit you again.")
    assert (await city.round()).proposed == 1
    await anna.tap("yes")
    await city.deliver()
    olena = city.phones["olena"]
    await olena.tap("yes")
    await city.deliver()

    await anna.say("/volunteer")
    await anna.tap("leave")
    bye = await anna.tap("yes")
    assert bye[0].text == said(
        anna, "Thank you for everything you have done for newcomers in Stuttgart! You can "
        "register again at any time: type /volunteer.")
    await city.deliver()
    assert olena.last_push().startswith(said(  # in Ukrainian
        olena, "{name} has ended your Welcome Buddy match. Thank you for the time you spent "
        "together! If you have questions, type /contact.", name="Anna"))
    async with city.app.sessions() as session:
        assert await session.scalar(select(BuddyVolunteer.status)) == "left"
        assert await session.scalar(select(BuddyRequest.status)) == "closed"


async def test_a_newcomer_stops_looking(city: City) -> None:
    olena = await city.person("301", "uk")
    await ask_for_buddy(olena, name="Olena", needs=["job"], languages=["en"], german="1",
                        district="Süd", times=["mornings"])
    await olena.say("/menu")
    await olena.tap("flow:buddies")  # asked before: she sees how it goes instead
    assert olena.texts[0].startswith(said(olena, LOOKING))  # in Ukrainian
    await olena.tap("withdraw")
    stopped = await olena.tap("yes")
    assert stopped[0].text == said(
        olena, "We have stopped looking. You can ask for a Welcome Buddy again at any time in "
        "the /menu.")
    async with city.app.sessions() as session:
        assert await session.scalar(select(BuddyRequest.status)) == "closed"


async def test_a_volunteer_who_deletes_her_data_leaves_her_newcomer_told_and_looked_for_again(
        city: City) -> None:
    await volunteer(city, "anna", {"uk": 3, "de": 3}, "Ost")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    assert (await city.round()).proposed == 1
    anna, olena = city.phones["anna"], city.phones["olena"]
    await city.agree(anna, olena)
    await anna.say("/buddy")
    await anna.tap("write:1")
    await anna.say("Meine Nummer ist 0711 555 1234")  # not yet delivered when she leaves

    await anna.say("/delete")
    await anna.tap("yes")
    await city.deliver()
    told = olena.last_push()
    assert told.startswith(said(
        olena, "Your Welcome Buddy has left the programme and deleted their data, so your match "
        "has ended. We are looking for a new Welcome Buddy for you and will write to you here."))
    assert "Anna" not in told and all("0711" not in push for push in olena.pushes)
    async with city.app.sessions() as session:
        assert await session.scalar(select(BuddyRequest.status)) == "open"  # looked for again
        assert await session.scalar(select(BuddyVolunteer.id)) is None
        assert await session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.key.like("buddies:relay-%"))) is None  # her words went with her
    assert (await olena.say("/buddy"))[0].text.startswith(said(olena, LOOKING))


async def test_a_newcomer_who_deletes_her_data_frees_her_volunteer(city: City) -> None:
    await volunteer(city, "anna", {"uk": 3}, "Ost")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    await city.round()
    anna, olena = city.phones["anna"], city.phones["olena"]
    await anna.tap("yes")  # Olena has not answered yet
    await city.deliver()
    await olena.say("/delete")
    await olena.tap("yes")
    await city.deliver()
    assert anna.last_push().startswith(said(
        anna, "The newcomer you were matched with has left the programme and deleted their "
        "data, so your match has ended. Thank you! You are free for someone new."))
    async with city.app.sessions() as session:
        assert await session.scalar(select(BuddyRequest.id)) is None
    await newcomer(city, "yusuf", {"uk": 3}, "Ost")
    assert (await city.round()).proposed == 1  # Anna is free for someone new


async def test_a_newcomer_erased_after_the_retention_period_frees_her_volunteer_too(
        city: City, clock: FakeClock) -> None:
    await volunteer(city, "anna", {"uk": 3}, "Ost")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    await city.round()
    anna, olena = city.phones["anna"], city.phones["olena"]
    await city.agree(anna, olena)
    days = city.app.settings.retention_days
    clock.advance(days=days)
    await anna.say("/buddy")  # Anna still uses the bot; Olena has not written for a year
    clock.advance(days=2)
    async with transaction(city.app.sessions) as session:
        assert await erase_inactive(session, clock(), city.app.settings) == 1
    await city.deliver()
    assert anna.last_push().startswith(said(
        anna, "The newcomer you were matched with has left the programme and deleted their "
        "data, so your match has ended. Thank you! You are free for someone new."))
