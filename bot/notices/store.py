"""Queueing a notice for its audience, pausing, resuming and cancelling it, and its tally.

A notice is one outbox row per person, keyed `notice:<id>:<person>`: sending the same notice
again, a double click or a second process adds nobody twice. Rows are written in one
transaction with the notice as staff confirmed it (`notices` table).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, Select, String, case, cast, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Notice, OutboxMessage, Person, Subscription, UTCDateTime
from bot.delivery.outbox import HELD, OUTBOX, URGENT, opened_count
from bot.notices.audience import Audience
from bot.notices.content import NoticeFile

PUSH = "notices:show"
ANALYZE_AFTER = 1000
"""Rows queued at once from which the planner's figures are brought up to date (`queue`)."""


def batch_of(notice_id: str) -> str:
    return f"notice:{notice_id}"


def _recipients(audience: Audience) -> Select[int, str | None]:
    query = (select(Person.id, Person.locale)
             .join(Subscription, Subscription.person_id == Person.id)
             .where(Subscription.topic.in_(audience.topics), Person.consent == "given",
                    Person.unreachable_at.is_(None))
             .distinct())
    if audience.locales:
        query = query.where(Person.locale.in_(audience.locales))
    if audience.districts:
        query = query.where(Person.district.in_(audience.districts))
    if audience.roles:
        query = query.where(Person.role.in_(audience.roles))
    if audience.channels:
        query = query.where(Person.channel.in_(audience.channels))
    return query


async def count(session: AsyncSession, audience: Audience, default: str) -> Counter[str]:
    """How many people would get it, by their language (counted in the database)."""
    people = _recipients(audience).subquery()
    rows = await session.execute(
        select(people.c.locale, func.count()).group_by(people.c.locale))
    found: Counter[str] = Counter()
    for locale, n in rows.all():
        found[locale or default] += n
    return found


WINDOW = dt.timedelta(hours=24)
"""WhatsApp's customer service window: who wrote to the bot longer ago gets a notice only
as the approved template (the channel keeps a margin of minutes inside it)."""


@dataclass(frozen=True)
class Reach:
    """Who would get a notice: how many on each channel, and on WhatsApp by language those
    outside the 24-hour window (they get the template, where it is approved)."""

    channels: Counter[str]
    outside_window: Counter[str]
    """Language -> people on WhatsApp who last wrote more than 24 hours ago."""
    opened: int = 0
    """People on WhatsApp the bot wrote to first in the last 24 hours (its daily limit
    counts them: `bot.delivery.daily`)."""


async def reach(session: AsyncSession, audience: Audience, default: str, now: dt.datetime
                ) -> Reach:
    """The audience's people by channel, and on WhatsApp those outside the window, by
    their language (numbers only, counted in the database)."""
    people = _recipients(audience).with_only_columns(Person.id)
    outside = case((Person.last_seen_at < now - WINDOW, True), else_=False)
    rows = await session.execute(
        select(Person.channel, Person.locale, outside, func.count())
        .where(Person.id.in_(people)).group_by(Person.channel, Person.locale, outside))
    channels: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for channel, locale, out, n in rows.all():
        channels[channel] += n
        if channel == "whatsapp" and out:
            closed[locale or default] += n
    return Reach(channels, closed, await opened_count(session, "whatsapp", now - WINDOW))


async def queue(session: AsyncSession, notice: NoticeFile, expression: str,
                audience: Audience, *, send_at: dt.datetime, expires_at: dt.datetime | None,
                now: dt.datetime, urgent: bool = False) -> int:
    """Queue the notice for everyone in the audience who does not have it yet; returns
    how many rows were added. `urgent`: sent on a platform's paid faster lane where the
    deployment allows it (`TELEGRAM_PAID_BROADCAST`)."""
    stored = await session.get(Notice, notice.id)
    definition = notice.model_dump(mode="json")
    if stored is None:
        session.add(Notice(id=notice.id, definition=definition, audience=expression,
                           queued_at=now, send_at=send_at, expires_at=expires_at))
    else:
        stored.definition, stored.audience = definition, expression
        stored.send_at, stored.expires_at = send_at, expires_at
    await session.flush()
    conn = await session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    payload = {"notice": notice.id, **({URGENT: True} if urgent else {})}
    # One statement, inside the database: the people are never fetched (100,000 of them
    # took 20 s as rows sent back and forth a thousand at a time).
    people = _recipients(audience).with_only_columns(Person.id).subquery()
    batch = batch_of(notice.id)
    rows = select(
        literal(f"{batch}:") + cast(people.c.id, String), people.c.id, literal(PUSH),
        literal(payload, JSON), literal(send_at, UTCDateTime()), literal("pending"),
        literal(0), literal(batch), literal(expires_at, UTCDateTime()),
    ).where(true())  # SQLite reads INSERT ... SELECT ... ON CONFLICT only after a WHERE
    result = await conn.execute(
        dialect.insert(OUTBOX).from_select(
            ["key", "person_id", "push", "payload", "due_at", "status", "attempts", "batch",
             "expires_at"], rows).on_conflict_do_nothing(index_elements=["key"]))
    added = int(getattr(result, "rowcount", 0) or 0)
    if added >= ANALYZE_AFTER and conn.dialect.name == "postgresql":
        # The planner's figures for these tables may say "nearly empty" (a new notice, people
        # just imported): the senders' claims would then gather and sort everything due
        # each time (51 ms a claim at 10,000 due, growing with the queue) instead of
        # walking the due index in order (0.6 ms). ANALYZE counts this transaction's rows.
        await conn.exec_driver_sql("ANALYZE outbox, people")
    return added


