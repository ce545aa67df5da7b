"""A per-person flood limit: someone who pastes 50 messages, or taps a button 50 times,
gets one "slow down" note, not 50 answers. A tap costs half a message (ticking several
answers of a form is quick, and legitimate).

A token bucket per person: `burst` messages at once, refilled at `per_minute`. While the
bucket is empty, the first message is answered with the note and the rest are dropped,
until a token has come back.

Flood state need not survive a restart. One process: in memory. Several processes on
PostgreSQL (a load balancer hands a person's messages to any of them): the bucket is a row
of the UNLOGGED `flood_marks` table, refilled, taken from and judged in one statement per
message (`check`), so the limit is the person's, not each process's. Rows are deleted once
their bucket has been full for a while; when the database does not answer, the memory
decides for a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

TIMEOUT = 2.0
"""Seconds the database has to judge a message; then the memory does."""
AWAY = 5.0
"""Seconds the memory decides alone after the database failed to."""
FORGET_EVERY = 60.0
"""Seconds between two deletions of rows whose bucket has long been full again."""

JUDGE = """
INSERT INTO flood_marks AS m (who, tokens, at, verdict)
VALUES ($1, $4::float8 - $3::float8, $2::float8, 'admit')
ON CONFLICT (who) DO UPDATE SET
  tokens = CASE WHEN least($4, m.tokens + greatest(0, excluded.at - m.at) * $5::float8) >= $3
                THEN least($4, m.tokens + greatest(0, excluded.at - m.at) * $5) - $3
                ELSE least($4, m.tokens + greatest(0, excluded.at - m.at) * $5) END,
  at = greatest(m.at, excluded.at),
  verdict = CASE WHEN least($4, m.tokens + greatest(0, excluded.at - m.at) * $5) >= $3
                 THEN 'admit'
                 WHEN m.verdict = 'admit' THEN 'warn'
                 ELSE 'drop' END
RETURNING verdict
"""
"""One message judged: the person's bucket (`flood_marks`) refilled since its last message,
a token taken if there is one, the verdict returned. $1 who, $2 now (seconds since the
epoch), $3 the message's cost, $4 the burst, $5 tokens a second. Every expression of the
update reads the row as it was."""


class Verdict(Enum):
    ADMIT = "admit"
    WARN = "warn"
    """Over the limit: tell the person once to slow down."""
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    warned: bool = False


class FloodGate:
    MAX_PEOPLE = 100_000
    """Buckets kept; the least recently seen are forgotten beyond this (bounded memory)."""

    def __init__(self, burst: int, per_minute: float, *,
                 sessions: async_sessionmaker[AsyncSession] | None = None) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()
        bind = sessions.kw.get("bind") if sessions is not None else None
        self.shared: AsyncEngine | None = (
            bind if isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql"
            else None)
        """PostgreSQL, when the limit is shared by the bot's processes."""
        self._conn: AsyncConnection | None = None
        self._judge: Any = None
        self._turn = asyncio.Lock()
        self._away_until = 0.0
        self._forgotten_at = 0.0

    async def check(self, key: Hashable, now: datetime, cost: float = 1.0, *,
                    name: str | None = None) -> Verdict:
        """`admit`, across the bot's processes when they share a database (`name`: the
        person as every process knows them, "telegram:12345")."""
        if self.shared is None or name is None:
            return self.admit(key, now, cost)
        async with self._turn:  # one statement at a time on the gate's connection
            if time.monotonic() < self._away_until:
                return self.admit(key, now, cost)
            try:
                return await self._check_shared(name, now, cost)
            except Exception as exc:  # the database is away: this process's memory decides
                log.warning("flood_shared_failed error=%s", type(exc).__name__)
                self._away_until = time.monotonic() + AWAY
                await self.close()
                return self.admit(key, now, cost)

    async def _check_shared(self, name: str, now: datetime, cost: float) -> Verdict:
        """One prepared statement on a connection of the gate's own: a fifth of a
        millisecond, where a pooled session's round trips and SQLAlchemy's work took a
        millisecond and more (measured on one machine, PostgreSQL 15)."""
        assert self.shared is not None
        if self._judge is None:
            conn = await asyncio.wait_for(self.shared.connect(), TIMEOUT)
            self._conn = conn
            raw = await conn.get_raw_connection()
            self._judge = await raw.driver_connection.prepare(JUDGE)  # type: ignore[union-attr]
        at = now.timestamp()
        verdict = Verdict(await self._judge.fetchval(name, at, cost, float(self.burst),
                                                     self.rate, timeout=TIMEOUT))
        if time.monotonic() - self._forgotten_at > FORGET_EVERY:
            self._forgotten_at = time.monotonic()
            # Full again for a minute: the same as no row at all.
            raw = await self._conn.get_raw_connection()  # type: ignore[union-attr]
            await raw.driver_connection.execute(  # type: ignore[union-attr]
                "DELETE FROM flood_marks WHERE at < $1",
                at - self.burst / self.rate - FORGET_EVERY, timeout=TIMEOUT)
        return verdict

    async def close(self) -> None:
        """Close the gate's connection (it is opened again when needed)."""
        conn, self._conn, self._judge = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()  # never back to the pool half-used
            with contextlib.suppress(Exception):
                await conn.close()

    def admit(self, key: Hashable, now: datetime, cost: float = 1.0) -> Verdict:
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
        self._buckets[key] = bucket
        if len(self._buckets) > self.MAX_PEOPLE:
            self._buckets.popitem(last=False)
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.at = now
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            bucket.warned = False
            return Verdict.ADMIT
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN
