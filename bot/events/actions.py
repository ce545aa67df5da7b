"""The actions of the events flows (flows/events.yaml, flows/events_staff.yaml).

Results are JSON kept in the conversation; the texts in them are messages for the reader's
language (`bot.engine.cursor.as_param`), rendered by the channel: dates in the person's
locale in Europe/Berlin time, plurals by CLDR ("1 seat left", Arabic's six forms).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.db.tables import Booking, Event
from bot.engine.messages import N_, NP_
from bot.engine.model import JSON
from bot.events import seating, store
from bot.events.calendar import ics, map_link
from bot.feature import Action, ActionContext

PAGE = 4
"""Events per page: each is five or six lines on a phone."""

KIND_NAMES = {"dialogue": N_("Refugee Dialogue"), "language_cafe": N_("Language café")}
AUDIENCE = {"women": N_("👩 For women only"), "families": N_("👨‍👩‍👧 For families"),
            "youth": N_("🧑 For young people")}
FEATURES = {"childcare": N_("🧸 Childcare available"),
            "interpreter": N_("🗣 Interpreters are there"),
            "wheelchair": N_("♿ Wheelchair accessible")}
SEATS_LEFT = NP_("{count} seat left", "{count} seats left")
FULL = N_("Full – you can join the waitlist")
WHEN = NP_("📅 {when} ({count} minute)", "📅 {when} ({count} minutes)")
SPOKEN = N_("🗣 Spoken: {languages}")
MORE = N_("➡️ More events")
DISTRICT = N_("📍 Choose a part of the city")
ALL_DISTRICTS = N_("📍 All parts of the city")
BACK = N_("⬅️ Back")
BACK_TO_LIST = N_("⬅️ Back to the list")
NO_CHILDREN = N_("No children")
ONLY_MINE = N_("🗣 Only in my language")
ALL_LANGUAGES = N_("🌐 In all languages")
BOOK = N_("✅ Book a seat")
WAITLIST = N_("⏳ Join the waitlist")
WAITING_LINE = N_("⏳ On the waitlist: {title}, {when}")
BOOKED_LINE = NP_("✅ {title}, {when} – {count} person", "✅ {title}, {when} – {count} people")
ATTENDEE = N_("{n}. {person} – {people} ({children} children) {group}")
STAFF_LINE = N_("{title}, {when}: {booked} of {capacity} seats booked, {waiting} waiting")


def _msg(msgid: str, **params: JSON) -> dict[str, JSON]:
    return {"msgid": msgid, "params": params}


def _plural(pair: tuple[str, str], count: int, **params: JSON) -> dict[str, JSON]:
    return {"msgid": pair[0], "plural": pair[1], "count": "count",
            "params": {"count": count, **params}}


def _in(values: Mapping[str, str], ctx: ActionContext) -> str:
    """A content text in the person's language, or along the fallback chain."""
    settings = ctx.deps.settings
    for lang in (ctx.lang, settings.default_language, "en", *values):
        if values.get(lang):
            return values[lang].replace("{", "(").replace("}", ")")
    return ""


def _when(event: Event) -> dict[str, JSON]:
    return {"datetime": event.starts_at.isoformat()}


def _spoken(ctx: ActionContext, details: Mapping[str, Any]) -> dict[str, JSON]:
    """The languages spoken there, named in the reader's language: "German, Arabic, and
    Persian", "الألمانية والعربية والفارسية" (their own names, "Deutsch, العربية", would mix
    scripts the reader may not read into the line)."""
    tr = ctx.deps.catalogs.translator(ctx.lang)
    return _msg(SPOKEN, languages=tr.language_names(details.get("languages", [])))


def _seats(event: Event, taken: Mapping[str, int]) -> dict[str, JSON]:
    left = seating.free_seats(event.capacity, taken)
    return _plural(SEATS_LEFT, left) if left else _msg(FULL)


def _card(ctx: ActionContext, event: Event, taken: Mapping[str, int] | None) -> list[JSON]:
    details = event.details
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    lines: list[JSON] = [
        f"{_in(details['title'], ctx)}",
        _msg(KIND_NAMES.get(event.kind, event.kind)),
        _plural(WHEN, minutes, when=_when(event)),
        f"📍 {details['place']}, {details['address']}",
        f"🗺 {map_link(details['address'])}",
        _spoken(ctx, details),
    ]
    if details.get("audience") in AUDIENCE:
        lines.append(_msg(AUDIENCE[details["audience"]]))
    lines += [_msg(FEATURES[f]) for f in details.get("features", []) if f in FEATURES]
    if taken is not None:
        lines.append(_seats(event, taken))
    description = _in(details.get("description") or {}, ctx)
    if description:
        lines += ["", description]
    return lines


