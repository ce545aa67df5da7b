"""Every way a seat is freed gives it to the waitlist, in order, and tells who moved up:
cancelling, /delete, erasure after the retention period, a withdrawn consent, staff."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import open_app
from bot.db.session import transaction
from bot.events import store
from bot.privacy import erase_inactive
from tests.buddies.conftest import City, Phone
from tests.conftest import make_settings
from tests.events.test_flow import add_cafe
from tests.fakes import FakeClock

SEAT_FREE = "Good news: a seat has become free, and it is yours!"


@pytest.fixture
async def city(db_url: str, clock: FakeClock) -> AsyncIterator[City]:
    """On each database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    async with open_app(make_settings(db_url), clock=clock) as app:
        yield City(app)


async def book(phone: Phone, people: int) -> str:
    """Book (or join the waitlist of) the first event for `people`, all adults."""
    await phone.say("/events")
    await phone.tap("all")
    await phone.tap("event:1")
    await phone.tap("book")
    said = await phone.tap(str(people))
    if len(said) == 1 and said[0].buttons and said[0].text.startswith("How many of them"):
        said = await phone.tap("0")
    if "skip" in [b.value for b in said[-1].buttons]:  # the name for the list: skipped
        said = await phone.tap("skip")
    return said[0].text


async def full_cafe_with_samir_waiting(city: City) -> tuple[Phone, Phone]:
    """Amal holds both seats of the café; Samir waits for two."""
    await add_cafe(city.app, capacity=2)
    amal = await city.person("amal", "en")
    samir = await city.person("samir", "en")
    await book(amal, 2)
    waiting = await book(samir, 2)
    assert "waitlist" in waiting
    return amal, samir


async def places(city: City) -> list[tuple[str, str, int]]:
    async with city.app.sessions() as session:
        return [(a.person, a.status, a.people) for a in await store.attendees(session, 1)]


async def test_amal_deletes_her_data_and_samir_gets_her_seats_and_is_told(city: City) -> None:
    amal, samir = await full_cafe_with_samir_waiting(city)
    await amal.say("/delete")
    await amal.tap("yes")
    assert await places(city) == [("telegram:samir", "booked", 2)]
    await city.deliver()
    assert samir.last_push().startswith(SEAT_FREE)


async def test_a_withdrawn_consent_frees_the_seats_too(city: City) -> None:
    amal, samir = await full_cafe_with_samir_waiting(city)
    await amal.say("/privacy")
    await amal.tap("no")
    said = await amal.tap("yes")  # "Yes, withdraw and delete"
    assert said[0].text.startswith("Your consent is withdrawn and your data is deleted.")
    assert await places(city) == [("telegram:samir", "booked", 2)]
    await city.deliver()
    assert samir.last_push().startswith(SEAT_FREE)


async def test_erasure_after_the_retention_period_frees_the_seats(db_url: str,
                                                                clock: FakeClock) -> None:
    async with open_app(make_settings(db_url, retention_days=30), clock=clock) as app:
        city = City(app)
        await add_cafe(app, capacity=2, starts="2027-01-10 18:00")
        amal = await city.person("amal", "en")
        await book(amal, 2)
        clock.advance(days=31)
        samir = await city.person("samir", "en")  # Amal has not written for a month
        assert "waitlist" in await book(samir, 2)
        async with transaction(app.sessions) as session:
            assert await erase_inactive(session, clock(), app.settings) == 1
        assert await places(city) == [("telegram:samir", "booked", 2)]
        await city.deliver()
        assert samir.last_push().startswith(SEAT_FREE)


async def test_staff_removing_a_booking_moves_the_waitlist_up(city: City,
                                                              clock: FakeClock) -> None:
    _amal, samir = await full_cafe_with_samir_waiting(city)
    async with transaction(city.app.sessions) as session:
        [held, _waiting] = await store.attendees(session, 1)
        promoted = await store.cancel(session, booking_id=held.booking_id, person_id=None,
                                      now=clock(), reminders=city.app.settings.reminders)
    assert [b.people for b in promoted] == [2]
    await city.deliver()
    assert samir.last_push().startswith(SEAT_FREE)


async def test_the_waitlist_moves_up_in_the_order_people_asked(city: City) -> None:
    await add_cafe(city.app, capacity=2)
    amal = await city.person("amal", "en")
    await book(amal, 2)
    first = await city.person("first", "en")
    second = await city.person("second", "en")
    await book(first, 1)
    await book(second, 1)
    await amal.say("/delete")
    await amal.tap("yes")
    assert await places(city) == [("telegram:first", "booked", 1),
                                  ("telegram:second", "booked", 1)]
