"""Events and bookings in the database. Functions take the caller's session and never commit.

Booking and cancelling lock the event's row first (PostgreSQL: `FOR UPDATE`; SQLite: the
transaction already holds the database's write lock), then count and decide with
`bot.events.seating`: fifty people booking the last ten seats at once get ten seats and
forty places on the waitlist, whatever the timing. What is sent because of a change (a
reminder, "you got a seat") is queued in the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Booking, Event, EventSeries, Person
from bot.delivery import outbox
from bot.events import seating
from bot.events.series import HORIZON, Series

LIVE = ("booked", "waiting")

Outcome = Literal["booked", "waiting", "already", "past", "cancelled", "unknown", "too_many"]


@dataclass(frozen=True)
class Booked:
    outcome: Outcome
    booking: Booking | None = None
    event: Event | None = None


@dataclass(frozen=True)
class Synced:
    added: int
    updated: int


# -- events ---------------------------------------------------------------------------------
def _seats(series: Series) -> dict[str, int]:
    return {str(group): n for group, n in series.seats.items()}


def _details(series: Series) -> dict[str, Any]:
    return series.model_dump(mode="json", include={
        "title", "description", "place", "address", "district", "languages", "audience",
        "features"})


async def save_series(session: AsyncSession, all_series: Iterable[Series], now: dt.datetime,
                      tz: ZoneInfo) -> Synced:
    """Keep these series (new, or changed by id) and store their coming dates. A series
    given without review stamps (a file, `welcomebot events import`) keeps those stored
    (`Series.reviews`, stamped in the console): a translation is then stale, not unreviewed,
    when its source changed."""
    series_list = list(all_series)
    for series in series_list:
        stored = await session.get(EventSeries, series.id)
        if stored is not None and not series.reviews and stored.definition.get("reviews"):
            series = series.model_copy(update={
                "reviews": Series.model_validate(stored.definition).reviews})
        definition = series.model_dump(mode="json")
        if stored is None:
            session.add(EventSeries(id=series.id, definition=definition, active=True))
        else:
            stored.definition, stored.active = definition, True
    await session.flush()
    return await sync_series(session, series_list, now, tz)


async def extend_all(session: AsyncSession, now: dt.datetime, tz: ZoneInfo) -> Synced:
    """The daily job: dates of every active series up to `HORIZON` ahead."""
    rows = await session.scalars(select(EventSeries).where(EventSeries.active.is_(True)))
    return await sync_series(session, [Series.model_validate(r.definition) for r in rows],
                             now, tz)


async def end_series(session: AsyncSession, series_id: str, now: dt.datetime) -> int | None:
    """Staff stop a whole series: its coming dates are cancelled (and people told).
    None when there is no such series."""
    stored = await session.get(EventSeries, series_id)
    if stored is None:
        return None
    stored.active = False
    told = 0
    for event_id in (await session.scalars(select(Event.id).where(
            Event.series == series_id, Event.starts_at > now,
            Event.status == "scheduled"))).all():
        told += await cancel_event(session, event_id, now)
    return told


async def sync_series(session: AsyncSession, all_series: Iterable[Series], now: dt.datetime,
                      tz: ZoneInfo) -> Synced:
    """Store the coming occurrences of each series (up to `HORIZON` ahead). Occurrences
    already stored get the series' new details and capacity; their dates, which staff may
    have moved one by one, and their bookings stay."""
    added = updated = 0
    for series in all_series:
        stored = {e.occurrence: e for e in await session.scalars(
            select(Event).where(Event.series == series.id, Event.starts_at >= now))}
        for start, end in series.occurrences(tz, now, now + HORIZON):
            event = stored.get(start)
            if event is None:
                session.add(Event(series=series.id, occurrence=start, kind=series.kind,
                                  details=_details(series), starts_at=start, ends_at=end,
                                  capacity=series.capacity, seats=_seats(series),
                                  status="scheduled"))
                added += 1
            elif (event.details, event.capacity, event.seats) != (
                    _details(series), series.capacity, _seats(series)):
                event.details = _details(series)
                event.capacity = series.capacity
                event.seats = _seats(series)
                updated += 1
    await session.flush()
    return Synced(added, updated)


async def taken(session: AsyncSession, event_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Booked seats of each event, by group."""
    rows = await session.execute(
        select(Booking.event_id, Booking.group, func.sum(Booking.people))
        .where(Booking.event_id.in_(event_ids), Booking.status == "booked")
        .group_by(Booking.event_id, Booking.group))
    result: dict[int, dict[str, int]] = {i: {} for i in event_ids}
    for event_id, group, seats in rows.all():
        result[event_id][group] = int(seats)
    return result


