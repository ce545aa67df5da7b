"""The whole path, as people live it: volunteers register and are approved, a
Ukrainian-speaking newcomer asks, the volunteer who speaks Ukrainian is proposed and
declines, the one who speaks German and English is proposed (the bot restarts meanwhile)
and accepts, the newcomer confirms, and only then do both get each other's name and contact.
A week later both are asked how it goes; a problem reaches staff. Each reads the bot in their
own language: Oksana, Iryna, Petro and Olena in Ukrainian, Jonas in German, staff in English."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import open_app
from bot.db.tables import BuddyMatch
from tests.buddies.conftest import (
    INTRODUCTION,
    OFFER,
    PROPOSAL,
    City,
    ask_for_buddy,
    register,
    said,
)
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
    assert paused[0].text.startswith(said(
        petro, "You are on a pause: we will not propose anyone to you until you come back. "
        "Newcomers you already accompany stay with you. When you are back, type /volunteer and "
        "tap “▶️ I am back: resume”."))
    oksana = city.phones["201"]
    assert oksana.pushes[0].startswith(said(
        oksana, "🎉 Welcome to the Welcome Buddies! The team has approved you. When a newcomer "
        "who fits you is looking for a buddy, I will write to you here. To take a pause or "
        "change what you offer, type /volunteer."))


def seen_before_agreeing(city: City, user: str, count: int) -> str:
    return "\n".join(city.phones[user].heard[:count])


async def test_the_right_volunteer_is_proposed_then_the_next_and_contacts_come_last(
        any_city: City, clock: FakeClock) -> None:
    city, app = any_city, any_city.app
    await volunteers(city)
    olena = await city.person("301", "uk")
    thanked = await ask_for_buddy(olena, name="Olena", needs=["documents"], languages=["en"],
                                  german="0", district="Bad Cannstatt", times=["evenings"],
                                  contact=("phone", "0176 11111111"))
    week = said(olena, ("{count} day", "{count} days"), count=7)  # no matches yet: the promise
    assert thanked[0].text == said(
        olena, "Thank you, {name}! We are now looking for a Welcome Buddy for you: a trained "
        "volunteer who speaks one of your languages. It usually takes about {wait}. I will "
        "write to you here as soon as someone has said yes. Only then, and only if you agree "
        "too, will you get their name and contact, and they yours.", name="Olena", wait=week)

    oksana, jonas, iryna, petro = (city.phones[u] for u in ("201", "202", "203", "204"))
    report = await city.round()
    assert report.proposed == 1
    proposal = oksana.last_push()
    assert proposal.startswith(said(oksana, PROPOSAL))
    assert said(oksana, "{district} (the same as yours)", district="Bad Cannstatt") in proposal
    assert "Українська" in proposal
    assert [b.label for b in oksana.shown[-1].buttons] == [said(oksana, "✅ Accept"),
                                                           said(oksana, "❌ Decline")]
    assert len(jonas.pushes) == 1 and not iryna.pushes and len(petro.pushes) == 1  # approved

    declined = await oksana.tap("no")
    assert declined[0].text == said(
        oksana, "Thank you for telling us. We will ask another volunteer. If you are away for a "
        "while, you can take a pause: type /volunteer.")
    assert (await city.round()).proposed == 1
    assert jonas.last_push().startswith(said(jonas, PROPOSAL))
    assert said(jonas, "{district} (next to yours)", district="Bad Cannstatt") \
        in jonas.last_push()
    assert not iryna.pushes and len(petro.pushes) == 1  # unapproved, paused: never proposed

    # The bot restarts while Jonas thinks: new runtime, new sender, the same database.
    async with open_app(app.settings, clock=clock) as again:
        city.app = again
        for phone in city.phones.values():
            phone.app = again
        clock.advance(hours=20)
        assert (await city.round()).proposed == 0  # his proposal is still his to answer
        accepted = await jonas.tap("yes")
        assert accepted[0].text == said(
            jonas, "Thank you! We are now asking the newcomer to confirm. I will write to you "
            "when they have.")
        await city.deliver()
        offer = olena.last_push()
        assert offer.startswith(said(olena, OFFER))
        assert said(olena, "• {language} ({level})", language="English",
                    level=said(olena, "well")) in offer
        before = {user: len(phone.heard) for user, phone in city.phones.items()}
        agreed = await olena.tap("yes")
        assert agreed[0].text == said(
            olena, "Wonderful! I am sending you both each other's first name and contact now.")
        await city.deliver()

    for user in ("201", "202", "203", "204", "301"):
        shown = seen_before_agreeing(city, user, before[user])
        own = {"201": {"Oksana", "oksana@example.org"},
               "202": {"Jonas", "+4915122222222"}, "301": {"Olena", "+4917611111111"}}
        leaked = {s for s in SECRETS - own.get(user, set()) if s in shown}
        assert leaked == set(), f"{user} saw {leaked} before both agreed"
    to_olena, to_jonas = olena.last_push(), jonas.last_push()
    assert to_olena.startswith(said(olena, INTRODUCTION, name="Jonas"))
    assert "+4915122222222" in to_olena
    assert to_jonas.startswith(said(jonas, INTRODUCTION, name="Olena"))
    assert "+4917611111111" in to_jonas
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
    assert olena.last_push().startswith(said(olena, INTRODUCTION, name="Oksana"))
    assert "oksana@example.org" in olena.last_push()
    assert said(oksana, "💬 {name} would like to talk through this chat first: type /buddy and "
                "tap “✉️ Write to {name}”.", name="Olena") in oksana.last_push()

    clock.advance(days=6, hours=23)
    assert await city.deliver() == 0
    clock.advance(hours=2)
    assert await city.deliver() == 2
    week = ("It is a week since you and {name} became Welcome Buddies. Have you met, and is "
            "all well?")
    assert olena.last_push().startswith(said(olena, week, name="Oksana"))
    assert oksana.last_push().startswith(said(oksana, week, name="Olena"))
    await oksana.tap("met")
    told = await olena.tap("problem")
    assert told[0].text == said(
        olena, "Thank you for telling us. Someone from the Welcome Center will get in touch "
        "with you soon. You can also end the match at any time: type /buddy.")
    assert await city.deliver() == 1
    assert "reports a problem" in staff.last_push() and "telegram:301" in staff.last_push()

    overview = await staff.say("/buddies")
    assert "🤝 Active matches: 1 (1 with a problem reported)" in overview[0].text

    ended = await olena.say("/buddy")
    assert ended[0].text == said(olena, "🤝 Your buddy: {name}", name="Oksana")
    await olena.tap("end:1")
    done = await olena.tap("yes")
    assert done[0].text == said(
        olena, "Your match has ended. Thank you for the time you spent together! If something "
        "went wrong, you can tell the Welcome Center: type /contact.")
    await city.deliver()
    assert oksana.last_push().startswith(said(
        oksana, "{name} has ended your Welcome Buddy match. Thank you for the time you spent "
        "together! If you have questions, type /contact.", name="Olena"))


async def test_buddies_write_to_each_other_through_the_bot(city: City) -> None:
    await volunteers(city)
    olena = await city.person("301", "uk")
    await ask_for_buddy(olena, name="Olena", needs=["documents"], languages=[],
                        german="2", district="Mitte", times=["evenings"])
    await city.round()
    oksana = city.phones["201"]
    await city.agree(oksana, olena)
    await oksana.say("/buddy")
    await oksana.tap("write:1")
    sent = await oksana.say("Привіт! Can we meet on Tuesday?")
    assert sent[0].text == said(oksana, "Sent! I will pass on the answer here.")
    await city.deliver()
    assert olena.last_push().startswith(said(
        olena, "✉️ A message from your buddy {name}:\n\n{text}\n\nTo answer, type /buddy and "
        "tap “✉️ Write to {name}”.", name="Oksana", text="Привіт! Can we meet on Tuesday?"))
