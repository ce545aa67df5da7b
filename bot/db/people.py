"""People: one per channel identity. Functions take the turn's session and never commit."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Person


def identity(channel: str, external_id: str) -> str:
    """How people are named in settings and the CLI: "telegram:12345"."""
    return f"{channel}:{external_id}"


async def find(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    return await session.scalar(
        select(Person).where(Person.channel == channel, Person.external_id == external_id)
    )


async def arrive(session: AsyncSession, channel: str, external_id: str, now: datetime,
                 *, admins: Collection[str] = ()) -> Person:
    """The person behind this identity, created at first contact, locked for this turn.

    Two processes may see the same new person at once: the insert does nothing when the row
    exists, and `FOR UPDATE` (PostgreSQL; SQLite's transaction already holds the database
    lock) makes their turns wait for each other, so one person's messages are handled in order.
    """
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(Person)
        .values(channel=channel, external_id=external_id, role="newcomer",
                created_at=now, last_seen_at=now)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    )
    person = await session.scalar(
        select(Person)
        .where(Person.channel == channel, Person.external_id == external_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert person is not None
    person.last_seen_at = now
    if identity(channel, external_id) in admins and person.role != "admin":
        person.role = "admin"  # the first admins come from configuration (ADMINS)
    return person


async def erase(session: AsyncSession, person: Person) -> None:
    """Delete the person; everything that belongs to them goes with them (ON DELETE CASCADE)."""
    await session.execute(delete(Person).where(Person.id == person.id))
    session.expunge(person)


async def purge_inactive(session: AsyncSession, now: datetime, days: int) -> int:
    """Erase everyone not seen for `days` days; returns how many."""
    result = await session.execute(
        delete(Person).where(Person.last_seen_at < now - timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def set_role(session: AsyncSession, channel: str, external_id: str, role: str,
                   now: datetime) -> Person:
    person = await find(session, channel, external_id)
    if person is None:
        person = Person(channel=channel, external_id=external_id, role=role,
                        created_at=now, last_seen_at=now)
        session.add(person)
    person.role = role
    await session.flush()
    return person


async def set_reachable(session: AsyncSession, channel: str, external_id: str, reachable: bool,
                        now: datetime) -> Person | None:
    """The platform told us the person blocked the bot (or unblocked it)."""
    person = await find(session, channel, external_id)
    if person is not None:
        person.unreachable_at = None if reachable else (person.unreachable_at or now)
    return person
