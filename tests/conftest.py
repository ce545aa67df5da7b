"""Shared fixtures: a clock, migrated databases (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), settings that ignore a developer's .env, the wired app.

Tests that take `db_url` run once per database backend.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.app import App, open_app
from bot.config import Settings
from bot.db import migrate
from bot.db.session import make_engine
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL_ENV = "TEST_DATABASE_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update", action="store_true",
                     help="rewrite the bot's side of tests/transcripts/*.yaml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# -- SQLite: migrate one file per test session, copy it for each test ----------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"

    async def build() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(engine)
        await engine.dispose()  # the last connection to close folds the WAL into the file

    asyncio.run(build())
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "welcomebot.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


# -- PostgreSQL: one fresh database per session, emptied before each test ------------------
@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    import os

    base = os.environ.get(TEST_DATABASE_URL_ENV)
    if not base:
        yield None
        return
    url = make_url(base)
    name = f"welcomebot_test_{uuid.uuid4().hex[:8]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def create() -> None:
        conn = await asyncpg.connect(admin_dsn)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
        await migrate.upgrade(engine)
        await engine.dispose()

    async def drop() -> None:
        conn = await asyncpg.connect(admin_dsn)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(create())
    yield url.set(database=name).render_as_string(hide_password=False)
    asyncio.run(drop())


async def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        tables = (await conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")).scalars().all()
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            await conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, sqlite_url: str,
           postgres_database: str | None) -> str:
    if request.param == "sqlite":
        return sqlite_url
    if postgres_database is None:
        pytest.skip(f"PostgreSQL tests run when {TEST_DATABASE_URL_ENV} is set (.ci/run sets it)")
    asyncio.run(_empty_postgres(postgres_database))
    return postgres_database


def make_settings(database_url: str, **changes: object) -> Settings:
    """Settings for a test: the repository's flows and catalogs, no .env file."""
    values: dict[str, object] = {
        "database_url": database_url,
        "flows_dir": ROOT / "flows",
        "content_dir": ROOT / "content",
        "translations_dir": ROOT / "translations",
    }
    values.update(changes)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    async with open_app(settings, clock=clock) as wired:
        yield wired


# -- the fake Bot API and the real bot talking to it (aiogram is imported only here) -------
@pytest.fixture
async def fake() -> AsyncIterator[Any]:
    from tests.fake_telegram import FakeTelegram

    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def channel(app: App, fake: Any) -> AsyncIterator[Any]:
    from bot.channels.telegram.channel import TelegramChannel
    from tests.fake_telegram import TOKEN

    telegram = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                               api_base=fake.base, sender_options={"base_delay": 0.01})
    yield telegram
    await telegram.close()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """For CLI tests: no developer .env, the repository's flows, content and catalogs, and
    a database file of the test's own (not migrated). Returns that folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRANSLATIONS_DIR", str(ROOT / "translations"))
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("FLOWS_DIR", str(ROOT / "flows"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    return tmp_path