async def waiting_counts(session: AsyncSession, event_ids: Sequence[int]) -> dict[int, int]:
    """People on the waitlist of each event."""
    rows = await session.execute(
        select(Booking.event_id, func.sum(Booking.people))
        .where(Booking.event_id.in_(event_ids), Booking.status == "waiting")
        .group_by(Booking.event_id))
    return {event_id: int(count) for event_id, count in rows.all()}


async def upcoming(session: AsyncSession, now: dt.datetime, *, kind: str | None = None,
                   district: str | None = None, language: str | None = None,
                   limit: int = 5, offset: int = 0) -> tuple[list[Event], bool]:
    """Scheduled events that have not started, soonest first, and whether more follow.
    `language`: only those where it is spoken or interpreted."""
    query = (select(Event).where(Event.status == "scheduled", Event.starts_at > now)
             .order_by(Event.starts_at, Event.id))
    if kind:
        query = query.where(Event.kind == kind)
    events = list(await session.scalars(query))
    if district:
        events = [e for e in events if e.details.get("district") == district]
    if language:
        events = [e for e in events if language in e.details.get("languages", ())]
    return events[offset:offset + limit], len(events) > offset + limit


async def districts(session: AsyncSession, now: dt.datetime) -> list[str]:
    events = await session.scalars(select(Event).where(Event.status == "scheduled",
                                                       Event.starts_at > now))
    return sorted({e.details.get("district", "") for e in events} - {""})


# -- bookings -------------------------------------------------------------------------------
async def _locked_event(session: AsyncSession, event_id: int) -> Event | None:
    return await session.scalar(select(Event).where(Event.id == event_id).with_for_update())


async def _waiting(session: AsyncSession, event_id: int) -> list[Booking]:
    return list(await session.scalars(
        select(Booking).where(Booking.event_id == event_id, Booking.status == "waiting")
        .order_by(Booking.created_at, Booking.id)))


async def book(session: AsyncSession, *, event_id: int, person_id: int, group: str,
               people: int, children: int, now: dt.datetime,
               reminders: Sequence[dt.timedelta], first_name: str | None = None) -> Booked:
    """A seat for `people` (children included), or a place on the waitlist when too few
    are left. A person has one booking per event: a second try says `already`. The
    booking goes under `first_name`, else the name of the person's last booking that had
    one (`booking_name`)."""
    event = await _locked_event(session, event_id)
    if event is None:
        return Booked("unknown")
    if event.status != "scheduled":
        return Booked("cancelled", event=event)
    if event.starts_at <= now:
        return Booked("past", event=event)
    if people < 1 or people > event.capacity or not 0 <= children <= people:
        return Booked("too_many", event=event)
    existing = await session.scalar(select(Booking).where(
        Booking.event_id == event_id, Booking.person_id == person_id,
        Booking.status.in_(LIVE)))
    if existing is not None:
        return Booked("already", existing, event)
    now_taken = (await taken(session, [event_id]))[event_id]
    # Those waiting are people for whom the free seats are too few (a freed seat goes to
    # them at once, in `_promote`), so whoever fits now may take it.
    fits = seating.seats_left(event.capacity, event.seats, now_taken, group) >= people
    status: Literal["booked", "waiting"] = "booked" if fits else "waiting"
    name = (first_name or "").strip()[:40] or await booking_name(session, person_id)
    booking = Booking(event_id=event_id, person_id=person_id, group=group, people=people,
                      children=children, first_name=name, status=status, created_at=now,
                      changed_at=now)
    session.add(booking)
    await session.flush()
    if status == "booked":
        await _queue_reminders(session, booking, event, now, reminders)
    return Booked(status, booking, event)


