"""The outbox: messages the bot sends on its own, as rows written with what caused them.

A feature never calls a platform to push something. It queues a row in its own transaction
(`queue`), so the message exists exactly when the booking, the cancellation or the notice
does; `bot.delivery.sender` sends it when it is due. `withdraw` takes back what is no longer
true (the reminders of a cancelled booking) before it goes out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import OutboxMessage, Person
from bot.engine.model import JSON

OUTBOX = OutboxMessage.__table__


@dataclass(frozen=True)
class Due:
    """A claimed message: whom, which flow step says it, with what."""

    id: int
    person_id: int
    channel: str
    push: str
    payload: Mapping[str, JSON]
    attempts: int
    external_id: str = ""
    """The person's id on their channel (a phone number on WhatsApp)."""
    seen_at: datetime | None = None
    """When they last wrote to the bot (WhatsApp's 24-hour window)."""


async def queue(session: AsyncSession, *, key: str, person_id: int, push: str,
                payload: Mapping[str, JSON], due_at: datetime) -> bool:
    """Queue a message once: a second `queue` with the same `key` changes nothing (a
    reminder stays one reminder). True when this call added it."""
    conn = await session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OUTBOX).values(
        key=key, person_id=person_id, push=push, payload=dict(payload), due_at=due_at,
        status="pending", attempts=0).on_conflict_do_nothing(index_elements=["key"])
    result = await conn.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def withdraw(session: AsyncSession, key_prefix: str, now: datetime) -> int:
    """Messages not yet sent whose key starts with `key_prefix` will not be sent."""
    escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.like(f"{escaped}%", escape="\\"),
               OutboxMessage.status == "pending")
        .values(status="skipped", done_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


async def claim(session: AsyncSession, now: datetime, channels: Sequence[str], *,
                limit: int, lease: timedelta, besides: Collection[int] = (),
                expire: bool = True) -> list[Due]:
    """Due messages for people on `channels`, taken for `lease`: no other sender takes them
    until then (PostgreSQL: rows another sender is claiming are skipped, not waited for).
    A sender that dies leaves them to be taken again when the lease ends, or at once by the
    sender that takes over its platform (`release`). `besides`: ids the caller has in hand
    (claimed, not yet recorded), never taken again, even when their lease ran out while
    they waited (a long pause the platform asked for, a busy machine).

    What was not sent before it expired is never claimed; with `expire` it is also marked
    expired (counted so), a statement that reads every pending row: a sender does it about
    once a second (`Sender`), not at each claim."""
    if expire:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.expires_at <= now)
            .values(status="expired", done_at=now))
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now)
    alive = or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now)
    query = (
        select(OutboxMessage.id, OutboxMessage.person_id, Person.channel, OutboxMessage.push,
               OutboxMessage.payload, OutboxMessage.attempts, Person.external_id,
               Person.last_seen_at)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(and_(OutboxMessage.status == "pending", OutboxMessage.due_at <= now, free,
                    alive, Person.channel.in_(channels), Person.unreachable_at.is_(None)),
               *([OutboxMessage.id.not_in(list(besides))] if besides else []))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    rows = (await session.execute(query)).all()
    if rows:
        await session.execute(update(OutboxMessage)
                              .where(OutboxMessage.id.in_([r.id for r in rows]))
                              .values(claimed_until=now + lease))
    return [Due(r.id, r.person_id, r.channel, r.push, r.payload, r.attempts, r.external_id,
                r.last_seen_at) for r in rows]


async def release(session: AsyncSession, channels: Sequence[str], *,
                  besides: Collection[int] = ()) -> int:
    """Messages for people on `channels` claimed by a sender that no longer sends them
    (it died; this process now sends those platforms alone) may be claimed again now,
    not when their lease ends. `besides`: ids this process has in hand. Returns how many."""
    people = select(Person.id).where(Person.channel.in_(channels))
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.claimed_until.is_not(None),
               OutboxMessage.person_id.in_(people),
               *([OutboxMessage.id.not_in(list(besides))] if besides else []))
        .values(claimed_until=None))
    return int(getattr(result, "rowcount", 0) or 0)


async def due_count(session: AsyncSession, now: datetime, channels: Sequence[str]) -> int:
    """Pending messages due now for people on `channels`, claimed or not."""
    return int(await session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now,
               Person.channel.in_(channels), Person.unreachable_at.is_(None))) or 0)


async def backlog(session: AsyncSession, now: datetime
                  ) -> list[tuple[str, int, int, datetime | None]]:
    """What waits, per channel, for the metrics: (channel, pending messages due now or
    later, those due now, the oldest due time). People who cannot be reached and messages
    past their expiry are left out, as `claim` leaves them. One indexed query."""
    rows = await session.execute(
        select(Person.channel, func.count(),
               func.sum(case((OutboxMessage.due_at <= now, 1), else_=0)),
               func.min(OutboxMessage.due_at))
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.status == "pending", Person.unreachable_at.is_(None),
               or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now))
        .group_by(Person.channel))
    return [(channel, int(pending), int(due or 0), oldest)
            for channel, pending, due, oldest in rows.all()]


async def settle(session: AsyncSession, message_id: int, status: str, now: datetime) -> None:
    """sent | skipped | unreachable | failed: the message is done."""
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                          .values(status=status, done_at=now, claimed_until=None))


async def settle_many(session: AsyncSession, message_ids: Sequence[int], status: str,
                      now: datetime) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
                          .values(status=status, done_at=now, claimed_until=None, held=None))