async def pause(session: AsyncSession, notice_id: str) -> int:
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.batch == batch_of(notice_id),
                                    OutboxMessage.status == "pending")
        .values(status="paused"))
    return int(getattr(result, "rowcount", 0) or 0)


async def resume(session: AsyncSession, notice_id: str) -> int:
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.batch == batch_of(notice_id),
                                    OutboxMessage.status == "paused")
        .values(status="pending"))
    return int(getattr(result, "rowcount", 0) or 0)


async def cancel(session: AsyncSession, notice_id: str, now: dt.datetime) -> int:
    """Drop what of the notice has not gone out (waiting or paused): those messages are
    `cancelled` and never sent; the people who already got it keep it. Returns how many were
    dropped. A message a sender is sending at this moment may still go out (it then counts
    as sent); sending the notice again later adds nobody who was cancelled (one row a
    person)."""
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.batch == batch_of(notice_id),
                                    OutboxMessage.status.in_(("pending", "paused")))
        .values(status="cancelled", done_at=now, claimed_until=None))
    return int(getattr(result, "rowcount", 0) or 0)


RECEIPTS = ("delivered", "read")
"""Counts in a tally that are part of "sent", not statuses of their own."""


async def tally(session: AsyncSession, notice_id: str, default: str
                ) -> dict[str, Counter[str]]:
    """status -> language -> how many (sent, pending, paused, failed, unreachable, skipped,
    expired, no-template, cancelled). Of the sent, "delivered" and "read" count those the
    platform confirmed (WhatsApp does; Telegram tells a bot nothing of the kind): "read" ones
    count as delivered too."""
    rows = await session.execute(
        select(OutboxMessage.status, OutboxMessage.delivery, Person.locale, func.count())
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.batch == batch_of(notice_id))
        .group_by(OutboxMessage.status, OutboxMessage.delivery, Person.locale))
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for status, delivery, locale, n in rows.all():
        lang = locale or default
        found[status][lang] += n
        if status == "sent" and delivery in RECEIPTS:
            found["delivered"][lang] += n
            if delivery == "read":
                found["read"][lang] += n
    return found


@dataclass(frozen=True)
class Waiting:
    """Of a notice's pending messages, those put off by WhatsApp's daily limit on new
    conversations (`bot.delivery.daily`): how many, and when the next and the last of them
    are due to go (more may wait again then, when the room is taken)."""

    count: int
    first: dt.datetime | None
    last: dt.datetime | None


async def waiting(session: AsyncSession, notice_id: str) -> Waiting:
    count, first, last = (await session.execute(
        select(func.count(), func.min(OutboxMessage.due_at), func.max(OutboxMessage.due_at))
        .where(OutboxMessage.batch == batch_of(notice_id), OutboxMessage.status == "pending",
               OutboxMessage.held == HELD))).one()
    return Waiting(int(count or 0), first, last)


OUTCOMES = ("read", "delivered", "sent", "pending", "paused", "failed", "unreachable",
            "no-template", "skipped", "expired", "cancelled")
"""Where each message of a notice is, one place each (`outcomes`)."""


def outcomes(tally: dict[str, Counter[str]]) -> dict[str, Counter[str]]:
    """The tally with every message counted once (for a chart: the parts add up to
    everyone): of the sent, "read"; "delivered" but not read; "sent" without either (Telegram,
    or no word from WhatsApp yet); then every other status as it is. Statuses without a
    message are left out."""
    found: dict[str, Counter[str]] = {}
    sent, delivered, read = (tally.get(s, Counter()) for s in ("sent", "delivered", "read"))
    parts = {"read": read, "delivered": delivered - read, "sent": sent - delivered}
    for status in OUTCOMES:
        counts = parts.get(status, tally.get(status, Counter()))
        counts = Counter({lang: n for lang, n in counts.items() if n > 0})
        if counts:
            found[status] = counts
    return found


PROGRESS = ("draft", "scheduled", "sending", "paused", "sent", "expired", "cancelled")
"""Where a notice is, as the console's history shows it (`progress`)."""


def progress(tally: dict[str, Counter[str]], *, queued: bool, send_at: dt.datetime | None,
             expires_at: dt.datetime | None, now: dt.datetime) -> str:
    """One of `PROGRESS`: never queued (a draft); paused with messages waiting; waiting for
    its time; sending; cancelled (staff dropped what was left: some may have got it);
    expired (its time passed with nothing left to send, or it was queued after it); else
    sent."""
    if not queued:
        return "draft"
    if tally.get("paused"):
        return "paused"
    if tally.get("pending"):
        return "scheduled" if send_at is not None and send_at > now else "sending"
    if tally.get("cancelled"):
        return "cancelled"
    if expires_at is not None and expires_at <= now and not tally.get("sent"):
        return "expired"
    return "sent"


async def queued(session: AsyncSession) -> list[Notice]:
    """Every notice queued at any time, the latest first."""
    return list(await session.scalars(select(Notice).order_by(Notice.queued_at.desc())))


async def still_wanted(session: AsyncSession, person_ids: Sequence[int], notice_id: str
                       ) -> set[int]:
    """Those of the people who still subscribe to the notice's topic (they may have sent
    /stop since it was queued: then it is skipped)."""
    stored = await session.get(Notice, notice_id)
    if stored is None:
        return set()
    return set(await session.scalars(select(Subscription.person_id).where(
        Subscription.person_id.in_(person_ids),
        Subscription.topic == stored.definition["topic"])))