async def booking_name(session: AsyncSession, person_id: int) -> str | None:
    """The first name the person's last booking with one went under (asked once, at the
    first booking, and used again)."""
    return await session.scalar(
        select(Booking.first_name)
        .where(Booking.person_id == person_id, Booking.first_name.is_not(None))
        .order_by(Booking.created_at.desc(), Booking.id.desc()).limit(1))


async def cancel(session: AsyncSession, *, booking_id: int, person_id: int | None,
                 now: dt.datetime, reminders: Sequence[dt.timedelta]) -> list[Booking]:
    """Cancel a booking (or a place on the waitlist): the person cancels, says "no" to
    "still coming?", or staff remove it (`person_id` None). See `release`."""
    booking = await session.get(Booking, booking_id)
    if booking is None or (person_id is not None and booking.person_id != person_id):
        return []
    return await release(session, booking, now, reminders)


async def release(session: AsyncSession, booking: Booking, now: dt.datetime,
                  reminders: Sequence[dt.timedelta]) -> list[Booking]:
    """The one way a seat is freed: whoever cancels, is erased, withdraws consent or is
    removed by staff. The booking (or place on the waitlist) ends, its reminders are taken
    back, and the freed seats go to those waiting, in the order they asked, who are told
    (`events:promoted`). Returns who moved up."""
    if booking.status not in LIVE:
        return []
    event = await _locked_event(session, booking.event_id)
    assert event is not None
    await session.refresh(booking)  # as it is now that the event is locked
    if booking.status not in LIVE:
        return []
    freed = booking.status == "booked"
    booking.status, booking.changed_at = "cancelled", now
    await outbox.withdraw(session, f"events:remind:{booking.id}:", now)
    await session.flush()
    if not freed or event.status != "scheduled" or event.starts_at <= now:
        return []
    return await _promote(session, event, now, reminders)


async def release_all(session: AsyncSession, person_ids: Sequence[int], now: dt.datetime,
                      reminders: Sequence[dt.timedelta]) -> int:
    """`release` every live booking of these people (they are being erased, or withdrew
    their consent). Returns how many people moved up from waitlists."""
    bookings = list(await session.scalars(
        select(Booking).where(Booking.person_id.in_(person_ids), Booking.status.in_(LIVE))
        .order_by(Booking.id)))
    promoted = 0
    for booking in bookings:
        promoted += len(await release(session, booking, now, reminders))
    return promoted


async def _promote(session: AsyncSession, event: Event, now: dt.datetime,
                   reminders: Sequence[dt.timedelta]) -> list[Booking]:
    waiting = await _waiting(session, event.id)
    now_taken = (await taken(session, [event.id]))[event.id]
    chosen = set(seating.promotions(
        event.capacity, event.seats, now_taken,
        [seating.Waiting(b.id, b.group, b.people) for b in waiting]))
    promoted = [b for b in waiting if b.id in chosen]
    for booking in promoted:
        booking.status, booking.changed_at = "booked", now
        await outbox.queue(session, key=f"events:promoted:{booking.id}",
                           person_id=booking.person_id, push="events:promoted",
                           payload={"booking": booking.id}, due_at=now)
        await _queue_reminders(session, booking, event, now, reminders)
    await session.flush()
    return promoted


