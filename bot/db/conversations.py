"""Conversation state, one row per person. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Conversation
from bot.engine.model import ConversationState


async def load(session: AsyncSession, person_id: int) -> ConversationState | None:
    row = await session.get(Conversation, person_id)
    return ConversationState.from_json(row.state) if row else None


async def save(session: AsyncSession, person_id: int, state: ConversationState,
               now: datetime) -> None:
    row = await session.get(Conversation, person_id)
    if row is None:
        session.add(Conversation(person_id=person_id, state=state.to_json(), updated_at=now))
    else:
        row.state = state.to_json()
        row.updated_at = now
