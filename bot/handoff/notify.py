"""Every message about a case that the bot sends on its own is an outbox row, written in the
transaction that caused it: an answer to the person, the news of a new case to the staff's
Telegram group (STAFF_CHAT_ID), a new message to the staff member who took the case.

Keys say what the row is about ("handoff:answer:34:7": message 34, to person 7), so each is
queued once. Payloads carry ids only: what is shown is read when it is sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import HandoffCase, Person
from bot.delivery import outbox

TO_PERSON = "handoff"
TEAM = "handoff_team:new_case"
STAFF = "handoff_staff:new_message"
STAFF_CHAT_CHANNEL = "telegram"


async def to_person(session: AsyncSession, found: HandoffCase, what: str, about: int,
                    now: datetime) -> bool:
    """Push `handoff:<what>` (answer | attached | closed) to the case's person."""
    if found.person_id is None:
        return False
    return await outbox.queue(session, key=f"handoff:{what}:{about}:{found.person_id}",
                              person_id=found.person_id, push=f"{TO_PERSON}:{what}",
                              payload={"case": found.id, "message": about}, due_at=now)


async def to_staff_chat(session: AsyncSession, chat_id: str | None, found: HandoffCase,
                        now: datetime) -> bool:
    """The staff's Telegram group hears of a new case (its number and link), if configured.
    The group is a person of the bot's (channel telegram, its chat id), seen at each case so
    that the retention period does not erase it; it never talks, only reads."""
    if not chat_id:
        return False
    group = await session.scalar(select(Person).where(
        Person.channel == STAFF_CHAT_CHANNEL, Person.external_id == chat_id))
    if group is None:
        group = Person(channel=STAFF_CHAT_CHANNEL, external_id=chat_id, role="newcomer",
                       locale="de", created_at=now, last_seen_at=now)
        session.add(group)
        await session.flush()
    group.last_seen_at = now
    return await outbox.queue(session, key=f"handoff:new_case:{found.id}:{group.id}",
                              person_id=group.id, push=TEAM, payload={"case": found.id},
                              due_at=now)


async def to_staff(session: AsyncSession, found: HandoffCase, message_id: int,
                   now: datetime) -> bool:
    """The staff member who took the case hears that the person wrote again."""
    if found.staff_id is None:
        return False
    return await outbox.queue(session, key=f"handoff:new_message:{message_id}:{found.staff_id}",
                              person_id=found.staff_id, push=STAFF,
                              payload={"case": found.id}, due_at=now)
