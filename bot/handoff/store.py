"""The tables of conversations with the Welcome Center's staff: cases, their messages and
interpreter requests. Never commits; what someone must hear about is queued in the same
transaction (`bot.handoff.notify`).

A person has at most one live case (open, waiting_us, waiting_them); writing after it was
closed starts a new one. Erasing a person leaves each of their cases as a row with nothing of
them (`status` erased), so staff who open it see that it was erased, not that it vanished.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import HandoffCase, HandoffMessage, InterpreterRequest
from bot.handoff import rules
from bot.handoff.translate import Translated


async def live_case(session: AsyncSession, person_id: int) -> HandoffCase | None:
    """The person's case that is not closed, if any (the newest)."""
    return await session.scalar(
        select(HandoffCase).where(HandoffCase.person_id == person_id,
                                  HandoffCase.status.in_(rules.LIVE))
        .order_by(HandoffCase.id.desc()).limit(1))


async def case(session: AsyncSession, case_id: int, *, lock: bool = False
               ) -> HandoffCase | None:
    return await session.get(HandoffCase, case_id, with_for_update=lock)


async def open_case(session: AsyncSession, person_id: int, lang: str, topic: str | None,
                    now: datetime) -> tuple[HandoffCase, bool]:
    """The person's live case, or a new one about `topic` (a FAQ topic id, or None). True
    when it is new."""
    found = await live_case(session, person_id)
    if found is not None:
        if topic and not found.topic:
            found.topic = topic
        return found, False
    found = HandoffCase(person_id=person_id, lang=lang, topic=topic, status="open",
                        created_at=now, last_at=now)
    session.add(found)
    await session.flush()
    return found, True


async def add(session: AsyncSession, found: HandoffCase, *, author: str, text: str, lang: str,
              translated: Translated, now: datetime, translated_to: str | None = None,
              staff_id: int | None = None, topic: str | None = None) -> HandoffMessage:
    """A message of the case (`author`: newcomer | staff | note | faq), with its translation
    if a machine made one; the case moves on (`rules.after_message`)."""
    message = HandoffMessage(case_id=found.id, author=author, staff_id=staff_id,
                             text=text[:4000], lang=lang,
                             translation=translated.text[:8000] if translated.text else None,
                             translated_to=translated_to if translated.text else None,
                             machine=translated.machine, topic=topic, at=now)
    session.add(message)
    answered = found.first_answer_at is not None
    found.status = rules.after_message(found.status, author, answered)
    if author in ("staff", "faq") and found.first_answer_at is None:
        found.first_answer_at = now
    if author != "note":
        found.last_at = now
    await session.flush()
    return message


async def messages(session: AsyncSession, case_id: int, *, for_person: bool = False
                   ) -> list[HandoffMessage]:
    """The case's messages, oldest first; the person never sees staff notes."""
    query = select(HandoffMessage).where(HandoffMessage.case_id == case_id)
    if for_person:
        query = query.where(HandoffMessage.author != "note")
    return list(await session.scalars(query.order_by(HandoffMessage.id)))


async def message(session: AsyncSession, message_id: int) -> HandoffMessage | None:
    return await session.get(HandoffMessage, message_id)


async def cases(session: AsyncSession, *, status: Sequence[str] = rules.LIVE,
                lang: str | None = None, topic: str | None = None,
                staff_id: int | None = None, limit: int = 50) -> list[HandoffCase]:
    """Cases in these states, those waiting longest first (by language, topic, or taken by
    someone, when given)."""
    query = select(HandoffCase).where(HandoffCase.status.in_(status))
    if lang is not None:
        query = query.where(HandoffCase.lang == lang)
    if topic is not None:
        query = query.where(HandoffCase.topic == topic)
    if staff_id is not None:
        query = query.where(HandoffCase.staff_id == staff_id)
    return list(await session.scalars(query.order_by(HandoffCase.last_at, HandoffCase.id)
                                      .limit(limit)))


async def counts(session: AsyncSession, case_ids: Sequence[int]) -> dict[int, int]:
    """Messages per case (notes left out)."""
    from sqlalchemy import func

    if not case_ids:
        return {}
    rows = await session.execute(
        select(HandoffMessage.case_id, func.count()).where(
            HandoffMessage.case_id.in_(case_ids), HandoffMessage.author != "note")
        .group_by(HandoffMessage.case_id))
    return {case_id: int(n) for case_id, n in rows.all()}


async def take(session: AsyncSession, found: HandoffCase, staff_id: int | None) -> None:
    """A staff member takes the case (None: hands it back to everyone)."""
    found.staff_id = staff_id
    await session.flush()


async def close(session: AsyncSession, found: HandoffCase, outcome: str, now: datetime) -> bool:
    if found.status not in rules.LIVE:
        return False
    found.status, found.outcome, found.closed_at = "closed", outcome, now
    await session.flush()
    return True


async def first_answers(session: AsyncSession, limit: int = rules.RECENT_CASES
                        ) -> list[timedelta]:
    """How long the newest answered cases waited for their first answer, newest first."""
    rows = await session.execute(
        select(HandoffCase.created_at, HandoffCase.first_answer_at)
        .where(HandoffCase.first_answer_at.is_not(None))
        .order_by(HandoffCase.first_answer_at.desc()).limit(limit))
    return [answered - created for created, answered in rows.all() if answered is not None]


# -- interpreters ---------------------------------------------------------------------------
async def ask_interpreter(session: AsyncSession, found: HandoffCase, *, language: str,
                          wanted_on: str, note: str | None, staff_id: int | None,
                          now: datetime) -> InterpreterRequest:
    request = InterpreterRequest(case_id=found.id, language=language, wanted_on=wanted_on,
                                 note=(note or None) and note[:500], staff_id=staff_id,
                                 status="open", created_at=now)
    session.add(request)
    await session.flush()
    return request


async def interpreter_requests(session: AsyncSession, *, status: str | None = "open"
                               ) -> list[InterpreterRequest]:
    """For the coordinator of the interpreting pool: the soonest day first."""
    query = select(InterpreterRequest)
    if status is not None:
        query = query.where(InterpreterRequest.status == status)
    return list(await session.scalars(query.order_by(InterpreterRequest.wanted_on,
                                                     InterpreterRequest.id)))


# -- privacy --------------------------------------------------------------------------------
async def forget(session: AsyncSession, person_ids: Sequence[int], now: datetime) -> int:
    """These people's cases keep nothing of them: their messages, staff's answers and notes
    and interpreter requests go, and each case says `erased`. Returns how many cases."""
    ids = list((await session.scalars(select(HandoffCase.id).where(
        HandoffCase.person_id.in_(person_ids)))).all())
    if not ids:
        return 0
    await session.execute(delete(HandoffMessage).where(HandoffMessage.case_id.in_(ids)))
    await session.execute(delete(InterpreterRequest).where(InterpreterRequest.case_id.in_(ids)))
    await session.execute(update(HandoffCase).where(HandoffCase.id.in_(ids)).values(
        person_id=None, lang=None, topic=None, outcome=None, status="erased", erased_at=now))
    return len(ids)


async def expire(session: AsyncSession, now: datetime, days: int) -> int:
    """Closed cases `days` after closing, and what is left of erased ones, go (daily)."""
    cutoff = now - timedelta(days=days)
    result = await session.execute(delete(HandoffCase).where(
        ((HandoffCase.status == "closed") & (HandoffCase.closed_at < cutoff))
        | ((HandoffCase.status == "erased") & (HandoffCase.erased_at < cutoff))))
    return int(getattr(result, "rowcount", 0) or 0)

