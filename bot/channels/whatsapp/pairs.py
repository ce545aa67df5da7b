"""WhatsApp's pair rate: a business number may send the same person about one message every
6 seconds; a short burst is allowed and paid back afterwards (error 131056 when exceeded).

Kept per person as a "theoretical arrival time" (the generic cell rate algorithm): a message
may go when that time is less than `burst` intervals ahead of now; each one moves it one
interval on. In memory: a restart forgets it, and the first 131056 teaches it again.

`bot.delivery.sender.ChatPace` paces Telegram's chats the same way; WhatsApp needs two things
more: a look ahead (`wait`), so that a push to someone who has just had many messages goes
back to the outbox instead of holding a sender's slot past its lease, and `hold` after 131056.
"""

from __future__ import annotations

import time
from collections.abc import Callable

INTERVAL = 6.0
"""Seconds per message to the same person, in the long run."""
BURST = 6
"""Messages to one person at once: a turn's answer in a few pieces, and a push."""
KEEP = 10_000
"""People remembered before those whose pace is back to normal are forgotten."""


class PairPace:
    def __init__(self, interval: float = INTERVAL, burst: int = BURST, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.tolerance = (burst - 1) * interval
        self.monotonic = monotonic
        self._due: dict[str, float] = {}
        self._held: dict[str, float] = {}

    def wait(self, to: str) -> float:
        """Seconds until a message to `to` may go."""
        now = self.monotonic()
        return max(0.0, self._due.get(to, now) - self.tolerance - now, self.held(to))

    def held(self, to: str) -> float:
        """Seconds left of WhatsApp's "wait" for `to` (after a 131056)."""
        return max(0.0, self._held.get(to, 0.0) - self.monotonic())

    def reserve(self, to: str) -> float:
        """Count a message to `to`; returns how long to wait before sending it (a reply to
        someone chatting is sent at once and only counted)."""
        wait = self.wait(to)
        now = self.monotonic()
        self._due[to] = max(self._due.get(to, now), now) + self.interval
        if len(self._due) > KEEP:
            self._due = {who: at for who, at in self._due.items() if at > now}
            self._held = {who: at for who, at in self._held.items() if at > now}
        return wait

    def hold(self, to: str, seconds: float) -> None:
        """WhatsApp said 131056: nothing more to `to` for `seconds`."""
        self._held[to] = max(self._held.get(to, 0.0), self.monotonic() + seconds)
