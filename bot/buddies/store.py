"""The Welcome Buddies' tables: volunteers, requests, proposals and matches. Never commits.

Every change that someone must hear about queues its message in the same transaction
(`bot.buddies.notify`), so a restart at any moment loses nothing: what was proposed is in
`buddy_matches`, what must be said is in the outbox.

A match goes  proposed -> accepted -> active -> ended,  or stops at declined (by the
volunteer), expired (no answer in time), refused (by the newcomer), lapsed (the newcomer
did not answer) or withdrawn (a pause, a leave, a request taken back).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.buddies import notify
from bot.db.tables import BuddyMatch, BuddyRequest, BuddyVolunteer, OutboxMessage, Person, table

OPEN = ("proposed", "accepted")
"""A proposal waiting for an answer."""
LIVE = ("proposed", "accepted", "active")
"""What counts toward a volunteer's load."""
MATCH = "buddies_match"
STAFF = "buddies_staff"

Side = Literal["volunteer", "newcomer"]


@dataclass(frozen=True)
class Policy:
    """The programme's times (settings BUDDIES_*)."""

    answer_within: timedelta = timedelta(hours=48)
    give_up_after: timedelta = timedelta(days=7)
    check_in_after: timedelta = timedelta(days=7)

    @classmethod
    def of(cls, settings: Any) -> Policy:
        return cls(timedelta(hours=settings.buddies_answer_hours),
                   timedelta(days=settings.buddies_give_up_days),
                   timedelta(days=settings.buddies_check_in_days))


# -- volunteers -----------------------------------------------------------------------------
async def volunteer_of(session: AsyncSession, person_id: int) -> BuddyVolunteer | None:
    return await session.scalar(select(BuddyVolunteer)
                                .where(BuddyVolunteer.person_id == person_id))


async def register(session: AsyncSession, person_id: int, profile: Mapping[str, Any],
                   now: datetime) -> BuddyVolunteer:
    """A new volunteer, or one who left or was declined registering again: waits for
    staff, who are told. `profile`: first_name, contact, languages, offers, times, capacity,
    gender."""
    volunteer = await volunteer_of(session, person_id)
    if volunteer is None:
        volunteer = BuddyVolunteer(person_id=person_id, registered_at=now, paused=False)
        session.add(volunteer)
    for key in ("first_name", "contact", "languages", "offers", "times", "capacity", "gender"):
        setattr(volunteer, key, profile.get(key))
    waiting = volunteer.status not in ("pending", "approved")
    if waiting:
        volunteer.status, volunteer.decided_at, volunteer.paused = "pending", None, False
    volunteer.changed_at = now
    await session.flush()
    if waiting:
        await notify.tell_staff(session, "volunteer", f"{volunteer.id}-{now:%Y%m%d%H%M%S}",
                                f"{STAFF}:new_volunteer", {"volunteer": volunteer.id}, now)
    return volunteer


async def change(session: AsyncSession, volunteer: BuddyVolunteer,
                 changes: Mapping[str, Any], now: datetime) -> None:
    """What an approved volunteer offers, changed without a new approval."""
    for key in ("languages", "offers", "times", "capacity", "gender", "first_name", "contact"):
        if changes.get(key) not in (None, [], {}):
            setattr(volunteer, key, changes[key])
    volunteer.changed_at = now
    await session.flush()


async def decide(session: AsyncSession, volunteer_id: int, approve: bool,
                 now: datetime) -> BuddyVolunteer | None:
    """Staff approve or decline; the volunteer is told in their language. An approved
    newcomer becomes a volunteer (their role)."""
    volunteer = await session.get(BuddyVolunteer, volunteer_id, with_for_update=True)
    if volunteer is None or volunteer.status == "left":
        return None
    volunteer.status = "approved" if approve else "declined"
    volunteer.decided_at = volunteer.changed_at = now
    await notify.take_back(session, "volunteer", f"{volunteer.id}-", now)  # decided already
    if not approve:
        await _withdraw_open(session, volunteer, now)
    people = table(Person)
    if approve:  # bumps the version: a turn holding an older copy of the row reads it anew
        await session.execute(update(people).where(people.c.id == volunteer.person_id,
                                                   people.c.role == "newcomer")
                              .values(role="volunteer", version=people.c.version + 1))
    await notify.tell(session, "approved" if approve else "declined", volunteer.id,
                      volunteer.person_id, f"{MATCH}:{'approved' if approve else 'declined'}",
                      {}, now)
    await session.flush()
    return volunteer


