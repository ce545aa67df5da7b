"""Calling the Bot API the way Telegram wants to be called: errors handled by kind.

- 429 (`TelegramRetryAfter`): every send of this bot pauses for `retry_after` seconds, then
  the call is made again. With a token bucket, the pause empties it and every call that
  waited takes a fresh token: they leave at the rate, not in a burst that earns the next 429.
- 403 (`TelegramForbiddenError`, the user blocked the bot): `Unreachable`, never retried.
- 5xx, network errors and timeouts, and `ClientDecodeError`: retried with exponential
  backoff and jitter. A 502 from Telegram's front proxy is an HTML page, which aiogram
  raises as `ClientDecodeError`, not as a `TelegramAPIError`. aiogram retries nothing itself.
- Other 4xx (`TelegramBadRequest`...): cannot succeed by trying again; raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiohttp import ClientError, ClientTimeout
from yarl import URL

from bot.delivery.bucket import TokenBucket

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
T = TypeVar("T")

Sleep = Callable[[float], Awaitable[Any]]
JSON_BODY = {"Content-Type": "application/json"}
OK = re.compile(rb'\s*\{\s*"ok"\s*:\s*true\b')
"""The start of a successful answer: the Bot API's object, whose `ok` comes first."""


class Unreachable(Exception):
    """The person blocked the bot (403): stop sending to them."""


class GaveUp(Exception):
    """Telegram kept failing; the call was tried `max_attempts` times."""


class Sender:
    def __init__(self, bot: Bot, *, max_attempts: int = 5, base_delay: float = 0.5,
                 max_delay: float = 30.0, sleep: Sleep = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.bot = bot
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.monotonic = monotonic
        self.rng = rng or random.Random()
        self.paused_until = 0.0
        """Monotonic time before which nothing is sent (after a 429)."""
        self.bucket: TokenBucket | None = None
        """The limit this bot's sends share (set by the service), told of every 429."""
        self.metrics: Metrics | None = None
        """Where every 429 is counted (set by the channel)."""
        self._posts: dict[str, tuple[URL, ClientTimeout]] = {}
        """API method -> its URL, parsed once, and the session's timeout (`post_json`)."""

    async def call(self, method: TelegramMethod[T]) -> T:
        """Call `method` through aiogram."""
        return await self._attempts(method.__api_method__, lambda: self.bot(method))

    async def post_json(self, api_method: str, body: bytes,
                        described: Callable[[], TelegramMethod[Any]]) -> None:
        """Call `api_method` with a JSON `body` serialized beforehand (the Bot API takes
        application/json), on aiogram's own HTTP session: no model built, validated or
        form-encoded per call (a notice to 10,000 people is 10,000 calls whose bodies differ
        only in the chat id). An answer `{"ok":true,...}` is success, and not parsed further
        (a sent message comes back whole: a notice's 2.5 KB again). Errors are aiogram's,
        judged by aiogram's own `check_response` and handled as `call` handles them;
        `described()` builds the method they name, only when one is raised (or the call,
        when the bot's HTTP client is not aiogram's aiohttp one)."""
        session = self.bot.session
        if not isinstance(session, AiohttpSession):  # another HTTP client: aiogram's way
            await self.call(described())
            return
        found = self._posts.get(api_method)
        if found is None:
            found = self._posts[api_method] = (
                URL(session.api.api_url(token=self.bot.token, method=api_method), encoded=True),
                ClientTimeout(total=session.timeout))
        url, timeout = found

        async def attempt() -> None:
            client = await session.create_session()
            try:
                async with client.post(url, data=body, headers=JSON_BODY,
                                       timeout=timeout) as answer:
                    status, content = answer.status, await answer.read()
            except TimeoutError as exc:
                raise TelegramNetworkError(described(), "Request timeout error") from exc
            except ClientError as exc:
                raise TelegramNetworkError(described(), f"{type(exc).__name__}: {exc}") from exc
            if status == HTTPStatus.OK and OK.match(content):
                return
            # Anything else (429, 403, 400, 5xx, an HTML page): aiogram's classification,
            # which raises unless the answer was a success after all.
            session.check_response(self.bot, described(), status,
                                   content.decode("utf-8", errors="replace"))

        await self._attempts(api_method, attempt)

    async def _attempts(self, api_method: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt()` until it succeeds, handled by the kind of error (the module's
        docstring)."""
        failures = 0
        while True:
            wait = self.paused_until - self.monotonic()
            if wait > 0:
                await self.sleep(wait)
                if self.bucket is not None:
                    await self.bucket.take()  # any token from before the pause is void
            try:
                return await attempt()
            except TelegramRetryAfter as exc:
                # Telegram asks every sender of this bot to hold off, not just this call.
                self.paused_until = max(self.paused_until, self.monotonic() + exc.retry_after)
                if self.bucket is not None:
                    self.bucket.hold(exc.retry_after)
                log.warning("telegram_429 method=%s retry_after=%s", api_method,
                            exc.retry_after)
                if self.metrics is not None:
                    self.metrics.rate_limited.labels("telegram").inc()
                failures += 1
            except TelegramForbiddenError as exc:
                raise Unreachable(str(exc)) from exc
            except TelegramEntityTooLarge:
                raise
            except (TimeoutError, TelegramServerError, TelegramNetworkError,
                    ClientDecodeError) as exc:
                failures += 1
                if failures >= self.max_attempts:
                    raise GaveUp(f"{api_method}: {type(exc).__name__}") from exc
                delay = min(self.max_delay, self.base_delay * 2 ** (failures - 1))
                delay *= 0.5 + self.rng.random()  # jitter: retries of many calls spread out
                log.warning("telegram_retry method=%s error=%s attempt=%d delay=%.2f",
                            api_method, type(exc).__name__, failures, delay)
                await self.sleep(delay)
                continue
            if failures >= self.max_attempts * 4:
                raise GaveUp(f"{api_method}: rate limited too long")
