"""A fake Bot API server and the real bot (runtime, flows, SQLite) polling it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from tests.fake_telegram import TOKEN, FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def channel(app: App, fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                               api_base=fake.base, sender_options={"base_delay": 0.01})
    yield telegram
    await telegram.close()


@pytest.fixture
async def polling(channel: TelegramChannel) -> AsyncIterator[TelegramChannel]:
    stop = asyncio.Event()
    task = asyncio.create_task(channel.poll(stop, timeout=1))
    yield channel
    stop.set()
    await asyncio.wait_for(task, 5)