async def pause(session: AsyncSession, volunteer: BuddyVolunteer, paused: bool,
                now: datetime) -> None:
    """A paused volunteer is proposed to nobody; proposals not yet answered go to others."""
    volunteer.paused, volunteer.changed_at = paused, now
    if paused:
        await _withdraw_open(session, volunteer, now, only=("proposed",))
    await session.flush()


async def leave(session: AsyncSession, volunteer: BuddyVolunteer, now: datetime) -> None:
    """The volunteer leaves the programme: open proposals go to others, their matches end
    and their newcomers are told."""
    volunteer.status, volunteer.changed_at = "left", now
    await _withdraw_open(session, volunteer, now)
    for match in await _matches(session, volunteer_id=volunteer.id, status=("active",)):
        await end(session, match, "volunteer", now)
    await session.flush()


async def _withdraw_open(session: AsyncSession, volunteer: BuddyVolunteer, now: datetime,
                         only: tuple[str, ...] = OPEN) -> None:
    for match in await _matches(session, volunteer_id=volunteer.id, status=only):
        match.status, match.due_at, match.answered_at = "withdrawn", None, now
        await notify.take_back(session, "proposal", match.id, now)
        await notify.take_back(session, "confirm", match.id, now)


async def load(session: AsyncSession, volunteer_ids: list[int]) -> dict[int, int]:
    """Newcomers each volunteer accompanies or has a proposal for."""
    from sqlalchemy import func

    rows = await session.execute(
        select(BuddyMatch.volunteer_id, func.count())
        .where(BuddyMatch.volunteer_id.in_(volunteer_ids), BuddyMatch.status.in_(LIVE))
        .group_by(BuddyMatch.volunteer_id))
    return {volunteer_id: int(count) for volunteer_id, count in rows.all()}


# -- requests -------------------------------------------------------------------------------
async def request_of(session: AsyncSession, person_id: int) -> BuddyRequest | None:
    """The person's request that is not closed, if any."""
    return await session.scalar(select(BuddyRequest).where(
        BuddyRequest.person_id == person_id, BuddyRequest.status != "closed"))


async def ask(session: AsyncSession, person_id: int, profile: Mapping[str, Any],
              now: datetime) -> BuddyRequest:
    """A newcomer asks for a buddy (or changes what they asked while we look)."""
    request = await request_of(session, person_id)
    if request is None:
        request = BuddyRequest(person_id=person_id, status="open", created_at=now)
        session.add(request)
    for key in ("first_name", "contact", "needs", "languages", "times", "wants"):
        setattr(request, key, profile.get(key))
    await session.flush()
    return request


async def close(session: AsyncSession, request: BuddyRequest, now: datetime) -> None:
    """The newcomer no longer needs a buddy: open proposals end (the volunteer is told if
    they had said yes), an active match ends."""
    for match in await _matches(session, request_id=request.id, status=LIVE):
        if match.status == "active":
            await end(session, match, "newcomer", now)
            continue
        if match.status == "accepted":
            volunteer = await session.get(BuddyVolunteer, match.volunteer_id)
            assert volunteer is not None
            await notify.tell(session, "released", match.id, volunteer.person_id,
                              f"{MATCH}:released", {"match": match.id}, now)
        match.status, match.due_at, match.answered_at = "withdrawn", None, now
        await notify.take_back(session, "proposal", match.id, now)
        await notify.take_back(session, "confirm", match.id, now)
    request.status, request.closed_at = "closed", now
    await session.flush()


