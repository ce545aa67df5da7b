"""The pace of one platform's sends: a token bucket, one token per platform message.

Each channel paces its own platform calls with one (Telegram allows about 30 messages a
second to different chats, WhatsApp 80 per phone number): a notice split in two pieces
costs two tokens. Replies to people who are chatting `spend` from the same bucket and never
wait; the outbox `take`s what is left. A 429 `hold`s it.

One process sends a platform's outbox (`election.py`); the bot's other processes answer
people too. Their bucket `tell`s what their replies spent and what pauses the platform asked
of them, and the sending process's bucket is `charge`d with it (`shared.py`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

Tell = Callable[[str, int, float], None]
"""Told of each message counted and each pause asked: (chat, messages, pause seconds); the
chat is "" for the platform as a whole (`shared.SharedLimits`)."""


class TokenBucket:
    """At most `rate` sends a second on average, `burst` at once. Replies to people who are
    chatting `spend` without waiting (they come first); the outbox `take`s what is left.

    The pace is `HEADROOM` below `rate`: platforms count arrivals, and network jitter brings
    sends that left exactly 1/rate apart closer together, so a bot paced at exactly the
    platform's limit earns a 429 (and a second's pause) every few hundred messages. Where
    jitter is larger (a busy machine, a slow network), each 429 lowers the pace by 1%
    (`BACKOFF`, never below `FLOOR` of the rate); after `CALM` seconds without one it rises
    again by `RECOVER` up to the start: a 429 costs a pause once, not again and again."""

    HEADROOM = 0.02
    BACKOFF, FLOOR = 0.99, 0.85
    CALM, RECOVER = 30.0, 1.01

    def __init__(self, rate: float, burst: int = 1, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.top = rate * (1 - self.HEADROOM)
        self.rate = self.top
        self.burst = burst
        self.tokens = float(burst)
        self.monotonic = monotonic
        self.sleep = sleep
        self.at = monotonic()
        self.calm_since = self.at
        self.last = float("-inf")
        """When the last send went (with `burst` 1), as it really left."""
        self.tell: Tell | None = None
        """Told of every `spend` and `hold` (not of `take`: the outbox sends only in the one
        process that sends the platform)."""

    def _count(self, now: float) -> None:
        if self.rate < self.top and now - self.calm_since >= self.CALM:
            self.rate = min(self.top, self.rate * self.RECOVER)
            self.calm_since = now
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate) - 1
        self.at = now

    async def take(self) -> None:
        """Take a token, waiting until it is there. The token is reserved first and the
        wait is for the deficit, so waiting never loops (float rounding could make a
        "sleep, then look again" loop spin forever on a large monotonic clock)."""
        self._count(self.monotonic())
        if self.tokens < 0:
            await self.sleep(-self.tokens / self.rate)
        if self.burst == 1:
            # A send the event loop woke late (a busy moment) would leave right behind the
            # next one, whose time had come: two arrivals 1/rate apart became one, and a
            # platform that counts arrivals in each second answers 429. So each send also
            # keeps 1/rate after the one before, as they really left.
            now = self.monotonic()
            self.last = max(now, self.last + 1 / self.rate)
            if self.last > now:
                await self.sleep(self.last - now)

    def spend(self) -> None:
        """A reply went out: it counts against the limit, and is never held back."""
        now = self.monotonic()
        self._count(now)
        self.last = max(now, self.last + 1 / self.rate)
        if self.tell is not None:
            self.tell("", 1, 0.0)

    def charge(self, messages: int) -> None:
        """Messages another process sent on this platform just now (its replies): the
        outbox waits for them as for replies of its own."""
        if messages > 0:
            self._count(self.monotonic())
            self.tokens -= messages - 1  # `_count` took one

    def hold(self, seconds: float, *, told: bool = False) -> None:
        """The platform said "wait `seconds`" (a 429): no token before then, and after it the
        rate starts from an empty bucket, a little slower. Tokens handed out before the pause
        are void (their sends were held by the platform too and take a new one), so the
        calls that waited out the pause leave one by one at the rate instead of all at once,
        which would overrun the platform's window again and earn the next 429.
        `told`: the platform said so to another process (not told on again)."""
        if self.tell is not None and not told:
            self.tell("", 0, seconds)
        now = self.monotonic()
        self.rate = max(self.top / (1 - self.HEADROOM) * self.FLOOR, self.rate * self.BACKOFF)
        self.calm_since = now
        self.tokens = min(self.tokens + (now - self.at) * self.rate, 0.0, -seconds * self.rate)
        self.at = now
