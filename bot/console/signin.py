"""Signing in to the console without a password: a one-time code sent to the staff
member's chat, or a one-time link for the operator on the server.

    channel, external_id = parse_identity("telegram:12345")      BadIdentity: what to fix
    person = await staff_member(db, channel, external_id)          None: unknown or no role
    await send_code(db, person, now)              queued as the push `console:code`
    person_id = await use_code(db, person, typed, now)             once, for CODE_MINUTES
    token = await make_link(db, person, now)      `welcomebot console link ID`
    person_id = await use_link(db, token, now)
    await failed(db, who, address, now); await blocked(db, who, address, now)

The code goes out through the outbox like every push (`bot.delivery.outbox.queue`), so the
running bot's sender delivers it in the person's own language (`flows/console.yaml`); it
expires with the code. Only a hash of a code or a link is stored (`console_codes`); the
code in the outbox row is blanked once it is used, or once it has expired (`tidy`, and the
daily `bot.privacy.expire`). Wrong, used and expired codes count
against the id typed and the client's address (`console_attempts`): FAILS_PER_ID and
FAILS_PER_ADDRESS within FAIL_WINDOW, then sign-in is refused until the window has passed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import ConsoleAttempt, ConsoleCode, OutboxMessage, Person
from bot.delivery import outbox

CODE_MINUTES = 10
CODE_DIGITS = 6
PUSH = "console:code"
"""The flow step that says the code (`flows/console.yaml`)."""
CHANNELS = ("telegram", "whatsapp", "console")
"""Where staff chat with the bot: Telegram, WhatsApp, or the terminal (`welcomebot chat`)."""
STAFF_ROLES = ("staff", "admin", "reviewer")
"""Who may sign in: staff and admins to the whole console, a reviewer (a translator) to the
review pages only (`bot.console.web.Guard`)."""
FAILS_PER_ID = 5
FAILS_PER_ADDRESS = 20
FAIL_WINDOW = timedelta(minutes=15)
CODES_PER_ID = 5
"""Codes sent to one person within FAIL_WINDOW at most (nobody floods a chat with codes)."""


class BadIdentity(ValueError):
    """What was typed is not a chat id; the message says how to write one."""


def parse_identity(text: str) -> tuple[str, str]:
    """"telegram:12345", "whatsapp:+49 176 1234567" (spaces and the + go), "console:ana"."""
    channel, colon, external_id = text.strip().partition(":")
    channel = channel.strip().lower()
    external_id = external_id.strip()
    if not colon or channel not in CHANNELS or not external_id:
        raise BadIdentity("channel")
    if channel == "whatsapp":
        external_id = external_id.replace(" ", "").replace("-", "").removeprefix("+")
    if (channel in ("telegram", "whatsapp") and not external_id.isdigit()) or any(
            c.isspace() for c in external_id) or len(external_id) > 64:
        raise BadIdentity("id")
    return channel, external_id


def _code_digest(person_id: int, code: str) -> str:
    return hashlib.sha256(f"code:{person_id}:{code}".encode()).hexdigest()


def _link_digest(token: str) -> str:
    return hashlib.sha256(f"link:{token}".encode()).hexdigest()


async def staff_member(db: AsyncSession, channel: str, external_id: str) -> Person | None:
    """The person with this id if they are staff, an admin or a reviewer."""
    person = await db.scalar(select(Person).where(Person.channel == channel,
                                                  Person.external_id == external_id))
    return person if person is not None and person.role in STAFF_ROLES else None


async def send_code(db: AsyncSession, person: Person, now: datetime) -> str | None:
    """A new code for the person, queued to their chat; earlier unused ones stop working.
    None when CODES_PER_ID were sent within FAIL_WINDOW already."""
    recent = await db.scalar(select(func.count()).select_from(ConsoleCode).where(
        ConsoleCode.person_id == person.id, ConsoleCode.kind == "code",
        ConsoleCode.created_at > now - FAIL_WINDOW))
    if (recent or 0) >= CODES_PER_ID:
        return None
    await _retire(db, person.id, now)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    digest = _code_digest(person.id, code)
    await db.execute(delete(ConsoleCode).where(ConsoleCode.digest == digest))  # drawn before
    row = ConsoleCode(person_id=person.id, digest=digest, kind="code",
                      created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES))
    db.add(row)
    await db.flush()
    key = _outbox_key(row.id)
    await outbox.queue(db, key=key, person_id=person.id, push=PUSH, payload={"code": code},
                       due_at=now)
    await db.execute(update(OutboxMessage).where(OutboxMessage.key == key)
                     .values(expires_at=row.expires_at))
    return code


def _outbox_key(code_id: int) -> str:
    return f"console:code:{code_id}"


async def _retire(db: AsyncSession, person_id: int, now: datetime) -> None:
    """Earlier codes of the person stop working; their texts leave the outbox; rows older
    than a day go."""
    old = list(await db.scalars(select(ConsoleCode.id).where(
        ConsoleCode.person_id == person_id, ConsoleCode.kind == "code",
        ConsoleCode.used_at.is_(None))))
    if old:
        await db.execute(update(ConsoleCode).where(ConsoleCode.id.in_(old)).values(used_at=now))
        await _blank(db, old, now)
    await db.execute(delete(ConsoleCode).where(ConsoleCode.person_id == person_id,
                                               ConsoleCode.created_at < now - timedelta(days=1)))


async def _blank(db: AsyncSession, code_ids: list[int], now: datetime) -> None:
    """The codes' messages keep no code: not sent yet, they are not sent at all."""
    keys = [_outbox_key(i) for i in code_ids]
    await db.execute(update(OutboxMessage).where(OutboxMessage.key.in_(keys),
                                                 OutboxMessage.status == "pending")
                     .values(status="skipped", done_at=now))
    await db.execute(update(OutboxMessage).where(OutboxMessage.key.in_(keys))
                     .values(payload={}))