async def forget(session: AsyncSession, person_id: int, now: datetime) -> int:
    """The person deletes their data (their rows then go, and their matches with them):
    whoever had said yes to them or was matched with them is told first, without a name, and
    a newcomer whose volunteer left is looked for again. Returns how many were told."""
    told = 0
    volunteer = await volunteer_of(session, person_id)
    if volunteer is not None:
        for match in await _matches(session, volunteer_id=volunteer.id, status=LIVE):
            request = await session.get(BuddyRequest, match.request_id)
            assert request is not None
            await _take_back_all(session, match.id, now)
            await _erase_relays(session, match.id, request.person_id)
            if match.status in ("accepted", "active"):  # the newcomer knew of them
                await notify.tell(session, "gone", match.id, request.person_id,
                                  f"{MATCH}:buddy_gone", {}, now)
                told += 1
            request.status, request.matched_at = "open", None  # the next round looks again
    request = await request_of(session, person_id)
    if request is not None:
        for match in await _matches(session, request_id=request.id, status=LIVE):
            await _take_back_all(session, match.id, now)
            partner = await session.get(BuddyVolunteer, match.volunteer_id)
            assert partner is not None
            await _erase_relays(session, match.id, partner.person_id)
            if match.status in ("accepted", "active"):  # the volunteer had said yes
                await notify.tell(session, "gone", match.id, partner.person_id,
                                  f"{MATCH}:newcomer_gone", {}, now)
                told += 1
    await session.flush()
    return told


async def _take_back_all(session: AsyncSession, match_id: int, now: datetime) -> None:
    for what in ("proposal", "confirm", "introduced", "checkin"):
        await notify.take_back(session, what, match_id, now)


async def _erase_relays(session: AsyncSession, match_id: int, to_person_id: int) -> None:
    """What the leaving person wrote to their buddy through the bot: their words are theirs
    (the rows belong to the buddy, so the person's own deletion would not take them)."""
    await session.execute(delete(OutboxMessage).where(
        OutboxMessage.key.like(f"buddies:relay-%:{match_id}:{to_person_id}")))


# -- proposals and matches ------------------------------------------------------------------
async def _matches(session: AsyncSession, *, status: tuple[str, ...],
                   volunteer_id: int | None = None,
                   request_id: int | None = None) -> list[BuddyMatch]:
    query = select(BuddyMatch).where(BuddyMatch.status.in_(status)).order_by(BuddyMatch.id)
    if volunteer_id is not None:
        query = query.where(BuddyMatch.volunteer_id == volunteer_id)
    if request_id is not None:
        query = query.where(BuddyMatch.request_id == request_id)
    return list(await session.scalars(query))


async def propose(session: AsyncSession, request_id: int, volunteer: BuddyVolunteer,
                  fit: float, now: datetime, policy: Policy) -> BuddyMatch:
    """Ask the volunteer: a summary without name or contact, Accept or Decline."""
    match = BuddyMatch(request_id=request_id, volunteer_id=volunteer.id, status="proposed",
                       fit=fit, proposed_at=now, due_at=now + policy.answer_within)
    session.add(match)
    await session.flush()
    await notify.tell(session, "proposal", match.id, volunteer.person_id, f"{MATCH}:proposal",
                      {"match": match.id}, now)
    return match


@dataclass(frozen=True)
class Parties:
    match: BuddyMatch
    request: BuddyRequest
    volunteer: BuddyVolunteer

    def side(self, person_id: int) -> Side | None:
        if person_id == self.volunteer.person_id:
            return "volunteer"
        return "newcomer" if person_id == self.request.person_id else None

    def other(self, person_id: int) -> int:
        return (self.request.person_id if person_id == self.volunteer.person_id
                else self.volunteer.person_id)


async def parties(session: AsyncSession, match_id: int, *,
                  lock: bool = False) -> Parties | None:
    match = await session.get(BuddyMatch, match_id, with_for_update=lock or None)
    if match is None:
        return None
    request = await session.get(BuddyRequest, match.request_id)
    volunteer = await session.get(BuddyVolunteer, match.volunteer_id)
    assert request is not None and volunteer is not None
    return Parties(match, request, volunteer)


Answer = Literal["accepted", "declined", "active", "refused", "gone"]


