"""Sending what the outbox holds, when it is due, within the platforms' limits.

For each due message: in one transaction the runtime runs the message's flow step for the
person (their conversation moves there, so the buttons of a reminder work like any other);
after that commits, the channel's transport sends the replies; then the message is marked.
A crash between those steps leaves the message claimed; when its lease ends it is sent
again: at most the messages in flight at a crash go out twice, none is lost.

Limits: one token bucket for all sends of this process (Telegram allows about 30 messages a
second to different chats); a transport that asks to wait makes the message wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import transaction
from bot.delivery import outbox
from bot.runtime import Outbound, Runtime

log = logging.getLogger(__name__)


class Transmitted(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    """The person blocked the bot: nothing more is sent to them."""
    RETRY = "retry"
    """The platform failed for now (timeouts, 5xx): try again later."""
    FAILED = "failed"
    """The platform refused the message for good (a 400): trying again cannot help."""


class Transport(Protocol):
    """What a channel offers the outbox: send one person's replies."""

    async def transmit(self, outbound: Outbound) -> Transmitted: ...


class TokenBucket:
    """At most `rate` sends a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int = 1, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.monotonic = monotonic
        self.sleep = sleep
        self.at = monotonic()

    async def take(self) -> None:
        while True:
            now = self.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await self.sleep((1 - self.tokens) / self.rate)


@dataclass
class Sender:
    sessions: async_sessionmaker[AsyncSession]
    runtime: Runtime
    transports: Mapping[str, Transport]
    """Channel name ("telegram") -> its transport; messages to people on other channels wait."""
    bucket: TokenBucket
    batch: int = 50
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 8
    rng: random.Random = field(default_factory=random.Random)

    def _now(self) -> datetime:
        return self.runtime.clock()

    async def drain(self) -> int:
        """Send what is due now, one batch; returns how many messages were handled."""
        async with transaction(self.sessions) as session:
            due = await outbox.claim(session, self._now(), list(self.transports),
                                     limit=self.batch, lease=self.lease)
        for message in due:
            await self._send(message)
        return len(due)

    async def _send(self, message: outbox.Due) -> None:
        try:
            async with transaction(self.sessions) as session:
                outbound = await self.runtime.push(session, message.person_id, message.push,
                                                   message.payload)
        except Exception:
            log.exception("push_failed id=%d push=%s", message.id, message.push)
            await self._mark(message, Transmitted.RETRY)
            return
        if outbound is None or not outbound.replies:
            await self._finish(message.id, "skipped")
            return
        await self.bucket.take()
        try:
            result = await self.transports[message.channel].transmit(outbound)
        except Exception:
            log.exception("transmit_failed id=%d", message.id)
            result = Transmitted.RETRY
        await self._mark(message, result)

    async def _mark(self, message: outbox.Due, result: Transmitted) -> None:
        if result is Transmitted.RETRY and message.attempts + 1 < self.max_attempts:
            # Exponential backoff with jitter: 30 s, 1 min, 2 min ... capped at an hour.
            delay = min(3600.0, 30.0 * 2 ** message.attempts) * (0.5 + self.rng.random())
            async with transaction(self.sessions) as session:
                await outbox.retry(session, message.id, self._now() + timedelta(seconds=delay))
            log.info("outbox_retry id=%d attempts=%d", message.id, message.attempts + 1)
            return
        status = "failed" if result is Transmitted.RETRY else result.value
        await self._finish(message.id, status)

    async def _finish(self, message_id: int, status: str) -> None:
        async with transaction(self.sessions) as session:
            await outbox.settle(session, message_id, status, self._now())
        log.info("outbox id=%d status=%s", message_id, status)

    async def run(self, stop: asyncio.Event, *, idle: float = 1.0) -> None:
        """Until `stop`: send what is due; when nothing is, look again after `idle` seconds."""
        while not stop.is_set():
            try:
                handled = await self.drain()
            except Exception:
                log.exception("outbox_drain_failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle)
