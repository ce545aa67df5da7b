"""What staff change, the one way whoever asks (`welcomebot events add|cancel|move`, the
console): a series saved (new, or edited without losing bookings), one date or a whole
series cancelled, one date moved. Everyone booked or waiting is told through the outbox;
each change is audited in the same transaction. Never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.db.tables import Booking, Event, EventSeries
from bot.events import store
from bot.events.series import HORIZON, Series
from bot.events.series_form import Stored, plan_edit


@dataclass(frozen=True)
class Saved:
    created: bool
    added: int
    """New dates stored."""
    updated: int
    """Stored dates whose details changed."""
    moved: int = 0
    """Booked dates that follow the new time (those booked were told)."""
    dropped: int = 0
    """Dates nobody had booked that the new times no longer have."""
    kept: list[int] | None = None
    """Booked dates the new times no longer have: they stay (ids), for staff to decide."""


async def save_series(session: AsyncSession, series: Series, now: dt.datetime, tz: ZoneInfo,
                      reminders: Sequence[dt.timedelta], *, who: str,
                      via: audit.Via) -> Saved:
    """Add the series, or change the one with its id: the coming dates take the new
    details; a date the new times move on the same day moves (people told); dates nobody
    booked that the new times lose go; booked ones stay (`Saved.kept`)."""
    existing = await session.get(EventSeries, series.id)
    moved = dropped = 0
    kept: list[int] = []
    if existing is not None:
        events = list(await session.scalars(select(Event).where(
            Event.series == series.id, Event.starts_at >= now, Event.status == "scheduled")))
        live = dict((await session.execute(
            select(Booking.event_id, func.count())
            .where(Booking.event_id.in_([e.id for e in events]),
                   Booking.status.in_(store.LIVE))
            .group_by(Booking.event_id))).all()) if events else {}
        starts = [start for start, _ in series.occurrences(tz, now, now + HORIZON)]
        plan = plan_edit([Stored(e.id, e.occurrence, e.starts_at, bool(live.get(e.id)))
                          for e in events], starts, tz)
        for event_id, new_start in plan.move:
            await store.move_event(session, event_id, new_start, now, reminders)
            event = await session.get(Event, event_id)
            assert event is not None
            event.occurrence = new_start
            event.ends_at = new_start + dt.timedelta(minutes=series.minutes)
        if plan.drop:
            await session.execute(delete(Event).where(Event.id.in_(plan.drop)))
        moved, dropped, kept = len(plan.move), len(plan.drop), plan.keep
        await session.flush()
    synced = await store.save_series(session, [series], now, tz)
    await audit.record(session, now, who=who, via=via,
                       action="events.add" if existing is None else "events.edit",
                       target=f"series:{series.id}",
                       detail=f"added={synced.added} updated={synced.updated} moved={moved} "
                              f"dropped={dropped} kept={len(kept)}")
    return Saved(existing is None, synced.added, synced.updated, moved, dropped, kept)


async def cancel(session: AsyncSession, now: dt.datetime, *, who: str, via: audit.Via,
                 event_id: int | None = None, series_id: str | None = None) -> int | None:
    """Cancel one date, or every coming date of a series (which stops). Everyone booked or
    waiting is told in their language. Returns how many bookings were told; None when
    there is no such date or series."""
    if series_id is not None:
        told = await store.end_series(session, series_id, now)
        target = f"series:{series_id}"
    else:
        assert event_id is not None
        if await session.get(Event, event_id) is None:
            return None
        told = await store.cancel_event(session, event_id, now)
        target = f"event:{event_id}"
    if told is not None:
        await audit.record(session, now, who=who, via=via, action="events.cancel",
                           target=target, detail=f"told={told}")
    return told


async def move(session: AsyncSession, event_id: int, starts_at: dt.datetime,
               now: dt.datetime, reminders: Sequence[dt.timedelta], *, who: str,
               via: audit.Via) -> int | None:
    """Move one date to `starts_at` (UTC; same length). Everyone booked or waiting is told;
    reminders follow. Returns how many were told; None when there is no such date."""
    if await session.get(Event, event_id) is None:
        return None
    told = await store.move_event(session, event_id, starts_at, now, reminders)
    await audit.record(session, now, who=who, via=via, action="events.move",
                       target=f"event:{event_id}",
                       detail=f"to={starts_at.isoformat()} told={told}")
    return told


def wall_time(text: str, tz: ZoneInfo) -> dt.datetime | None:
    """"2026-12-02 19:00" (or with a T) in the city's time -> UTC; None when not a time."""
    try:
        wall = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if wall.tzinfo is not None:
        return None
    return wall.replace(tzinfo=tz).astimezone(dt.UTC)
