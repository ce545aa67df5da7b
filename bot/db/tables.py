"""The tables. Alembic migrations (`migrations/versions/`) are the only way they are made."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no time zone and would hand back
    naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (the clock gives UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


def table(model: type[Base]) -> Table:
    """The model's Core table, for bulk statements (SQLAlchemy types `__table__` loosely)."""
    return cast(Table, model.__table__)


class Person(Base):
    """One person per channel identity (a Telegram user, a WhatsApp number, a terminal user)."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_people_last_seen_at", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20), default="newcomer")
    consent: Mapped[str | None] = mapped_column(String(10))
    """"given" or "declined"; None until asked."""
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_source: Mapped[str | None] = mapped_column(String(20))
    """How consent was recorded: "chat" (asked in the chat) or "imported"."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Set when the platform says the person cannot be reached (blocked the bot)."""
    conversation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Where their conversation is: `bot.engine.model.ConversationState` as JSON. Kept on the
    person's row, so a turn reads and writes one row (and erasing the person erases it)."""
    recent_deliveries: Mapped[list[str] | None] = mapped_column(JSON)
    """The platform's ids of the last messages handled (Telegram and WhatsApp deliver at
    least once: one seen before is acknowledged and ignored)."""
    district: Mapped[str | None] = mapped_column(String(40))
    """Part of the city, when known (imported, or told by the person): notices may select by it."""
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Bumped by every write, so a turn that read an older row knows (optimistic locking)."""

    __mapper_args__ = {"version_id_col": version}


class FaqFeedback(Base):
    """"Did this help?" answers: which topic, in which language, yes or no. Nothing that
    identifies the person, and only the day."""

    __tablename__ = "faq_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    lang: Mapped[str] = mapped_column(String(10))
    helpful: Mapped[bool]
    day: Mapped[datetime] = mapped_column(UTCDateTime())


class FaqGap(Base):
    """A question the FAQ had no answer for, for staff to see what is missing: the text
    with e-mail addresses, links and numbers masked, its language and the day. Kept only
    for people who consented, linked to them so that /delete and retention erase it, and
    for at most FAQ_GAPS_DAYS."""

    __tablename__ = "faq_gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(10))
    day: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True)


class FaqDay(Base):
    """How many questions the FAQ took a day, by language, and how many it answered (the
    rest: "don't know"; small talk is not counted): numbers only, nothing about anyone.
    Each process adds what it counted about once a minute (`bot/faq/tally.py`)."""

    __tablename__ = "faq_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    lang: Mapped[str] = mapped_column(String(10), primary_key=True)
    asked: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)


class AuditEntry(Base):
    """Who did what as staff, and what was erased on request: when, who ("telegram:123", or
    "cli:maria@server" for the command line), from where (chat, cli, console), the action and
    its target's id. Never what anyone wrote. Kept AUDIT_DAYS; an erased person's id is
    replaced by a pseudonym."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    who: Mapped[str] = mapped_column(String(120), index=True)
    via: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(120), index=True)
    detail: Mapped[str | None] = mapped_column(String(120))
    """A short value that says what changed (the new role, a count), never content."""


class EventSeries(Base):
    """An event as staff wrote it (`bot.events.series.Series` as JSON): kept so that the
    dates of a repeating one can be added as time goes on."""

    __tablename__ = "event_series"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    """False once staff cancelled the whole series."""


class Event(Base):
    """One date of a dialogue or language café: what people book. Occurrences of a repeating
    series (`series`, `occurrence`: its original start) are rows of their own, so that staff
    can cancel or move one date."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("series", "occurrence"),
        Index("ix_events_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(64))
    occurrence: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Title and description per language, place, address, district, languages, audience,
    features (`bot.events.series.Series` without its dates)."""
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int]
    seats: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """Seats kept for a group ({"newcomer": 12, "local": 8}); the rest are open to all."""
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    """scheduled | cancelled"""


