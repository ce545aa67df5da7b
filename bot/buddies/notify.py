"""Every message of the Welcome Buddies that the bot sends on its own is an outbox row,
written in the transaction that caused it (a proposal exists exactly when its message does).

Keys say what the row is about ("buddies:proposal:12:7": match 12, to person 7), so a row is
queued once, and what is no longer true is withdrawn before it goes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Person
from bot.delivery import outbox
from bot.engine.model import JSON

STAFF_ROLES = ("staff", "admin")


async def tell(session: AsyncSession, what: str, about: int | str, person_id: int, push: str,
               payload: Mapping[str, JSON], due_at: datetime) -> None:
    """Queue `push` ("buddies_match:proposal") for one person."""
    await outbox.queue(session, key=f"buddies:{what}:{about}:{person_id}", person_id=person_id,
                       push=push, payload=payload, due_at=due_at)


async def tell_staff(session: AsyncSession, what: str, about: int | str, push: str,
                     payload: Mapping[str, JSON], now: datetime) -> int:
    """Queue `push` for everyone with the role staff or admin; how many."""
    staff = (await session.scalars(select(Person.id).where(Person.role.in_(STAFF_ROLES)))).all()
    for person_id in staff:
        await tell(session, what, about, person_id, push, payload, now)
    return len(staff)


async def take_back(session: AsyncSession, what: str, about: int | str, now: datetime) -> int:
    """Messages about `about` of kind `what` not yet sent will not be (`about` may be the
    start of it: "12-" for every registration of volunteer 12)."""
    end = "" if str(about).endswith("-") else ":"
    return await outbox.withdraw(session, f"buddies:{what}:{about}{end}", now)
