"""Group commit for the quick path of turns: the people records of every turn that finished
meanwhile are written in one transaction, with one check and one statement for all of them.

Under load each turn's own BEGIN, UPDATE and COMMIT would queue behind the others (SQLite
takes one writer at a time, and each statement is a hop to aiosqlite's thread); written
together, a batch costs about what one turn did (benchmarks/telegram_throughput.py).
A turn waits for its batch to commit before its replies are sent, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import people
from bot.db.people import PersonRecord
from bot.db.session import transaction

log = logging.getLogger(__name__)


class GroupCommit:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._waiting: list[tuple[PersonRecord, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def store(self, record: PersonRecord) -> bool:
        """Write the record with the next batch; False when its row changed since it was
        read (see `people.store_many`)."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((record, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await done

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with transaction(self.sessions) as session:
                    stored = await people.store_many(session, [record for record, _ in batch])
            except Exception as exc:  # each waiting turn fails, and apologizes, on its own
                log.exception("group_commit_failed size=%d", len(batch))
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), ok in zip(batch, stored, strict=True):
                if not done.done():
                    done.set_result(ok)
