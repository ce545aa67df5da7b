"""A person's rights over their data, across every feature: /mydata shows each feature's
privacy slice; /delete, erasure after the retention period and a withdrawn consent run
each slice's `erase`, then delete the person's rows (the person's own row too, except when
they only withdrew their consent: then their language and place in the conversation stay).

`SLICES` is the one list: a feature that stores something about a person adds its slice
(`bot/<feature>/privacy.py`, see `bot.feature.PrivacySlice`) here; a test fails while a
table that refers to a person is named by no slice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.buddies import privacy as buddies
from bot.config import Settings
from bot.db import people
from bot.db.tables import (
    Base,
    ConsoleAttempt,
    ConsoleCode,
    ConsoleSession,
    FloodMark,
    OutboxMessage,
    PaceMark,
    Person,
    table,
)
from bot.engine.model import JSON, Lines, Param
from bot.events import privacy as events
from bot.faq import privacy as faq
from bot.faq.store import purge_gaps
from bot.feature import Action, ActionContext, Erasure, PrivacySlice
from bot.handoff import privacy as handoff
from bot.notices import privacy as notices
from bot.people import privacy as person

OUTBOX = PrivacySlice("delivery", tables=("outbox",))
"""The pushes waiting for a person or sent to them (a notice, a reminder, what a Welcome
Buddy relayed). /mydata does not list them (they are the bot's own messages); they go with
the person. What a person relayed to someone else is erased by the Welcome Buddies' slice."""

async def _erase_limits(erasure: Erasure) -> None:
    rows = (await erasure.session.execute(
        select(Person.channel, Person.external_id).where(Person.id.in_(erasure.person_ids)))
            ).all()
    await erasure.session.execute(delete(FloodMark).where(
        FloodMark.who.in_([people.identity(c, e) for c, e in rows])))
    for channel, external_id in rows:
        await erasure.session.execute(delete(PaceMark).where(
            PaceMark.channel == channel, PaceMark.chat == external_id))


LIMITS = PrivacySlice("limits", tables=("flood_marks", "pace_marks"), erase=_erase_limits)
"""The flood limit and the per-chat pace every process shares (keyed by the chat's id, kept
minutes at most): not shown, erased at once."""


async def _erase_console(erasure: Erasure) -> None:
    rows = (await erasure.session.execute(
        select(Person.channel, Person.external_id).where(Person.id.in_(erasure.person_ids)))
            ).all()
    await erasure.session.execute(delete(ConsoleAttempt).where(
        ConsoleAttempt.who.in_([people.identity(c, e) for c, e in rows])))


CONSOLE = PrivacySlice("console", tables=("console_codes", "console_sessions",
                                          "console_attempts"), erase=_erase_console)
"""A staff member's sign-ins to the staff console (`bot/console/`): hashed one-time codes,
sessions, failed attempts (kept an hour). Not shown; erased with the person."""

SLICES: tuple[PrivacySlice, ...] = (
    person.PERSON,
    notices.SLICE,
    events.SLICE,
    buddies.SLICE,
    faq.SLICE,
    handoff.SLICE,
    OUTBOX,
    LIMITS,
    CONSOLE,
    audit.SLICE,  # last: the erasure itself is logged, then pseudonymised with the rest
    person.CONVERSATION,
)
"""In the order /mydata shows them and erasing runs them."""

ERASE_BATCH = 500
"""People erased per round after the retention period (a statement's parameters are
limited: SQLite 32,766, PostgreSQL 32,767)."""


async def export(ctx: ActionContext, args: Mapping[str, JSON]) -> Lines:
    """`privacy.export`: everything stored about the person, as lines to show them."""
    lines: list[Param] = []
    for part in SLICES:
        if part.show is not None:
            lines += await part.show(ctx)
    return Lines(tuple(lines))


async def erase(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`privacy.erase`: delete the person and all that belongs to them, now (seats they held
    go to the waitlist, a Welcome Buddy partner hears that the match has ended)."""
    await audit.record(ctx.db, ctx.now, who=people.identity(ctx.person.channel,
                                                            ctx.person.external_id),
                       via="chat", action="privacy.erase")
    await erase_slices(Erasure(ctx.db, [ctx.person.id], ctx.now, ctx.deps.settings))
    await people.erase(ctx.db, ctx.person)  # the runtime then stores nothing more


async def withdraw(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`privacy.withdraw`: the person withdraws their consent. Everything goes as with
    /delete, except their row with the language and the place in the conversation, which
    the bot needs to talk to them at all; the consent is recorded as declined."""
    await audit.record(ctx.db, ctx.now, who=people.identity(ctx.person.channel,
                                                            ctx.person.external_id),
                       via="chat", action="privacy.withdraw")
    erasure = Erasure(ctx.db, [ctx.person.id], ctx.now, ctx.deps.settings)
    await erase_slices(erasure)
    await delete_rows(erasure)
    people_table = table(Person)
    await ctx.db.execute(update(people_table).where(people_table.c.id == ctx.person.id)
                         .values(district=None))
    ctx.person.district = None
    ctx.person.consent, ctx.person.consent_at = "declined", ctx.now
    ctx.person.consent_source = "chat"


async def erase_slices(erasure: Erasure) -> None:
    """What every slice does before these people's rows are deleted."""
    for part in SLICES:
        if part.erase is not None:
            await part.erase(erasure)


async def delete_rows(erasure: Erasure) -> None:
    """Delete what the slices' tables hold about these people, without deleting the people
    (a withdrawn consent). A table without a `person_id` goes with the rows it hangs off
    (ON DELETE CASCADE: a buddy match with its request)."""
    for part in SLICES:
        for name in part.tables:
            found: Table = Base.metadata.tables[name]
            if name != "people" and "person_id" in found.columns:
                await erasure.session.execute(
                    delete(found).where(found.c.person_id.in_(erasure.person_ids)))


async def erase_inactive(session: AsyncSession, now: datetime, settings: Settings) -> int:
    """Erase everyone not seen for `RETENTION_DAYS` (daily in `welcomebot run`, or
    `welcomebot people purge`): what /delete does, for everyone past the period. Returns
    how many."""
    days = settings.retention_days
    cutoff = now - timedelta(days=days)
    ids = list((await session.scalars(
        select(Person.id).where(Person.last_seen_at < cutoff).order_by(Person.id))).all())
    for start in range(0, len(ids), ERASE_BATCH):
        await erase_slices(Erasure(session, ids[start:start + ERASE_BATCH], now, settings))
    erased = await people.purge_inactive(session, now, days)
    if erased:
        await audit.record(session, now, who=audit.SYSTEM, via="system",
                           action="privacy.retention", detail=str(erased))
    return erased


async def expire(session: AsyncSession, now: datetime, settings: Settings) -> dict[str, int]:
    """Daily: erase people past the retention period, unanswered questions past
    FAQ_GAPS_DAYS, conversations with staff closed more than CASE_DAYS ago, audit
    entries past AUDIT_DAYS, and the staff console's sign-ins no longer of use. Returns how
    many of each."""
    return {"people": await erase_inactive(session, now, settings),
            "faq_gaps": await purge_gaps(session, now, settings.faq_gaps_days),
            "handoff_cases": await handoff.expire(session, now, settings),
            "audit": await audit.purge(session, now, settings.audit_days),
            "console": await _expire_console(session, now, settings)}


async def _expire_console(session: AsyncSession, now: datetime, settings: Settings) -> int:
    """Console sessions idle past CONSOLE_IDLE_MINUTES, sign-in codes and links a day past
    their end, failed sign-ins (with the client's address) an hour old: how many went. The
    text of a sign-in code nobody used leaves the outbox too (bot/console/signin.py: PUSH,
    valid 10 minutes)."""
    gone = 0
    for statement in (
            delete(ConsoleSession).where(ConsoleSession.seen_at <= now - timedelta(
                minutes=settings.console_idle_minutes)),
            delete(ConsoleCode).where(ConsoleCode.expires_at < now - timedelta(days=1)),
            delete(ConsoleAttempt).where(ConsoleAttempt.at < now - timedelta(hours=1))):
        result = await session.execute(statement)
        gone += int(getattr(result, "rowcount", 0) or 0)
    await session.execute(update(OutboxMessage).where(
        OutboxMessage.push == "console:code", OutboxMessage.status != "pending",
        OutboxMessage.due_at <= now - timedelta(minutes=10)).values(payload={}))
    return gone


ACTIONS = {
    "privacy.consent": Action(person.consent, database=False),  # the person record only
    "privacy.export": Action(export),  # reads every feature's tables
    "privacy.erase": Action(erase),
    "privacy.withdraw": Action(withdraw),
}
