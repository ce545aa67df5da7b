""""Did this help?" counted per topic and language over a period and week by week, without
the web: the shares, "too few" below ENOUGH answers, the weeks of the period, worst first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db.session import make_engine, make_sessions, transaction
from bot.faq import store
from bot.faq.helpfulness import (
    ENOUGH,
    Period,
    Rated,
    Share,
    languages_of,
    overall,
    table,
    week_of,
)

MONDAY = date(2026, 11, 23)


def test_a_period_is_whole_weeks_ending_today() -> None:
    period = Period.last_weeks(4, MONDAY + timedelta(days=2))  # a Wednesday
    assert period.start == date(2026, 11, 2) and period.end == date(2026, 11, 25)
    assert period.weeks == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), MONDAY]
    assert date(2026, 11, 1) not in period and date(2026, 11, 26) not in period
    assert week_of(date(2026, 11, 29)) == MONDAY  # a Sunday belongs to its Monday's week
    with pytest.raises(ValueError):
        Period.last_weeks(0, MONDAY)


def test_a_share_is_shown_only_from_enough_answers() -> None:
    assert ENOUGH == 10
    few = Share(yes=3, no=1)
    assert (few.total, few.enough, few.share, few.percent) == (4, False, None, None)
    enough = Share(yes=7, no=3)
    assert (enough.enough, enough.share, enough.percent) == (True, 0.7, 70)
    assert Share().share is None


def test_topics_worst_first_with_languages_and_every_week_of_the_period() -> None:
    period = Period.last_weeks(4, MONDAY)
    rows = [
        Rated(MONDAY - timedelta(days=3), "housing", "ar", True, 2),
        Rated(MONDAY - timedelta(days=3), "housing", "ar", False, 8),
        Rated(MONDAY - timedelta(days=10), "housing", "uk", True, 6),
        Rated(MONDAY, "german-courses", "de", True, 15),
        Rated(MONDAY, "german-courses", "de", False, 3),
        Rated(MONDAY, "taxes", "fa", False, 2),          # too few: after the others
        Rated(MONDAY, "emergency", "tr", False, 30),     # nobody helped: the worst
        Rated(MONDAY - timedelta(weeks=5), "banking", "en", False, 40),  # before the period
    ]
    found = table(rows, period)
    assert [e.topic for e in found] == ["emergency", "housing", "german-courses", "taxes"]
    housing = found[1]
    assert (housing.all.yes, housing.all.no, housing.all.percent) == (8, 8, 50)
    assert {lang: (s.yes, s.no, s.percent) for lang, s in housing.languages.items()} == {
        "ar": (2, 8, 20), "uk": (6, 0, None)}
    assert [(monday, share.total) for monday, share in housing.weeks] == [
        (date(2026, 11, 2), 0), (date(2026, 11, 9), 6), (date(2026, 11, 16), 10), (MONDAY, 0)]
    assert languages_of(found, ["de", "en", "ar", "fa", "uk", "ru", "tr"]) == [
        "de", "ar", "fa", "uk", "tr"]
    assert (overall(found).yes, overall(found).no) == (23, 43)


def test_among_topics_with_too_few_answers_the_most_answered_come_first() -> None:
    period = Period.last_weeks(1, MONDAY)
    found = table([Rated(MONDAY, "a", "de", False, 2), Rated(MONDAY, "b", "de", True, 5),
                   Rated(MONDAY, "c", "de", True, 0)], period)
    assert [e.topic for e in found] == ["b", "a"]  # a row of no answers is no topic


async def test_the_store_counts_the_days_of_the_period(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    sessions = make_sessions(engine)
    now = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
    async with transaction(sessions) as db:
        for days_ago, helpful in ((0, True), (0, True), (0, False), (6, False), (30, True)):
            await store.record_feedback(db, "housing", "ar", helpful,
                                        now - timedelta(days=days_ago))
    async with sessions() as db:
        rows = await store.rated(db, now - timedelta(days=7), now)
    await engine.dispose()
    assert sorted(rows, key=lambda r: (r.day, r.helpful)) == [
        Rated(date(2026, 11, 17), "housing", "ar", False, 1),
        Rated(MONDAY, "housing", "ar", False, 1),
        Rated(MONDAY, "housing", "ar", True, 2)]