async def answer(session: AsyncSession, match_id: int, person_id: int, yes: bool,
                 now: datetime, policy: Policy) -> Answer:
    """The volunteer answers a proposal, or then the newcomer: `gone` when it is not
    theirs to answer (any more)."""
    found = await parties(session, match_id, lock=True)
    if found is None:
        return "gone"
    match = found.match
    side = found.side(person_id)
    late = match.due_at is not None and match.due_at <= now
    if side == "volunteer" and match.status == "proposed" and not late:
        return await _volunteer_answers(session, found, yes, now, policy)
    if side == "newcomer" and match.status == "accepted" and not late:
        return await _newcomer_answers(session, found, yes, now, policy)
    return "gone"


async def _volunteer_answers(session: AsyncSession, found: Parties, yes: bool, now: datetime,
                             policy: Policy) -> Answer:
    match = found.match
    match.answered_at = now
    if not yes:  # the next round proposes the next volunteer
        match.status, match.due_at = "declined", None
        return "declined"
    match.status, match.due_at = "accepted", now + policy.answer_within
    await notify.tell(session, "confirm", match.id, found.request.person_id, f"{MATCH}:confirm",
                      {"match": match.id}, now)
    return "accepted"


async def _newcomer_answers(session: AsyncSession, found: Parties, yes: bool, now: datetime,
                            policy: Policy) -> Answer:
    match, request, volunteer = found.match, found.request, found.volunteer
    match.answered_at, match.due_at = now, None
    if not yes:
        match.status = "refused"
        await notify.tell(session, "released", match.id, volunteer.person_id,
                          f"{MATCH}:released", {"match": match.id}, now)
        return "refused"
    match.status, match.matched_at = "active", now
    request.status, request.matched_at = "matched", now
    for person_id in (request.person_id, volunteer.person_id):
        await notify.tell(session, "introduced", match.id, person_id, f"{MATCH}:introduced",
                          {"match": match.id}, now)
        await notify.tell(session, "checkin", match.id, person_id, f"{MATCH}:checkin",
                          {"match": match.id}, now + policy.check_in_after)
    return "active"


async def end(session: AsyncSession, match: BuddyMatch, by: Side | Literal["staff"],
              now: datetime) -> bool:
    """An active match ends; the other side (both, when staff end it) is told."""
    if match.status != "active":
        return False
    found = await parties(session, match.id)
    assert found is not None
    match.status, match.ended_at, match.ended_by = "ended", now, by
    if found.request.status == "matched":
        found.request.status, found.request.closed_at = "closed", now
    await notify.take_back(session, "checkin", match.id, now)
    told = [p for side, p in (("volunteer", found.volunteer.person_id),
                              ("newcomer", found.request.person_id)) if side != by]
    for person_id in told:
        await notify.tell(session, "ended", match.id, person_id, f"{MATCH}:ended",
                          {"match": match.id}, now)
    await session.flush()
    return True


async def check_in(session: AsyncSession, match_id: int, person_id: int, said: str,
                   now: datetime) -> bool:
    """A week on: met | not_yet | problem. A problem reaches staff."""
    found = await parties(session, match_id, lock=True)
    side = found.side(person_id) if found else None
    if found is None or side is None or said not in ("met", "not_yet", "problem"):
        return False
    setattr(found.match, f"checkin_{side}", said)
    if said == "problem":
        await notify.tell_staff(session, f"problem-{side}", match_id, f"{STAFF}:alert",
                                {"about": "problem", "match": match_id, "side": side}, now)
    await session.flush()
    return True


async def relay(session: AsyncSession, match_id: int, person_id: int, text: str,
                now: datetime) -> bool:
    """A message to the buddy through the bot, while they have no other way yet."""
    found = await parties(session, match_id)
    if found is None or found.match.status != "active" or found.side(person_id) is None:
        return False
    other = found.other(person_id)
    sent = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.key.like(f"buddies:relay-%:{match_id}:{other}")))
    await notify.tell(session, f"relay-{int(sent or 0) + 1}", match_id, other,
                      f"{MATCH}:relayed", {"match": match_id, "text": text}, now)
    return True
