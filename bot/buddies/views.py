"""What staff and the people themselves see of the Welcome Buddies: numbers, waiting
times, one's own proposals and matches. Reads only."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.buddies import store
from bot.db.tables import BuddyMatch, BuddyRequest, BuddyVolunteer, Person

RECENT = timedelta(days=180)
"""Matches within this time count for "it usually takes"."""


@dataclass(frozen=True)
class Status:
    open_requests: int = 0
    escalated: int = 0
    """Open requests staff were told about (nobody fits, or waiting too long)."""
    waiting_volunteer: int = 0
    """Proposals waiting for the volunteer's answer."""
    waiting_newcomer: int = 0
    """Volunteers said yes; the newcomer has yet to confirm."""
    active: int = 0
    problems: int = 0
    """Active matches where someone reported a problem at the check-in."""
    volunteers: dict[str, int] = field(default_factory=dict)
    """approved (not paused) | paused | pending | declined | left -> how many."""
    matched_recently: int = 0
    median_days: float | None = None
    """Median days from request to match, over the last 180 days."""
    pending: list[tuple[int, str, datetime]] = field(default_factory=list)
    """Volunteers waiting for approval: (id, first name, registered)."""


async def status(session: AsyncSession, now: datetime) -> Status:
    requests = dict((await session.execute(
        select(BuddyRequest.status, func.count()).group_by(BuddyRequest.status))).all())
    escalated = await session.scalar(select(func.count()).select_from(BuddyRequest).where(
        BuddyRequest.status == "open", BuddyRequest.escalated_at.is_not(None)))
    matches = dict((await session.execute(
        select(BuddyMatch.status, func.count()).group_by(BuddyMatch.status))).all())
    problems = await session.scalar(select(func.count()).select_from(BuddyMatch).where(
        BuddyMatch.status == "active",
        (BuddyMatch.checkin_volunteer == "problem") | (BuddyMatch.checkin_newcomer == "problem")))
    volunteers: dict[str, int] = {}
    for state, paused, count in (await session.execute(
            select(BuddyVolunteer.status, BuddyVolunteer.paused, func.count())
            .group_by(BuddyVolunteer.status, BuddyVolunteer.paused))).all():
        key = "paused" if state == "approved" and paused else state
        volunteers[key] = volunteers.get(key, 0) + int(count)
    waits = await _waits(session, now)
    pending = [(v.id, v.first_name, v.registered_at) for v in await session.scalars(
        select(BuddyVolunteer).where(BuddyVolunteer.status == "pending")
        .order_by(BuddyVolunteer.registered_at, BuddyVolunteer.id))]
    return Status(
        open_requests=int(requests.get("open", 0)), escalated=int(escalated or 0),
        waiting_volunteer=int(matches.get("proposed", 0)),
        waiting_newcomer=int(matches.get("accepted", 0)), active=int(matches.get("active", 0)),
        problems=int(problems or 0), volunteers=volunteers, matched_recently=len(waits),
        median_days=statistics.median(waits) if waits else None, pending=pending)


async def _waits(session: AsyncSession, now: datetime) -> list[float]:
    rows = await session.execute(
        select(BuddyRequest.created_at, BuddyRequest.matched_at)
        .where(BuddyRequest.matched_at.is_not(None), BuddyRequest.matched_at >= now - RECENT))
    return [(matched - created).total_seconds() / 86400 for created, matched in rows.all()
            if matched is not None]


async def usual_days(session: AsyncSession, now: datetime, fallback: float) -> int:
    """Roughly how many days finding a buddy takes: the median of recent matches, rounded
    up (at least one); `fallback` before there are any."""
    waits = await _waits(session, now)
    days = statistics.median(waits) if waits else fallback
    return max(1, int(-(-days // 1)))


@dataclass(frozen=True)
class Mine:
    """A person's side of the programme."""

    volunteer: BuddyVolunteer | None
    request: BuddyRequest | None
    proposals: list[store.Parties]
    """Waiting for this person's answer (as volunteer, or to confirm as newcomer)."""
    active: list[store.Parties]


async def mine(session: AsyncSession, person_id: int, now: datetime) -> Mine:
    volunteer = await store.volunteer_of(session, person_id)
    request = await store.request_of(session, person_id)
    query = select(BuddyMatch.id).join(BuddyRequest, BuddyRequest.id == BuddyMatch.request_id)
    query = query.join(BuddyVolunteer, BuddyVolunteer.id == BuddyMatch.volunteer_id).where(
        (BuddyVolunteer.person_id == person_id) | (BuddyRequest.person_id == person_id),
        BuddyMatch.status.in_(store.LIVE)).order_by(BuddyMatch.id)
    proposals: list[store.Parties] = []
    active: list[store.Parties] = []
    for match_id in (await session.scalars(query)).all():
        found = await store.parties(session, match_id)
        assert found is not None
        side = found.side(person_id)
        if found.match.status == "active":
            active.append(found)
        elif found.match.due_at is not None and found.match.due_at > now and (
                (side == "volunteer" and found.match.status == "proposed")
                or (side == "newcomer" and found.match.status == "accepted")):
            proposals.append(found)
    return Mine(volunteer, request, proposals, active)


async def identity(session: AsyncSession, person_id: int) -> str:
    """channel:id, as staff name people in the CLI."""
    row = (await session.execute(select(Person.channel, Person.external_id)
                                 .where(Person.id == person_id))).one_or_none()
    return f"{row[0]}:{row[1]}" if row else "?"
