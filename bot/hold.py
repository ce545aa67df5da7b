"""What people write while the database is out: held in memory, in order per person, and
handled once it is back (`Runtime.outlast` puts turns here).

Each held turn is a job (it runs the turn and raises when the database is still out) and the
way to send its replies later (`deliver`: the channel's, since its webhook call or update
was answered long ago). One task per person runs their jobs in order; a job that finds the
database out waits until a probe (`probe`: one cheap query, with backoff; one for all held
people) says it is back, then runs again. Someone with turns held has their next ones held
behind them, so nothing overtakes. When a person's oldest turn has waited `limit` seconds,
all their held turns are given up (`give_up`: the runtime says sorry, in their language).

Bounded: `per_person` turns a person (more are dropped: the flood limit stops them first),
`total` in all (past it, `hold` refuses, and the runtime says sorry at once). After an outage
held turns run `concurrency` at a time, so that the database is not hit by all at once.
Nothing here survives a restart: the platforms were told the messages arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.db.outage import is_outage

log = logging.getLogger(__name__)

T = TypeVar("T")

LIMIT = 60.0
"""Seconds a turn may wait for the database (the setting `OUTAGE_SECONDS`)."""
PER_PERSON = 50
TOTAL = 10_000
CONCURRENCY = 16
PROBE_DELAYS = (0.1, 2.0)
"""Seconds between probes: the first, and the most (doubling in between)."""


@dataclass
class Held(Generic[T]):
    """One turn waiting for the database."""

    run: Callable[[], Awaitable[T]]
    """The turn; raises while the database is out."""
    deliver: Callable[[T], Awaitable[None]]
    """Sends what the turn answered."""
    since: float
    """When it came (monotonic seconds)."""
    key: str | None = None
    """The platform's id of the message (a redelivery of one held already is dropped)."""


@dataclass
class _Queue(Generic[T]):
    items: deque[Held[T]] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class Hold(Generic[T]):
    def __init__(self, probe: Callable[[], Awaitable[object]], *,
                 give_up: Callable[[Hashable, list[Held[T]]], Awaitable[None]],
                 limit: float = LIMIT, per_person: int = PER_PERSON, total: int = TOTAL,
                 concurrency: int = CONCURRENCY,
                 probe_delays: tuple[float, float] = PROBE_DELAYS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.probe = probe
        self.give_up = give_up
        self.limit = limit
        self.per_person = per_person
        self.total = total
        self.monotonic = monotonic
        self.probe_delays = probe_delays
        self._queues: dict[Hashable, _Queue[T]] = {}
        self._count = 0
        self._back = asyncio.Event()
        self._back.set()
        self._watcher: asyncio.Task[None] | None = None
        self._delay = probe_delays[0]
        self._running = asyncio.Semaphore(concurrency)

    @property
    def down(self) -> bool:
        """The database was found out and has not answered since."""
        return not self._back.is_set()

    @property
    def count(self) -> int:
        """Turns held now."""
        return self._count

    def holding(self, who: Hashable) -> bool:
        """Whether `who` has turns held (or their last one's replies are still going out)."""
        return who in self._queues

    def hold(self, who: Hashable, held: Held[T]) -> bool:
        """Hold `held` behind `who`'s other held turns; False when it cannot be held (the
        total bound). A redelivery, or one past the bound for a person, is dropped (True)."""
        queue = self._queues.get(who)
        if queue is not None:
            if held.key is not None and any(item.key == held.key for item in queue.items):
                return True
            if len(queue.items) >= self.per_person:
                log.warning("outage_hold_dropped who=%s reason=per_person", who)
                return True
        if self._count >= self.total:
            return False
        if queue is None:
            queue = self._queues[who] = _Queue()
            queue.task = asyncio.create_task(self._drain(who, queue))
        queue.items.append(held)
        self._count += 1
        return True

    def lost(self) -> None:
        """The database was found out: held turns wait until a probe finds it back."""
        if self._back.is_set():
            log.warning("database_outage held=%d", self._count)
        self._back.clear()
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch())

    async def close(self) -> None:
        """Stop: what is held is given up now (said sorry for)."""
        for queue in list(self._queues.values()):
            if queue.task is not None:
                queue.task.cancel()
        await asyncio.gather(*(q.task for q in self._queues.values() if q.task is not None),
                             return_exceptions=True)
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)

    async def _watch(self) -> None:
        delay = self._delay
        while not self._back.is_set():
            await asyncio.sleep(delay)
            try:
                await self.probe()
            except Exception as exc:
                if not is_outage(exc):
                    log.warning("database_probe_failed error=%s", type(exc).__name__)
                delay = min(delay * 2, self.probe_delays[1])
                continue
            log.warning("database_back held=%d", self._count)
            self._back.set()
        # Found out again soon after (a half-open database): probe more slowly next time.
        self._delay = min(self._delay * 2, self.probe_delays[1])

    async def _drain(self, who: Hashable, queue: _Queue[T]) -> None:
        try:
            while queue.items:
                item = queue.items[0]
                left = item.since + self.limit - self.monotonic()
                if self.down:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._back.wait(), max(0.0, left))
                if self.down:
                    await self._give_up(who, queue)
                    break
                try:
                    async with self._running:
                        result = await item.run()
                except Exception as exc:
                    if is_outage(exc):
                        self.lost()
                        continue
                    log.exception("held_turn_failed who=%s", who)
                    self._pop(queue)
                    continue
                self._delay = self.probe_delays[0]  # it works again
                self._pop(queue)
                try:
                    await item.deliver(result)
                except Exception:
                    log.exception("held_reply_failed who=%s", who)
        except asyncio.CancelledError:
            if queue.items:
                await self._give_up(who, queue)
            raise
        finally:
            del self._queues[who]
            self._count -= len(queue.items)
            queue.items.clear()

    def _pop(self, queue: _Queue[T]) -> None:
        queue.items.popleft()
        self._count -= 1

    async def _give_up(self, who: Hashable, queue: _Queue[T]) -> None:
        items = list(queue.items)
        self._count -= len(items)
        queue.items.clear()
        log.warning("outage_gave_up who=%s held=%d", who, len(items))
        try:
            await self.give_up(who, items)
        except Exception:
            log.exception("outage_sorry_failed who=%s", who)
