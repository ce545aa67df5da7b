"""Event texts as the translators' review queue sees them (`bot.review.Reviewable`, kind
"series"): the title and description of each active series (`event_series`) per language,
the source being German (or the first title's language: `Series.source`).

A review stamps `Series.reviews[lang]` with the source's fingerprint, who and when; when
staff change the German title or description later (the events page, `welcomebot events
import`), the translation is stale and waits again. An edit here changes the stored series
and the details of its coming dates, which is what people see when they look for events;
the dates themselves are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Event, EventSeries
from bot.events.series import Review, Series
from bot.events.series_form import TITLE_MAX
from bot.events.store import _details
from bot.review import WAITING, Field, Item, Waiting, problems

DESCRIPTION_MAX = 1000


class EventTexts:
    """The active series' titles and descriptions in the languages other than their
    source."""

    kind = "series"
    label = "Event"  # console texts: bot/console/pages/review.py marks them (LABELS)

    async def waiting(self, db: AsyncSession, langs: Collection[str]) -> list[Waiting]:
        found: list[Waiting] = []
        rows = await db.scalars(select(EventSeries).where(EventSeries.active.is_(True))
                                .order_by(EventSeries.id))
        for row in rows:
            series = Series.model_validate(row.definition)
            for lang in langs:
                state = series.state(lang)
                if state in WAITING:
                    found.append(Waiting(self.kind, series.id, lang, state,
                                         series.title[series.source]))
        return found

    async def item(self, db: AsyncSession, key: str, lang: str) -> Item | None:
        series = await _series(db, key)
        if series is None or lang == series.source:
            return None
        return _item(series, lang)

    async def save(self, db: AsyncSession, key: str, lang: str, fields: Mapping[str, str], *,
                   reviewed: bool, who: str, now: dt.datetime) -> None:
        series = await _series(db, key)
        if series is None or lang == series.source:
            raise LookupError(f"no event series {key} with a text to review in {lang}")
        wrong = problems(_item(series, lang), fields)
        if wrong:
            raise ValueError(", ".join(f"{name}: {code}" for name, code in wrong.items()))
        changed = edited(series, lang, fields, reviewed=reviewed, who=who, now=now)
        await db.execute(update(EventSeries).where(EventSeries.id == key)
                         .values(definition=changed.model_dump(mode="json")))
        await db.execute(update(Event).where(Event.series == key, Event.starts_at >= now)
                         .values(details=_details(changed)))


async def _series(db: AsyncSession, key: str) -> Series | None:
    row = await db.get(EventSeries, key)
    return Series.model_validate(row.definition) if row is not None and row.active else None


def _item(series: Series, lang: str) -> Item:
    source = series.source
    fields = [Field("title", "Title", series.title[source], series.title.get(lang, ""),
                    max_length=TITLE_MAX)]
    if series.description.get(source):
        fields.append(Field("description", "Description", series.description[source],
                            series.description.get(lang, ""), multiline=True,
                            max_length=DESCRIPTION_MAX))
    review = series.reviews.get(lang)
    return Item("series", series.id, lang, source, series.state(lang), tuple(fields),
                based_on=review.based_on if review else None,
                reviewed_by=review.by if review else None,
                reviewed_at=review.at if review else None)


def edited(series: Series, lang: str, fields: Mapping[str, str], *, reviewed: bool, who: str,
           now: dt.datetime) -> Series:
    """`series` with its title (and description, where the source has one) in `lang` as
    edited. A changed text drops the review of the old one; with `reviewed` it is stamped
    against the source as it is now. Pure."""
    title = {**series.title, lang: fields["title"].strip()}
    description = dict(series.description)
    if "description" in fields and series.description.get(series.source):
        description[lang] = fields["description"].strip()
    reviews = dict(series.reviews)
    if (title, description) != (series.title, series.description):
        reviews.pop(lang, None)
    if reviewed:
        reviews[lang] = Review(based_on=series.fingerprint(), by=who, at=now)
    return series.model_copy(update={"title": title, "description": description,
                                     "reviews": reviews})
