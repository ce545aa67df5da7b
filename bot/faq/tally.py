"""How many questions the FAQ took a day, by language, and how many it answered, in the
database (`faq_days`), for the staff console's overview: numbers only, nothing about anyone.

Each process counts in memory (`Metrics.take_faq_counts`) and adds its counts about once a
minute, and when it stops, in one statement per language (`add`), so the question's turn
never waits for this. The day is the city's day when the counts are added.

    await tally.add(session, day, metrics.take_faq_counts())
    numbers = await tally.on(session, day)         # {"ar": Day(asked=12, answered=11)}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import FaqDay, table

DAYS = table(FaqDay)
COUNTED = ("answered", "dont_know")
"""The outcomes that are questions (small talk, a greeting or thanks, is not)."""


@dataclass(frozen=True)
class Day:
    asked: int
    answered: int


async def add(session: AsyncSession, day: dt.date,
              counts: Mapping[tuple[str, str], int]) -> None:
    """Add `counts` ((lang, outcome) -> questions) to `day`'s numbers."""
    per_lang: dict[str, list[int]] = {}
    for (lang, outcome), n in counts.items():
        if outcome in COUNTED and n > 0:
            numbers = per_lang.setdefault(lang, [0, 0])
            numbers[0] += n
            numbers[1] += n if outcome == "answered" else 0
    if not per_lang:
        return
    conn = await session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for lang, (asked, answered) in sorted(per_lang.items()):
        insert = dialect.insert(DAYS).values(day=day, lang=lang, asked=asked,
                                             answered=answered)
        await conn.execute(insert.on_conflict_do_update(
            index_elements=["day", "lang"],
            set_={"asked": DAYS.c.asked + insert.excluded.asked,
                  "answered": DAYS.c.answered + insert.excluded.answered}))


async def on(session: AsyncSession, day: dt.date) -> dict[str, Day]:
    """`day`'s numbers by language."""
    rows = await session.execute(select(FaqDay.lang, FaqDay.asked, FaqDay.answered)
                                 .where(FaqDay.day == day))
    return {lang: Day(asked, answered) for lang, asked, answered in rows.all()}
