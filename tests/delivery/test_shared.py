"""Replies other processes sent count against the limits of the process that sends the
platform: its token bucket, its pace per chat, and the pauses the platform asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import make_engine, make_sessions
from bot.db.tables import PaceMark
from bot.delivery.bucket import TokenBucket
from bot.delivery.election import Election
from bot.delivery.pace import ChatPace
from bot.delivery.shared import SharedLimits
from tests.conftest import _empty_postgres
from tests.delivery.test_bucket import Clock


@pytest.fixture
def pg_url(postgres_database: str | None) -> str:
    if postgres_database is None:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set")
    asyncio.run(_empty_postgres(postgres_database))
    return postgres_database


@pytest.fixture
async def two(pg_url: str) -> AsyncIterator[list[async_sessionmaker[AsyncSession]]]:
    """Two processes' sessions (an engine each) on one database."""
    engines = [make_engine(pg_url), make_engine(pg_url)]
    yield [make_sessions(engine) for engine in engines]
    for engine in engines:
        await engine.dispose()


class Process:
    """What a process shares: Telegram's bucket and chat pace, sending the outbox or not."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], sends: bool) -> None:
        self.clock = Clock()
        self.bucket = TokenBucket(25, monotonic=self.clock.monotonic, sleep=self.clock.sleep)
        self.pace = ChatPace(gap=1.0, burst=3, monotonic=self.clock.monotonic,
                             sleep=self.clock.sleep)
        self.election = Election(["telegram"] if sends else [])
        self.shared = SharedLimits(sessions, self.election)
        self.shared.watch("telegram", self.bucket, self.pace)

    def reply(self, chat: str) -> None:
        """As the Telegram channel answers someone: the chat's pace, then a token."""
        self.pace.spend(chat)
        self.bucket.spend()


async def marks(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PaceMark)) or 0)


async def test_replies_elsewhere_make_the_outbox_wait_for_them(
        two: list[async_sessionmaker[AsyncSession]]) -> None:
    sender, webhook = Process(two[0], sends=True), Process(two[1], sends=False)
    await sender.election.poll()
    for _ in range(5):  # five answers to the same person, from another process
        webhook.reply("42")
    webhook.reply("43")
    await webhook.shared.exchange()
    assert await marks(two[0]) == 3  # one row per chat, and one for the platform
    await sender.shared.exchange()
    assert await marks(two[0]) == 0  # taken

    await sender.bucket.take()  # the six replies are in the bucket: the push waits for them
    assert 6 / 25 <= sender.clock.now <= 7 / (25 * 0.97)
    # The person who got five answers gets the next push only once their pace allows it
    # (three at once, then one a second: five were sent, so about three seconds from now).
    assert 2.5 <= sender.pace.ahead("42") <= 3.5
    assert sender.pace.ahead("43") == 0.0


async def test_a_pause_the_platform_asked_elsewhere_holds_the_outbox(
        two: list[async_sessionmaker[AsyncSession]]) -> None:
    sender, webhook = Process(two[0], sends=True), Process(two[1], sends=False)
    await sender.election.poll()
    webhook.bucket.hold(2.0)  # Telegram answered a reply with 429, retry after 2
    webhook.pace.hold("42", 6.0)  # WhatsApp's "too many to this person"
    await webhook.shared.exchange()
    await sender.shared.exchange()
    assert sender.pace.held("42") >= 5.5
    await sender.bucket.take()
    assert sender.clock.now >= 1.8


async def test_the_sending_process_keeps_its_own_replies_to_itself(
        two: list[async_sessionmaker[AsyncSession]]) -> None:
    sender = Process(two[0], sends=True)
    await sender.election.poll()
    sender.reply("42")
    sender.bucket.hold(1.0)
    await sender.shared.exchange()
    assert await marks(two[0]) == 0  # counted where they happened, once
