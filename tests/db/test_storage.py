"""Storage behaves the same on SQLite and PostgreSQL (each test runs on both when
TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import migrate, people
from bot.db.session import make_engine, make_sessions
from bot.db.tables import Person
from bot.engine.model import ConversationState, Position

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    yield make_sessions(engine)
    await engine.dispose()


async def test_the_schema_is_at_the_newest_migration(db_url: str) -> None:
    engine = make_engine(db_url)
    assert await migrate.current(engine) == migrate.head()
    await engine.dispose()


async def test_a_person_is_created_once_and_seen_again(sessions) -> None:
    async with sessions() as s, s.begin():
        first = await people.arrive(s, "telegram", "42", NOW)
    async with sessions() as s, s.begin():
        again = await people.arrive(s, "telegram", "42", NOW + timedelta(hours=1))
        assert again.id == first.id and again.role == "newcomer"
        assert again.last_seen_at == NOW + timedelta(hours=1)
        assert again.created_at == NOW and again.created_at.tzinfo is not None


async def test_the_same_identity_arriving_in_parallel_makes_one_person(sessions) -> None:
    async def arrive(n: int) -> int:
        async with sessions() as s, s.begin():
            person = await people.arrive(s, "telegram", "7", NOW + timedelta(seconds=n))
            return person.id

    ids = await asyncio.gather(*(arrive(n) for n in range(8)))
    assert len(set(ids)) == 1
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Person)) == 1


async def test_admins_from_configuration_get_their_role(sessions) -> None:
    async with sessions() as s, s.begin():
        boss = await people.arrive(s, "telegram", "1", NOW, admins={"telegram:1"})
        other = await people.arrive(s, "whatsapp", "1", NOW, admins={"telegram:1"})
    assert (boss.role, other.role) == ("admin", "newcomer")


async def test_conversation_state_round_trips(sessions) -> None:
    state = ConversationState(lang="fa", at=Position("form", "city"), waiting="input",
                              vars={"form": {"name": "Zahra", "n": 3}},
                              stack=(Position("privacy", "choose"),), prompt=5, misses=1)
    async with sessions() as s, s.begin():
        person = await people.arrive(s, "console", "z", NOW)
        person.conversation = state.to_json()
        assert await people.store(s, person)
    async with sessions() as s, s.begin():
        again = await people.arrive(s, "console", "z", NOW)
        assert again.state == state


async def test_a_write_based_on_an_old_read_is_refused(sessions) -> None:
    async with sessions() as s, s.begin():
        person = await people.arrive(s, "console", "race", NOW)
    stale = replace(person)
    async with sessions() as s, s.begin():
        person.conversation = {"lang": "uk"}
        assert await people.store(s, person)  # this one read the newest version
    async with sessions() as s, s.begin():
        stale.conversation = {"lang": "ru"}
        assert not await people.store(s, stale)  # this one did not
    async with sessions() as s, s.begin():
        await people.set_role(s, "console", "race", "staff", NOW)  # the ORM bumps it too
    async with sessions() as s, s.begin():
        assert not await people.store(s, person)
        fresh = await people.arrive(s, "console", "race", NOW)
        assert fresh.role == "staff" and fresh.conversation == {"lang": "uk"}


async def test_recent_deliveries_are_remembered_and_bounded(sessions) -> None:
    async with sessions() as s, s.begin():
        person = await people.arrive(s, "telegram", "d", NOW)
        for n in range(people.RECENT + 5):
            person.remember(str(n))
        assert await people.store(s, person)
    async with sessions() as s, s.begin():
        again = await people.arrive(s, "telegram", "d", NOW)
    assert again.seen(str(people.RECENT + 4)) and not again.seen("0")
    assert len(again.recent_deliveries or []) == people.RECENT


async def test_erasing_a_person_removes_their_row_and_conversation(sessions) -> None:
    async with sessions() as s, s.begin():
        person = await people.arrive(s, "console", "gone", NOW)
        person.conversation = ConversationState(lang="uk").to_json()
        assert await people.store(s, person)
    async with sessions() as s, s.begin():
        person = await people.arrive(s, "console", "gone", NOW)
        await people.erase(s, person)
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Person)) == 0


async def test_people_inactive_past_retention_are_purged(sessions) -> None:
    async with sessions() as s, s.begin():
        await people.arrive(s, "console", "old", NOW - timedelta(days=400))
        await people.arrive(s, "console", "recent", NOW - timedelta(days=10))
    async with sessions() as s, s.begin():
        assert await people.purge_inactive(s, NOW, days=365) == 1
    async with sessions() as s:
        assert await people.find(s, "console", "old") is None
        assert await people.find(s, "console", "recent") is not None


async def test_naive_datetimes_are_refused(sessions) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions() as s, s.begin():
            await people.arrive(s, "console", "n", datetime(2026, 1, 1))  # noqa: DTZ001


async def test_the_migrations_build_exactly_the_tables_the_code_declares(db_url: str) -> None:
    """A table or column added to bot/db/tables.py without its migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.db.tables import Base

    engine = make_engine(db_url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    await engine.dispose()
    assert diff == []
