"""Console sessions: who is signed in, kept in the database (`console_sessions`), so that a
restart or a second console process signs nobody out.

    token, session = await start(db, person_id, now)   the cookie's value (kept only as a hash)
    staff = await find(db, token, now, idle)           None: unknown, or idle too long
    await end(db, token)                               signing out

The cookie holds a random token; the row holds its SHA-256, the per-session CSRF token every
form must carry (`bot.console.web.form`), the language chosen in the header and when the
last request came. A session idle for CONSOLE_IDLE_MINUTES is deleted when next seen.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import reviewers
from bot.db.people import identity
from bot.db.tables import ConsoleSession, Person

COOKIE = "console_session"
STAFF_ROLES = ("staff", "admin")
SEEN_EVERY = timedelta(seconds=30)
"""`seen_at` is written at most this often (not on every click)."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Staff:
    """The signed-in person of a request, as the pages see them."""

    session_id: int
    person_id: int
    who: str
    """Their identity, as the audit log names them: "telegram:12345"."""
    role: str
    """As the database says now (checked on every request): staff and admin may use the
    console."""
    csrf: str
    lang: str | None
    """The console language they chose in the header (None: not chosen)."""
    locale: str | None
    """Their chat language."""
    langs: tuple[str, ...] = ()
    """A reviewer's languages (`bot.reviewers`); empty for everyone else."""

    @property
    def allowed(self) -> bool:
        """May use the whole console (staff, admin)."""
        return self.role in STAFF_ROLES

    @property
    def reviewer(self) -> bool:
        """A translator: the review pages only, in their languages."""
        return self.role == reviewers.ROLE

    @property
    def signed_in(self) -> bool:
        """Still has a role that signs in (staff, admin, reviewer)."""
        return self.allowed or self.reviewer

    def reviews(self, lang: str) -> bool:
        """May review texts in `lang`: staff and admins every language, a reviewer theirs."""
        return self.allowed or (self.reviewer and lang in self.langs)

    @property
    def admin(self) -> bool:
        return self.role == "admin"


async def start(db: AsyncSession, person_id: int, now: datetime) -> str:
    """A new session for the person; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    db.add(ConsoleSession(digest=digest(token), person_id=person_id,
                          csrf=secrets.token_urlsafe(32), created_at=now, seen_at=now))
    await db.flush()
    return token


async def find(db: AsyncSession, token: str, now: datetime, idle: timedelta) -> Staff | None:
    """The session of this cookie with its person's current role; None when there is none or
    it was idle longer than `idle` (then it is deleted)."""
    row = (await db.execute(
        select(ConsoleSession, Person.channel, Person.external_id, Person.role, Person.locale)
        .join(Person, Person.id == ConsoleSession.person_id)
        .where(ConsoleSession.digest == digest(token)))).first()
    if row is None:
        return None
    found, channel, external_id, role, locale = row
    if found.seen_at + idle <= now:
        await db.execute(delete(ConsoleSession).where(ConsoleSession.id == found.id))
        return None
    if now - found.seen_at >= SEEN_EVERY:
        await db.execute(update(ConsoleSession).where(ConsoleSession.id == found.id)
                         .values(seen_at=now))
    langs = await reviewers.languages_of(db, found.person_id) if role == reviewers.ROLE else ()
    return Staff(found.id, found.person_id, identity(channel, external_id), role, found.csrf,
                 found.lang, locale, langs)


async def end(db: AsyncSession, token: str) -> None:
    await db.execute(delete(ConsoleSession).where(ConsoleSession.digest == digest(token)))


async def choose_language(db: AsyncSession, session_id: int, lang: str) -> None:
    await db.execute(update(ConsoleSession).where(ConsoleSession.id == session_id)
                     .values(lang=lang))


async def purge(db: AsyncSession, now: datetime, idle: timedelta) -> int:
    """Delete sessions idle longer than `idle`; returns how many."""
    result = await db.execute(delete(ConsoleSession).where(ConsoleSession.seen_at <= now - idle))
    return int(getattr(result, "rowcount", 0) or 0)
