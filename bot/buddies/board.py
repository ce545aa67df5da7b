"""The staff's board of the Welcome Buddies (the console; the chat and the command line
share its two changes): volunteers waiting for approval with their answers, open requests
and how long they wait, proposals, matches and reported problems; approving or declining
a volunteer (`decide`) and starting a matching round (`match_now`), each audited.

Reads are one transaction's snapshot; nothing here commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.buddies import forms, rounds, store, views
from bot.db.tables import BuddyMatch, BuddyRequest, BuddyVolunteer, Person
from bot.districts import districts_in
from bot.engine.model import JSON


@dataclass(frozen=True)
class Volunteer:
    id: int
    first_name: str
    person: str
    """channel:id"""
    status: str
    registered_at: datetime
    district: str | None
    languages: dict[str, int]
    offers: list[str]
    times: list[str]
    capacity: int
    gender: str | None
    answers: list[JSON]
    """What they answered, as messages of the bot's catalogs (`forms.stored_lines`)."""


@dataclass(frozen=True)
class Request:
    id: int
    first_name: str
    person: str
    created_at: datetime
    waiting_days: float
    district: str | None
    needs: list[str]
    languages: dict[str, int]
    escalated: bool
    """Staff were told (nobody fits, or it waits too long)."""
    proposal: str | None
    """A proposal waiting for an answer: proposed | accepted; None while searching."""
    answers: list[JSON]
    """What they asked for, as messages of the bot's catalogs (`forms.stored_lines`)."""


@dataclass(frozen=True)
class Match:
    id: int
    request_id: int
    volunteer_id: int
    newcomer: str
    """First name and chat."""
    volunteer: str
    status: str
    proposed_at: datetime
    due_at: datetime | None
    matched_at: datetime | None
    problem: list[str]
    """The sides that reported a problem at the check-in."""


@dataclass(frozen=True)
class Board:
    status: views.Status
    pending: list[Volunteer] = field(default_factory=list)
    open_requests: list[Request] = field(default_factory=list)
    proposals: list[Match] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def problems(self) -> list[Match]:
        return [m for m in self.matches if m.problem]


async def _people(session: AsyncSession, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}


def _who(person: Person | None) -> str:
    return f"{person.channel}:{person.external_id}" if person else "?"


async def board(session: AsyncSession, now: datetime) -> Board:
    status = await views.status(session, now)
    volunteers = list(await session.scalars(
        select(BuddyVolunteer).where(BuddyVolunteer.status == "pending")
        .order_by(BuddyVolunteer.registered_at, BuddyVolunteer.id)))
    requests = list(await session.scalars(
        select(BuddyRequest).where(BuddyRequest.status == "open")
        .order_by(BuddyRequest.created_at, BuddyRequest.id)))
    matches = list(await session.scalars(
        select(BuddyMatch).where(BuddyMatch.status.in_(store.LIVE))
        .order_by(BuddyMatch.proposed_at, BuddyMatch.id)))
    all_volunteers = {v.id: v for v in await session.scalars(select(BuddyVolunteer).where(
        BuddyVolunteer.id.in_({m.volunteer_id for m in matches})))} if matches else {}
    all_requests = {r.id: r for r in await session.scalars(select(BuddyRequest).where(
        BuddyRequest.id.in_({m.request_id for m in matches})))} if matches else {}
    people = await _people(session, {v.person_id for v in volunteers}
                           | {r.person_id for r in requests}
                           | {v.person_id for v in all_volunteers.values()}
                           | {r.person_id for r in all_requests.values()})
    open_state = {m.request_id: m.status for m in matches if m.status in store.OPEN}

    def district(person_id: int) -> str | None:
        person = people.get(person_id)
        return person.district if person else None

    pending = [Volunteer(
        v.id, v.first_name, _who(people.get(v.person_id)), v.status, v.registered_at,
        district(v.person_id), dict(v.languages), list(v.offers), list(v.times), v.capacity,
        v.gender, forms.stored_lines(v, district(v.person_id))) for v in volunteers]
    open_requests = [Request(
        r.id, r.first_name, _who(people.get(r.person_id)), r.created_at,
        (now - r.created_at).total_seconds() / 86400, district(r.person_id), list(r.needs),
        dict(r.languages), r.escalated_at is not None, open_state.get(r.id),
        forms.stored_lines(r, district(r.person_id))) for r in requests]

    def row(m: BuddyMatch) -> Match:
        volunteer, request = all_volunteers.get(m.volunteer_id), all_requests.get(m.request_id)
        problem = [side for side, said in (("volunteer", m.checkin_volunteer),
                                           ("newcomer", m.checkin_newcomer))
                   if said == "problem"]
        return Match(
            m.id, m.request_id, m.volunteer_id,
            f"{request.first_name} ({_who(people.get(request.person_id))})" if request else "?",
            f"{volunteer.first_name} ({_who(people.get(volunteer.person_id))})"
            if volunteer else "?",
            m.status, m.proposed_at, m.due_at, m.matched_at, problem)

    return Board(status, pending, open_requests,
                 [row(m) for m in matches if m.status in store.OPEN],
                 [row(m) for m in matches if m.status == "active"])


async def decide(session: AsyncSession, volunteer_id: int, approve: bool, now: datetime, *,
                 who: str, via: audit.Via) -> BuddyVolunteer | None:
    """Approve or decline a volunteer: they are told in their language (the outbox), and
    an approved one is proposed from the next round on. None when there is no such
    volunteer (or they left)."""
    found = await store.decide(session, volunteer_id, approve, now)
    if found is not None:
        await audit.record(session, now, who=who, via=via,
                           action="buddies.approve" if approve else "buddies.decline",
                           target=f"volunteer:{found.id}")
    return found


async def match_now(session: AsyncSession, now: datetime, settings: Any, *, who: str,
                    via: audit.Via) -> rounds.Report:
    """One matching round now, as `welcomebot run` runs them: one at a time across the
    bot's processes (the round's advisory lock; a second waits and finds nothing to do)."""
    adjacency = districts_in(settings.content_dir).adjacency()
    report = await rounds.run_round(session, now, store.Policy.of(settings), adjacency,
                                    random.Random(rounds.SEED))
    await audit.record(session, now, who=who, via=via, action="buddies.match",
                       detail=f"proposed={report.proposed} expired={report.expired} "
                              f"lapsed={report.lapsed} escalated={report.escalated}")
    return report