async def use_code(db: AsyncSession, person: Person, code: str, now: datetime) -> bool:
    """Whether `code` is the person's live code; it is used up by this call."""
    code = "".join(code.split())
    found = await db.scalar(select(ConsoleCode).where(
        ConsoleCode.digest == _code_digest(person.id, code), ConsoleCode.kind == "code"))
    if found is None or found.used_at is not None or found.expires_at <= now:
        return False
    claimed = await db.execute(update(ConsoleCode).where(
        ConsoleCode.id == found.id, ConsoleCode.used_at.is_(None)).values(used_at=now))
    if not getattr(claimed, "rowcount", 0):  # another request took it at the same moment
        return False
    await _blank(db, [found.id], now)
    return True


async def make_link(db: AsyncSession, person: Person, now: datetime) -> str:
    """A one-time sign-in link's token (valid CODE_MINUTES)."""
    token = secrets.token_urlsafe(32)
    db.add(ConsoleCode(person_id=person.id, digest=_link_digest(token), kind="link",
                       created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES)))
    await db.flush()
    return token


async def use_link(db: AsyncSession, token: str, now: datetime) -> int | None:
    """The person the link signs in, if it is live; it is used up by this call."""
    found = await db.scalar(select(ConsoleCode).where(
        ConsoleCode.digest == _link_digest(token), ConsoleCode.kind == "link"))
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    claimed = await db.execute(update(ConsoleCode).where(
        ConsoleCode.id == found.id, ConsoleCode.used_at.is_(None)).values(used_at=now))
    return found.person_id if getattr(claimed, "rowcount", 0) else None


async def link_is_live(db: AsyncSession, token: str, now: datetime) -> bool:
    found = await db.scalar(select(ConsoleCode).where(
        ConsoleCode.digest == _link_digest(token), ConsoleCode.kind == "link"))
    return found is not None and found.used_at is None and found.expires_at > now


async def tidy(db: AsyncSession, now: datetime) -> None:
    """Codes and links a day past their end, and failed attempts an hour old, go (at every
    sign-in: nothing is kept longer than it can matter)."""
    await db.execute(delete(ConsoleCode).where(ConsoleCode.expires_at < now - timedelta(days=1)))
    await db.execute(delete(ConsoleAttempt).where(ConsoleAttempt.at < now - timedelta(hours=1)))
    await db.execute(update(OutboxMessage).where(  # codes nobody used: their text goes too
        OutboxMessage.push == PUSH, OutboxMessage.status != "pending",
        OutboxMessage.due_at <= now - timedelta(minutes=CODE_MINUTES)).values(payload={}))


async def failed(db: AsyncSession, who: str, address: str, now: datetime) -> None:
    """A wrong, used or expired code: counted against the id and the address."""
    await db.execute(delete(ConsoleAttempt).where(ConsoleAttempt.at < now - timedelta(hours=1)))
    db.add(ConsoleAttempt(at=now, who=who[:120], address=address[:64]))
    await db.flush()


async def blocked(db: AsyncSession, who: str, address: str, now: datetime) -> bool:
    """Too many failed codes for this id or from this address lately."""
    since = now - FAIL_WINDOW
    by_id = await db.scalar(select(func.count()).select_from(ConsoleAttempt).where(
        ConsoleAttempt.who == who[:120], ConsoleAttempt.at > since))
    by_address = await db.scalar(select(func.count()).select_from(ConsoleAttempt).where(
        ConsoleAttempt.address == address[:64], ConsoleAttempt.at > since))
    return (by_id or 0) >= FAILS_PER_ID or (by_address or 0) >= FAILS_PER_ADDRESS
