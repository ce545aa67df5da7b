"""Actions behind the consent question, /mydata and /delete."""

from __future__ import annotations

from collections.abc import Mapping

from bot.buddies import privacy as buddies
from bot.db import people
from bot.engine.cursor import as_param
from bot.engine.messages import N_, NP_
from bot.engine.model import JSON, Lines, Param, Text, Verbatim
from bot.runtime import Action, ActionContext

ROLE_NAMES = {
    "newcomer": N_("newcomer"),
    "volunteer": N_("volunteer"),
    "staff": N_("staff"),
    "admin": N_("administrator"),
}
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "Terminal"}


RETENTION = NP_("{n} day", "{n} days")


def retention(days: int) -> Text:
    """"365 days" with the plural form each language needs (flows show it as
    `settings.retention`)."""
    return Text(RETENTION[0], {"n": days}, plural=RETENTION[1], count="n")


async def consent(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`privacy.consent {given: true|false}`: record the answer and when it was given."""
    ctx.person.consent = "given" if args.get("given") else "declined"
    ctx.person.consent_at = ctx.now
    ctx.person.consent_source = "chat"


async def export(ctx: ActionContext, args: Mapping[str, JSON]) -> Lines:
    """`privacy.export`: everything stored about the person, as lines to show them."""
    person = ctx.person
    endonyms = ctx.deps.catalogs.endonyms()
    lines: list[Param] = [
        Text(N_("Chat: {channel}, ID {id}"),
             {"channel": CHANNEL_NAMES.get(person.channel, person.channel),
              "id": person.external_id}),
        Text(N_("Language: {language}"),
             {"language": Verbatim(endonyms.get(person.locale or "", person.locale or "-"))}),
        Text(N_("Role: {role}"), {"role": Text(ROLE_NAMES.get(person.role, person.role))}),
    ]
    if person.consent == "given" and person.consent_at:
        lines.append(Text(N_("Consent: given on {date}"), {"date": person.consent_at}))
    elif person.consent == "declined" and person.consent_at:
        lines.append(Text(N_("Consent: declined on {date}"), {"date": person.consent_at}))
    else:
        lines.append(Text(N_("Consent: not asked yet")))
    lines += [
        Text(N_("First contact: {date}"), {"date": person.created_at}),
        Text(N_("Last message: {date}"), {"date": person.last_seen_at}),
    ]
    answers = [
        Lines((Verbatim(name), Verbatim(str(value))), sep=": ")
        for values in ctx.state.vars.values()
        for name, value in values.items()
        # What the person entered; the bot's own lookups (lists of buttons, event cards)
        # are kept beside them, but are not about the person.
        if isinstance(value, str | int | float | bool)
    ]
    lines.append(Text(N_("Part of town: {name}"),
                      {"name": Verbatim(person.district) if person.district
                       else Text(N_("not given"))}))
    if ctx.session is not None:
        lines += await _topics(ctx)
        lines += await _bookings(ctx)
        lines.append(as_param(await buddies.about(ctx.session, person.id, person.district)))
    if answers:
        lines.append(Text(N_("Answers in the conversation right now:\n{answers}"),
                          {"answers": Lines(tuple(answers))}))
    else:
        lines.append(Text(N_("Answers in the conversation right now: none")))
    return Lines(tuple(lines))


async def _topics(ctx: ActionContext) -> list[Param]:
    from bot.notices import topics

    assert ctx.session is not None
    mine = await topics.of(ctx.session, ctx.person.id)
    if not mine:
        return [Text(N_("Notices: none"))]
    return [Text(N_("Notices about: {topics}"), {"topics": Lines(
        tuple(Text(name) for topic, name in topics.TOPICS.items() if topic in mine),
        sep=", ")})]


async def _bookings(ctx: ActionContext) -> list[Param]:
    """Every booking kept about the person, past and cancelled ones included."""
    from sqlalchemy import select

    from bot.db.tables import Booking, Event

    assert ctx.session is not None
    rows = (await ctx.session.execute(
        select(Booking, Event).join(Event, Event.id == Booking.event_id)
        .where(Booking.person_id == ctx.person.id).order_by(Event.starts_at))).all()
    if not rows:
        return [Text(N_("Bookings: none"))]
    items: list[Param] = [
        Text(N_("{title}, {when}: {status}; people: {people}, children: {children}"),
             {"title": event.details["title"].get(ctx.lang)
              or next(iter(event.details["title"].values())),
              "when": event.starts_at, "status": Text(BOOKING_STATES[booking.status]),
              "people": booking.people, "children": booking.children})
        for booking, event in rows]
    return [Text(N_("Bookings:\n{bookings}"), {"bookings": Lines(tuple(items))})]


BOOKING_STATES = {"booked": N_("booked"), "waiting": N_("on the waitlist"),
                  "cancelled": N_("cancelled")}


async def erase(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`privacy.erase`: delete the person and all that belongs to them, now (a Welcome
    Buddy partner hears that the match has ended)."""
    from bot.buddies.store import forget

    assert ctx.session is not None
    await forget(ctx.session, ctx.person.id, ctx.now)
    await people.erase(ctx.session, ctx.person)  # the runtime then stores nothing more


ACTIONS = {
    "privacy.consent": Action(consent, database=False),  # changes the person record only
    "privacy.export": Action(export),  # reads the person's bookings too
    "privacy.erase": Action(erase),
}
