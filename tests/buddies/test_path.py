"""The whole path, as people live it: volunteers register and are approved, a
Ukrainian-speaking newcomer asks, the volunteer who speaks Ukrainian is proposed and
declines, the one who speaks German and English is proposed (the bot restarts meanwhile)
and accepts, the newcomer confirms, and only then do both get each other's name and contact.
A week later both are asked how it goes; a problem reaches staff."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import open_app
from bot.db.tables import BuddyMatch
from tests.buddies.conftest import City, ask_for_buddy, register
from tests.fakes import FakeClock

SECRETS = {"Olena", "+4917611111111", "Oksana", "oksana@example.org", "Jonas",
           "+4915122222222"}
"""First names and contacts: each may be seen by the other side only after both agreed."""


async def volunteers(city: City) -> None:
    """Oksana (Ukrainian and German, Bad Cannstatt), Jonas (German and English, Nord), both
    approved; Iryna (Ukrainian, Bad Cannstatt) registered but not approved yet; Petro
    (Ukrainian, Bad Cannstatt) approved and on a pause."""
    staff = await city.staff("100")
    for user, name, langs, district, contact in (
            ("201", "Oksana", {"uk": "3", "de": "3"}, "Bad Cannstatt",
             ("email", "oksana@example.org")),
            ("202", "Jonas", {"de": "3", "en": "2"}, "Nord", ("phone", "0151 22222222")),
            ("203", "Iryna", {"uk": "3"}, "Bad Cannstatt", ("chat", "")),
            ("204", "Petro", {"uk": "3", "de": "2"}, "Bad Cannstatt", ("chat", ""))):
        phone = await city.person(user, "uk" if "uk" in langs else "de")
        await register(phone, name=name, languages=langs, district=district,
                       times=["evenings", "weekends"], offers=["documents", "authorities"],
                       contact=contact)
        assert await city.deliver() == 1  # staff hear of each new volunteer
        assert f"✍️ First name: {name}" in staff.last_push()
        if name != "Iryna":
            await staff.tap("approve")
            assert await city.deliver() == 1  # and they hear they are approved
    petro = city.phones["204"]
    await petro.say("/volunteer")
    paused = await petro.tap("pause")
    assert paused[0].text.startswith("You are on a pause")
    assert city.phones["201"].pushes[0].startswith("🎉 Welcome to the Welcome Buddies")


def seen_before_agreeing(city: City, user: str, count: int) -> str:
    return "\n".join(city.phones[user].heard[:count])


async def test_the_right_volunteer_is_proposed_then_the_next_and_contacts_come_last(
        any_city: City, clock: FakeClock) -> None:
    city, app = any_city, any_city.app
    await volunteers(city)
    olena = await city.person("301", "uk")
    said = await ask_for_buddy(olena, name="Olena", needs=["documents"], languages=["en"],
                               german="0", district="Bad Cannstatt", times=["evenings"],
                               contact=("phone", "0176 11111111"))
    assert said[0].text.startswith("Thank you, Olena! We are now looking")
    assert "7 days" in said[0].text  # no matches yet: the programme's promise

    oksana, jonas, iryna, petro = (city.phones[u] for u in ("201", "202", "203", "204"))
    report = await city.round()
    assert report.proposed == 1
    proposal = oksana.last_push()
    assert "A newcomer is looking for a Welcome Buddy" in proposal
    assert "Bad Cannstatt (the same as yours)" in proposal and "Українська" in proposal
    assert [b.label for b in oksana.shown[-1].buttons] == ["✅ Accept", "❌ Decline"]
    assert len(jonas.pushes) == 1 and not iryna.pushes and len(petro.pushes) == 1  # approved

    declined = await oksana.tap("no")
    assert declined[0].text.startswith("Thank you for telling us. We will ask another")
    assert (await city.round()).proposed == 1
    assert "A newcomer is looking for a Welcome Buddy" in jonas.last_push()
    assert "Bad Cannstatt (next to yours)" in jonas.last_push()
    assert not iryna.pushes and len(petro.pushes) == 1  # unapproved, paused: never proposed

    # The bot restarts while Jonas thinks: new runtime, new sender, the same database.
    async with open_app(app.settings, clock=clock) as again:
        city.app = again
        for phone in city.phones.values():
            phone.app = again
        clock.advance(hours=20)
        assert (await city.round()).proposed == 0  # his proposal is still his to answer
        accepted = await jonas.tap("yes")
        assert accepted[0].text.startswith("Thank you! We are now asking the newcomer")
        await city.deliver()
        offer = olena.last_push()
        assert "a volunteer would like to be your Welcome Buddy" in offer
        assert "English (well)" in offer
        before = {user: len(phone.heard) for user, phone in city.phones.items()}
        agreed = await olena.tap("yes")
        assert agreed[0].text.startswith("Wonderful!")
        await city.deliver()

    for user in ("201", "202", "203", "204", "301"):
        shown = seen_before_agreeing(city, user, before[user])
        own = {"201": {"Oksana", "oksana@example.org"},
               "202": {"Jonas", "+4915122222222"}, "301": {"Olena", "+4917611111111"}}
        leaked = {s for s in SECRETS - own.get(user, set()) if s in shown}
        assert leaked == set(), f"{user} saw {leaked} before both agreed"
    to_olena, to_jonas = olena.last_push(), jonas.last_push()
    assert "You have a Welcome Buddy: Jonas!" in to_olena and "+4915122222222" in to_olena
    assert "You have a Welcome Buddy: Olena!" in to_jonas and "+4917611111111" in to_jonas
    assert "Oksana" not in to_olena and "oksana@example.org" not in "\n".join(olena.heard)

    async with app.sessions() as session:
        rows = (await session.execute(select(BuddyMatch.volunteer_id, BuddyMatch.status)
                                      .order_by(BuddyMatch.id))).all()
    assert rows == [(1, "declined"), (2, "active")]


async def test_a_week_later_both_are_asked_alone_and_a_problem_reaches_staff(
        city: City, clock: FakeClock) -> None:
    await volunteers(city)
    olena = await city.person("301", "uk")
    await ask_for_buddy(olena, name="Olena", needs=["authorities"], languages=[],
                        german="1", district="Ost", times=["weekends"])
    await city.round()
    oksana, staff = city.phones["201"], city.phones["100"]
    await oksana.tap("yes")
    await city.deliver()
    await olena.tap("yes")
    await city.deliver()
    assert "You have a Welcome Buddy: Oksana!" in olena.last_push()
    assert "oksana@example.org" in olena.last_push()
    assert "Olena would like to talk through this chat first" in oksana.last_push()

    clock.advance(days=6, hours=23)
    assert await city.deliver() == 0
    clock.advance(hours=2)
    assert await city.deliver() == 2
    assert "It is a week since you and Oksana" in olena.last_push()
    assert "It is a week since you and Olena" in oksana.last_push()
    await oksana.tap("met")
    told = await olena.tap("problem")
    assert told[0].text.startswith("Thank you for telling us. Someone from the Welcome Center")
    assert await city.deliver() == 1
    assert "reports a problem" in staff.last_push() and "telegram:301" in staff.last_push()

    overview = await staff.say("/buddies")
    assert "🤝 Active matches: 1 (1 with a problem reported)" in overview[0].text

    ended = await olena.say("/buddy")
    assert ended[0].text == "🤝 Your buddy: Oksana"
    await olena.tap("end:1")
    done = await olena.tap("yes")
    assert done[0].text.startswith("Your match has ended")
    await city.deliver()
    assert oksana.last_push().startswith("Olena has ended your Welcome Buddy match")


async def test_buddies_write_to_each_other_through_the_bot(city: City) -> None:
    await volunteers(city)
    olena = await city.person("301", "uk")
    await ask_for_buddy(olena, name="Olena", needs=["documents"], languages=[],
                        german="2", district="Mitte", times=["evenings"])
    await city.round()
    oksana = city.phones["201"]
    await oksana.tap("yes")
    await city.deliver()
    await olena.tap("yes")
    await city.deliver()
    await oksana.say("/buddy")
    await oksana.tap("write:1")
    sent = await oksana.say("Привіт! Can we meet on Tuesday?")
    assert sent[0].text.startswith("Sent!")
    await city.deliver()
    assert "A message from your buddy Oksana" in olena.last_push()
    assert "Привіт! Can we meet on Tuesday?" in olena.last_push()
