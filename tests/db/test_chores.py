"""Housekeeping and matching rounds run once across the bot's processes: a process whose
turn it is not (another is at it, or did it lately) skips."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import open_app
from bot.buddies import rounds
from bot.db.locks import take_turn
from bot.db.session import make_engine, make_sessions, transaction
from bot.service import keep_house
from tests.conftest import _empty_postgres, make_settings
from tests.fakes import FakeClock

DAY = timedelta(days=1)


@pytest.fixture
def pg_url(postgres_database: str | None) -> str:
    if postgres_database is None:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set")
    asyncio.run(_empty_postgres(postgres_database))
    return postgres_database


async def test_a_chore_is_done_once_per_period(db_url: str, clock: FakeClock) -> None:
    engine = make_engine(db_url)
    sessions = make_sessions(engine)

    async def turn() -> bool:
        async with transaction(sessions) as session:
            return await take_turn(session, "housekeeping", clock(), DAY)

    assert await turn()
    assert not await turn()  # done a moment ago
    clock.advance(hours=22)
    assert not await turn()
    clock.advance(hours=1)  # a little early is on time: the processes' timers drift
    assert await turn()
    await engine.dispose()


async def test_a_process_skips_a_chore_another_is_doing(pg_url: str, clock: FakeClock) -> None:
    engines = [make_engine(pg_url), make_engine(pg_url)]
    first, second = (make_sessions(engine) for engine in engines)
    async with transaction(first) as doing:
        assert await take_turn(doing, "buddies_round", clock(), timedelta(minutes=5))
        async with transaction(second) as other:  # while the first is still at it
            assert not await take_turn(other, "buddies_round", clock(), timedelta(minutes=5))
    async with transaction(second) as other:  # the first is done, and it was just now
        assert not await take_turn(other, "buddies_round", clock(), timedelta(minutes=5))
    for engine in engines:
        await engine.dispose()


async def test_two_processes_keep_house_once(pg_url: str) -> None:
    """Two at once used to add the same event dates, and one rolled back."""
    clock = FakeClock()
    settings = make_settings(pg_url)
    async with open_app(settings, clock=clock) as first, \
            open_app(settings, clock=clock) as second:
        done = await asyncio.gather(keep_house(first), keep_house(second))
        assert sorted(done) == [False, True]
        assert not await keep_house(first)  # and not again the same day
        clock.advance(days=1)
        assert await keep_house(second)


async def test_two_processes_run_a_matching_round_once(pg_url: str) -> None:
    clock = FakeClock()
    settings = make_settings(pg_url)
    every = timedelta(minutes=settings.buddies_round_minutes)
    async with open_app(settings, clock=clock) as first, \
            open_app(settings, clock=clock) as second:
        reports = await asyncio.gather(rounds.turn(first, every), rounds.turn(second, every))
        assert sorted(report is None for report in reports) == [False, True]
        clock.advance(minutes=settings.buddies_round_minutes)
        assert await rounds.turn(first, every) is not None
