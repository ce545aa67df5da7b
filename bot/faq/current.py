"""The FAQ desk a bot process answers with: the content files' desk, or one built from the
files with staff's edits (`edits.py`), renewed when the edits change.

Each of the bot's processes has one `CurrentDesk` (it is `Deps.open_faq`). Calling it gives
the desk in use, opening it on first use. `renew(sessions)` looks whether the edits changed
(their `signature`: a few rows); if so it loads them and builds a new desk off the event loop
(`asyncio.to_thread`): the texts it has vectors for cost nothing, a new way of asking about
20 ms, and the classifier of the files' vectors is kept unless a topic was added (then it is
trained again: tens of seconds on a busy core), the classifier of the letters is trained again
(seconds; `FaqDesk.build`). Then the new desk takes over between two questions; a question
being answered keeps the desk it started with.
`welcomebot run` and `chat` call `renew` at start and about every `EVERY` seconds
(`bot/service.py`), so several processes each take up a change within that time.

The content files' vector file is never written with edited texts (it belongs to the files
and ships with them): what the edits add is kept in memory, and embedded again after a
restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import transaction
from bot.faq import edits
from bot.faq.desk import FaqDesk, shared_desk

log = logging.getLogger(__name__)

EVERY = 15.0
"""Seconds between two looks at whether staff changed the FAQ."""


class CurrentDesk:
    """The desk in use (`__call__`), renewed from the database (`renew`)."""

    def __init__(self, content_dir: Path, languages: Sequence[str],
                 fallback: Sequence[str]) -> None:
        self.content_dir = content_dir
        self.languages = tuple(languages)
        self.fallback = tuple(fallback)
        self._desk: FaqDesk | None = None
        self._edits: list[edits.Edit] = []
        self._seen: edits.Signature | None = None
        self._lock = asyncio.Lock()

    def __call__(self) -> FaqDesk:
        """The desk in use; the first call opens it (seconds), with the edits known then."""
        if self._desk is None:
            self._desk = self.build(self._edits)
        return self._desk

    @property
    def known_edits(self) -> list[edits.Edit]:
        """The edits the desk in use was built with."""
        return list(self._edits)

    def build(self, found: Sequence[edits.Edit]) -> FaqDesk:
        """A desk of the files with `found` laid over them (blocking: run it in a thread)."""
        files = shared_desk(self.content_dir, self.languages, self.fallback)
        if not found:
            return files
        assert files.cache is not None
        content = edits.merge(files.content, found, self.languages,
                              set(files.contacts.entries))
        return FaqDesk.build(content, files.cache, files.contacts, self.languages,
                             self.fallback, files.endonyms, save=False,
                             previous=files.matcher)

    async def renew(self, sessions: async_sessionmaker[AsyncSession]) -> bool:
        """Build the desk again if the edits changed since the last look; whether it did."""
        async with self._lock:
            async with transaction(sessions) as db:
                seen = await edits.signature(db)
                if seen == self._seen:
                    return False
                found = await edits.load(db)
            if self._desk is None and not found:
                self._seen = seen  # nothing to lay over the files: opened when first asked
                return False
            desk = await asyncio.to_thread(self.build, found)
            self._desk, self._edits, self._seen = desk, found, seen
            log.info("faq_renewed edits=%d topics=%d seconds=%.1f", len(found),
                     len(desk.content.topics), desk.load_seconds)
            return True