class Booking(Base):
    """A person's place at an event (`booked`) or on its waitlist (`waiting`); `cancelled`
    ones are kept for the staff's numbers until the person is erased."""

    __tablename__ = "bookings"
    __table_args__ = (
        # One live booking per person and event, enforced by the database itself.
        Index("uq_bookings_live", "event_id", "person_id", unique=True,
              sqlite_where=text("status != 'cancelled'"),
              postgresql_where=text("status != 'cancelled'")),
        Index("ix_bookings_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    group: Mapped[str] = mapped_column("grp", String(12))
    people: Mapped[int]
    """How many seats: the person and whoever comes with them, children included."""
    children: Mapped[int] = mapped_column(default=0)
    first_name: Mapped[str | None] = mapped_column(String(40))
    """The name the booking goes under on the attendee list, as the person gave it (or
    None: they skipped the question)."""
    status: Mapped[str] = mapped_column(String(12))
    """booked | waiting | cancelled"""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A message to one person, sent by `bot.delivery` when due: a reminder, "you got a seat",
    a notice. Written in the same transaction as what caused it; `key` makes it unique
    (a reminder is queued once however often the booking is touched)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at", "id"),
        Index("ix_outbox_expiring", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    push: Mapped[str] = mapped_column(String(80))
    """The flow and step that says it: "events:reminder"."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="pending")
    """pending | paused | sent | skipped (no longer true or wanted) | unreachable | failed |
    expired | no-template (WhatsApp, outside its 24-hour window, with no approved template in
    the person's language)"""
    attempts: Mapped[int] = mapped_column(default=0)
    batch: Mapped[str | None] = mapped_column(String(80), index=True)
    """What the message belongs to ("notice:aha-hygiene"): paused, resumed, tallied together."""
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Not sent after this (a hygiene alert a day late does harm): then `expired`. Indexed
    with the status (`ix_outbox_expiring`): the sender's sweep looks for what has expired
    about once a second, which read every pending row without it (a second's stall at
    100,000 queued, on SQLite)."""
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """A sender works on it until then; after, another may take it over (a crashed one)."""
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    receipt: Mapped[str | None] = mapped_column(String(120), index=True)
    """The platform's id of the message sent (a WhatsApp message id), so that a delivery
    status webhook ("failed", "read") finds the row it is about."""
    delivery: Mapped[str | None] = mapped_column(String(12))
    """What the platform said since it was sent: delivered | read | failed (WhatsApp)."""
    error: Mapped[str | None] = mapped_column(String(40))
    """The platform's error code when it failed after it was sent ("131026")."""
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    """When sending it opened a conversation the platform limits per day (WhatsApp: a
    template to someone outside the 24-hour window; `bot.delivery.daily`)."""
    held: Mapped[str | None] = mapped_column(String(12))
    """Why a pending message waits past its time: "daily-limit" (WhatsApp's limit on new
    conversations a day was reached; `due_at` is when there is room again)."""


class Subscription(Base):
    """A notice topic a person asked for (health, events, courses, general)."""

    __tablename__ = "subscriptions"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    topic: Mapped[str] = mapped_column(String(20), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class Notice(Base):
    """A notice as it was when staff sent it (texts of every language, JSON), so what goes
    out is what they confirmed, whatever happens to the file afterwards."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    audience: Mapped[str] = mapped_column(String(200))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NoticeDraft(Base):
    """A notice staff wrote in the chat (`/compose`), texts of every language as JSON (the
    shape of a notice file), until and after it is sent: every process and command sees the
    same one. The city's own notice files stay in `content/notices/`."""

    __tablename__ = "notice_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BuddyVolunteer(Base):
    """A Welcome Buddy: what they offer, proposed to newcomers only once staff approved
    them. Their district is the person's (`people.district`)."""

    __tablename__ = "buddy_volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           unique=True)
    first_name: Mapped[str] = mapped_column(String(40))
    contact: Mapped[dict[str, Any]] = mapped_column(JSON)
    """How their buddy may reach them: {"kind": "phone"|"email"|"chat", "value": ...}."""
    languages: Mapped[dict[str, int]] = mapped_column(JSON)
    """code -> level (1 a little, 2 well, 3 fluently)."""
    offers: Mapped[list[str]] = mapped_column(JSON)
    times: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int]
    gender: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    """pending (waits for staff) | approved | declined | left"""
    paused: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BuddyRequest(Base):
    """A newcomer asking for a Welcome Buddy: what they need, until matched or closed."""

    __tablename__ = "buddy_requests"
    __table_args__ = (
        # One request at a time per person, enforced by the database itself.
        Index("uq_buddy_requests_live", "person_id", unique=True,
              sqlite_where=text("status != 'closed'"),
              postgresql_where=text("status != 'closed'")),
        Index("ix_buddy_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(40))
    contact: Mapped[dict[str, Any]] = mapped_column(JSON)
    needs: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[dict[str, int]] = mapped_column(JSON)
    """code -> level; their German as they said it (0: not yet), their own languages 3."""
    times: Mapped[list[str]] = mapped_column(JSON)
    wants: Mapped[str | None] = mapped_column(String(12))
    """The buddy's gender they prefer, if any."""
    status: Mapped[str] = mapped_column(String(12))
    """open (looking) | matched | closed"""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When staff were told nobody suitable was found (or not in time)."""
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BuddyMatch(Base):
    """A proposal of a volunteer for a request, and, once both agreed, their match."""

    __tablename__ = "buddy_matches"
    __table_args__ = (
        Index("ix_buddy_matches_request_status", "request_id", "status"),
        Index("ix_buddy_matches_volunteer_status", "volunteer_id", "status"),
        Index("ix_buddy_matches_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("buddy_requests.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("buddy_volunteers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    """proposed (the volunteer decides) | accepted (the newcomer decides) | active | ended;
    or not to be: declined | expired (no answer in time) | refused (by the newcomer) |
    lapsed (the newcomer did not answer) | withdrawn"""
    fit: Mapped[float]
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Until when the side that decides now may answer."""
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(12))
    """volunteer | newcomer | staff"""
    checkin_volunteer: Mapped[str | None] = mapped_column(String(12))
    checkin_newcomer: Mapped[str | None] = mapped_column(String(12))
    """A week after the match: met | not_yet | problem."""


class Chore(Base):
    """Work one of the bot's processes does for all of them now and then (the daily
    housekeeping, the matching round): when it was last done, so that it is done once
    however many processes run (`bot.db.locks.take_turn`)."""

    __tablename__ = "chores"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FloodMark(Base):
    """One person's flood limit (`bot.flood`) as every process of the bot sees it
    (PostgreSQL; UNLOGGED there: nothing here must survive a crash). `who` is the channel
    identity ("telegram:12345"); a row is deleted minutes after its bucket is full again."""

    __tablename__ = "flood_marks"

    who: Mapped[str] = mapped_column(String(100), primary_key=True)
    tokens: Mapped[float]
    at: Mapped[float]
    """Seconds since the epoch (the runtime's clock) of the last message counted."""
    verdict: Mapped[str] = mapped_column(String(5))
    """What the last message got: admit | warn | drop (after a warn, the rest are dropped)."""


class PaceMark(Base):
    """What a process that does not send a platform's outbox did to that platform's limits,
    for the one that does (`bot.delivery.shared`): messages sent (replies to people
    chatting), to `chat` or ("") to anyone, and a pause the platform asked for. The sender
    takes (deletes) them within a second. UNLOGGED on PostgreSQL."""

    __tablename__ = "pace_marks"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat: Mapped[str] = mapped_column(String(64), primary_key=True)
    """The chat the messages went to; "" for the platform as a whole (its token bucket)."""
    sent: Mapped[int]
    at: Mapped[float]
    """Seconds since the epoch of the last one."""
    held_until: Mapped[float | None]
    """The platform asked to wait until then (a 429), in seconds since the epoch."""


class ConsoleCode(Base):
    """A one-time sign-in to the staff console (`bot.console.signin`): a code sent to the
    staff member's chat, or a link printed by `welcomebot console link`. Only a hash of it is
    kept; it works once (`used_at`) and until `expires_at`."""

    __tablename__ = "console_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the code with the person's id (or of the link's token), hex."""
    kind: Mapped[str] = mapped_column(String(10))
    """code | link"""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsoleSession(Base):
    """A staff member signed in to the console: the cookie's token as a hash, the token
    every form must carry (CSRF), the language chosen, and when the last request came (the
    session ends CONSOLE_IDLE_MINUTES after it)."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsoleAttempt(Base):
    """A failed console sign-in (a wrong, used or expired code), for the rate limit per id
    and per client address. Kept an hour at most."""

    __tablename__ = "console_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    who: Mapped[str] = mapped_column(String(120), index=True)
    """The id typed ("telegram:12345")."""
    address: Mapped[str] = mapped_column(String(64), index=True)


class HandoffCase(Base):
    """A newcomer talking to the Welcome Center's staff through the bot (`bot.handoff`): what
    it is about, where it stands, who took it. Erased at the person's request, it stays as a
    row without anything of them (`status` erased), so staff see that it was erased."""

    __tablename__ = "handoff_cases"
    __table_args__ = (
        Index("ix_handoff_cases_status", "status", "last_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    """None once erased."""
    lang: Mapped[str | None] = mapped_column(String(5))
    """The person's language: their messages' and the answers' translations."""
    topic: Mapped[str | None] = mapped_column(String(40))
    """A FAQ topic id, or None (what they wrote says it)."""
    status: Mapped[str] = mapped_column(String(12))
    """open (nobody answered yet) | waiting_us | waiting_them | closed | erased"""
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"),
                                                 index=True)
    """The staff member who took it, if any."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    """The last message, either way."""
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Staff's first answer: how long answers take (`bot.handoff.rules.usual_wait`)."""
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))
    """answered | referred | interpreter | no_reply | other"""
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HandoffMessage(Base):
    """One message of a case: the original, its translation (German for staff, the person's
    language for the person) and whether a machine made it; a staff note (staff only) or an
    FAQ answer staff attached (`topic`)."""

    __tablename__ = "handoff_messages"
    __table_args__ = (
        Index("ix_handoff_messages_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_cases.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(10))
    """newcomer | staff | note (staff only) | faq (a topic's answer staff attached)"""
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(4000))
    lang: Mapped[str] = mapped_column(String(5))
    """The original's language."""
    translation: Mapped[str | None] = mapped_column(String(8000))
    translated_to: Mapped[str | None] = mapped_column(String(5))
    machine: Mapped[bool] = mapped_column(default=False)
    """The translation was made by a machine (argostranslate)."""
    topic: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class InterpreterRequest(Base):
    """Staff ask the city's interpreting pool for an interpreter for a case; the coordinator
    lists them (`welcomebot handoff interpreters`)."""

    __tablename__ = "interpreter_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_cases.id", ondelete="CASCADE"),
                                         index=True)
    language: Mapped[str] = mapped_column(String(5))
    wanted_on: Mapped[str] = mapped_column(String(10))
    """The day (ISO date) the interpreter is needed."""
    note: Mapped[str | None] = mapped_column(String(500))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    """open | done"""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewerLanguage(Base):
    """A language a translator (role `reviewer`) reviews texts in (`bot.reviewers`): erased
    with the person."""

    __tablename__ = "reviewer_languages"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    lang: Mapped[str] = mapped_column(String(5), primary_key=True)


class FaqEdit(Base):
    """A FAQ topic as staff edited it in the console (`bot.faq.edits`), laid over the topic's
    file (`content/faq/<id>.yaml`) when the bot opens the FAQ; or a new topic written there.
    `topic`: the keys staff changed, in the shape of a topic file; `added`: ways of asking
    added from the unanswered questions, per language; `reviews`: per language, whether its
    answer was reviewed and against which German answer (`based_on`). `revision` grows with
    every save, so that each of the bot's processes notices a change and embeds again."""

    __tablename__ = "faq_edits"

    topic_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    topic: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    added: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    reviews: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)
    new: Mapped[bool] = mapped_column(default=False)
    """A topic of its own, not one of the files' (live once it meets every content rule)."""
    revision: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[str] = mapped_column(String(80))
    """Who saved it last (a channel identity, as the audit log writes it)."""