def _summary(ctx: ActionContext, n: int, event: Event,
             taken: Mapping[str, int]) -> list[JSON]:
    """An event in a list: fewer lines than its card."""
    details = event.details
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    lines: list[JSON] = [
        f"{n}. {_in(details['title'], ctx)}",
        _plural(WHEN, minutes, when=_when(event)),
        f"📍 {details['place']} ({details['district']})",
        _spoken(ctx, details),
    ]
    if details.get("audience") in AUDIENCE:
        lines.append(_msg(AUDIENCE[details["audience"]]))
    lines.append(_seats(event, taken))
    return lines


def _calendar(ctx: ActionContext, event: Event, booking: Booking) -> dict[str, JSON]:
    details = event.details
    return {
        "name": f"{event.series}-{event.starts_at:%Y%m%d}.ics", "type": "text/calendar",
        "content": ics(uid=f"event-{event.id}-booking-{booking.id}@welcomebot",
                       title=_in(details["title"], ctx), starts_at=event.starts_at,
                       ends_at=event.ends_at, place=details["place"],
                       address=details["address"],
                       description=_in(details.get("description") or {}, ctx), now=ctx.now)}


def _int(value: JSON, default: int = 0) -> int:
    try:
        return int(str(value).rsplit(":", 1)[-1])
    except (TypeError, ValueError):
        return default


