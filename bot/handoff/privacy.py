"""The privacy slice of conversations with the Welcome Center's staff. Cases and their messages
belong to the person: /mydata shows each case with every message (theirs, and the staff's
answers as the person got them; staff notes are internal and not listed), /delete and the
retention period erase them first (`store.forget`: the case stays a row that says "erased",
so staff see what happened), and closed cases are erased CASE_DAYS after closing by the daily
expiry (`expire`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.tables import HandoffCase
from bot.engine.cursor import as_param
from bot.engine.messages import N_
from bot.engine.model import JSON, Param
from bot.feature import ActionContext, Erasure, PrivacySlice
from bot.handoff import store

CASE = N_("🙋 Your conversation #{case} with the Welcome Center, from {date}:")
CASE_CLOSED = N_("🙋 Your conversation #{case} with the Welcome Center, from {date} (closed "
                 "on {end}; erased on {erase}):")
YOU = N_("• You ({at}): {text}")
THEM = N_("• The Welcome Center ({at}): {text}")
SENT_FAQ = N_("• The Welcome Center sent you the FAQ answer “{topic}” ({at})")
NOTHING = N_("Conversations with the Welcome Center: none")


def _msg(msgid: str, **params: JSON) -> dict[str, JSON]:
    return {"msgid": msgid, "params": params}


async def about(session: AsyncSession, person_id: int, lang: str, case_days: int
                ) -> list[JSON]:
    """Lines for the person's data export, as messages in the reader's language."""
    from datetime import timedelta

    from bot.faq.titles import TITLES

    found = (await session.scalars(select(HandoffCase).where(
        HandoffCase.person_id == person_id).order_by(HandoffCase.id))).all()
    lines: list[JSON] = []
    for case in found:
        date: JSON = {"date": case.created_at.date().isoformat()}
        if case.closed_at is not None:
            lines.append(_msg(CASE_CLOSED, case=str(case.id), date=date,
                              end={"date": case.closed_at.date().isoformat()},
                              erase={"date": (case.closed_at + timedelta(days=case_days))
                                     .date().isoformat()}))
        else:
            lines.append(_msg(CASE, case=str(case.id), date=date))
        for message in await store.messages(session, case.id, for_person=True):
            at: JSON = {"datetime": message.at.isoformat()}
            if message.author == "newcomer":
                lines.append(_msg(YOU, at=at, text={"verbatim": message.text}))
            elif message.author == "faq":
                lines.append(_msg(SENT_FAQ, at=at, topic={"msgid": TITLES.get(
                    message.topic or "", message.topic or "")}))
            else:
                shown = message.translation if message.translated_to == lang \
                    and message.translation else message.text
                lines.append(_msg(THEM, at=at, text={"verbatim": shown}))
    return lines or [_msg(NOTHING)]


async def _show(ctx: ActionContext) -> list[Param]:
    return [as_param(await about(ctx.db, ctx.person.id, ctx.lang,
                                 ctx.deps.settings.case_days))]


async def _erase(erasure: Erasure) -> None:
    await store.forget(erasure.session, erasure.person_ids, erasure.now)


async def expire(session: AsyncSession, now: datetime, settings: Settings) -> int:
    """Daily: closed cases past CASE_DAYS go, with their messages."""
    return await store.expire(session, now, settings.case_days)


SLICE = PrivacySlice("handoff",
                     tables=("handoff_cases", "handoff_messages", "interpreter_requests"),
                     show=_show, erase=_erase)
