"""One process sends each platform: elected by a lock that dies with its holder; the one that
takes over sends at once what the dead one had claimed; nothing is claimed twice meanwhile."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import App, open_app
from bot.db.session import make_engine, transaction
from bot.db.tables import OutboxMessage
from bot.delivery.election import (
    Election,
    FileElection,
    PostgresElection,
    election_for,
)
from bot.delivery.sender import Sender
from bot.delivery.transport import Sent
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.people.importer import import_rows, read_rows
from bot.runtime import Outbound
from tests.conftest import ROOT, _empty_postgres, make_settings
from tests.fakes import FakeClock

PEOPLE = 20


@pytest.fixture
def pg_url(postgres_database: str | None) -> str:
    if postgres_database is None:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set")
    asyncio.run(_empty_postgres(postgres_database))
    return postgres_database


@pytest.fixture
async def app_on(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    async with open_app(make_settings(db_url), clock=clock) as wired:
        yield wired


class Platform:
    """Records whom it sent to; `slow`: seconds each send takes."""

    def __init__(self, slow: float = 0.0) -> None:
        self.got: list[str] = []
        self.slow = slow

    async def transmit(self, outbound: Outbound) -> Sent:
        if self.slow:
            await asyncio.sleep(self.slow)
        self.got.append(outbound.identity.external_id)
        return Sent(f"m{len(self.got)}")


async def queue_notice(app: App, people: int = PEOPLE) -> None:
    settings = app.settings
    rows = read_rows("channel,id,locale,topics\n" + "".join(
        f"telegram,{7000 + n},{('ar', 'uk', 'de')[n % 3]},health\n" for n in range(people)),
        "test.csv", tuple(settings.languages))
    now = app.runtime.clock()
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, now)
        await store.queue(session, load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml"),
                          "topic:health", parse("topic:health", tuple(settings.languages)),
                          send_at=now, expires_at=None, now=now)


async def statuses(app: App) -> list[str]:
    async with app.sessions() as session:
        return list(await session.scalars(select(OutboxMessage.status)))


# -- the election itself ----------------------------------------------------------------------
async def test_one_postgres_connection_holds_a_platform_and_another_takes_over_at_once(
        pg_url: str) -> None:
    first_engine, second_engine = make_engine(pg_url), make_engine(pg_url)
    first = PostgresElection(first_engine, ["telegram", "whatsapp"])
    second = PostgresElection(second_engine, ["telegram", "whatsapp"])
    try:
        assert await first.poll() == {"telegram", "whatsapp"}
        assert await second.poll() == set()
        assert await first.poll() == set() and first.leads("telegram")  # still held
        await first.close()  # as when the process stops (or dies: its socket closes)
        assert await second.poll() == {"telegram", "whatsapp"}
        assert await first.poll() == set()

        # The database ends the holder's session (a network cut, a restart): the holder
        # notices at its next check and stops; another takes over.
        pid = await second._driver.fetchval("SELECT pg_backend_pid()")
        admin = await asyncpg.connect(make_url(pg_url).set(drivername="postgresql")
                                      .render_as_string(hide_password=False))
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
        await admin.close()
        assert await second.poll() == set() and not second.leads("telegram")
        assert await first.poll() == {"telegram", "whatsapp"}
    finally:
        await first.close()
        await second.close()
        await first_engine.dispose()
        await second_engine.dispose()


async def test_a_locked_file_elects_the_sender_on_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "welcomebot.db"
    first, second = FileElection(database, ["telegram"]), FileElection(database, ["telegram"])
    assert await first.poll() == {"telegram"}
    assert await second.poll() == set()
    await first.close()
    assert await second.poll() == {"telegram"}
    await second.close()


def test_the_election_fits_the_database(tmp_path: Path) -> None:
    on_file = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    in_memory = make_engine("sqlite+aiosqlite://")
    on_postgres = make_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    assert isinstance(election_for(on_file, ["telegram"]), FileElection)
    assert type(election_for(in_memory, ["telegram"])) is Election
    assert isinstance(election_for(on_postgres, ["telegram"]), PostgresElection)


# -- the sender that takes over -----------------------------------------------------------------
async def test_a_sender_that_takes_over_sends_what_the_dead_one_had_claimed_at_once(
        app_on: App) -> None:
    app = app_on
    await queue_notice(app)
    dead_platform, platform = Platform(), Platform()
    dead = Sender(app.sessions, app.runtime, {"telegram": dead_platform}, batch=PEOPLE,
                  lease=timedelta(minutes=2), election=election_for(app.engine, ["telegram"]))
    assert dead.election is not None
    assert await dead.election.poll() == {"telegram"}
    claimed = await dead._next_batch()  # claimed, its steps run, then the process died
    assert len(claimed[0]) == PEOPLE and dead_platform.got == []

    survivor = Sender(app.sessions, app.runtime, {"telegram": platform}, batch=PEOPLE,
                      lease=timedelta(minutes=2), rng=random.Random(1),
                      election=election_for(app.engine, ["telegram"]))
    stop = asyncio.Event()
    runner = asyncio.create_task(survivor.run(stop, until_empty=True))
    await asyncio.sleep(0.5)
    assert platform.got == []  # the dead one still holds the platform...
    await dead.election.close()  # ...until its lock goes with it
    # The clock stands still: the leases never end; the survivor releases them.
    await asyncio.wait_for(runner, 30)
    assert sorted(platform.got) == sorted(str(7000 + n) for n in range(PEOPLE))
    assert await statuses(app) == ["sent"] * PEOPLE


async def test_what_a_sender_has_in_hand_is_never_claimed_again_even_past_its_lease(
        app_on: App) -> None:
    app = app_on
    await queue_notice(app)
    platform = Platform(slow=0.01)
    # A lease over before it begins: every claim would take the rows being sent again.
    sender = Sender(app.sessions, app.runtime, {"telegram": platform}, batch=4, in_flight=2,
                    lease=timedelta(seconds=-1), rng=random.Random(1))
    await asyncio.wait_for(sender.run(asyncio.Event(), until_empty=True), 60)
    assert sorted(platform.got) == sorted(str(7000 + n) for n in range(PEOPLE))  # once each


class Losing(Election):
    """Leads until `after` sends went out (then another process took over)."""

    exclusive = True

    def __init__(self, platform: Platform, after: int) -> None:
        super().__init__(["telegram"])
        self.platform, self.after = platform, after

    def leads(self, channel: str) -> bool:
        return super().leads(channel) and len(self.platform.got) < self.after


async def test_a_sender_that_lost_its_platform_sends_nothing_more_of_its_batch(
        app_on: App) -> None:
    app = app_on
    await queue_notice(app)
    platform = Platform()
    election = Losing(platform, after=3)
    sender = Sender(app.sessions, app.runtime, {"telegram": platform}, batch=PEOPLE,
                    in_flight=1, election=election, rng=random.Random(1))
    stop = asyncio.Event()
    runner = asyncio.create_task(sender.run(stop))
    for _ in range(100):  # bounded: 5 s
        if len(platform.got) >= 3:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(runner, 10)
    assert len(platform.got) == 3
    assert sorted(await statuses(app)).count("sent") == 3  # the rest waits for the new sender