# -- browsing -------------------------------------------------------------------------------
async def browse(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.browse {kind, spoken, page, turn}`: a page of upcoming events, soonest first.

    kind: dialogue | language_cafe | anything else for all; spoken: "mine" for only events
    where the person's language is spoken; turn: "next" for the page after `page`.
    Result: `listing` (the events, numbered), `buttons` (one per event, "event:<id>", then
    "more" and the language filter), `empty`, and `page` and `spoken` to turn pages with.
    """
    session = ctx.db
    kind = args.get("kind") if args.get("kind") in ("dialogue", "language_cafe") else None
    page = _int(args.get("page"), 0) + 1 if args.get("turn") == "next" else 0
    only_mine = args.get("spoken") == "mine"
    district = await _district(ctx, args.get("district"))
    events, more = await store.upcoming(session, ctx.now, kind=str(kind) if kind else None,
                                        language=ctx.lang if only_mine else None,
                                        district=district, limit=PAGE, offset=page * PAGE)
    taken = await store.taken(session, [e.id for e in events])
    listing: list[JSON] = []
    buttons: list[JSON] = []
    for n, event in enumerate(events, page * PAGE + 1):
        listing.append(_summary(ctx, n, event, taken[event.id]))
        listing.append("")
        buttons.append({"label": f"{n}. {_in(event.details['title'], ctx)}"[:60],
                        "value": f"event:{event.id}"})
    if more:
        buttons.append({"label": MORE, "value": "more"})
    buttons.append({"label": ALL_LANGUAGES if only_mine else ONLY_MINE,
                    "value": "all_languages" if only_mine else "my_language"})
    buttons.append({"label": DISTRICT, "value": "district"})
    buttons.append({"label": BACK, "value": "back"})  # last, so "1" is the first event
    return {"listing": listing[:-1], "buttons": buttons, "empty": not events,
            "page": page, "more": more, "spoken": "mine" if only_mine else "all",
            "district": district}


async def _district(ctx: ActionContext, chosen: JSON) -> str | None:
    """A district by name, or by its place in `districts` ("d:2"; button values are short
    ASCII, district names need not be)."""
    if not isinstance(chosen, str) or not chosen or chosen == "d:all":
        return None
    if chosen.startswith("d:"):
        names = await store.districts(ctx.db, ctx.now)
        index = _int(chosen, -1)
        return names[index] if 0 <= index < len(names) else None
    return chosen


async def districts(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.districts`: a button for each district with coming events, and "all"."""
    names = await store.districts(ctx.db, ctx.now)
    return {"buttons": [{"label": name, "value": f"d:{n}"} for n, name in enumerate(names)]
            + [{"label": ALL_DISTRICTS, "value": "d:all"}]}


async def show(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.show {event}`: one event's card, and what the person can do there."""
    session = ctx.db
    event = await session.get(Event, _int(args.get("event")))
    if event is None or event.status != "scheduled" or event.starts_at <= ctx.now:
        return {"found": False}
    taken = (await store.taken(session, [event.id]))[event.id]
    group = _group(ctx)
    fits = seating.seats_left(event.capacity, event.seats, taken, group) > 0
    tr = ctx.deps.catalogs.translator(ctx.lang)
    return {"found": True, "event": event.id, "card": _card(ctx, event, taken),
            "buttons": [{"label": BOOK if fits else WAITLIST, "value": "book"},
                        {"label": BACK_TO_LIST, "value": "back"}],
            "people": [{"label": tr.number(n), "value": str(n)} for n in range(1, 6)],
            "children": [{"label": NO_CHILDREN, "value": "0"}]
            + [{"label": tr.number(n), "value": str(n)} for n in range(1, 5)],
            "ask_group": bool(event.seats) and ctx.person.role == "newcomer"}


def _group(ctx: ActionContext, chosen: JSON = None) -> str:
    if chosen in ("newcomer", "local"):
        return str(chosen)
    return "local" if ctx.person.role in ("volunteer", "staff", "admin") else "newcomer"


ONLY_LEFT = NP_("Only {count} seat is left for this event.",
               "Only {count} seats are left for this event.")
AT_MOST = NP_("At most {count} person can come to this event.",
              "At most {count} people can come to this event.")
BOOK_LEFT = NP_("✅ Book {count} seat", "✅ Book {count} seats")
WAITLIST_FOR = NP_("⏳ Waitlist for {count} person", "⏳ Waitlist for {count} people")


async def seats(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.seats {event, people, decided}`: whether `people` fit. When fewer seats are
    left (`short`), `text` says how many and `options` offers booking those or the waitlist
    for all (the waitlist only when that many may come at all); `children`: the choices of
    how many of them are children (the one booking comes too). `decided`: the person chose
    among the options already."""
    event = await ctx.db.get(Event, _int(args.get("event")))
    people = max(1, _int(args.get("people"), 1))
    tr = ctx.deps.catalogs.translator(ctx.lang)
    children: list[JSON] = [{"label": NO_CHILDREN, "value": "0"}] + [
        {"label": tr.number(n), "value": str(n)} for n in range(1, people)]
    if event is None:
        return {"short": False, "children": children}
    taken = (await store.taken(ctx.db, [event.id]))[event.id]
    left = seating.seats_left(event.capacity, event.seats, taken, _group(ctx))
    too_many = people > event.capacity
    short = not args.get("decided") and (too_many or 0 < left < people)
    options: list[JSON] = []
    if 0 < left < people:
        options.append({"label": tr.ngettext(*BOOK_LEFT, left).format(count=tr.number(left)),
                        "value": str(left)})
    if not too_many:
        options.append({"label": tr.ngettext(*WAITLIST_FOR, people).format(
            count=tr.number(people)), "value": str(people)})
    text = _plural(AT_MOST, event.capacity) if too_many else _plural(ONLY_LEFT, left)
    return {"short": short, "text": text, "options": options, "children": children}


async def book(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.book {event, people, children, group, first_name}`: a seat or a place on the
    waitlist, under the first name given (else the one the last booking went under).
    `outcome`: booked | waiting | already | past | cancelled | unknown | too_many."""
    session = ctx.db
    people = _int(args.get("people"), 1)
    name = args.get("first_name")
    if name == SKIP_NAME:  # the Skip button of the name question
        name = None
    result = await store.book(
        session, event_id=_int(args.get("event")), person_id=ctx.person.id,
        group=_group(ctx, args.get("group")), people=people,
        children=min(_int(args.get("children"), 0), people), now=ctx.now,
        reminders=ctx.deps.settings.reminders,
        first_name=name if isinstance(name, str) else None)
    answer: dict[str, JSON] = {"outcome": result.outcome}
    if result.event is not None:
        answer["card"] = _card(ctx, result.event, None)
        answer["title"] = _in(result.event.details["title"], ctx)
        answer["when"] = _when(result.event)
    if result.outcome == "booked" and result.booking is not None and result.event is not None:
        answer["calendar"] = _calendar(ctx, result.event, result.booking)
    return answer


async def name_known(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.name_known`: whether a booking of the person's already went under a first
    name (then it is not asked again)."""
    return {"known": await store.booking_name(ctx.db, ctx.person.id) is not None}


# -- the person's bookings ------------------------------------------------------------------
async def mine(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.mine`: the person's bookings and waitlist places still to come, each with a
    button to cancel it ("booking:<id>")."""
    rows = await store.mine(ctx.db, ctx.person.id, ctx.now)
    lines: list[JSON] = []
    buttons: list[JSON] = []
    for booking, event in rows:
        title = _in(event.details["title"], ctx)
        if booking.status == "booked":
            lines.append(_plural(BOOKED_LINE, booking.people, title=title, when=_when(event)))
        else:
            lines.append(_msg(WAITING_LINE, title=title, when=_when(event)))
        buttons.append({"label": f"❌ {title}"[:60], "value": f"booking:{booking.id}"})
    buttons.append({"label": BACK, "value": "back"})
    return {"lines": lines, "buttons": buttons, "empty": not rows}


async def about_booking(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.about_booking {booking}`: the event of one of the person's bookings (for the
    cancel question, reminders and "you got a seat"). `live`: still booked or waiting."""
    session = ctx.db
    booking = await session.get(Booking, _int(args.get("booking")))
    if booking is None or booking.person_id != ctx.person.id:
        return {"live": False}
    event = await session.get(Event, booking.event_id)
    assert event is not None
    live = booking.status in store.LIVE and event.status == "scheduled"
    answer: dict[str, JSON] = {
        "live": live, "status": booking.status, "booking": booking.id,
        "title": _in(event.details["title"], ctx), "when": _when(event),
        "card": _card(ctx, event, None)}
    if booking.status == "booked":
        answer["calendar"] = _calendar(ctx, event, booking)
    return answer


async def about_event(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.about_event {event}`: title and time of an event (cancelled or moved)."""
    event = await ctx.db.get(Event, _int(args.get("event")))
    if event is None:
        return {"found": False}
    return {"found": True, "title": _in(event.details["title"], ctx), "when": _when(event),
            "card": _card(ctx, event, None)}


async def cancel(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.cancel {booking}`: the person cancels; the seat goes to the waitlist."""
    session = ctx.db
    booking_id = _int(args.get("booking"))
    booking = await session.get(Booking, booking_id)
    was_live = booking is not None and booking.status in store.LIVE
    await store.cancel(session, booking_id=booking_id, person_id=ctx.person.id, now=ctx.now,
                       reminders=ctx.deps.settings.reminders)
    return {"cancelled": was_live}


# -- staff ----------------------------------------------------------------------------------
async def overview(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.overview`: staff see the coming events with their numbers."""
    session = ctx.db
    events, _ = await store.upcoming(session, ctx.now, limit=12)
    taken = await store.taken(session, [e.id for e in events])
    waiting = await store.waiting_counts(session, [e.id for e in events])
    lines: list[JSON] = []
    buttons: list[JSON] = []
    for n, event in enumerate(events, 1):
        title = _in(event.details["title"], ctx)
        lines.append(_msg(STAFF_LINE, title=f"{n}. {title}", when=_when(event),
                          booked=sum(taken[event.id].values()), capacity=event.capacity,
                          waiting=waiting.get(event.id, 0)))
        # The terminal numbers buttons itself ("[2] ..."): a number of ours would disagree.
        buttons.append({"label": title[:60], "value": f"event:{event.id}"})
    return {"lines": lines, "buttons": buttons, "empty": not events}


async def attendee_list(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`events.attendees {event}`: who comes (booked first, then the waitlist in order)."""
    session = ctx.db
    event = await session.get(Event, _int(args.get("event")))
    if event is None:
        return {"found": False}
    rows = await store.attendees(session, event.id)
    lines: list[JSON] = [
        _msg(ATTENDEE, n=n, person=row.called, people=row.people, children=row.children,
             group=_msg(GROUP_NAMES[row.group]) if row.group in GROUP_NAMES else row.group)
        if row.status == "booked" else
        _msg(WAITING_ATTENDEE, n=n, person=row.called, people=row.people)
        for n, row in enumerate(rows, 1)]
    return {"found": True, "title": _in(event.details["title"], ctx), "when": _when(event),
            "lines": lines, "empty": not rows}


GROUP_NAMES = {"newcomer": N_("(new in the city)"), "local": N_("(local)")}
WAITING_ATTENDEE = N_("{n}. ⏳ {person} – {people} (waiting)")


SKIP_NAME = "skip"


ACTIONS = {
    "events.browse": Action(browse),
    "events.show": Action(show),
    "events.seats": Action(seats),
    "events.districts": Action(districts),
    "events.book": Action(book),
    "events.name_known": Action(name_known),
    "events.mine": Action(mine),
    "events.about_booking": Action(about_booking),
    "events.about_event": Action(about_event),
    "events.cancel": Action(cancel),
    "events.overview": Action(overview),
    "events.attendees": Action(attendee_list),
}
