"""The flood limit is the person's, however many of the bot's processes their messages
reach: on PostgreSQL the processes share it; on SQLite (one process) it is in memory."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import open_app
from bot.db.session import make_engine, make_sessions
from bot.engine.model import Inbound
from bot.flood import FloodGate, Verdict
from bot.runtime import SLOW_DOWN, Identity
from tests.conftest import _empty_postgres, make_settings
from tests.fakes import FakeClock


@pytest.fixture
def pg_url(postgres_database: str | None) -> str:
    if postgres_database is None:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set")
    asyncio.run(_empty_postgres(postgres_database))
    return postgres_database


async def test_two_processes_share_one_persons_limit(pg_url: str, clock: FakeClock) -> None:
    engines = [make_engine(pg_url), make_engine(pg_url)]
    gates = [FloodGate(3, 60, sessions=make_sessions(engine)) for engine in engines]
    try:
        assert all(gate.shared is not None for gate in gates)
        verdicts = [await gates[n % 2].check(("telegram", "1"), clock(), name="telegram:1")
                    for n in range(6)]
        assert verdicts == [Verdict.ADMIT] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
        # Someone else is not held back; a second later one message may go again.
        assert await gates[0].check("x", clock(), name="telegram:2") is Verdict.ADMIT
        clock.advance(seconds=1)
        assert await gates[1].check("x", clock(), name="telegram:1") is Verdict.ADMIT
        assert await gates[0].check("x", clock(), name="telegram:1") is Verdict.WARN
        # A tap costs a quarter: four of them are one message's worth.
        clock.advance(seconds=1)
        taps = [await gates[n % 2].check("x", clock(), 0.25, name="telegram:1")
                for n in range(5)]
        assert taps == [Verdict.ADMIT] * 4 + [Verdict.WARN]
    finally:
        for gate in gates:
            await gate.close()
        for engine in engines:
            await engine.dispose()


async def test_without_the_database_the_memory_decides(clock: FakeClock) -> None:
    engine = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # nothing listens
    gate = FloodGate(2, 60, sessions=make_sessions(engine))
    verdicts = [await gate.check("p", clock(), name="telegram:1") for _ in range(4)]
    assert verdicts == [Verdict.ADMIT, Verdict.ADMIT, Verdict.WARN, Verdict.DROP]
    await gate.close()
    await engine.dispose()


def test_on_sqlite_the_limit_stays_in_memory(sqlite_url: str) -> None:
    gate = FloodGate(2, 60, sessions=make_sessions(make_engine(sqlite_url)))
    assert gate.shared is None


async def test_two_runtimes_on_one_database_slow_the_same_person_down(pg_url: str) -> None:
    clock = FakeClock()
    settings = make_settings(pg_url, flood_burst=2, flood_per_minute=6)
    async with open_app(settings, clock=clock) as first, \
            open_app(settings, clock=clock) as second:
        who = Identity("telegram", "555")
        answers = []
        for n in range(4):  # a load balancer hands the messages to either process
            runtime = (first, second)[n % 2].runtime
            answers.append(await runtime.handle(who, Inbound.message("hello"),
                                                delivery_id=f"u{n}"))
        slowed = [any(reply.text.msgid == SLOW_DOWN for reply in outbound.replies)
                  for outbound in answers]
        assert slowed == [False, False, True, False]  # told once, then dropped silently
        assert answers[3].replies == ()
        clock.advance(seconds=timedelta(minutes=1).total_seconds())
        again = await first.runtime.handle(who, Inbound.message("hello"), delivery_id="u9")
        assert again.replies and all(reply.text.msgid != SLOW_DOWN for reply in again.replies)
