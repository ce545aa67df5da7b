"""Volunteers over time: declined ones are told kindly, approved ones change what they offer,
pause for the holidays and come back, and leave (their newcomer is told); a newcomer stops
looking."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.tables import BuddyRequest, BuddyVolunteer
from tests.buddies.conftest import City, ask_for_buddy, register
from tests.buddies.test_rounds import newcomer, volunteer


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
    said = await staff.tap("decline")
    assert said[0].text == "Declined: Karl has been told."
    await city.deliver()
    assert len(karl.pushes) == 1  # told, in German once the texts are translated
    again = await karl.say("/volunteer")
    assert again[0].text != karl.pushes[0] and len(again) == 2  # a note, then the menu


async def test_a_volunteer_changes_offers_pauses_resumes_and_leaves(city: City) -> None:
    await volunteer(city, "anna", {"uk": 3, "de": 3}, "Ost")
    anna = city.phones["anna"]
    manage = await anna.say("/volunteer")
    assert "✍️ First name: Anna" in manage[0].text
    assert [b.value for b in manage[0].buttons] == ["pause", "change", "leave", "back"]
    await anna.tap("change")
    offers = await anna.tap("offers")
    assert "✅ 📄 Letters and documents" in [b.label for b in offers[0].buttons]
    await anna.tap("housing")
    saved = await anna.tap("done")
    assert saved[0].text == "Saved. Thank you!"
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
    assert back[0].text.startswith("Welcome back!")
    assert (await city.round()).proposed == 1
    await anna.tap("yes")
    await city.deliver()
    olena = city.phones["olena"]
    await olena.tap("yes")
    await city.deliver()

    await anna.say("/volunteer")
    await anna.tap("leave")
    bye = await anna.tap("yes")
    assert bye[0].text.startswith("Thank you for everything")
    await city.deliver()
    assert olena.last_push().startswith("Anna has ended your Welcome Buddy match")
    async with city.app.sessions() as session:
        assert await session.scalar(select(BuddyVolunteer.status)) == "left"
        assert await session.scalar(select(BuddyRequest.status)) == "closed"


async def test_a_newcomer_stops_looking(city: City) -> None:
    olena = await city.person("301", "uk")
    await ask_for_buddy(olena, name="Olena", needs=["job"], languages=["en"], german="1",
                        district="Süd", times=["mornings"])
    await olena.say("/menu")
    await olena.tap("flow:buddies")  # asked before: she sees how it goes instead
    assert "We are looking for a Welcome Buddy for you" in olena.texts[0]
    await olena.tap("withdraw")
    stopped = await olena.tap("yes")
    assert stopped[0].text.startswith("We have stopped looking")
    async with city.app.sessions() as session:
        assert await session.scalar(select(BuddyRequest.status)) == "closed"
