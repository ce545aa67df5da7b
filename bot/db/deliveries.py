"""Inbound deliveries already handled (`InboundSeen`). Never commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import InboundSeen

KEEP = timedelta(days=7)
"""Platforms redeliver within hours (Telegram keeps updates 24 hours); a week is plenty."""


async def first_time(session: AsyncSession, channel: str, delivery_id: str,
                     now: datetime) -> bool:
    """Record the delivery; False when it was recorded before (a redelivery)."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    result = await session.execute(
        insert(InboundSeen)
        .values(channel=channel, delivery_id=delivery_id, seen_at=now)
        .on_conflict_do_nothing()
    )
    return bool(getattr(result, "rowcount", 0))


async def purge(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(InboundSeen).where(InboundSeen.seen_at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
