"""Erasing people who have not written for `RETENTION_DAYS` days (daily in `welcomebot run`,
or `welcomebot people purge`): what /delete does, for everyone past the period at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.buddies.store import forget
from bot.db import people
from bot.db.tables import BuddyRequest, BuddyVolunteer, Person


async def erase_inactive(session: AsyncSession, now: datetime, days: int) -> int:
    """Erase everyone not seen for `days` days; returns how many. A Welcome Buddy partner
    of someone erased is told first, as after /delete."""
    cutoff = now - timedelta(days=days)
    with_buddies = select(Person.id).where(Person.last_seen_at < cutoff, Person.id.in_(
        select(BuddyVolunteer.person_id).union(select(BuddyRequest.person_id))))
    for person_id in (await session.scalars(with_buddies)).all():
        await forget(session, person_id, now)
    return await people.purge_inactive(session, now, days)
