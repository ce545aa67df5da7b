"""The topics people can get notices about, and their subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Subscription
from bot.engine.messages import N_

TOPICS = {
    "health": N_("🩺 Health and hygiene"),
    "events": N_("📅 Dialogues and language cafés"),
    "courses": N_("📚 Courses"),
    "general": N_("📢 General news from the city"),
}


async def of(session: AsyncSession, person_id: int) -> set[str]:
    return set((await session.scalars(
        select(Subscription.topic).where(Subscription.person_id == person_id))).all())


async def subscribe(session: AsyncSession, person_id: int, topics: Iterable[str],
                    now: datetime) -> None:
    have = await of(session, person_id)
    for topic in set(topics) - have:
        if topic in TOPICS:
            session.add(Subscription(person_id=person_id, topic=topic, since=now))
    await session.flush()


async def unsubscribe(session: AsyncSession, person_id: int,
                      topics: Iterable[str] | None = None) -> None:
    """From these topics, or from all of them (`/stop`)."""
    statement = delete(Subscription).where(Subscription.person_id == person_id)
    if topics is not None:
        statement = statement.where(Subscription.topic.in_(list(topics)))
    await session.execute(statement)
