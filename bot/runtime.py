"""`Runtime.handle`: one user's input in, the replies to send out.

load the person and conversation -> `engine.advance` -> run the actions it asks for (in the
same transaction) -> store the state -> commit -> hand the replies to the channel.

Nothing is sent before the commit, so a crash never leaves a user told something the
database does not know. A person's turns run one at a time, in order: an asyncio lock per
person in this process, and the person's row lock (`FOR UPDATE`) across processes.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import conversations, deliveries, people
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
from bot.flood import FloodGate, Verdict
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

MAX_ACTIONS_PER_TURN = 16


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Identity:
    """Who wrote, as the platform knows them: ("telegram", "12345")."""

    channel: str
    external_id: str

    def __str__(self) -> str:
        return people.identity(self.channel, self.external_id)


@dataclass(frozen=True)
class Outbound:
    """What the channel sends after the turn committed, in the conversation's language."""

    identity: Identity
    lang: str | None
    replies: tuple[Reply, ...]


@dataclass
class ActionContext:
    """What an action may use: the turn's session (never commit it), the person, the
    conversation's language, the time, and the application's loaded parts."""

    session: AsyncSession
    person: Person
    lang: str
    now: datetime
    deps: Any
    """`bot.app.Deps`: flows, settings, content."""
    state: ConversationState = field(default_factory=ConversationState)


ActionHandler = Callable[[ActionContext, Mapping[str, JSON]], Awaitable[Any]]


class Runtime:
    def __init__(
        self,
        *,
        flows: FlowSet,
        sessions: async_sessionmaker[AsyncSession],
        actions: Mapping[str, ActionHandler],
        lexicon: Lexicon,
        deps: Any,
        languages: Sequence[str],
        default_language: str,
        admins: Sequence[str] = (),
        settings_facts: Mapping[str, JSON] | None = None,
        flood: FloodGate | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.flows = flows
        self.sessions = sessions
        self.actions = actions
        self.lexicon = lexicon
        self.deps = deps
        self.languages = tuple(languages)
        self.default_language = default_language
        self.admins = frozenset(admins)
        self.settings_facts = dict(settings_facts or {})
        self.flood = flood or FloodGate(burst=8, per_minute=20)
        self.clock = clock
        self._locks: weakref.WeakValueDictionary[Identity, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def handle(self, who: Identity, inbound: Inbound, *,
                     locale_hint: str | None = None,
                     delivery_id: str | None = None) -> Outbound:
        """One turn. `delivery_id` is the platform's id for this delivery (Telegram's
        update_id, WhatsApp's message id): a delivery seen before is ignored."""
        lock = self._locks.get(who)
        if lock is None:
            lock = self._locks[who] = asyncio.Lock()
        async with lock:
            if inbound.kind is not InboundKind.BUTTON:  # a button press is never dropped
                verdict = self.flood.admit(who, self.clock())
                if verdict is not Verdict.ADMIT:
                    log.info("flood who=%s verdict=%s", who, verdict.value)
                    return await self._flooded(who, verdict)
            try:
                return await self._turn(who, inbound, locale_hint, delivery_id)
            except Exception:
                log.exception("turn_failed who=%s kind=%s", who, inbound.kind)
                return await self._apology(who)

    async def mark_reachable(self, who: Identity, reachable: bool) -> None:
        """The platform says the person blocked the bot (False) or allowed it again."""
        async with self.sessions() as session, session.begin():
            found = await people.set_reachable(session, who.channel, who.external_id,
                                               reachable, self.clock())
        log.info("reachable who=%s reachable=%s known=%s", who, reachable, found is not None)

    async def _flooded(self, who: Identity, verdict: Verdict) -> Outbound:
        if verdict is Verdict.DROP:
            return Outbound(who, None, ())
        async with self.sessions() as session:
            person = await people.find(session, who.channel, who.external_id)
        return Outbound(who, person.locale if person else None, (Reply(Text(SLOW_DOWN)),))

    async def _turn(self, who: Identity, inbound: Inbound, hint: str | None,
                    delivery_id: str | None) -> Outbound:
        now = self.clock()
        async with self.sessions() as session, session.begin():
            if delivery_id is not None and not await deliveries.first_time(
                    session, who.channel, delivery_id, now):
                log.info("redelivery who=%s", who)
                return Outbound(who, None, ())
            person = await people.arrive(session, who.channel, who.external_id, now,
                                         admins=self.admins)
            state = await conversations.load(session, person.id) or self._new_state(
                person, hint)
            turn = advance(self.flows, state, inbound, now, self._data(person))
            replies = list(turn.replies)
            for _ in range(MAX_ACTIONS_PER_TURN):
                call = turn.call
                if call is None:
                    break
                handler = self.actions[call.action]
                ctx = ActionContext(session, person, turn.state.lang or self.default_language,
                                    now, self.deps, turn.state)
                result = await handler(ctx, call.args)
                log.info("action who=%s action=%s", who, call.action)
                turn = advance(self.flows, turn.state, Inbound(InboundKind.RESUME), now,
                               self._data(person, result))
                replies += turn.replies
            else:
                raise RuntimeError("too many actions in one turn")
            erased = person not in session
            if not erased:
                self._remember(person, turn)
                await conversations.save(session, person.id, turn.state, now)
        at = turn.state.at
        log.info("turn who=%s kind=%s flow=%s step=%s", who, inbound.kind,
                 at.flow if at else None, at.step if at else None)
        return Outbound(who, turn.state.lang, tuple(replies))

    def _new_state(self, person: Person, hint: str | None) -> ConversationState:
        lang = person.locale or negotiate(hint, self.languages)
        return ConversationState(lang=lang)

    def _data(self, person: Person, result: Any = None) -> TurnData:
        consent = person.consent if person.consent in ("given", "declined") else None
        return TurnData(
            person=PersonFacts(role=person.role, consent=consent),  # type: ignore[arg-type]
            lexicon=self.lexicon,
            settings=self.settings_facts,
            result=result,
        )

    @staticmethod
    def _remember(person: Person, turn: Turn) -> None:
        if turn.state.lang and person.locale != turn.state.lang:
            person.locale = turn.state.lang

    async def _apology(self, who: Identity) -> Outbound:
        """The turn failed and was rolled back: say sorry and ask the current question again."""
        replies: list[Reply] = [Reply(Text(SOMETHING_WENT_WRONG))]
        lang = None
        try:
            async with self.sessions() as session:
                person = await people.find(session, who.channel, who.external_id)
                state = await conversations.load(session, person.id) if person else None
                if person is not None and state is not None and state.at is not None:
                    lang = state.lang
                    turn = advance(self.flows, state, Inbound(InboundKind.WAKE), self.clock(),
                                   self._data(person))
                    replies += turn.replies
        except Exception:
            log.exception("apology_failed who=%s", who)
        return Outbound(who, lang, tuple(replies))
