"""The pace of messages to one chat: at most one every `gap` seconds after a burst of
`burst`, per chat, others not held up (Telegram: about one a second in a chat, short
bursts allowed; WhatsApp: about one every 6 seconds to the same person, error 131056).

Kept per chat as a "theoretical arrival time" (the generic cell rate algorithm, the same
as a token bucket per chat): a message may go when that time is less than `burst - 1` gaps
ahead of now; each one moves it one gap on. In memory: a restart forgets it, and the
platform's first refusal teaches it again (`hold`).

Pushes `wait` (or look `ahead` first, to give a slot back rather than sleep past a lease);
replies to someone chatting `spend`: they answer what the person just asked. Replies the
bot's other processes sent (`shared.py`) are `note`d by the process that sends the pushes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.delivery.bucket import Tell


class ChatPace:
    def __init__(self, gap: float, burst: int = 1, *, keep: int = 10_000,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.gap = gap
        self.tolerance = (burst - 1) * gap
        self.keep = keep
        self.monotonic = monotonic
        self.sleep = sleep
        self._due: dict[str, float] = {}
        self._held: dict[str, float] = {}
        self.tell: Tell | None = None
        """Told of every message counted and every pause asked (`shared.SharedLimits`)."""

    def ahead(self, chat: str) -> float:
        """Seconds until a message to `chat` may go (its pace, or a platform's hold)."""
        now = self.monotonic()
        return max(0.0, self._due.get(chat, now) - self.tolerance - now, self.held(chat))

    def held(self, chat: str) -> float:
        """Seconds left of the platform's own "wait" for `chat` (`hold`)."""
        return max(0.0, self._held.get(chat, 0.0) - self.monotonic())

    def reserve(self, chat: str) -> float:
        """Count a message to `chat`; returns how long to wait before sending it."""
        wait = self.ahead(chat)
        now = self.monotonic()
        self._due[chat] = max(self._due.get(chat, now), now) + self.gap
        self._forget(now)
        if self.tell is not None:
            self.tell(chat, 1, 0.0)
        return wait

    def note(self, chat: str, messages: int, ago: float = 0.0) -> None:
        """`messages` went to `chat` from another process, the last `ago` seconds ago."""
        now = self.monotonic()
        at = now - max(0.0, ago)
        self._due[chat] = max(self._due.get(chat, at), at) + messages * self.gap
        self._forget(now)

    def _forget(self, now: float) -> None:
        if len(self._due) > self.keep:  # forget chats whose pace is back to normal
            self._due = {c: at for c, at in self._due.items() if at > now}
            self._held = {c: at for c, at in self._held.items() if at > now}

    def hold(self, chat: str, seconds: float, *, told: bool = False) -> None:
        """The platform said "too many to this one": nothing more to `chat` for `seconds`.
        `told`: it said so to another process (not told on again)."""
        self._held[chat] = max(self._held.get(chat, 0.0), self.monotonic() + seconds)
        if self.tell is not None and not told:
            self.tell(chat, 0, seconds)

    async def wait(self, chat: str) -> None:
        """A push: count it, and sleep until it may go."""
        delay = self.reserve(chat)
        if delay > 0:
            await self.sleep(delay)

    def spend(self, chat: str) -> None:
        """A reply: count it, send it now."""
        self.reserve(chat)

    def __len__(self) -> int:
        """How many chats it remembers."""
        return len(self._due)
