"""Which process sends a platform's outbox: one at a time per platform, elected.

Every `welcomebot run` (and `welcomebot deliver`) runs a sender; for each platform exactly
one of them sends, so that one token bucket (`bucket.py`) paces the platform's pushes:
exact, with no share to agree on. The others answer the people chatting with them and
tell the sender what their replies took (`shared.py`).

- PostgreSQL: the sender of a platform is the process that holds advisory lock
  `bot.db.locks.sending_key(channel)` on a connection of its own, kept open. The lock
  lives exactly as long as that connection: when the process dies, even by SIGKILL, its
  socket closes and the database frees the lock at once. The others try every `EVERY`
  seconds, so one of them takes over within about a second. A host that vanishes without
  closing its socket is noticed by the database's TCP keepalives, set on the connection
  (`KEEPALIVE`: about 25 seconds).
  The sender checks its connection as often; when it is gone, or does not answer within
  `TIMEOUT`, so is the lock: it stops sending at once (before the database would let
  another take over).
- SQLite (a file): the same with an exclusive `flock` on a file beside the database
  (`welcomebot.db-telegram.sender`), which the kernel frees when the process dies.
- Otherwise (an in-memory database): this process sends everything.

A sender that takes over a platform is the only one sending it: rows the dead one had
claimed and not finished are claimed again at once (`outbox.release`), instead of after
their lease (`exclusive`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db.locks import sending_key

log = logging.getLogger(__name__)

EVERY = 1.0
"""Seconds between two tries for a platform another process sends (and between two checks
of the connection that holds the ones this process sends)."""
TIMEOUT = 5.0
"""Seconds the database has to answer the check before this process stops sending."""
KEEPALIVE = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5,
             "tcp_keepalives_count": 3}
"""The database's TCP keepalives on the lock's connection: a host gone without a word frees
the lock after about idle + interval x count = 25 seconds, not the system's two hours."""


class Election:
    """Every platform is this process's to send (one process: an in-memory database)."""

    exclusive = False
    """Whether leading a platform means no other process sends it (then a new leader may
    take over what the previous one had claimed at once)."""

    def __init__(self, channels: Iterable[str]) -> None:
        self.channels = frozenset(channels)
        self._led: set[str] = set()

    def leads(self, channel: str) -> bool:
        return channel in self._led

    @property
    def led(self) -> frozenset[str]:
        return frozenset(self._led)

    async def poll(self) -> set[str]:
        """Try for the platforms no process sends; check the ones this process sends.
        Returns those it has just begun to send."""
        won = set(self.channels - self._led)
        self._led |= won
        return won

    async def close(self) -> None:
        """Stop sending; another process takes over at once."""
        self._led.clear()

    def _lost(self, why: str) -> None:
        if self._led:
            log.warning("outbox_sender_lost channels=%s why=%s", ",".join(sorted(self._led)),
                        why)
        self._led.clear()


class PostgresElection(Election):
    """Advisory locks held on a connection of this election's own."""

    exclusive = True

    def __init__(self, engine: AsyncEngine, channels: Iterable[str]) -> None:
        super().__init__(channels)
        self.engine = engine
        self._conn: AsyncConnection | None = None
        self._driver: Any = None

    async def poll(self) -> set[str]:
        try:
            if self._driver is None:
                await self._connect()
            elif self._led:
                await self._driver.fetchval("SELECT 1", timeout=TIMEOUT)
            won: set[str] = set()
            for channel in sorted(self.channels - self._led):
                if await self._driver.fetchval("SELECT pg_try_advisory_lock($1)",
                                               sending_key(channel), timeout=TIMEOUT):
                    won.add(channel)
        except Exception as exc:  # the connection is gone, and with it every lock
            self._lost(type(exc).__name__)
            await self._drop()
            return set()
        self._led |= won
        if won:
            log.info("outbox_sender channels=%s", ",".join(sorted(won)))
        return won

    async def _connect(self) -> None:
        conn = await self.engine.connect()
        try:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute(f"SET application_name = 'welcomebot sender pid={os.getpid()}'")
            for name, value in KEEPALIVE.items():
                await driver.execute(f"SET {name} = {value}")
        except BaseException:
            await conn.invalidate()
            await conn.close()
            raise
        self._conn, self._driver = conn, driver

    async def _drop(self) -> None:
        """Close the lock's connection for good (never back to the pool: it would keep
        the locks)."""
        conn, self._conn, self._driver = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()

    async def close(self) -> None:
        self._led.clear()
        await self._drop()


class FileElection(Election):
    """An exclusive `flock` per platform on a file beside the SQLite database."""

    exclusive = True

    def __init__(self, database: Path, channels: Iterable[str]) -> None:
        super().__init__(channels)
        self.database = database
        self._files: dict[str, int] = {}

    def path(self, channel: str) -> Path:
        return self.database.with_name(f"{self.database.name}-{channel}.sender")

    async def poll(self) -> set[str]:
        import fcntl

        won: set[str] = set()
        for channel in sorted(self.channels - self._led):
            try:
                fd = os.open(self.path(channel), os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                # No file to lock (a read-only folder): send as one process would, but take
                # nothing over from another (there may be one).
                log.warning("outbox_sender_lock_file_failed channel=%s error=%s", channel,
                            type(exc).__name__)
                self._led.add(channel)
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self._files[channel] = fd
            won.add(channel)
        self._led |= won
        if won:
            log.info("outbox_sender channels=%s", ",".join(sorted(won)))
        return won

    async def close(self) -> None:
        self._led.clear()
        for fd in self._files.values():
            os.close(fd)  # frees the lock
        self._files.clear()


def election_for(engine: AsyncEngine, channels: Iterable[str]) -> Election:
    """The election that fits the database: advisory locks on PostgreSQL, a locked file
    beside an SQLite file, else none (this process sends all)."""
    database = engine.url.database
    if engine.dialect.name == "postgresql":
        return PostgresElection(engine, channels)
    if (engine.dialect.name == "sqlite" and database and database != ":memory:"
            and importlib.util.find_spec("fcntl") is not None):
        return FileElection(Path(database).resolve(), channels)
    return Election(channels)
