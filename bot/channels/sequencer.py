"""One person's updates are handled one at a time, in the order they arrived; different
people's run side by side. Two fast taps must not race through the same conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Sequencer:
    def __init__(self) -> None:
        self._tails: dict[Hashable, asyncio.Future[None]] = {}

    def submit(self, key: Hashable, job: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """Queue `job` behind the jobs already queued under `key`.

        The place in the queue is taken in this (synchronous) call, so the order is the
        order of the calls, whatever the event loop schedules later.
        """
        previous = self._tails.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = done

        async def run() -> T:
            try:
                if previous is not None:
                    await asyncio.wait([previous])  # its failure is not ours
                return await job()
            finally:
                done.set_result(None)
                if self._tails.get(key) is done:
                    del self._tails[key]

        return asyncio.create_task(run())

    @property
    def busy(self) -> int:
        """How many people have work queued or running."""
        return len(self._tails)
