"""The Welcome Buddies' privacy slice. /mydata shows the volunteer's registration, every
request for a buddy (closed ones too, until deleted), and each match with the other's first
name; erasing runs `bot.buddies.store.forget` first (the other side of a match is told, what
the person relayed is erased), then the rows go with the person (ON DELETE CASCADE)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.buddies import forms
from bot.buddies.store import forget
from bot.buddies.texts import msg
from bot.db.tables import BuddyMatch, BuddyRequest, BuddyVolunteer, Person
from bot.engine.cursor import as_param
from bot.engine.messages import N_
from bot.engine.model import JSON, Param
from bot.feature import ActionContext, Erasure, PrivacySlice

AS_VOLUNTEER = N_("Welcome Buddies, as a volunteer (registered on {date}):")
ASKED = N_("Welcome Buddies, what you asked for on {date}:")
MATCHED = N_("🤝 Matched with {name} on {date}")
ENDED = N_("🤝 Matched with {name} from {date} to {end}")
NOTHING = N_("Welcome Buddies: nothing")


def _date(value: Any) -> JSON:
    return {"date": value.date().isoformat()}


async def about(session: AsyncSession, person_id: int, district: str | None) -> list[JSON]:
    """Lines for the person's data export, as messages in the reader's language."""
    found: list[JSON] = []
    volunteer = await session.scalar(
        select(BuddyVolunteer).where(BuddyVolunteer.person_id == person_id))
    if volunteer is not None:
        found += [msg(AS_VOLUNTEER, date=_date(volunteer.registered_at)),
                  *forms.stored_lines(volunteer, district)]
    requests = (await session.scalars(select(BuddyRequest).where(
        BuddyRequest.person_id == person_id).order_by(BuddyRequest.id))).all()
    for request in requests:
        found += [msg(ASKED, date=_date(request.created_at)),
                  *forms.stored_lines(request, district)]
    found += await _matches(session, person_id)
    return found or [msg(NOTHING)]


async def _matches(session: AsyncSession, person_id: int) -> list[JSON]:
    rows = (await session.execute(
        select(BuddyMatch, BuddyRequest, BuddyVolunteer)
        .join(BuddyRequest, BuddyRequest.id == BuddyMatch.request_id)
        .join(BuddyVolunteer, BuddyVolunteer.id == BuddyMatch.volunteer_id)
        .where((BuddyRequest.person_id == person_id) | (BuddyVolunteer.person_id == person_id),
               BuddyMatch.matched_at.is_not(None))
        .order_by(BuddyMatch.id))).all()
    lines: list[JSON] = []
    for match, request, volunteer in rows:
        other = request if volunteer.person_id == person_id else volunteer
        name = {"verbatim": other.first_name}
        if match.ended_at is not None:
            lines.append(msg(ENDED, name=name, date=_date(match.matched_at),
                             end=_date(match.ended_at)))
        else:
            lines.append(msg(MATCHED, name=name, date=_date(match.matched_at)))
    return lines


async def _show(ctx: ActionContext) -> list[Param]:
    return [as_param(await about(ctx.db, ctx.person.id, ctx.person.district))]


async def _erase(erasure: Erasure) -> None:
    involved = select(BuddyVolunteer.person_id).union(select(BuddyRequest.person_id))
    for person_id in (await erasure.session.scalars(select(Person.id).where(
            Person.id.in_(erasure.person_ids), Person.id.in_(involved)))).all():
        await forget(erasure.session, person_id, erasure.now)


SLICE = PrivacySlice("buddies", tables=("buddy_volunteers", "buddy_requests", "buddy_matches"),
                     show=_show, erase=_erase)
