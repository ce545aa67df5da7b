"""Calling the Cloud API the way WhatsApp wants to be called: paced, errors handled by code.

Pace: one token of the number's `TokenBucket` per message (80 a second by default) and the
pair rate per person (`pairs.py`). Replies to someone chatting `spend` and never wait; the
outbox waits its turn, and gives a message back for later rather than wait long for one
person.

- 130429 (the number's throughput), 80007 and 4 (the account's and the app's call rate):
  every send of this number pauses (the bucket is held), then the call is made again; the
  pause doubles while it goes on (Meta says "try again later", with no time).
- 131056 (pair rate: too many to this person): sends to this person only wait, then again.
- 131047 (more than 24 hours since the person wrote): `WindowClosed`; only a template may go.
- 131026 (undeliverable: not on WhatsApp, blocked the business, terms not accepted):
  `Unreachable`.
- 5xx, codes 1, 2, 131000, 131016, 133004 (Meta's side failing), network errors and timeouts:
  tried again with exponential backoff and jitter; `GaveUp` after `max_attempts`.
- Anything else (a bad parameter, a template Meta does not know, an expired token): the
  `CloudError` is raised at once; trying again cannot help.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from bot.channels.whatsapp.client import CloudApi, CloudError
from bot.channels.whatsapp.pairs import INTERVAL, PairPace
from bot.delivery.bucket import TokenBucket
from bot.delivery.pace import ChatPace

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
T = TypeVar("T")

THROUGHPUT = frozenset({4, 80007, 130429})
PAIR = frozenset({131056})
WINDOW = frozenset({131047})
UNDELIVERABLE = frozenset({131026})
TRANSIENT = frozenset({1, 2, 131000, 131016, 133004})
TEMPLATE_UNKNOWN = frozenset({132001})
"""The template does not exist in that language (not approved, or named wrongly)."""


class Unreachable(Exception):
    """WhatsApp cannot deliver to this person (131026)."""


class WindowClosed(Exception):
    """More than 24 hours since the person wrote (131047): only a template may go."""


class GaveUp(Exception):
    """The Cloud API kept failing, or the person's pair rate would keep the message waiting
    too long: try again later."""


class Sender:
    def __init__(self, api: CloudApi, bucket: TokenBucket, pairs: ChatPace | None = None, *,
                 max_attempts: int = 5, base_delay: float = 0.5, max_delay: float = 30.0,
                 pause: float = 1.0, pair_pause: float = INTERVAL, max_wait: float = 30.0,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        self.api = api
        self.bucket = bucket
        self.pairs = pairs if pairs is not None else PairPace()  # an empty pace is falsy
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.pause = pause
        """Seconds every send waits after the first 130429 (doubling while they go on)."""
        self.pair_pause = pair_pause
        """Seconds sends to one person wait after the first 131056 (doubling)."""
        self.max_wait = max_wait
        """The longest an outbox message waits for one person's pair rate before it is
        given back (the outbox's lease must not run out while it waits)."""
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.metrics: Metrics | None = None
        """Where every rate limit error is counted (set by the channel)."""

    async def send(self, to: str, message: dict[str, Any], *, reply: bool = False) -> str:
        """Send `message` to `to`; Meta's id for it. `reply`: someone chatting waits for it."""
        return await self._call(to, lambda: self.api.send(to, message), reply=reply)

    async def upload(self, to: str, name: str, media_type: str, content: bytes) -> str:
        """Upload a file for a message to `to` (uploads are not messages: not paced)."""
        return await self._call(to, lambda: self.api.upload(name, media_type, content),
                                reply=True, paced=False)

    async def _call(self, to: str, call: Callable[[], Awaitable[T]], *, reply: bool,
                    paced: bool = True) -> T:
        failures = limited = 0
        while True:
            if paced:
                await self._pace(to, reply=reply, again=limited > 0)
            try:
                return await call()
            except CloudError as exc:
                if exc.code in THROUGHPUT or exc.code in PAIR:
                    limited += 1
                    if limited > self.max_attempts * 2:
                        raise GaveUp(f"rate limited {limited} times") from exc
                    if exc.code in PAIR:
                        self.pairs.hold(to, min(self.max_delay,
                                                self.pair_pause * 2 ** (limited - 1)))
                    else:  # the whole number: every send waits, then goes at the rate
                        self.bucket.hold(min(self.max_delay, self.pause * 2 ** (limited - 1)))
                    log.warning("whatsapp_rate_limited code=%s times=%d", exc.code, limited)
                    if self.metrics is not None:
                        self.metrics.rate_limited.labels("whatsapp").inc()
                    continue
                if exc.code in WINDOW:
                    raise WindowClosed(exc.title) from exc
                if exc.code in UNDELIVERABLE:
                    raise Unreachable(exc.title) from exc
                if not (exc.code in TRANSIENT or exc.status >= 500):
                    raise
                error = f"{exc.status}/{exc.code}"
            except httpx.TransportError as exc:  # timeouts included
                error = type(exc).__name__
            failures += 1
            if failures >= self.max_attempts:
                raise GaveUp(error)
            delay = min(self.max_delay, self.base_delay * 2 ** (failures - 1))
            delay *= 0.5 + self.rng.random()  # jitter: retries of many sends spread out
            log.warning("whatsapp_retry error=%s attempt=%d delay=%.2f", error, failures, delay)
            await self.sleep(delay)

    async def _pace(self, to: str, *, reply: bool, again: bool) -> None:
        if reply:
            # Someone is waiting for this answer: it counts, and waits only when WhatsApp
            # has just said so (`again`, after a rate limit error).
            self.pairs.reserve(to)
            if not again:
                self.bucket.spend()
                return
            held = self.pairs.held(to)
            if held > 0:
                await self.sleep(held)
            await self.bucket.take()
            return
        if self.pairs.ahead(to) > self.max_wait:
            raise GaveUp("pair rate: this person has had many messages just now")
        wait = self.pairs.reserve(to)
        if wait > 0:
            await self.sleep(wait)
        await self.bucket.take()
