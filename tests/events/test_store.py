"""Booking, the waitlist and cancelling, against the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import people
from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import Booking, Event, OutboxMessage
from bot.events import store
from bot.events.series import Series

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
REMINDERS = (timedelta(hours=24), timedelta(hours=2))


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url, pool_size=60) if "postgresql" in db_url else make_engine(db_url)
    yield make_sessions(engine)
    await engine.dispose()


def cafe(**changes: object) -> Series:
    values: dict[str, object] = {
        "id": "cafe-west", "kind": "language_cafe", "title": {"de": "Sprachcafé West"},
        "place": "Bibliothek", "address": "Mailänder Platz 1, 70173 Stuttgart",
        "district": "Mitte", "languages": ["de", "ar"], "starts": "2026-11-24 18:00",
        "minutes": 90, "capacity": 10}
    values.update(changes)
    return Series.model_validate(values)


async def event_of(sessions: async_sessionmaker[AsyncSession], series: Series) -> int:
    async with transaction(sessions) as session:
        await store.sync_series(session, [series], NOW, BERLIN)
        event = await session.scalar(select(Event).where(Event.series == series.id))
        assert event is not None
        return event.id


async def newcomers(sessions: async_sessionmaker[AsyncSession], count: int) -> list[int]:
    async with transaction(sessions) as session:
        return [(await people.arrive(session, "telegram", str(1000 + n), NOW)).id
                for n in range(count)]


async def book(sessions: async_sessionmaker[AsyncSession], event_id: int, person_id: int,
               seats: int = 1, group: str = "newcomer", at: datetime = NOW) -> store.Booked:
    async with transaction(sessions) as session:
        return await store.book(session, event_id=event_id, person_id=person_id, group=group,
                                people=seats, children=0, now=at, reminders=REMINDERS)


async def statuses(sessions: async_sessionmaker[AsyncSession], event_id: int) -> list[str]:
    async with sessions() as session:
        return sorted((await session.scalars(
            select(Booking.status).where(Booking.event_id == event_id))).all())


async def test_fifty_people_booking_the_last_ten_seats_at_once(sessions) -> None:
    event_id = await event_of(sessions, cafe(capacity=10))
    who = await newcomers(sessions, 50)
    results = await asyncio.gather(*(book(sessions, event_id, p) for p in who))
    assert sorted(r.outcome for r in results) == ["booked"] * 10 + ["waiting"] * 40
    assert await statuses(sessions, event_id) == ["booked"] * 10 + ["waiting"] * 40


async def test_a_person_never_holds_two_bookings_for_one_event(sessions) -> None:
    event_id = await event_of(sessions, cafe())
    [amal] = await newcomers(sessions, 1)
    results = await asyncio.gather(*(book(sessions, event_id, amal) for _ in range(5)))
    assert sorted(r.outcome for r in results) == ["already"] * 4 + ["booked"]
    assert await statuses(sessions, event_id) == ["booked"]


async def test_a_past_event_cannot_be_booked(sessions) -> None:
    event_id = await event_of(sessions, cafe())
    [amal] = await newcomers(sessions, 1)
    late = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 18:00 in Berlin: it has begun
    assert (await book(sessions, event_id, amal, at=late)).outcome == "past"
    assert await statuses(sessions, event_id) == []


async def test_cancelling_promotes_from_the_waitlist_exactly_once(sessions) -> None:
    event_id = await event_of(sessions, cafe(capacity=2))
    first, second, third, fourth = await newcomers(sessions, 4)
    booked = [await book(sessions, event_id, p) for p in (first, second, third, fourth)]
    assert [b.outcome for b in booked] == ["booked", "booked", "waiting", "waiting"]
    first_booking = booked[0].booking
    assert first_booking is not None

    async def cancel() -> list[Booking]:
        async with transaction(sessions) as session:
            return await store.cancel(session, booking_id=first_booking.id, person_id=first,
                                      now=NOW, reminders=REMINDERS)

    moved = await asyncio.gather(cancel(), cancel(), cancel())  # a double tap, and one more
    assert [len(m) for m in sorted(moved, key=len)] == [0, 0, 1]
    assert [b.person_id for m in moved for b in m] == [third]
    assert await statuses(sessions, event_id) == ["booked", "booked", "cancelled", "waiting"]
    async with sessions() as session:
        told = (await session.scalars(select(OutboxMessage.person_id).where(
            OutboxMessage.push == "events:promoted"))).all()
    assert told == [third]


async def test_a_family_that_does_not_fit_keeps_its_place_while_a_single_moves_up(
        sessions) -> None:
    event_id = await event_of(sessions, cafe(capacity=3))
    a, b, family, single = await newcomers(sessions, 4)
    await book(sessions, event_id, a, seats=2)
    held = await book(sessions, event_id, b, seats=1)
    assert (await book(sessions, event_id, family, seats=3)).outcome == "waiting"
    assert (await book(sessions, event_id, single, seats=1)).outcome == "waiting"
    async with transaction(sessions) as session:
        moved = await store.cancel(session, booking_id=held.booking.id, person_id=b, now=NOW,
                                   reminders=REMINDERS)
    assert [m.person_id for m in moved] == [single]


async def test_seats_kept_for_locals_are_not_given_to_newcomers(sessions) -> None:
    event_id = await event_of(sessions, cafe(capacity=4, seats={"newcomer": 2, "local": 2}))
    n1, n2, n3, local = await newcomers(sessions, 4)
    assert [(await book(sessions, event_id, p)).outcome for p in (n1, n2, n3)] == [
        "booked", "booked", "waiting"]
    assert (await book(sessions, event_id, local, group="local")).outcome == "booked"


async def test_reminders_are_queued_once_and_withdrawn_with_the_booking(sessions) -> None:
    event_id = await event_of(sessions, cafe())
    [amal] = await newcomers(sessions, 1)
    booking = (await book(sessions, event_id, amal)).booking
    async with sessions() as session:
        queued = (await session.execute(select(OutboxMessage.push, OutboxMessage.due_at)
                                        .order_by(OutboxMessage.due_at))).all()
    start = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    assert [(p, d) for p, d in queued] == [("events:still_coming", start - timedelta(hours=24)),
                                           ("events:reminder", start - timedelta(hours=2))]
    async with transaction(sessions) as session:
        await store.cancel(session, booking_id=booking.id, person_id=amal, now=NOW,
                           reminders=REMINDERS)
    async with sessions() as session:
        left = (await session.scalars(select(OutboxMessage.status))).all()
    assert left == ["skipped", "skipped"]


async def test_a_cancelled_date_tells_everyone_booked_or_waiting(sessions) -> None:
    event_id = await event_of(sessions, cafe(capacity=1))
    a, b = await newcomers(sessions, 2)
    await book(sessions, event_id, a)
    await book(sessions, event_id, b)
    async with transaction(sessions) as session:
        assert await store.cancel_event(session, event_id, NOW) == 2
    async with sessions() as session:
        pushes = sorted((await session.execute(select(OutboxMessage.push, OutboxMessage.status)
                                               )).all())
    assert pushes == [("events:event_cancelled", "pending"), ("events:event_cancelled",
                                                               "pending"),
                      ("events:reminder", "skipped"), ("events:still_coming", "skipped")]
    assert (await book(sessions, event_id, a)).outcome == "cancelled"


async def test_a_repeating_series_is_stored_for_the_coming_weeks_once(sessions) -> None:
    weekly = cafe(repeat="FREQ=WEEKLY;BYDAY=TU", skip=["2026-12-08"])
    async with transaction(sessions) as session:
        first = await store.sync_series(session, [weekly], NOW, BERLIN)
        again = await store.sync_series(session, [weekly.model_copy(update={"capacity": 12})],
                                        NOW, BERLIN)
    assert (first.added, again.added, again.updated) == (7, 0, 7)  # 8 Tuesdays, one skipped
    async with sessions() as session:
        events, more = await store.upcoming(session, NOW, limit=3)
    assert [e.starts_at.astimezone(BERLIN).strftime("%d.%m. %H:%M") for e in events] == [
        "24.11. 18:00", "01.12. 18:00", "15.12. 18:00"] and more
    assert {e.capacity for e in events} == {12}


async def test_a_moved_date_tells_everyone_and_its_reminders_follow_the_new_time(
        sessions) -> None:
    event_id = await event_of(sessions, cafe())
    [amal] = await newcomers(sessions, 1)
    await book(sessions, event_id, amal)
    later = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    async with transaction(sessions) as session:
        assert await store.move_event(session, event_id, later, NOW, REMINDERS) == 1
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage.push, OutboxMessage.status,
                                             OutboxMessage.due_at)
                                      .order_by(OutboxMessage.id))).all()
    assert [(p, s) for p, s, _ in rows] == [
        ("events:still_coming", "skipped"), ("events:reminder", "skipped"),
        ("events:event_moved", "pending"),
        ("events:still_coming", "pending"), ("events:reminder", "pending")]
    assert rows[3][2] == later - timedelta(hours=24) and rows[4][2] == later - timedelta(hours=2)
