"""`Runtime.handle`: one user's input in, the replies to send out.

load the person and conversation -> `engine.advance` -> run the actions it asks for (in the
same transaction) -> store the state -> commit -> hand the replies to the channel.

Nothing is sent before the commit, so a crash never leaves a user told something the
database does not know. A person's turns run one at a time, in order: an asyncio lock per
person in this process, and across processes the row lock a locked turn takes and the
version check of a quick one.

Most turns ask for no action. For those, the person is kept in memory from their last turn,
the engine decides without touching the database, and one statement stores the result if
the row is still at the version read (`people.store`); if another process or command wrote
it meanwhile, the turn is done again the locked way, from the fresh row. On SQLite this is
what lets the bot keep up with Telegram (see benchmarks/telegram_throughput.py).

When the database cannot be reached (`bot.db.outage`), a turn is not lost: it is held in
memory (`bot.hold`) behind the person's earlier held turns and done once the database is
back, its replies sent through the `later` the channel gave (`Runtime.outlast`); the person
is told once, in their language, that it takes a moment. Past `OUTAGE_SECONDS` they are
told, in their language, that their messages could not be answered.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import people
from bot.db.committer import GroupCommit
from bot.db.outage import is_outage
from bot.db.people import PersonRecord
from bot.db.session import transaction
from bot.db.tables import Person
from bot.engine.advance import advance
from bot.engine.load import FlowSet
from bot.engine.messages import N_
from bot.engine.model import (
    JSON,
    ConversationState,
    Inbound,
    InboundKind,
    Lexicon,
    PersonFacts,
    Reply,
    Text,
    Turn,
    TurnData,
)
from bot.feature import Action, ActionContext, Deps
from bot.flood import FloodGate, Verdict
from bot.hold import Held, Hold
from bot.i18n import negotiate

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

SOMETHING_WENT_WRONG = N_(
    "Sorry, something went wrong on our side. Please try again in a moment."
)
SLOW_DOWN = N_(
    "You are sending messages very fast, so I am skipping some of them. Please wait a "
    "moment, then send one message at a time."
)
TAKES_A_MOMENT = N_("It takes a moment; I will answer as soon as I can.")
OUTAGE_SORRY = N_(
    "Sorry, a problem on our side kept me from answering your last messages. Please send "
    "them again in a few minutes."
)

MAX_ACTIONS_PER_TURN = 16
TAP_COST = 0.25
"""A button tap counts as a quarter of a typed message against the flood limit: ticking the
answers of a form is quick and legitimate, 50 taps a second are not."""
KNOWN_PEOPLE = 50_000
"""People kept in memory between turns (least recently seen forgotten first)."""
YIELD_EVERY = 16
"""`push_many` lets other tasks run after this many people: a batch of pushes is CPU work,
and the outbox's sends wait on the same event loop (a stall there is pace lost for good)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Identity:
    """Who wrote, as the platform knows them: ("telegram", "12345")."""

    channel: str
    external_id: str

    def __str__(self) -> str:
        """The name logs use: never a whole phone number."""
        return people.log_name(self.channel, self.external_id)


@dataclass(frozen=True)
class Outbound:
    """What the channel sends after the turn committed, in the conversation's language."""

    identity: Identity
    lang: str | None
    replies: tuple[Reply, ...]
    push: str | None = None
    """The flow step a push runs ("notices:show"), when the bot speaks first."""
    seen_at: datetime | None = None
    """When the person last wrote (WhatsApp lets a bot write freely for 24 hours after)."""
    unreachable: bool = False
    """The platform had said the person cannot be reached (a message from them says
    otherwise)."""
    outbox_id: int | None = None
    """The outbox message a push is (set by the sender): a WhatsApp template's button
    carries it, so that a tap finds the message at once."""
    urgent: bool = False
    """A push queued as urgent (`outbox.URGENT` in its payload, set by the sender): the
    channel may send it on the platform's paid faster lane (Telegram's paid broadcast)."""


DATABASE_ERRORS = (SQLAlchemyError, OSError)
"""What a failed turn counts as a database error (`welcomebot_database_errors_total`): the
driver's errors come wrapped by SQLAlchemy; a refused connection comes as an OSError."""

Later = Callable[[Outbound], Awaitable[None]]
"""How a channel sends replies that come after it was answered: a turn held while the
database was out (`Runtime.outlast`)."""

