"""People: one per channel identity, with their conversation. Never commits.

A turn reads the person with one statement (`arrive`: insert-or-update, returning the row)
and writes them back with one (`store`, which succeeds only if nobody wrote the row since it
was read); this is the hot path, so it uses prebuilt SQLAlchemy Core statements.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Person, table
from bot.engine.model import ConversationState

PEOPLE = table(Person)


def identity(channel: str, external_id: str) -> str:
    """How people are named in settings and the CLI: "telegram:12345"."""
    return f"{channel}:{external_id}"


PHONE_CHANNELS = frozenset({"whatsapp"})
"""Channels whose id for a person is their phone number (WhatsApp's wa_id)."""


def log_name(channel: str, external_id: str) -> str:
    """How people are named in logs: a phone number shows only its last four digits
    ("whatsapp:…4567"); other ids (Telegram's) as they are, to follow one chat."""
    if channel in PHONE_CHANNELS:
        return f"{channel}:…{external_id[-4:]}"
    return identity(channel, external_id)


@dataclass
class PersonRecord:
    """A person as a turn sees them. Actions may change `locale`, `role` and the consent
    fields; the runtime writes the record back when the turn commits."""

    id: int
    channel: str
    external_id: str
    locale: str | None
    role: str
    consent: str | None
    consent_at: datetime | None
    consent_source: str | None
    created_at: datetime
    last_seen_at: datetime
    unreachable_at: datetime | None
    conversation: dict[str, Any] | None
    recent_deliveries: list[str] | None
    version: int
    district: str | None = None
    erased: bool = False
    """Set by `erase`: nothing is written back."""
    configured_admin: bool = False
    """Admin because ADMINS lists them, for as long as it does: the role stored stays what
    it was (`stored_role`), so removing someone from ADMINS ends their admin rights."""
    stored_role: str | None = None

    def written(self) -> dict[str, Any]:
        """The values a turn writes back."""
        values = {name: getattr(self, name) for name in _WRITABLE}
        if self.configured_admin and self.role == "admin":
            values["role"] = self.stored_role
        return values

    @property
    def state(self) -> ConversationState | None:
        return ConversationState.from_json(self.conversation) if self.conversation else None

    def seen(self, delivery_id: str | None) -> bool:
        """Whether this delivery was handled before (a platform's redelivery)."""
        return delivery_id is not None and delivery_id in (self.recent_deliveries or ())

    def remember(self, delivery_id: str | None) -> None:
        if delivery_id is not None:
            self.recent_deliveries = [*(self.recent_deliveries or ())[-RECENT + 1:],
                                      delivery_id]


RECENT = 32
"""Delivery ids kept per person. Redeliveries come within hours, and only of what was in
flight when an acknowledgement was lost."""

_COLUMNS = [f.name for f in fields(PersonRecord)
            if f.name not in ("erased", "configured_admin", "stored_role")]
_WRITABLE = ("locale", "role", "consent", "consent_at", "consent_source", "conversation",
             "recent_deliveries", "last_seen_at")


@functools.cache
def _arrive_statement(dialect: str) -> Any:
    """Built once per dialect: building a statement costs more than running it here."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PEOPLE).values(
        channel=bindparam("channel"), external_id=bindparam("external_id"),
        role="newcomer", created_at=bindparam("now"), last_seen_at=bindparam("now"))
    return insert.on_conflict_do_update(
        index_elements=["channel", "external_id"],
        set_={"last_seen_at": insert.excluded.last_seen_at, "version": PEOPLE.c.version + 1},
    ).returning(*(PEOPLE.c[name] for name in _COLUMNS))


_STORE = (update(PEOPLE)
          .where(PEOPLE.c.id == bindparam("person_id"), PEOPLE.c.version == bindparam("read"))
          .values({**{name: bindparam(name) for name in _WRITABLE},
                   "version": PEOPLE.c.version + 1}))


async def arrive(session: AsyncSession, channel: str, external_id: str, now: datetime,
                 *, admins: Collection[str] = ()) -> PersonRecord:
    """The person behind this identity, created at first contact, seen now.

    One statement: insert, or on conflict touch `last_seen_at`, returning the row. The
    conflict update takes the row lock on PostgreSQL, so another process's turn for the
    same person waits for this one (SQLite's transaction holds the database lock anyway).
    """
    conn = await session.connection()
    row = (await conn.execute(_arrive_statement(conn.dialect.name),
                              {"channel": channel, "external_id": external_id, "now": now})
           ).one()
    return grant(PersonRecord(**row._asdict()), admins)


def grant(record: PersonRecord, admins: Collection[str]) -> PersonRecord:
    """The first admins come from configuration (ADMINS), for as long as it lists them."""
    if identity(record.channel, record.external_id) in admins and record.role != "admin":
        record.configured_admin, record.stored_role = True, record.role
        record.role = "admin"
    return record


async def store(session: AsyncSession, record: PersonRecord) -> bool:
    """Write back what a turn changed, if the row is still at `record.version` (then the
    record moves to the next version); False when someone else wrote it in between."""
    if record.erased:
        return True
    conn = await session.connection()
    result = await conn.execute(_STORE, {"person_id": record.id, "read": record.version,
                                         **record.written()})
    if getattr(result, "rowcount", 0) != 1:
        return False
    record.version += 1
    return True


async def store_many(session: AsyncSession, records: Sequence[PersonRecord]) -> list[bool]:
    """`store` for many people at once: one locked read of their versions, one executemany
    for those still at the version their turn read."""
    conn = await session.connection()
    found = await conn.execute(
        select(PEOPLE.c.id, PEOPLE.c.version)
        .where(PEOPLE.c.id.in_([r.id for r in records])).with_for_update())
    current = {row.id: row.version for row in found}
    good = [r for r in records if not r.erased and current.get(r.id) == r.version]
    if good:
        await conn.execute(_STORE, [{"person_id": r.id, "read": r.version,
                                     **r.written()}
                                    for r in good])
    for record in good:
        record.version += 1
    kept = {id(r) for r in good}
    return [id(r) in kept for r in records]


async def lock(session: AsyncSession, person_id: int) -> PersonRecord | None:
    """The person with this id, their row locked for the transaction (for a push: it does
    not count as the person being seen), or None if they were erased."""
    conn = await session.connection()
    row = (await conn.execute(select(PEOPLE).where(PEOPLE.c.id == person_id)
                              .with_for_update())).one_or_none()
    return PersonRecord(**row._asdict()) if row is not None else None


async def lock_many(session: AsyncSession, person_ids: Sequence[int]
                    ) -> dict[int, PersonRecord]:
    """`lock` for many people in one statement: id -> record, without the erased."""
    if not person_ids:
        return {}
    conn = await session.connection()
    rows = await conn.execute(select(PEOPLE).where(PEOPLE.c.id.in_(person_ids))
                              .order_by(PEOPLE.c.id).with_for_update())
    return {row.id: PersonRecord(**row._asdict()) for row in rows}


async def find(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    return await session.scalar(
        select(Person).where(Person.channel == channel, Person.external_id == external_id)
    )


async def erase(session: AsyncSession, record: PersonRecord | Person) -> None:
    """Delete the person; everything that belongs to them goes with them (ON DELETE CASCADE)."""
    await session.execute(delete(Person).where(Person.id == record.id))
    if isinstance(record, PersonRecord):
        record.erased = True


async def purge_inactive(session: AsyncSession, now: datetime, days: int) -> int:
    """Erase everyone not seen for `days` days; returns how many."""
    result = await session.execute(
        delete(Person).where(Person.last_seen_at < now - timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def set_role(session: AsyncSession, channel: str, external_id: str, role: str,
                   now: datetime) -> Person:
    person = await find(session, channel, external_id)
    if person is None:
        person = Person(channel=channel, external_id=external_id, role=role,
                        created_at=now, last_seen_at=now)
        session.add(person)
    person.role = role
    await session.flush()
    return person


async def set_reachable(session: AsyncSession, channel: str, external_id: str, reachable: bool,
                        now: datetime) -> Person | None:
    """The platform told us the person blocked the bot (or unblocked it)."""
    person = await find(session, channel, external_id)
    if person is not None:
        person.unreachable_at = None if reachable else (person.unreachable_at or now)
    return person
