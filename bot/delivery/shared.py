"""A platform's limits across the bot's processes: replies sent elsewhere count here.

One process sends each platform's outbox (`election.py`), so its token bucket and chat pace
decide alone when a push goes. But every process answers the people who write to it
(webhooks behind a load balancer), at once, and those replies count against the same
limits: Telegram's 30 messages a second and its pace per chat, WhatsApp's per number and
per person. In one process a reply `spend`s from the bucket the outbox `take`s from, so
the outbox leaves it room; across processes:

- a process that does not send a platform notes what its replies spent (and any pause the
  platform asked of it: a 429) in the `pace_marks` table, every `EVERY` seconds, one
  statement (a row per chat, added up);
- the process that sends it takes those rows (and deletes them, one statement) as often,
  and charges them to its bucket and chat pace: its pushes wait for them as for its own
  replies.

The outbox thus leaves room for everyone's replies within about half a second: at
TELEGRAM_RATE=25 against Telegram's 30, the 5 a second between them absorb what arrives
before the sender has heard of it. PostgreSQL only (on SQLite there is one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import transaction
from bot.db.tables import PaceMark, table
from bot.delivery.bucket import TokenBucket
from bot.delivery.election import Election
from bot.delivery.pace import ChatPace

log = logging.getLogger(__name__)

EVERY = 0.25
"""Seconds between two notes (and two takes) of what replies spent."""
RECENT = 5.0
"""Seconds after which a note no longer counts against the bucket (it was kept while no
process sent the platform)."""
MAX_CHATS = 10_000
"""Chats kept in notes not yet written (the database is away): beyond, they are dropped."""

PACE_MARKS = table(PaceMark)


@dataclass
class _Note:
    sent: int = 0
    at: float = 0.0
    held_until: float | None = None


class SharedLimits:
    """What this process's replies spend, told to the process that sends each platform;
    what the others' replies spent, charged here for the platforms this one sends."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], election: Election, *,
                 every: float = EVERY, wall: Callable[[], float] = time.time) -> None:
        self.sessions = sessions
        self.election = election
        self.every = every
        self.wall = wall
        self._buckets: dict[str, TokenBucket] = {}
        self._paces: dict[str, ChatPace] = {}
        self._notes: dict[tuple[str, str], _Note] = {}
        self._failing = False

    def watch(self, channel: str, bucket: TokenBucket | None, pace: ChatPace | None) -> None:
        """Share `channel`'s limits: its token bucket and its pace per chat."""
        if bucket is not None:
            self._buckets[channel] = bucket
            bucket.tell = lambda chat, sent, held: self._tell(channel, chat, sent, held)
        if pace is not None:
            self._paces[channel] = pace
            pace.tell = lambda chat, sent, held: self._tell(channel, chat, sent, held)

    def _tell(self, channel: str, chat: str, sent: int, held: float) -> None:
        if self.election.leads(channel):
            return  # the limits here are the platform's: nobody else needs to hear
        if len(self._notes) >= MAX_CHATS and (channel, chat) not in self._notes:
            return
        now = self.wall()
        note = self._notes.setdefault((channel, chat), _Note())
        note.sent += sent
        note.at = now
        if held > 0:
            note.held_until = max(note.held_until or 0.0, now + held)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: every `every` seconds, write this process's notes and take the
        others' for the platforms it sends."""
        while not stop.is_set():
            await self.exchange()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every)
        await self.exchange()

    async def exchange(self) -> None:
        """Once: write the notes, take the others'."""
        notes, self._notes = self._notes, {}
        led = sorted(self.election.led & (self._buckets.keys() | self._paces.keys()))
        try:
            if notes:
                await self._write(notes)
            if led:
                await self._take(led)
        except Exception as exc:
            for key, note in notes.items():  # kept for the next try
                kept = self._notes.setdefault(key, _Note())
                kept.sent += note.sent
                kept.at = max(kept.at, note.at)
                if note.held_until is not None:
                    kept.held_until = max(kept.held_until or 0.0, note.held_until)
            if not self._failing:
                log.warning("shared_limits_failed error=%s", type(exc).__name__)
            self._failing = True
            return
        if self._failing:
            log.info("shared_limits_back")
        self._failing = False

    async def _write(self, notes: dict[tuple[str, str], _Note]) -> None:
        rows = [{"channel": channel, "chat": chat, "sent": note.sent, "at": note.at,
                 "held_until": note.held_until}
                for (channel, chat), note in sorted(notes.items())]  # one order: no deadlock
        statement = insert(PACE_MARKS).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["channel", "chat"],
            set_={"sent": PACE_MARKS.c.sent + statement.excluded.sent,
                  "at": statement.excluded.at,
                  # GREATEST leaves NULLs out
                  "held_until": func.greatest(PACE_MARKS.c.held_until,
                                              statement.excluded.held_until)})
        async with transaction(self.sessions) as session:
            await session.execute(statement)

    async def _take(self, channels: list[str]) -> None:
        async with transaction(self.sessions) as session:
            rows = (await session.execute(
                delete(PACE_MARKS).where(PACE_MARKS.c.channel.in_(channels))
                .returning(PACE_MARKS.c.channel, PACE_MARKS.c.chat, PACE_MARKS.c.sent,
                           PACE_MARKS.c.at, PACE_MARKS.c.held_until))).all()
        now = self.wall()
        for channel, chat, sent, at, held_until in rows:
            pause = (held_until or 0.0) - now
            if not chat:
                bucket = self._buckets.get(channel)
                if bucket is None:
                    continue
                if now - at < RECENT:
                    bucket.charge(sent)
                if pause > 0:
                    bucket.hold(pause, told=True)
                continue
            pace = self._paces.get(channel)
            if pace is None:
                continue
            if sent:
                pace.note(chat, sent, ago=now - at)
            if pause > 0:
                pace.hold(chat, pause, told=True)
