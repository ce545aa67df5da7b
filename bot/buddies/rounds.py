"""The matching round: run every few minutes by `welcomebot run` (and by
`welcomebot buddies match`), on the injected clock, so tests drive every timeout.

One round, in one transaction:
  1. proposals the volunteer did not answer in time expire (the next one is proposed
     below); confirmations the newcomer did not give in time lapse (both are told);
  2. every open request without a proposal waiting gets the best volunteer who fits and
     was not asked before, all together (`matching.assign`);
  3. a request nobody fits, or still without a match after BUDDIES_GIVE_UP_DAYS: staff are
     told, and the newcomer gets an honest word (once).

Across the bot's processes, a round at a time (an advisory lock on PostgreSQL), and the
service's rounds once per BUDDIES_ROUND_MINUTES however many processes run (`turn`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.buddies import matching, notify, store
from bot.buddies.store import MATCH, STAFF, Policy
from bot.db import locks
from bot.db.session import transaction
from bot.db.tables import BuddyMatch, BuddyRequest, BuddyVolunteer, Person
from bot.districts import districts_in

log = logging.getLogger(__name__)

ROUND_LOCK = locks.ROUNDS
"""PostgreSQL advisory lock: one round at a time across the bot's processes."""


@dataclass(frozen=True)
class Report:
    expired: int = 0
    lapsed: int = 0
    proposed: int = 0
    escalated: int = 0


async def run_round(session: AsyncSession, now: datetime, policy: Policy,
                    adjacency: matching.Adjacency, rng: random.Random) -> Report:
    await locks.lock(session, ROUND_LOCK)
    expired, lapsed = await _time_out(session, now)
    requests = list(await session.scalars(
        select(BuddyRequest).where(BuddyRequest.status == "open").order_by(BuddyRequest.id)))
    tried: dict[int, set[int]] = {}
    waiting_answer: set[int] = set()
    if requests:
        rows = await session.execute(
            select(BuddyMatch.request_id, BuddyMatch.volunteer_id, BuddyMatch.status)
            .where(BuddyMatch.request_id.in_([r.id for r in requests])))
        for request_id, volunteer_id, status in rows.all():
            tried.setdefault(request_id, set()).add(volunteer_id)
            if status in store.OPEN:
                waiting_answer.add(request_id)
    looking = [r for r in requests if r.id not in waiting_answer]
    volunteers = await _active_volunteers(session)
    districts = await _districts(session, [r.person_id for r in looking]
                                 + [v.person_id for v, _ in volunteers])
    found = matching.assign(
        [_newcomer(r, districts.get(r.person_id)) for r in looking],
        [_volunteer(v, districts.get(v.person_id), load) for v, load in volunteers],
        adjacency, rng, exclude=tried)
    by_id = {v.id: v for v, _ in volunteers}
    for request_id, volunteer_id, fit in found.pairs:
        await store.propose(session, request_id, by_id[volunteer_id], fit, now, policy)
    escalated = 0
    nobody = set(found.unsuitable)
    for request in requests:
        overdue = request.created_at <= now - policy.give_up_after
        if request.escalated_at is None and (request.id in nobody or overdue):
            await _escalate(session, request, "nobody" if request.id in nobody else "overdue",
                            now)
            escalated += 1
    await session.flush()
    return Report(expired, lapsed, len(found.pairs), escalated)


async def _time_out(session: AsyncSession, now: datetime) -> tuple[int, int]:
    late = list(await session.scalars(
        select(BuddyMatch).where(BuddyMatch.status.in_(store.OPEN), BuddyMatch.due_at <= now)
        .order_by(BuddyMatch.id).with_for_update()))
    expired = lapsed = 0
    for match in late:
        found = await store.parties(session, match.id)
        assert found is not None
        await notify.take_back(session, "proposal", match.id, now)
        await notify.take_back(session, "confirm", match.id, now)
        if match.status == "proposed":  # the volunteer did not answer: the next one, below
            match.status, match.due_at = "expired", None
            await notify.tell(session, "expired", match.id, found.volunteer.person_id,
                              f"{MATCH}:expired", {"match": match.id}, now)
            expired += 1
        else:  # the newcomer did not confirm: we stop looking, and say so to both
            match.status, match.due_at = "lapsed", None
            found.request.status, found.request.closed_at = "closed", now
            await notify.tell(session, "released", match.id, found.volunteer.person_id,
                              f"{MATCH}:released", {"match": match.id}, now)
            await notify.tell(session, "lapsed", found.request.id, found.request.person_id,
                              f"{MATCH}:lapsed", {"request": found.request.id}, now)
            lapsed += 1
    return expired, lapsed