class FaqCheck(Base):
    """A run of the FAQ's held-out check from the staff console (`bot.faq.checks`): the
    city's labelled questions (FAQ_HELD_OUT) answered by the FAQ as it is now. Who started it
    (the person's id, gone with them), when, how it ended, and its numbers: accuracy per
    language and each line's id, expected and found topic (never a question's text)."""

    __tablename__ = "faq_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    """Who started it (shown as their chat id; None once they were erased)."""
    status: Mapped[str] = mapped_column(String(10), default="running")
    """running | done | failed"""
    file: Mapped[str] = mapped_column(String(500))
    """The held-out file's path as it was run."""
    error: Mapped[str | None] = mapped_column(String(500))
    """Why it failed: `file:line: what` for a line that is not JSON, else what went wrong."""
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """`bot.faq.checks.Results` as JSON, once done."""


class TemplateApproval(Base):
    """A WhatsApp message template's approval in one language, as Meta last said it
    (`GET /{WABA}/message_templates`, fetched by the bot's service about hourly): what the
    staff console shows, and what tells it which languages' people outside the 24-hour window
    would be skipped. Nothing about a person."""

    __tablename__ = "template_approvals"

    name: Mapped[str] = mapped_column(String(512), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    """As Meta writes it ("de", "en_US")."""
    status: Mapped[str] = mapped_column(String(20))
    """APPROVED | PENDING | REJECTED | PAUSED | DISABLED (or another Meta may add)."""
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
