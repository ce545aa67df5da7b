"""FAQ feedback ("Did this help?", anonymous) and questions without an answer (masked, the
asker's, kept FAQ_GAPS_DAYS). Never commits."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import FaqFeedback, FaqGap
from bot.faq.gaps import Asked
from bot.faq.helpfulness import Rated

_EMAIL = re.compile(r"\S+@\S+")
_LINK = re.compile(r"(https?://|www\.)\S+", re.I)
_NUMBER = re.compile(r"[+(]?\d[\d\s()/.-]{2,}\d")
MAX_GAP = 200


def masked(text: str) -> str:
    """The question without what could identify someone: e-mail addresses, links, and
    numbers of three digits or more (phone numbers, file numbers, dates of birth)."""
    text = _EMAIL.sub("<e-mail>", text)
    text = _LINK.sub("<link>", text)
    text = _NUMBER.sub("<number>", text)
    return " ".join(text.split())[:MAX_GAP]


def _day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def record_feedback(session: AsyncSession, topic: str, lang: str, helpful: bool,
                          now: datetime) -> None:
    session.add(FaqFeedback(topic=topic, lang=lang, helpful=helpful, day=_day(now)))


async def record_gap(session: AsyncSession, person_id: int, text: str, lang: str,
                     now: datetime) -> None:
    """Keep a question without an answer, masked, as the person's (so that /delete and
    retention erase it). The caller checks consent first."""
    session.add(FaqGap(text=masked(text), lang=lang, day=_day(now), person_id=person_id))


async def gaps_of(session: AsyncSession, person_id: int) -> list[FaqGap]:
    return list(await session.scalars(
        select(FaqGap).where(FaqGap.person_id == person_id).order_by(FaqGap.id)))


async def purge_gaps(session: AsyncSession, now: datetime, days: int) -> int:
    """Questions kept longer than `days` go; returns how many."""
    cutoff = _day(now) - timedelta(days=days)
    result = await session.execute(delete(FaqGap).where(FaqGap.day < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


async def top_gaps(session: AsyncSession, limit: int = 30,
                   since: datetime | None = None) -> list[tuple[str, str, int]]:
    """(text, language, how often) of the most frequent unanswered questions."""
    key = func.lower(FaqGap.text)
    query = (select(func.min(FaqGap.text), FaqGap.lang, func.count())
             .group_by(key, FaqGap.lang).order_by(func.count().desc(), key).limit(limit))
    if since is not None:
        query = query.where(FaqGap.day >= since)
    return [(text, lang, count) for text, lang, count in await session.execute(query)]


async def feedback_summary(session: AsyncSession) -> list[tuple[str, int, int]]:
    """(topic, helpful, not helpful) per topic."""
    helpful = func.sum(FaqFeedback.helpful.cast(int))
    rows = await session.execute(
        select(FaqFeedback.topic, helpful, func.count()).group_by(FaqFeedback.topic)
        .order_by(FaqFeedback.topic))
    return [(topic, int(yes or 0), int(total - (yes or 0))) for topic, yes, total in rows]


async def open_gaps(session: AsyncSession, limit: int = 2000) -> list[Asked]:
    """The unanswered questions kept, the newest `limit` (for grouping: `gaps.grouped`)."""
    rows = await session.execute(select(FaqGap.id, FaqGap.text, FaqGap.lang, FaqGap.day)
                                 .order_by(FaqGap.id.desc()).limit(limit))
    return [Asked(id_, text, lang, day) for id_, text, lang, day in rows]


async def gaps_by_id(session: AsyncSession, ids: Collection[int]) -> list[Asked]:
    rows = await session.execute(select(FaqGap.id, FaqGap.text, FaqGap.lang, FaqGap.day)
                                 .where(FaqGap.id.in_(list(ids))).order_by(FaqGap.id))
    return [Asked(id_, text, lang, day) for id_, text, lang, day in rows]


async def drop_gaps(session: AsyncSession, ids: Collection[int]) -> int:
    """The questions staff turned into ways of asking leave the list; how many went."""
    if not ids:
        return 0
    result = await session.execute(delete(FaqGap).where(FaqGap.id.in_(list(ids))))
    return int(getattr(result, "rowcount", 0) or 0)


async def rated(session: AsyncSession, since: datetime, until: datetime) -> list[Rated]:
    """"Did this help?" answers counted per day, topic, language and yes or no, for the days
    from `since` up to `until` (both included): what `bot.faq.helpfulness.table` reads."""
    rows = await session.execute(
        select(FaqFeedback.day, FaqFeedback.topic, FaqFeedback.lang, FaqFeedback.helpful,
               func.count())
        .where(FaqFeedback.day >= _day(since), FaqFeedback.day <= _day(until))
        .group_by(FaqFeedback.day, FaqFeedback.topic, FaqFeedback.lang, FaqFeedback.helpful))
    return [Rated(day.date(), topic, lang, bool(helpful), int(count))
            for day, topic, lang, helpful, count in rows]
