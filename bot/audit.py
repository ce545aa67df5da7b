"""The audit log: who did what as staff, and which erasures were asked for.

Every staff action records one entry in the same transaction as the change it describes:
when, who (the staff person as "telegram:123", the operator of the command line as
"cli:maria@server", or "system" for the daily housekeeping), from where (`chat`, `cli`,
`console`, `system`), the action and its target's id. Never what anyone wrote.

    await audit.record(session, now, who="telegram:42", via="chat",
                       action="buddies.approve", target="volunteer:7")

`welcomebot audit` lists the entries. They are kept `AUDIT_DAYS`; when a person is erased,
their id is replaced by a pseudonym wherever it stands (`SLICE`), so the log still says that
something happened, not to whom.
"""

from __future__ import annotations

import getpass
import secrets
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.people import identity
from bot.db.tables import AuditEntry, Person
from bot.feature import Erasure, PrivacySlice

Via = Literal["chat", "cli", "console", "system"]
SYSTEM = "system"


def operator() -> str:
    """Who runs a command on the server: "cli:<os user>@<host>"."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = "unknown"
    return f"cli:{user}@{socket.gethostname()}"


async def record(session: AsyncSession, at: datetime, *, who: str, via: Via, action: str,
                 target: str | None = None, detail: str | None = None) -> None:
    """One entry, in the caller's transaction (it commits with the change it describes)."""
    session.add(AuditEntry(at=at, who=who[:120], via=via, action=action[:40],
                           target=target[:120] if target else None,
                           detail=detail[:120] if detail else None))


async def entries(session: AsyncSession, *, since: datetime | None = None,
                  who: str | None = None, action: str | None = None,
                  limit: int | None = None) -> list[AuditEntry]:
    """Oldest first; `who` matches the actor or the target."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if who is not None:
        query = query.where((AuditEntry.who == who) | (AuditEntry.target == who))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if limit is not None:
        query = query.limit(limit)
    return list(await session.scalars(query))


def as_json(entry: AuditEntry) -> dict[str, str | None]:
    """`welcomebot audit --json`: one object a line."""
    return {"at": entry.at.isoformat(), "who": entry.who, "via": entry.via,
            "action": entry.action, "target": entry.target, "detail": entry.detail}


async def by_operator(session: AsyncSession, at: datetime, action: str,
                      target: str | None = None, detail: str | None = None) -> None:
    """An entry for a `welcomebot` command, by whoever runs it on the server."""
    await record(session, at, who=operator(), via="cli", action=action, target=target,
                 detail=detail)


def _pseudonym() -> str:
    return f"erased:{secrets.token_hex(4)}"


async def pseudonymise(session: AsyncSession, identities: Sequence[str],
                       pseudonym: Callable[[], str] = _pseudonym) -> None:
    """Each identity's entries, as actor or target, name a pseudonym instead (one per
    person, so their entries still read as one person's)."""
    for name in identities:
        alias = pseudonym()
        await session.execute(update(AuditEntry).where(AuditEntry.who == name)
                              .values(who=alias))
        await session.execute(update(AuditEntry).where(AuditEntry.target == name)
                              .values(target=alias))


async def purge(session: AsyncSession, now: datetime, days: int) -> int:
    """Entries older than `days` go; returns how many."""
    result = await session.execute(
        delete(AuditEntry).where(AuditEntry.at < now - timedelta(days=days)))
    return int(getattr(result, "rowcount", 0) or 0)


async def _erase(erasure: Erasure) -> None:
    rows = await erasure.session.execute(
        select(Person.channel, Person.external_id).where(Person.id.in_(erasure.person_ids)))
    await pseudonymise(erasure.session, [identity(c, e) for c, e in rows.all()])


SLICE = PrivacySlice("audit", tables=("audit_log",), erase=_erase)
"""The log is not shown in /mydata (it is about what staff did); erasing pseudonymises."""
