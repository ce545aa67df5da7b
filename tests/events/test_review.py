"""Event texts for translators (`bot.events.review`): a series' title and description per
language with their state; a review stamps the German source's fingerprint and turns stale
when the German text changes, also when the series comes again from a file without stamps
(`welcomebot events import`); the translator's edit reaches the dates people book."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import Event
from bot.events import store
from bot.events.review import EventTexts
from bot.events.series import Series
from tests.events.test_store import BERLIN, NOW

RIMA = "telegram:1001"


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    yield make_sessions(engine)
    await engine.dispose()


def cafe(**changes: object) -> Series:
    values: dict[str, object] = {
        "id": "cafe-west", "kind": "language_cafe",
        "title": {"de": "Sprachcafé West", "ar": "مقهى اللغة الغربي"},
        "description": {"de": "Deutsch sprechen bei Tee und Kuchen."},
        "place": "Bibliothek", "address": "Mailänder Platz 1, 70173 Stuttgart",
        "district": "Mitte", "languages": ["de", "ar"], "starts": "2026-11-24 18:00",
        "minutes": 90, "capacity": 10}
    values.update(changes)
    return Series.model_validate(values)


def test_the_states_of_a_series_texts() -> None:
    series = cafe()
    assert [series.state(code) for code in ("de", "ar", "fa")] == [
        "source", "unreviewed", "missing"]
    assert cafe(title={"en": "Language café", "ar": "مقهى"}).source == "en"
    stamped = cafe(reviews={"ar": {"based_on": series.fingerprint(), "by": RIMA}})
    assert stamped.state("ar") == "reviewed"
    changed = cafe(title={"de": "Sprachcafé Weststadt", "ar": "مقهى اللغة الغربي"},
                   reviews={"ar": {"based_on": series.fingerprint()}})
    assert changed.state("ar") == "stale"


async def test_reviewed_then_stale_when_the_file_changes_the_german_title(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    texts = EventTexts()
    async with transaction(sessions) as db:
        await store.save_series(db, [cafe()], NOW, BERLIN)
    async with transaction(sessions) as db:
        waiting = await texts.waiting(db, ["ar", "fa"])
        assert [(w.key, w.lang, w.state) for w in waiting] == [
            ("cafe-west", "ar", "unreviewed"), ("cafe-west", "fa", "missing")]
        item = await texts.item(db, "cafe-west", "ar")
        assert item is not None and [f.name for f in item.fields] == ["title", "description"]
        with pytest.raises(ValueError, match="description: required"):
            await texts.save(db, "cafe-west", "ar", {"title": "مقهى", "description": " "},
                             reviewed=True, who=RIMA, now=NOW)
        await texts.save(db, "cafe-west", "ar", {
            "title": "مقهى اللغة الغربي", "description": "تحدث الألمانية مع الشاي والكعك."},
            reviewed=True, who=RIMA, now=NOW)
    async with transaction(sessions) as db:
        assert await texts.waiting(db, ["ar"]) == []
        item = await texts.item(db, "cafe-west", "ar")
        assert item is not None and (item.state, item.reviewed_by, item.reviewed_at) == (
            "reviewed", RIMA, NOW)
        event = await db.scalar(select(Event).where(Event.series == "cafe-west"))
        assert event is not None
        assert event.details["description"]["ar"] == "تحدث الألمانية مع الشاي والكعك."
    # The file again, with a new German title and no stamps: the Arabic one is stale.
    async with transaction(sessions) as db:
        await store.save_series(db, [cafe(title={"de": "Sprachcafé Weststadt",
                                                 "ar": "مقهى اللغة الغربي"})], NOW, BERLIN)
    async with transaction(sessions) as db:
        assert [(w.lang, w.state, w.title) for w in await texts.waiting(db, ["ar"])] == [
            ("ar", "stale", "Sprachcafé Weststadt")]
