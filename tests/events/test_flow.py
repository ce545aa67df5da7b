"""Events in a conversation: browsing, booking the last seat, the waitlist, bookings,
and what only staff see."""

from __future__ import annotations

import asyncio
import io
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.channels.console import Console
from bot.db import people
from bot.db.session import transaction
from bot.engine.model import Inbound
from bot.events import store
from bot.events.series import Series
from tests.scripts import is_language
from tests.talk import Talk

BERLIN = ZoneInfo("Europe/Berlin")


async def add_cafe(app: App, **changes: object) -> None:
    values: dict[str, object] = {
        "id": "cafe-west", "kind": "language_cafe",
        "title": {"de": "Sprachcafé West", "en": "Language café West",
                  "ar": "مقهى اللغة في الغرب", "uk": "Мовне кафе Захід"},
        "place": "Stadtbibliothek", "address": "Mailänder Platz 1, 70173 Stuttgart",
        "district": "Mitte", "languages": ["de", "ar", "uk"], "starts": "2026-11-24 18:00",
        "minutes": 90, "capacity": 2}
    values.update(changes)
    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate(values)], app.runtime.clock(),
                                BERLIN)


async def at_events(app: App, user: str, lang: str, channel: str = "console") -> Talk:
    talk = Talk(app, user, channel=channel, hint=lang)
    await talk.open()
    await talk.tap("yes")
    await talk.say("/events")
    return talk


async def test_an_arabic_speaker_books_the_last_seat_and_the_next_person_waits(
        app: App) -> None:
    await add_cafe(app)
    hans = await at_events(app, "hans", "de")
    await hans.tap("all")
    await hans.tap("event:1")
    await hans.tap("book")
    asked = await hans.tap("1")
    assert is_language(asked[0].text, "de")  # the name for the list, asked the first time
    done = await hans.say("Hans")
    assert is_language(done[0].text.split("\n\n")[0], "de")

    amal = await at_events(app, "amal", "ar")
    listing = await amal.tap("all")
    assert is_language(listing[0].text.split("\n")[0], "ar")
    assert "مقعد واحد" in listing[0].text  # "1 seat left", Arabic's form for one
    await amal.tap("event:1")
    await amal.tap("book")
    await amal.tap("1")
    booked = await amal.tap("skip")  # no name on the list
    assert is_language(booked[0].text.split("\n\n")[0], "ar")
    [calendar] = amal.files
    assert calendar.name.endswith(".ics") and b"DTSTART:20261124T170000Z" in calendar.data

    olena = await at_events(app, "olena", "uk")
    listing = await olena.tap("all")
    full = listing[0].text
    await olena.tap("event:1")
    card = olena.shown[0]
    assert [b.value for b in card.buttons] == ["book", "back"] and is_language(
        card.buttons[0].label, "uk")  # "join the waitlist", in Ukrainian
    await olena.tap("book")
    await olena.tap("1")
    waiting = await olena.tap("skip")
    assert is_language(waiting[0].text, "uk") and olena.files == []
    assert full != listing[0].text or "✅" not in full


async def test_my_bookings_show_and_cancel_and_the_waitlist_moves_up(app: App) -> None:
    await add_cafe(app, capacity=1)
    first = await at_events(app, "first", "en")
    await first.tap("all")
    await first.tap("event:1")
    await first.tap("book")
    await first.tap("1")
    await first.tap("skip")
    second = await at_events(app, "second", "en")
    await second.tap("all")
    await second.tap("event:1")
    await second.tap("book")
    await second.tap("1")
    said = await second.tap("skip")
    assert "waitlist" in said[0].text

    mine = await first.say("/bookings")
    assert "Language café West" in mine[0].text and "1 person" in mine[0].text
    await first.tap("❌ Language café West")
    done = await first.tap("yes")
    assert done[0].text.startswith("Your place is cancelled")
    async with app.sessions() as session:
        rows = await store.attendees(session, 1)
    assert [(r.person, r.status) for r in rows] == [("console:second", "booked")]


async def test_only_staff_see_who_comes(app: App) -> None:
    await add_cafe(app)
    newcomer = await at_events(app, "nour", "en")
    await newcomer.tap("all")
    await newcomer.tap("event:1")
    await newcomer.tap("book")
    await newcomer.tap("2")
    await newcomer.tap("1")  # one of the two is a child
    await newcomer.say("Nour")  # the name on the list
    menu = await newcomer.say("/menu")
    assert "🗂 Events: who comes" not in [b.label for b in menu[-1].buttons]
    refused = await newcomer.say("/attendees")
    assert refused[0].text.startswith("I don't know the command /attendees")

    async with transaction(app.sessions) as session:
        await people.arrive(session, "console", "sara", app.runtime.clock())
        await people.set_role(session, "console", "sara", "staff", app.runtime.clock())
    staff = Talk(app, "sara", hint="en")
    await staff.open()
    await staff.tap("yes")
    overview = await staff.say("/attendees")
    assert "1. Language café West" in overview[0].text and "2 of 2 seats booked" in (
        overview[0].text)
    who = await staff.tap("event:1")
    assert "Nour (console:nour) – 2 (1 children)" in who[0].text


