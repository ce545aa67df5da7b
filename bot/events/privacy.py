"""The events' privacy slice: /mydata shows every booking kept about the person, past and
cancelled ones included; erasing first releases their seats to the waitlist (the promoted
are told), then the bookings go with the person (ON DELETE CASCADE)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.tables import Booking, Event
from bot.engine.messages import N_
from bot.engine.model import Lines, Param, Text
from bot.events import store
from bot.feature import ActionContext, Erasure, PrivacySlice

BOOKING_STATES = {"booked": N_("booked"), "waiting": N_("on the waitlist"),
                  "cancelled": N_("cancelled")}


async def bookings(ctx: ActionContext) -> list[Param]:
    rows = (await ctx.db.execute(
        select(Booking, Event).join(Event, Event.id == Booking.event_id)
        .where(Booking.person_id == ctx.person.id).order_by(Event.starts_at))).all()
    if not rows:
        return [Text(N_("Bookings: none"))]
    items: list[Param] = [
        Text(N_("{title}, {when}: {status}; people: {people}, children: {children}")
             if not booking.first_name else
             N_("{title}, {when}: {status}; people: {people}, children: {children}; "
                "name on the list: {name}"),
             {"title": event.details["title"].get(ctx.lang)
              or next(iter(event.details["title"].values())),
              "when": event.starts_at, "status": Text(BOOKING_STATES[booking.status]),
              "people": booking.people, "children": booking.children,
              "name": booking.first_name or ""})
        for booking, event in rows]
    return [Text(N_("Bookings:\n{bookings}"), {"bookings": Lines(tuple(items))})]


async def release(erasure: Erasure) -> None:
    await store.release_all(erasure.session, erasure.person_ids, erasure.now,
                            erasure.settings.reminders)


SLICE = PrivacySlice("events", tables=("bookings",), show=bookings, erase=release)
