"""Notices staff write in the chat (`/compose`), kept in the database (`notice_drafts`), not
as files: every process behind the load balancer, and every command, sees the same draft, and
the checkout is left alone. A draft has the shape of a notice file (`NoticeFile`).

`welcomebot notice send|review|translate ID` find a notice by its id (`find`): a file of the
city's in `content/notices/` (kept in git, say), else a draft. The composer never gives a
draft the id of a file, so one never hides the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import NoticeDraft, table
from bot.notices.content import NoticeFile, load_notice, notice_path

DRAFTS = table(NoticeDraft)
KEEP = dt.timedelta(days=30)
"""How long a draft nobody changed is kept. One that was sent lives on in `notices` (what
went out, as staff confirmed it), so nothing is lost with the draft."""
MAX_TRIES = 100
"""Ids tried for a new draft ("title-date", "title-date-2", ...) before giving up."""


async def create(session: AsyncSession, notice: NoticeFile, now: dt.datetime, *,
                 taken: Callable[[str], bool] = lambda notice_id: False) -> NoticeFile:
    """Store `notice` as a new draft under its id, or, when a draft has that id already (two
    staff members, the same title, the same minute) or `taken(id)` says a file has it, under
    the first free "<id>-2", "<id>-3"...; returns it with the id it got. Two processes
    at once get two ids: the row is inserted only where none is."""
    conn = await session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    base = notice.id
    for n in range(1, MAX_TRIES + 1):
        candidate = base if n == 1 else f"{base[:58]}-{n}"
        if taken(candidate):
            continue
        named = notice.model_copy(update={"id": candidate})
        result = await conn.execute(
            dialect.insert(DRAFTS)
            .values(id=candidate, definition=named.model_dump(mode="json"), written_at=now,
                    changed_at=now)
            .on_conflict_do_nothing(index_elements=["id"]))
        if getattr(result, "rowcount", 0):
            return named
    raise RuntimeError(f"no free id for the notice draft {base}")


async def get(session: AsyncSession, notice_id: str) -> NoticeFile | None:
    """The draft with this id, or None."""
    definition = await session.scalar(
        select(NoticeDraft.definition).where(NoticeDraft.id == notice_id))
    return NoticeFile.model_validate(definition) if definition is not None else None


async def every(session: AsyncSession) -> list[tuple[NoticeFile, dt.datetime]]:
    """Every draft with when it was last changed, the latest first."""
    rows = await session.execute(select(NoticeDraft.definition, NoticeDraft.changed_at)
                                 .order_by(NoticeDraft.changed_at.desc()))
    return [(NoticeFile.model_validate(definition), changed) for definition, changed in rows]


async def put(session: AsyncSession, notice: NoticeFile, now: dt.datetime) -> bool:
    """Replace the draft with `notice` (the same id); False when there is no such draft."""
    result = await session.execute(
        update(NoticeDraft).where(NoticeDraft.id == notice.id)
        .values(definition=notice.model_dump(mode="json"), changed_at=now))
    return bool(getattr(result, "rowcount", 0))


async def purge(session: AsyncSession, now: dt.datetime) -> int:
    """Drop the drafts nobody changed for `KEEP` (the daily housekeeping); how many."""
    result = await session.execute(delete(NoticeDraft).where(NoticeDraft.changed_at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Found:
    """A notice and where it is: its file, or (`path` None) a draft in the database."""

    notice: NoticeFile
    path: Path | None


def file_of(content_dir: Path, notice_id: str) -> Path | None:
    """The city's notice file with this id, if there is one (`NoticeError` is raised by
    `load_notice` when it cannot be read)."""
    path = notice_path(content_dir, notice_id)
    return path if path.is_file() else None


def in_files(content_dir: Path, notice_id: str) -> Found | None:
    """The city's notice file with this id, read; None when there is none. Raises
    `NoticeError` for a file that cannot be read."""
    path = file_of(content_dir, notice_id)
    return Found(load_notice(path), path) if path is not None else None


async def find(session: AsyncSession, content_dir: Path, notice_id: str) -> Found | None:
    """The notice with this id: the file in `content/notices/`, else the draft; None when
    neither is. Raises `NoticeError` for a file that cannot be read."""
    found = in_files(content_dir, notice_id)
    if found is not None:
        return found
    draft = await get(session, notice_id)
    return Found(draft, None) if draft is not None else None