async def test_a_part_of_the_city_narrows_the_list(app: App) -> None:
    await add_cafe(app)
    await add_cafe(app, id="cafe-ost", district="Ost", title={"en": "Language café East"},
                   starts="2026-11-25 18:00")
    talk = await at_events(app, "ali", "en")
    both = await talk.tap("all")
    assert "Language café West" in both[0].text and "Language café East" in both[0].text
    asked = await talk.tap("district")
    assert asked[0].text == "Which part of the city?"
    assert [b.label for b in asked[0].buttons] == ["Mitte", "Ost", "📍 All parts of the city"]
    east = await talk.tap("Ost")
    assert "Language café East" in east[0].text and "Language café West" not in east[0].text


async def test_my_data_lists_my_bookings(app: App) -> None:
    await add_cafe(app)
    talk = await at_events(app, "lina", "en")
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    await talk.tap("1")
    await talk.say("Lina")
    shown = await talk.say("/mydata")
    assert "Bookings:\nLanguage café West, November 24, 2026" in shown[0].text
    assert ": booked; people: 1, children: 0; name on the list: Lina" in shown[0].text


async def test_three_people_for_two_seats_left_get_the_choice_of_two_or_the_waitlist(
        app: App) -> None:
    await add_cafe(app, capacity=10)
    async with transaction(app.sessions) as session:  # eight seats are taken already
        for n in range(4):
            person = await people.arrive(session, "console", f"early{n}", app.runtime.clock())
            await store.book(session, event_id=1, person_id=person.id, group="newcomer",
                             people=2, children=0, now=app.runtime.clock(), reminders=[])
    talk = await at_events(app, "family", "en")
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    said = await talk.tap("3")
    assert said[0].text.startswith("Only 2 seats are left for this event.")
    assert [b.label for b in said[0].buttons] == [
        "⬅️ Back to the list", "✅ Book 2 seats", "⏳ Waitlist for 3 people"]
    children = await talk.tap("2")
    assert [b.label for b in children[0].buttons] == ["No children", "1"]  # 2 people, you too
    named = await talk.tap("1")
    assert named[0].text.startswith("Which first name shall we put on the list?")
    done = await talk.tap("skip")
    assert done[0].text.startswith("Your seat is booked!")
    async with app.sessions() as session:
        [mine] = [a for a in await store.attendees(session, 1) if a.person == "console:family"]
    assert (mine.status, mine.people, mine.children) == ("booked", 2, 1)


async def test_more_people_than_the_event_takes_hear_how_many_may_come(app: App) -> None:
    await add_cafe(app, capacity=2)
    talk = await at_events(app, "group", "en")
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    said = await talk.tap("3")
    assert said[0].text.startswith("At most 2 people can come to this event.")
    assert [b.label for b in said[0].buttons] == ["⬅️ Back to the list", "✅ Book 2 seats"]
    waiting = await talk.tap("⬅️ Back to the list")
    assert "Language café West" in waiting[0].text


async def test_two_bookings_at_once_get_each_their_own_calendar_file(
        app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The calendar file is made in memory for its message: two people booking the same date
    at the same moment each get theirs (with their own booking's UID, in their language),
    and the terminal chat prints it rather than writing it where the other's would land."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    await add_cafe(app)
    talks = [await at_events(app, user, lang) for user, lang in (("amal", "ar"),
                                                                  ("olena", "uk"))]
    for talk in talks:
        await talk.tap("all")
        await talk.tap("event:1")
        await talk.tap("book")
        await talk.tap("1")  # one person; then the name for the list, skipped at once below
    outputs = [io.StringIO(), io.StringIO()]
    consoles = [Console(app.runtime, app.catalogs, user=talk.user, out=out)
                for talk, out in zip(talks, outputs, strict=True)]
    asked = [[m for m in talk.shown if m.buttons][-1] for talk in talks]

    await asyncio.gather(*(console.send(Inbound.button("skip", question.prompt))
                           for console, question in zip(consoles, asked, strict=True)))

    files = [re.findall(r"^UID:(.+)$", out.getvalue(), re.MULTILINE) for out in outputs]
    assert sorted(files) == [["event-1-booking-1@welcomebot"], ["event-1-booking-2@welcomebot"]]
    for out, summary in zip(outputs, ("مقهى اللغة في الغرب", "Мовне кафе Захід"), strict=True):
        assert "📎 cafe-west-20261124.ics\nBEGIN:VCALENDAR\n" in out.getvalue()
        assert f"SUMMARY:{summary}" in out.getvalue()
    assert list(temporary.iterdir()) == []  # no file written anywhere
