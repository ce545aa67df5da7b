"""The languages a translator (role `reviewer`) reviews texts in (`reviewer_languages`).

    await languages_of(db, person_id)          ("ar", "fa"), in the order of the bot's languages
    await set_languages(db, person_id, ["ar"]) the row set replaced; [] clears it

A reviewer signs in to the console's review pages only and sees the texts waiting in these
languages (`bot.review`); staff and admins review every language. The rows go with the
person (ON DELETE CASCADE) and `/mydata` lists them (`bot.people.privacy`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import ReviewerLanguage

ROLE = "reviewer"


async def languages_of(db: AsyncSession, person_id: int) -> tuple[str, ...]:
    """The person's review languages, sorted by code (empty for anyone but a reviewer)."""
    return tuple(await db.scalars(select(ReviewerLanguage.lang)
                                  .where(ReviewerLanguage.person_id == person_id)
                                  .order_by(ReviewerLanguage.lang)))


async def set_languages(db: AsyncSession, person_id: int, langs: Iterable[str]) -> None:
    """Replace the person's review languages with `langs` (duplicates ignored)."""
    await db.execute(delete(ReviewerLanguage).where(ReviewerLanguage.person_id == person_id))
    for lang in sorted(set(langs)):
        db.add(ReviewerLanguage(person_id=person_id, lang=lang))
    await db.flush()