_WITHIN: contextvars.ContextVar[Identity | None] = contextvars.ContextVar("within", default=None)
"""The person whose turn `outlast` is running: a turn it runs that calls another of theirs
(a tap on a held message reopens it) runs that one directly, and lets an outage out."""


class Runtime:
    def __init__(
        self,
        *,
        flows: FlowSet,
        sessions: async_sessionmaker[AsyncSession],
        actions: Mapping[str, Action],
        lexicon: Lexicon,
        deps: Deps,
        languages: Sequence[str],
        default_language: str,
        admins: Sequence[str] = (),
        settings_facts: Mapping[str, JSON] | None = None,
        flood: FloodGate | None = None,
        unlimited: frozenset[str] = frozenset(),
        clock: Clock = utc_now,
        outage_seconds: float = 60.0,
    ) -> None:
        self.flows = flows
        self.sessions = sessions
        self.actions = actions
        self.lexicon = lexicon
        self.deps = deps
        self.metrics = deps.metrics
        """What the bot counts (`bot.metrics`); the channels and the sender count here too."""
        self.languages = tuple(languages)
        self.default_language = default_language
        self.admins = frozenset(admins)
        self.settings_facts = dict(settings_facts or {})
        self.flood = flood or FloodGate(burst=8, per_minute=20)
        self.unlimited = unlimited
        """Channels the flood limit does not apply to (the terminal chat: one trusted person
        at the server, who may pipe a whole script in)."""
        self.clock = clock
        self._locks: weakref.WeakValueDictionary[Identity, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self.committer = GroupCommit(sessions)
        self._known: OrderedDict[Identity, PersonRecord] = OrderedDict()
        """People as their last turn left them (bounded; a miss only costs a read)."""
        self.hold: Hold[Outbound] = Hold(self._probe, give_up=self._gave_up,
                                         limit=outage_seconds)
        """Turns waiting for the database to come back (`outlast`)."""

    async def handle(self, who: Identity, inbound: Inbound, *,
                     locale_hint: str | None = None,
                     delivery_id: str | None = None, later: Later | None = None) -> Outbound:
        """One turn. `delivery_id` is the platform's id for this delivery (Telegram's
        update_id, WhatsApp's message id): a delivery seen before is ignored. `later`: how
        the channel sends replies after this returned (a turn held while the database is
        out, `outlast`); without it, an outage gets the apology at once."""
        started = time.monotonic()
        self.metrics.updates.labels(who.channel).inc()
        try:
            return await self._handle(who, inbound, locale_hint=locale_hint,
                                      delivery_id=delivery_id, later=later)
        finally:
            self.metrics.turn_seconds.labels(who.channel).observe(time.monotonic() - started)

    async def _handle(self, who: Identity, inbound: Inbound, *, locale_hint: str | None,
                      delivery_id: str | None, later: Later | None = None) -> Outbound:
        """The turn `handle` counts and times."""
        async with self._lock(who):
            verdict = Verdict.ADMIT if who.channel in self.unlimited else await self.flood.check(
                who, self.clock(), TAP_COST if inbound.kind is InboundKind.BUTTON else 1.0,
                name=f"{who.channel}:{who.external_id}")  # shared by the bot's processes
            if verdict is not Verdict.ADMIT:
                log.info("flood who=%s verdict=%s", who, verdict.value)
                return await self._flooded(who, verdict)

        async def turn() -> Outbound:
            async with self._lock(who):
                try:
                    return await self._turn(who, inbound, locale_hint, delivery_id)
                except Exception as exc:
                    if is_outage(exc):
                        raise  # held by `outlast`
                    log.exception("turn_failed who=%s kind=%s", who, inbound.kind)
                    self._failed(who, exc)
                    return await self._apology(who)

        return await self.outlast(who, turn, later=later, hint=locale_hint, key=delivery_id)

    async def reopen(self, who: Identity, entry: str, data: Mapping[str, JSON], *,
                     delivery_id: str | None = None, later: Later | None = None) -> Outbound:
        """Run push `entry` again as a turn of the person's own: they asked to see a message
        the platform held back (WhatsApp outside its 24-hour window sends a template with an
        "open" button instead). It counts as them being seen; a redelivery is ignored.
        `later` as for `handle`."""
        self.metrics.updates.labels(who.channel).inc()

        async def turn() -> Outbound:
            async with self._lock(who):
                try:
                    return await self._locked_turn(who, Inbound.push(entry, data), None,
                                                   delivery_id, self.clock())
                except Exception as exc:
                    if is_outage(exc):
                        raise  # held by `outlast`
                    log.exception("reopen_failed who=%s push=%s", who, entry)
                    self._failed(who, exc)
                    return await self._apology(who)

        return await self.outlast(who, turn, later=later, key=delivery_id)

    # -- a database outage ---------------------------------------------------------------------
    async def outlast(self, who: Identity, turn: Callable[[], Awaitable[Outbound]], *,
                      later: Later | None, hint: str | None = None,
                      key: str | None = None) -> Outbound:
        """Run `turn`, one of `who`'s turns (it takes their lock itself and lets a database
        outage out, `bot.db.outage`), so that an outage loses nothing:

        - while `who` has turns held, or the database is known to be out, it is held behind
          them at once (`bot.hold`), and runs when the database is back; its replies go out
          through `later`. The first turn held tells them, in their language, that it takes
          a moment; the others answer nothing now;
        - when it finds the database out, the same;
        - without `later` (a caller that cannot send later), past the hold's bound, or past
          `OUTAGE_SECONDS` waiting, they are told sorry in their language (counted in
          `welcomebot_database_outage_apologies_total`).

        `key` is the platform's id of the message (a redelivery held twice is held once)."""
        if _WITHIN.get() == who:  # inside a turn of theirs this runs: straight on
            return await turn()
        if later is not None and (self.hold.holding(who) or self.hold.down):
            return self._held(who, turn, later, hint, key)
        within = _WITHIN.set(who)
        try:
            return await turn()
        except Exception as exc:
            if not is_outage(exc):
                raise
            log.warning("turn_held who=%s error=%s", who, type(exc).__name__)
            self.metrics.database_errors.labels("turn").inc()
            self.hold.lost()
            if later is None:
                return self._outage_sorry(who, hint)
            return self._held(who, turn, later, hint, key)
        finally:
            _WITHIN.reset(within)

    def _held(self, who: Identity, turn: Callable[[], Awaitable[Outbound]], later: Later,
              hint: str | None, key: str | None) -> Outbound:
        """Hold the turn; what to answer now."""
        first = not self.hold.holding(who)

        async def run() -> Outbound:
            within = _WITHIN.set(who)
            try:
                return await turn()
            finally:
                _WITHIN.reset(within)

        if not self.hold.hold(who, Held(run, later, self.hold.monotonic(), key)):
            log.warning("outage_hold_full who=%s", who)
            return self._outage_sorry(who, hint)
        if not first:
            return Outbound(who, None, ())
        return Outbound(who, self._language(who, hint), (Reply(Text(TAKES_A_MOMENT)),))

    def _outage_sorry(self, who: Identity, hint: str | None) -> Outbound:
        """The database stayed out too long for what they wrote: sorry, in their language."""
        self.metrics.database_outage_apologies.inc()
        return Outbound(who, self._language(who, hint), (Reply(Text(OUTAGE_SORRY)),))

    async def _gave_up(self, who: Hashable, held: list[Held[Outbound]]) -> None:
        """The hold gave up `who`'s turns (the database stayed out past `OUTAGE_SECONDS`)."""
        assert isinstance(who, Identity)
        if held:
            await held[0].deliver(self._outage_sorry(who, None))

    def _language(self, who: Identity, hint: str | None) -> str | None:
        """The person's language without the database: as their last turn in this process
        left it, else the platform's hint (None: the default language)."""
        known = self._known.get(who)
        if known is not None:
            state = known.state
            lang = known.locale or (state.lang if state is not None else None)
            if lang:
                return lang
        return negotiate(hint, self.languages) if hint else None

    async def _probe(self) -> None:
        """One cheap query: raises while the database is out."""
        async with self.sessions() as session:
            await session.execute(text("SELECT 1"))

    async def close(self) -> None:
        """Stop: turns still held are answered with the apology."""
        await self.hold.close()
        await self.flood.close()  # the flood limit's own connection (PostgreSQL)

    def _failed(self, who: Identity, exc: Exception) -> None:
        """Count a failed turn, and a database error when the database made it fail."""
        self.metrics.turns_failed.labels(who.channel).inc()
        if isinstance(exc, DATABASE_ERRORS):
            self.metrics.database_errors.labels("turn").inc()

    def _lock(self, who: Identity) -> asyncio.Lock:
        """The person's turns in this process, one at a time."""
        lock = self._locks.get(who)
        if lock is None:
            lock = self._locks[who] = asyncio.Lock()
        return lock

    async def mark_reachable(self, who: Identity, reachable: bool) -> None:
        """The platform says the person blocked the bot (False) or allowed it again."""
        async with transaction(self.sessions) as session:
            found = await people.set_reachable(session, who.channel, who.external_id,
                                               reachable, self.clock())
        log.info("reachable who=%s reachable=%s known=%s", who, reachable, found is not None)

    async def _flooded(self, who: Identity, verdict: Verdict) -> Outbound:
        if verdict is Verdict.DROP:
            return Outbound(who, None, ())
        lang = self._language(who, None)
        if lang is None:
            try:
                async with self.sessions() as session:
                    person = await people.find(session, who.channel, who.external_id)
                lang = person.locale if person else None
            except Exception as exc:
                if not is_outage(exc):
                    raise
        return Outbound(who, lang, (Reply(Text(SLOW_DOWN)),))

    async def _turn(self, who: Identity, inbound: Inbound, hint: str | None,
                    delivery_id: str | None) -> Outbound:
        now = self.clock()
        known = self._known.get(who)
        if known is not None:
            if known.seen(delivery_id):
                log.info("redelivery who=%s", who)
                return Outbound(who, None, ())
            person = replace(known, last_seen_at=now)
            state = person.state or self._new_state(person, hint)
            turn = advance(self.flows, state, inbound, now, self._data(person))
            replies = list(turn.replies)
            for _ in range(MAX_ACTIONS_PER_TURN):
                call = turn.call
                if call is None or self.actions[call.action].database:
                    break
                turn = await self._act(None, person, turn, now, who)
                replies += turn.replies
            if turn.call is None:
                self._finish(person, turn, now, delivery_id)
                if await self.committer.store(person):
                    return self._done(who, inbound, person, turn.state, tuple(replies))
            self._known.pop(who, None)  # stale, or the turn needs an action: the locked way
        return await self._locked_turn(who, inbound, hint, delivery_id, now)

    async def _locked_turn(self, who: Identity, inbound: Inbound, hint: str | None,
                           delivery_id: str | None, now: datetime) -> Outbound:
        async with transaction(self.sessions) as session:
            person = await people.arrive(session, who.channel, who.external_id, now,
                                         admins=self.admins)
            if person.seen(delivery_id):
                log.info("redelivery who=%s", who)
                return Outbound(who, None, ())
            state = person.state or self._new_state(person, hint)
            turn, replies = await self._advance(session, person, state, inbound, now, who)
            self._finish(person, turn, now, delivery_id)
            if not await people.store(session, person):
                raise RuntimeError("the person's row changed under its row lock")
        return self._done(who, inbound, person, turn.state, replies)

    async def push(self, session: AsyncSession, person_id: int, entry: str,
                   data: Mapping[str, JSON]) -> Outbound | None:
        """The bot speaks first: run flow step `entry` ("events:reminder") for the person,
        inside the caller's transaction (`bot.delivery` marks the message sent in the same
        one). None when the person was erased. It does not count as the person being seen.
        The caller sends the replies after committing."""
        person = await people.lock(session, person_id)
        if person is None:
            return None
        people.grant(person, self.admins)
        (outbound,) = await self._pushes(session, {person_id: person}, [(person_id, entry, data)])
        if not await people.store(session, person):
            raise RuntimeError("the person's row changed under its row lock")
        return outbound

    async def push_many(self, session: AsyncSession,
                        pushes: Sequence[tuple[int, str, Mapping[str, JSON]]]
                        ) -> list[Outbound | None]:
        """`push` for many (person id, entry, data) at once, in the caller's transaction:
        one locked read of all the people and one write of all their conversations, instead
        of two statements each (a notice to 10,000 people is 10,000 pushes). A person with
        two pushes in the list gets both, in order. None for people who were erased."""
        found = await people.lock_many(session, sorted({person_id for person_id, _, _ in pushes}))
        for person in found.values():
            people.grant(person, self.admins)
        results = await self._pushes(session, found, pushes)
        stored = await people.store_many(session, list(found.values()))
        if not all(stored):
            raise RuntimeError("a person's row changed under its row lock")
        return results

    async def _pushes(self, session: AsyncSession, found: Mapping[int, PersonRecord],
                      pushes: Sequence[tuple[int, str, Mapping[str, JSON]]]
                      ) -> list[Outbound | None]:
        """The turns of `push` and `push_many`: each push's flow step for its person, whose
        row the caller locked (`found`: id -> record; None for an id not there, an erased
        person), in order. The caller stores the records."""
        now = self.clock()
        results: list[Outbound | None] = []
        for n, (person_id, entry, data) in enumerate(pushes):
            if n % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)  # let the sends of the batch before go on meanwhile
            person = found.get(person_id)
            if person is None:
                results.append(None)
                continue
            who = Identity(person.channel, person.external_id)
            self._known.pop(who, None)  # their row changes here, outside the quick path
            inbound = Inbound.push(entry, data)
            state = person.state or self._new_state(person, None)
            turn, replies = await self._advance(session, person, state, inbound, now, who)
            self._finish(person, turn, now, None)
            # Not kept among the people chatting (`_known`): a notice to 100,000 people would
            # push those out, and grow the sender by some 60 MB.
            results.append(self._done(who, inbound, person, turn.state, replies, keep=False))
        return results

    async def _advance(self, session: AsyncSession, person: PersonRecord,
                       state: ConversationState, inbound: Inbound, now: datetime,
                       who: Identity) -> tuple[Turn, tuple[Reply, ...]]:
        """The engine's turn and the actions it asks for, in the transaction."""
        turn = advance(self.flows, state, inbound, now, self._data(person))
        replies = list(turn.replies)
        for _ in range(MAX_ACTIONS_PER_TURN):
            if turn.call is None:
                break
            turn = await self._act(session, person, turn, now, who)
            replies += turn.replies
        else:
            raise RuntimeError("too many actions in one turn")
        return turn, tuple(replies)

    async def _act(self, session: AsyncSession | None, person: PersonRecord, turn: Turn,
                   now: datetime, who: Identity) -> Turn:
        """Run the action the turn waits on; the engine goes on with its result."""
        call = turn.call
        assert call is not None
        ctx = ActionContext(session, person, turn.state.lang or self.default_language, now,
                            self.deps, turn.state)
        result = await self.actions[call.action].run(ctx, call.args)
        log.info("action who=%s action=%s", who, call.action)
        return advance(self.flows, turn.state, Inbound(InboundKind.RESUME), now,
                       self._data(person, result))

    @staticmethod
    def _finish(person: PersonRecord, turn: Turn, now: datetime,
                delivery_id: str | None) -> None:
        """What every turn changes on the person."""
        if turn.state.lang:
            person.locale = turn.state.lang
        person.conversation = turn.state.to_json()
        person.remember(delivery_id)

    def _done(self, who: Identity, inbound: Inbound, person: PersonRecord,
              state: ConversationState, replies: tuple[Reply, ...], *, keep: bool = True
              ) -> Outbound:
        """`keep`: remember the person for their next turn (someone chatting)."""
        if person.erased or not keep:
            self._known.pop(who, None)
        else:
            self._known[who] = person
            self._known.move_to_end(who)
            if len(self._known) > KNOWN_PEOPLE:
                self._known.popitem(last=False)
        at = state.at
        log.info("turn who=%s kind=%s flow=%s step=%s", who, inbound.kind,
                 at.flow if at else None, at.step if at else None)
        return Outbound(who, state.lang, replies,
                        push=inbound.value if inbound.kind is InboundKind.PUSH else None,
                        seen_at=person.last_seen_at,
                        unreachable=person.unreachable_at is not None)

    def _new_state(self, person: PersonRecord, hint: str | None) -> ConversationState:
        lang = person.locale or negotiate(hint, self.languages)
        return ConversationState(lang=lang)

    def _data(self, person: PersonRecord | Person, result: Any = None) -> TurnData:
        consent = person.consent if person.consent in ("given", "declined") else None
        return TurnData(
            person=PersonFacts(role=person.role, consent=consent),  # type: ignore[arg-type]
            lexicon=self.lexicon,
            settings=self.settings_facts,
            result=result,
        )

    async def _apology(self, who: Identity) -> Outbound:
        """The turn failed and was rolled back: say sorry and ask the current question again."""
        replies: list[Reply] = [Reply(Text(SOMETHING_WENT_WRONG))]
        lang = None
        try:
            async with self.sessions() as session:
                person = await people.find(session, who.channel, who.external_id)
                state = (ConversationState.from_json(person.conversation)
                         if person is not None and person.conversation else None)
                if person is not None and state is not None and state.at is not None:
                    lang = state.lang
                    turn = advance(self.flows, state, Inbound(InboundKind.WAKE), self.clock(),
                                   self._data(person))
                    replies += turn.replies
        except Exception:
            log.exception("apology_failed who=%s", who)
        return Outbound(who, lang, tuple(replies))