async def _queue_reminders(session: AsyncSession, booking: Booking, event: Event,
                           now: dt.datetime, reminders: Sequence[dt.timedelta]) -> None:
    """The first reminder asks "still coming?"; the later ones only remind. Keys carry the
    start time: moving the event makes new reminders, cancelling withdraws them."""
    for n, before in enumerate(sorted(reminders, reverse=True)):
        due = event.starts_at - before
        if due <= now:
            continue
        minutes = int(before.total_seconds() // 60)
        await outbox.queue(
            session,
            key=f"events:remind:{booking.id}:{event.starts_at:%Y%m%dT%H%M}:{minutes}",
            person_id=booking.person_id,
            push="events:still_coming" if n == 0 else "events:reminder",
            payload={"booking": booking.id}, due_at=due)


async def mine(session: AsyncSession, person_id: int, now: dt.datetime
               ) -> list[tuple[Booking, Event]]:
    """A person's live bookings of events still to come, soonest first."""
    rows = await session.execute(
        select(Booking, Event).join(Event, Event.id == Booking.event_id)
        .where(Booking.person_id == person_id, Booking.status.in_(LIVE),
               Event.starts_at > now, Event.status == "scheduled")
        .order_by(Event.starts_at))
    return [(b, e) for b, e in rows.all()]


# -- staff ----------------------------------------------------------------------------------
async def cancel_event(session: AsyncSession, event_id: int, now: dt.datetime) -> int:
    """Staff cancel one date: everyone booked or waiting is told. Returns how many."""
    event = await _locked_event(session, event_id)
    if event is None or event.status == "cancelled":
        return 0
    event.status = "cancelled"
    bookings = list(await session.scalars(select(Booking).where(
        Booking.event_id == event_id, Booking.status.in_(LIVE))))
    for booking in bookings:
        booking.status, booking.changed_at = "cancelled", now
        await outbox.withdraw(session, f"events:remind:{booking.id}:", now)
        await outbox.queue(session, key=f"events:event_cancelled:{booking.id}",
                           person_id=booking.person_id, push="events:event_cancelled",
                           payload={"event": event.id}, due_at=now)
    await session.flush()
    return len(bookings)


async def move_event(session: AsyncSession, event_id: int, starts_at: dt.datetime,
                     now: dt.datetime, reminders: Sequence[dt.timedelta]) -> int:
    """Staff move one date (same length): the booked and waiting are told; reminders follow
    the new time. Returns how many were told."""
    event = await _locked_event(session, event_id)
    if event is None or event.status == "cancelled":
        return 0
    length = event.ends_at - event.starts_at
    event.starts_at, event.ends_at = starts_at, starts_at + length
    bookings = list(await session.scalars(select(Booking).where(
        Booking.event_id == event_id, Booking.status.in_(LIVE))))
    for booking in bookings:
        await outbox.withdraw(session, f"events:remind:{booking.id}:", now)
        await outbox.queue(session, key=f"events:moved:{booking.id}:{starts_at:%Y%m%dT%H%M}",
                           person_id=booking.person_id, push="events:event_moved",
                           payload={"event": event.id}, due_at=now)
        if booking.status == "booked":
            await _queue_reminders(session, booking, event, now, reminders)
    await session.flush()
    return len(bookings)


@dataclass(frozen=True)
class Attendee:
    booking_id: int
    person: str
    """channel:id, as staff address people in the CLI."""
    group: str
    people: int
    children: int
    status: str
    booked_at: dt.datetime
    first_name: str | None = None
    """The name the booking went under, if the person gave one."""

    @property
    def called(self) -> str:
        """How a list names them: "Amira (telegram:123)", or the chat alone."""
        return f"{self.first_name} ({self.person})" if self.first_name else self.person


async def attendees(session: AsyncSession, event_id: int) -> list[Attendee]:
    """Booked first, then the waitlist in its order."""
    rows = await session.execute(
        select(Booking, Person.channel, Person.external_id)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.event_id == event_id, Booking.status.in_(LIVE))
        .order_by(Booking.status, Booking.created_at, Booking.id))
    return [Attendee(b.id, f"{channel}:{external}", b.group, b.people, b.children, b.status,
                     b.created_at, b.first_name) for b, channel, external in rows.all()]