async def settle_sent(session: AsyncSession, receipts: Mapping[int, str], now: datetime
                      ) -> None:
    """Messages sent, each with the platform's id of it (message id -> receipt): marked
    sent and their receipts kept, in one statement."""
    await session.execute(update(OutboxMessage), [
        {"id": id_, "status": "sent", "done_at": now, "claimed_until": None, "receipt": receipt,
         "held": None} for id_, receipt in receipts.items()])


URGENT = "urgent"
"""A message's payload key: true for an urgent push (`Outbound.urgent`)."""

HELD = "daily-limit"
"""`OutboxMessage.held` of a message waiting for room under a platform's daily limit."""


async def hold(session: AsyncSession, message_ids: Sequence[int], until: datetime) -> None:
    """Put off until `until`, when the platform's daily limit has room again (`HELD`); not
    an attempt."""
    await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
                          .values(due_at=until, claimed_until=None, held=HELD))


async def mark_opened(session: AsyncSession, opened: Mapping[int, datetime]) -> None:
    """Sending these (message id -> when) opened a conversation the platform counts per
    day."""
    await session.execute(update(OutboxMessage),
                          [{"id": id_, "opened_at": at} for id_, at in opened.items()])


def _opened(channel: str, since: datetime) -> ColumnElement[bool]:
    return and_(OutboxMessage.opened_at > since, Person.channel == channel)


async def opened_since(session: AsyncSession, channel: str, since: datetime
                       ) -> list[tuple[int, datetime]]:
    """(person id, when) of the conversations pushes opened on `channel` after `since`."""
    rows = await session.execute(
        select(OutboxMessage.person_id, OutboxMessage.opened_at)
        .join(Person, Person.id == OutboxMessage.person_id).where(_opened(channel, since)))
    return [(person_id, at) for person_id, at in rows.all() if at is not None]


async def opened_count(session: AsyncSession, channel: str, since: datetime) -> int:
    """How many different people pushes opened a conversation with on `channel` after
    `since` (what its daily limit counts), counted in the database."""
    return int(await session.scalar(
        select(func.count(func.distinct(OutboxMessage.person_id)))
        .join(Person, Person.id == OutboxMessage.person_id).where(_opened(channel, since)))
        or 0)


async def keep_receipts(session: AsyncSession, receipts: Mapping[int, str]) -> None:
    """Note the platform's message id on each sent row (message id -> receipt)."""
    await session.execute(update(OutboxMessage),
                          [{"id": id_, "receipt": receipt} for id_, receipt in receipts.items()])


async def retry(session: AsyncSession, message_id: int, at: datetime) -> None:
    """Try again at `at` (the platform was down or asked to wait)."""
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                          .values(due_at=at, claimed_until=None,
                                  attempts=OutboxMessage.attempts + 1))


async def tally(session: AsyncSession, key_prefix: str) -> dict[str, int]:
    """How many messages with keys starting `key_prefix` are in each status."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.key.like(f"{key_prefix}%"))
        .group_by(OutboxMessage.status))
    return {status: count for status, count in rows.all()}


# -- what the platform says later about a message it accepted (WhatsApp status webhooks) --

@dataclass(frozen=True)
class Receipted:
    """The outbox message a platform's message id (its receipt) belongs to."""

    id: int
    person_id: int
    push: str
    payload: Mapping[str, JSON]
    status: str


PROGRESS = ("delivered", "read")
"""Statuses that only note how far a sent message got; any other settles it."""


async def settle_by_receipt(session: AsyncSession, receipt: str, status: str, now: datetime,
                            *, error: str | None = None) -> Receipted | None:
    """A status webhook about the message the platform knows as `receipt`.

    "delivered" and "read" are noted on the sent message, never going back (webhooks come
    in any order: a "delivered" after "read" changes nothing). Any other status ("failed",
    "unreachable", "no-template") settles a sent message that was not delivered, with the
    platform's `error` code. Returns the message changed; None when nothing changed or no
    outbox message has this receipt (most are replies to people chatting)."""
    if status in PROGRESS:
        before = PROGRESS[:PROGRESS.index(status)]
        condition = or_(OutboxMessage.delivery.is_(None), OutboxMessage.delivery.in_(before))
        values: dict[str, object] = {"delivery": status}
    else:
        condition = OutboxMessage.delivery.is_(None)
        values = {"status": status, "delivery": "failed", "error": error, "done_at": now}
    row = (await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.receipt == receipt, OutboxMessage.status == "sent", condition)
        .values(**values)
        .returning(OutboxMessage.id, OutboxMessage.person_id, OutboxMessage.push,
                   OutboxMessage.payload, OutboxMessage.status))).one_or_none()
    return Receipted(*row) if row else None


async def find_by_receipt(session: AsyncSession, receipt: str) -> Receipted | None:
    """The outbox message sent as `receipt`, whatever became of it."""
    row = (await session.execute(
        select(OutboxMessage.id, OutboxMessage.person_id, OutboxMessage.push,
               OutboxMessage.payload, OutboxMessage.status)
        .where(OutboxMessage.receipt == receipt))).first()
    return Receipted(*row) if row else None


async def find(session: AsyncSession, message_id: int) -> Receipted | None:
    """The outbox message with this id, whatever became of it (sent, or still being sent)."""
    row = (await session.execute(
        select(OutboxMessage.id, OutboxMessage.person_id, OutboxMessage.push,
               OutboxMessage.payload, OutboxMessage.status)
        .where(OutboxMessage.id == message_id))).first()
    return Receipted(*row) if row else None
