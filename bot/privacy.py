"""A person's rights over their data, across every feature: /mydata shows each feature's
privacy slice, /delete and erasure after the retention period run each slice's `erase`,
then delete the person (their rows go with them, ON DELETE CASCADE).

`SLICES` is the one list: a feature that stores something about a person adds its slice
(`bot/<feature>/privacy.py`, see `bot.people.slices`) here; a test fails while a table that
refers to a person is named by no slice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.buddies import privacy as buddies
from bot.config import Settings
from bot.db import people
from bot.db.tables import Person
from bot.engine.model import JSON, Lines, Param
from bot.events import privacy as events
from bot.feature import Action, ActionContext, Erasure, PrivacySlice
from bot.notices import privacy as notices
from bot.people import privacy as person

OUTBOX = PrivacySlice("delivery", tables=("outbox",))
"""The pushes waiting for a person or sent to them (a notice, a reminder, what a Welcome
Buddy relayed). /mydata does not list them (they are the bot's own messages); they go with the
person (ON DELETE CASCADE). What a person relayed to someone else is erased by the Welcome
Buddies' slice."""

SLICES: tuple[PrivacySlice, ...] = (
    person.PERSON,
    notices.SLICE,
    events.SLICE,
    buddies.SLICE,
    OUTBOX,
    person.CONVERSATION,
)
"""In the order /mydata shows them."""

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
    """`privacy.erase`: delete the person and all that belongs to them, now (a Welcome
    Buddy partner hears that the match has ended)."""
    await erase_slices(Erasure(ctx.db, [ctx.person.id], ctx.now, ctx.deps.settings))
    await people.erase(ctx.db, ctx.person)  # the runtime then stores nothing more


async def erase_slices(erasure: Erasure) -> None:
    """What every slice does before these people's rows are deleted."""
    for part in SLICES:
        if part.erase is not None:
            await part.erase(erasure)


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
    return await people.purge_inactive(session, now, days)


ACTIONS = {
    "privacy.consent": Action(person.consent, database=False),  # the person record only
    "privacy.export": Action(export),  # reads every feature's tables
    "privacy.erase": Action(erase),
}
