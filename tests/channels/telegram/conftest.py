"""The real bot polling the fake Bot API server (`fake` and `channel`: tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.channel import TelegramChannel


@pytest.fixture
async def polling(channel: TelegramChannel) -> AsyncIterator[TelegramChannel]:
    stop = asyncio.Event()
    task = asyncio.create_task(channel.poll(stop, timeout=1))
    yield channel
    stop.set()
    await asyncio.wait_for(task, 5)
