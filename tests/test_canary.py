"""The canary: people go through every flow that stores something, typing marked strings,
then send /delete. Afterwards no column of any table holds any of those strings, and on
SQLite no byte of the database file does either. A table that stores person data without
its feature erasing it (or a conversation that keeps someone else's words) fails here.

- Amal: consent, notice topics and district, a question without an answer, a booking and a
  place on a waitlist, a Welcome Buddy request with her first name and contact, a message
  relayed to her buddy.
- Volker: a volunteer registration with his first name and contact.
- Nadia: no consent, then a question.
A staff member has Volker's card open and Anna has her match with Amal open when they leave.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import App, open_app
from bot.db.session import fold_log
from bot.db.tables import Base
from tests.buddies.conftest import City, Phone, ask_for_buddy, register
from tests.buddies.test_rounds import volunteer
from tests.conftest import make_settings
from tests.events.test_flow import add_cafe
from tests.events.test_release import book
from tests.fakes import FakeClock

AMAL = ("CanaryAmal", "canary.amal@example.org", "zorblaxcanary question",
        "relayedcanary words for Anna")
VOLKER = ("CanaryVolker", "canary.volker@example.org")
NADIA = ("declinedcanary question about zorblax",)
IDS = ("canary-amal", "canary-volker", "canary-nadia")


@pytest.fixture
async def city(db_url: str, clock: FakeClock) -> AsyncIterator[City]:
    # A whole life in the bot on a clock that stands still: no flood limit for that.
    async with open_app(make_settings(db_url, flood_burst=1000), clock=clock) as app:
        yield City(app)


async def delete(phone: Phone) -> None:
    await phone.say("/delete")
    said = await phone.tap("yes")
    assert said[-1].buttons and said[-1].buttons[0].value == "restart"


async def amal_uses_everything(city: City, clock: FakeClock) -> Phone:
    await add_cafe(city.app, capacity=1)
    await add_cafe(city.app, id="cafe-ost", title={"en": "Language café East"}, capacity=1,
                   starts="2026-11-25 18:00")
    await volunteer(city, "anna", {"ar": 3}, "Ost")
    first = await city.person("first", "en")  # the café East is full
    await first.say("/events")
    await first.tap("all")
    await first.tap("event:2")
    await first.tap("book")
    await first.tap("1")
    await first.tap("skip")  # no name for the list

    amal = Phone(city.app, IDS[0], channel="telegram", hint="en")
    city.phones[IDS[0]] = amal
    await amal.open()
    await amal.tap("yes")  # consent
    await amal.tap("yes")  # notices about health and news
    await amal.say("Ost")  # her part of town
    await amal.say(AMAL[2])  # no answer for that
    assert "booked" in await book(amal, 1)
    await amal.say("/events")
    await amal.tap("all")
    await amal.tap("event:2")
    await amal.tap("book")
    await amal.tap("1")
    assert "waitlist" in (await amal.say(AMAL[0]))[0].text  # her name, for the list
    await ask_for_buddy(amal, name=AMAL[0], needs=["documents"], languages=["ar"],
                        german="1", district="Ost", times=["evenings"],
                        contact=("email", AMAL[1]))
    await city.round()
    anna = city.phones["anna"]
    await city.agree(anna, amal)
    await amal.say("/buddy")
    write = next(b for b in amal.shown[-1].buttons if b.value.startswith("write:"))
    await amal.tap(write.value)
    await amal.say(AMAL[3])
    await city.deliver()
    assert AMAL[3] in anna.last_push()  # Anna got it
    await anna.say("/buddy")  # and looks at her match, with Amal's name on it
    return amal


async def leftovers(app: App, marks: tuple[str, ...]) -> list[str]:
    """Every table's every value that holds one of `marks`, as "table.column: value"."""
    found = []
    async with app.sessions() as session:
        for name, table in Base.metadata.tables.items():
            for row in (await session.execute(select(table))).mappings():
                for column, value in row.items():
                    text = str(value).casefold()
                    if any(mark.casefold() in text for mark in marks):
                        found.append(f"{name}.{column}: {str(value)[:120]}")
    return found


async def file_leftovers(app: App, marks: tuple[str, ...]) -> list[str]:
    if app.engine.dialect.name != "sqlite":
        return []
    await fold_log(app.engine)  # as the daily housekeeping does
    path = Path(str(make_url(str(app.engine.url)).database))
    data = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                    if p.exists())
    return [mark for mark in marks if mark.encode("utf-8") in data
            or mark.casefold().encode("utf-8") in data]


async def test_after_delete_nothing_anyone_typed_is_left_anywhere(city: City,
                                                                  clock: FakeClock) -> None:
    marks = AMAL + VOLKER + NADIA + IDS
    amal = await amal_uses_everything(city, clock)

    volker = await city.person(IDS[1], "de")
    await register(volker, name=VOLKER[0], languages={"uk": "3"}, district="Ost",
                   times=["evenings"], offers=["documents"], contact=("email", VOLKER[1]))

    nadia = Phone(city.app, IDS[2], channel="telegram", hint="en")
    await nadia.open()
    await nadia.tap("no")  # no consent
    await nadia.say(NADIA[0])

    sara = await city.staff("sara")  # a staff member opens Volker's card, and leaves it
    await sara.say("/buddies")
    card = next(b for b in sara.shown[-1].buttons if b.value.startswith("volunteer:"))
    assert VOLKER[0] in card.label
    await sara.tap(card.value)
    await sara.say("/help")

    before = await leftovers(city.app, marks)
    assert any(AMAL[0] in line for line in before)  # the canary can see what it looks for
    for phone in (amal, volker, nadia):
        await delete(phone)
    await city.deliver()  # what the deletions told others goes out
    assert await leftovers(city.app, marks) == []
    assert await file_leftovers(city.app, marks) == []