async def _escalate(session: AsyncSession, request: BuddyRequest, about: str,
                    now: datetime) -> None:
    request.escalated_at = now
    # Nobody fits at all: said at once, so not "longer than usual" a minute after the
    # newcomer read how long it usually takes.
    step = "nobody_fits" if about == "nobody" else "still_looking"
    await notify.tell(session, "still-looking", request.id, request.person_id,
                      f"{MATCH}:{step}", {"request": request.id}, now)
    told = await notify.tell_staff(session, f"alert-{about}", request.id, f"{STAFF}:alert",
                                   {"about": about, "request": request.id}, now)
    log.info("buddies_escalated request=%d about=%s staff=%d", request.id, about, told)


async def _active_volunteers(session: AsyncSession) -> list[tuple[BuddyVolunteer, int]]:
    """Approved, not paused: with their load."""
    volunteers = list(await session.scalars(
        select(BuddyVolunteer).where(BuddyVolunteer.status == "approved",
                                     BuddyVolunteer.paused.is_(False))
        .order_by(BuddyVolunteer.id)))
    loads = await store.load(session, [v.id for v in volunteers])
    return [(v, loads.get(v.id, 0)) for v in volunteers]


async def _districts(session: AsyncSession, person_ids: list[int]) -> dict[int, str | None]:
    if not person_ids:
        return {}
    rows = await session.execute(select(Person.id, Person.district)
                                 .where(Person.id.in_(person_ids)))
    return {person_id: district for person_id, district in rows.all()}


def _newcomer(request: BuddyRequest, district: str | None) -> matching.Newcomer:
    return matching.Newcomer(request.id, dict(request.languages), frozenset(request.needs),
                             district, frozenset(request.times), request.wants)


def _volunteer(volunteer: BuddyVolunteer, district: str | None,
               load: int) -> matching.Volunteer:
    return matching.Volunteer(volunteer.id, dict(volunteer.languages),
                              frozenset(volunteer.offers), district, frozenset(volunteer.times),
                              volunteer.gender, volunteer.capacity, load)


# -- the service's loop ---------------------------------------------------------------------
SEED = 20150701
"""The tie-breaking generator's seed: the same inputs give the same proposals."""


async def tick(app: Any) -> Report:
    """One round for a wired app (`bot.app.App`), at its clock's time."""
    report = await _round(app, None)
    assert report is not None
    return report


async def turn(app: Any, every: timedelta) -> Report | None:
    """A round, if it is this process's turn: no other process is running one and the last
    was `every` ago (`bot.db.locks.take_turn`); None when it is not."""
    return await _round(app, every)


async def _round(app: Any, every: timedelta | None) -> Report | None:
    settings = app.settings
    adjacency = districts_in(settings.content_dir).adjacency()
    now = app.runtime.clock()
    async with transaction(app.sessions) as session:
        if every is not None and not await locks.take_turn(session, "buddies_round", now,
                                                            every):
            return None
        return await run_round(session, now, Policy.of(settings), adjacency,
                               random.Random(SEED))


async def keep_matching(app: Any, stop: asyncio.Event) -> None:
    """Until `stop`: a round every BUDDIES_ROUND_MINUTES, across all of the bot's
    processes (each looks as often; the first whose turn it is runs it)."""
    while not stop.is_set():
        try:
            report = await turn(app, timedelta(minutes=app.settings.buddies_round_minutes))
            if report is not None and report != Report():
                log.info("buddies_round expired=%d lapsed=%d proposed=%d escalated=%d",
                         report.expired, report.lapsed, report.proposed, report.escalated)
        except Exception:
            log.exception("buddies_round_failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), app.settings.buddies_round_minutes * 60)
