"""What staff do with a case, one way for the staff chat (`/cases`), the command line
(`welcomebot handoff`) and, later, the console: read it, take it, answer (translated into the
person's language), attach a FAQ answer, write a note only staff see, ask for an interpreter,
hand it back, close it. Every step is in the audit log, every reading too; never what anyone
wrote. Never commits.

    actor = Actor(who="telegram:42", via="chat", staff_id=7)
    found = await read(session, 12, actor, now)           # None: no such case
    sent = await reply(session, 12, "Guten Tag ...", "de", actor, now, models_dir)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.db.tables import HandoffCase, HandoffMessage, InterpreterRequest
from bot.handoff import notify, rules, store
from bot.handoff.translate import SAME, STAFF_WRITES, translated


@dataclass(frozen=True)
class Actor:
    """Who works on the case: their name for the audit log ("telegram:42", or the operator
    of the command line), from where, and their person id if they have one."""

    who: str
    via: audit.Via
    staff_id: int | None = None


def _target(case_id: int) -> str:
    return f"case:{case_id}"


async def _log(session: AsyncSession, actor: Actor, action: str, case_id: int, now: datetime,
               detail: str | None = None) -> None:
    await audit.record(session, now, who=actor.who, via=actor.via, action=action,
                       target=_target(case_id), detail=detail)


async def read(session: AsyncSession, case_id: int, actor: Actor, now: datetime
               ) -> tuple[HandoffCase, list[HandoffMessage]] | None:
    """The case and its messages for staff (an erased one has none): audited."""
    found = await store.case(session, case_id)
    if found is None:
        return None
    await _log(session, actor, "handoff.read", case_id, now)
    return found, await store.messages(session, case_id)


async def _live(session: AsyncSession, case_id: int) -> HandoffCase | None:
    found = await store.case(session, case_id, lock=True)
    return found if found is not None and found.status in rules.LIVE else None


async def take(session: AsyncSession, case_id: int, actor: Actor, now: datetime) -> bool:
    found = await _live(session, case_id)
    if found is None:
        return False
    await store.take(session, found, actor.staff_id)
    await _log(session, actor, "handoff.take", case_id, now)
    return True


async def release(session: AsyncSession, case_id: int, actor: Actor, now: datetime) -> bool:
    """Hand the case back to everyone."""
    found = await _live(session, case_id)
    if found is None:
        return False
    await store.take(session, found, None)
    await _log(session, actor, "handoff.release", case_id, now)
    return True


async def reply(session: AsyncSession, case_id: int, text: str, lang: str, actor: Actor,
                now: datetime, models_dir: Path) -> HandoffMessage | None:
    """Staff answer in German or English (`lang`); the person gets it in their language,
    machine-translated where a model is installed, else as written with a word that it is
    not translated. Taking an untaken case is implied."""
    text = text.strip()[:rules.MAX_TEXT]
    source = lang if lang in STAFF_WRITES else "de"
    found = await store.case(session, case_id)
    if found is None or found.status not in rules.LIVE or not text:
        return None
    target = found.lang or source
    translation = await translated(text, source, target, models_dir) if target != source \
        else SAME
    found = await _live(session, case_id)  # locked now, after the slow part
    if found is None:
        return None
    if found.staff_id is None:
        found.staff_id = actor.staff_id
    message = await store.add(session, found, author="staff", text=text, lang=source,
                              translated=translation, translated_to=target,
                              staff_id=actor.staff_id, now=now)
    await notify.to_person(session, found, "answer", message.id, now)
    await _log(session, actor, "handoff.reply", case_id, now,
               detail="machine" if translation.machine else None)
    return message


async def attach(session: AsyncSession, case_id: int, topic: str, actor: Actor,
                 now: datetime) -> HandoffMessage | None:
    """Send the person a FAQ topic's answer, in their language (read from the FAQ when it
    is sent)."""
    found = await _live(session, case_id)
    if found is None:
        return None
    message = await store.add(session, found, author="faq", text=topic, lang="en",
                              translated=SAME, topic=topic, staff_id=actor.staff_id, now=now)
    await notify.to_person(session, found, "attached", message.id, now)
    await _log(session, actor, "handoff.attach", case_id, now, detail=topic)
    return message


async def note(session: AsyncSession, case_id: int, text: str, actor: Actor,
               now: datetime) -> HandoffMessage | None:
    """A note only staff see."""
    text = text.strip()[:rules.MAX_TEXT]
    found = await _live(session, case_id)
    if found is None or not text:
        return None
    message = await store.add(session, found, author="note", text=text, lang="de",
                              translated=SAME, staff_id=actor.staff_id, now=now)
    await _log(session, actor, "handoff.note", case_id, now)
    return message


async def close(session: AsyncSession, case_id: int, outcome: str, actor: Actor,
                now: datetime) -> bool:
    """Close with an outcome (`rules.OUTCOMES`); the person is told."""
    found = await _live(session, case_id)
    if found is None or outcome not in rules.OUTCOMES:
        return False
    await store.close(session, found, outcome, now)
    await notify.to_person(session, found, "closed", found.id, now)
    await _log(session, actor, "handoff.close", case_id, now, detail=outcome)
    return True


async def interpreter(session: AsyncSession, case_id: int, *, language: str, wanted_on: str,
                      note: str | None, actor: Actor, now: datetime
                      ) -> InterpreterRequest | None:
    """Ask the city's interpreting pool: listed for the coordinator."""
    found = await _live(session, case_id)
    if found is None:
        return None
    request = await store.ask_interpreter(session, found, language=language,
                                          wanted_on=wanted_on, note=note,
                                          staff_id=actor.staff_id, now=now)
    await _log(session, actor, "handoff.interpreter", case_id, now, detail=language)
    return request
