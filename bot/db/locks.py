"""Work one process does for all: PostgreSQL advisory lock keys, and chores taken in turn.

Several `welcomebot run` processes share one PostgreSQL database. What must happen once
(the daily housekeeping, a matching round) takes a lock for its transaction without
waiting (`try_lock`): a process that does not get it skips, another is doing it. `take_turn`
adds when it was last done (the `chores` table), so that a chore runs once per period
however many processes run it, not once per process.

On SQLite there is one process, and every write transaction holds the database's write lock
from its start (BEGIN IMMEDIATE): the locks are always had, and the chores table alone keeps
the period.

The outbox's sender per platform is elected with a lock held for a connection's whole life
(`bot.delivery.election`), under `sending_key`.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Chore, table

ROUNDS = 70_07
"""The Welcome Buddies' matching round (its key since migration 0009)."""
HOUSEKEEPING = 70_08
"""The daily housekeeping: erasure after the retention period, event dates."""
SENDING = 70_100_000
"""The outbox sender of a platform: `sending_key`."""

TEMPLATES = 70_19
"""Asking Meta which WhatsApp templates are approved (`bot.service.check_templates`)."""

FAQ_CHECK = 70_20
"""Starting the FAQ's held-out check from a console (`bot.faq.checks.begin`): one at a time
across the console's processes."""

KEYS = {"housekeeping": HOUSEKEEPING, "buddies_round": ROUNDS, "whatsapp_templates": TEMPLATES}
"""The advisory lock of each chore (`take_turn`)."""


def sending_key(channel: str) -> int:
    """The advisory lock whose holder sends the outbox on `channel` (stable across
    processes and versions)."""
    return SENDING + zlib.crc32(channel.encode()) % 100_000


async def _postgres(session: AsyncSession) -> bool:
    return (await session.connection()).dialect.name == "postgresql"


async def try_lock(session: AsyncSession, key: int) -> bool:
    """Take advisory lock `key` until the transaction ends, without waiting: False when
    another process holds it. Always True on SQLite (one process)."""
    if not await _postgres(session):
        return True
    return bool(await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                     {"key": key}))


async def lock(session: AsyncSession, key: int) -> None:
    """Take advisory lock `key` until the transaction ends, waiting for it."""
    if await _postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def take_turn(session: AsyncSession, name: str, now: datetime, every: timedelta, *,
                    slack: float = 0.05) -> bool:
    """Whether this process does chore `name` now, in this transaction: no other process is
    doing it, and it was last done at least `every` ago (less `slack` of it: processes'
    timers drift). When True, it is marked done at `now`, committed with the work."""
    if not await try_lock(session, KEYS[name]):
        return False
    last = await session.scalar(select(Chore.done_at).where(Chore.name == name))
    if last is not None and now - last < every * (1 - slack) and last <= now:
        return False
    dialect = postgresql if await _postgres(session) else sqlite
    insert = dialect.insert(table(Chore)).values(name=name, done_at=now)
    await session.execute(insert.on_conflict_do_update(index_elements=["name"],
                                                       set_={"done_at": now}))
    return True
