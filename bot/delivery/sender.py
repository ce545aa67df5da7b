"""Sending what the outbox holds, when it is due, within the platforms' limits.

For each due message: in one transaction the runtime runs the message's flow step for the
person (their conversation moves there, so the buttons of a reminder work like any other);
after that commits, the channel's transport sends the replies; then the message is marked.
A crash between those steps leaves the message claimed; the sender that takes over the
platform sends it again at once (or, without an election, whoever claims it when its lease
ends): at most the messages in flight at a crash go out twice (`in_flight`: a message is
sent only when fewer are sent and not yet recorded), none is lost.

One process sends each platform (`run` with an election, `bot.delivery.election`); the
bot's other processes wait to take over, and the messages this one has in hand are never
claimed twice, whatever their lease.

Limits: each transport (`bot.delivery.transport`) paces its own platform calls with a
`bot.delivery.bucket.TokenBucket` (Telegram allows about 30 messages a second to different
chats, WhatsApp 80 per phone number): one token per platform message, so a notice split in
two pieces costs two. Replies to people who are chatting `spend` from the same bucket and
never wait, and so do the replies of the bot's other processes (`bot.delivery.shared`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import transaction
from bot.delivery import outbox
from bot.delivery.daily import DAY, DailyLimit
from bot.delivery.election import EVERY, Election
from bot.delivery.shared import SharedLimits
from bot.delivery.transport import Opening, Result, Sent, Transmitted, Transport
from bot.runtime import Outbound, Runtime

log = logging.getLogger(__name__)


WINDOW, WINDOW_SECONDS = 8, 0.1
"""The in-flight window (`Sender.in_flight`): at least `WINDOW` messages, or what the
platform's rate sends in `WINDOW_SECONDS`: a crash sends at most that again."""


def window_for(rate: float) -> int:
    """Messages sent and not yet recorded at most, for a platform sent at `rate` a second:
    8 at Telegram's 25-30 (the pace is the bucket's, not the round trips'); at a fast one a
    tenth of a second's worth (100 at 1,000 a second), so that recording the outcomes, a
    transaction for each half window, keeps up."""
    return max(WINDOW, math.ceil(rate * WINDOW_SECONDS))


def batch_for(in_flight: int) -> int:
    """Messages claimed at once: 50, or two windows' worth when the window is larger."""
    return max(50, 2 * in_flight)


SWEEP_EVERY = timedelta(seconds=1)
"""How often a claim also marks the messages past their expiry as expired: a statement
that reads every pending row (a notice to 100,000 people is 100,000 of them), so not at
each claim of a batch; an expired message is never claimed meanwhile."""

HELPERS_GRACE = 7.0
"""Seconds the election and the shared limits get to finish when the sender stops (an
election's check waits up to `election.TIMEOUT`)."""

Batch = tuple[list["outbox.Due"], dict[int, tuple["outbox.Due", "Transmitted | str"]],
              list[tuple["outbox.Due", Outbound]]]
"""Claimed messages; those already decided (skipped, to retry); those ready to send."""


Wanted = Callable[[AsyncSession, Sequence["outbox.Due"]], Awaitable[set[int]]]
"""Asked just before messages go out: which of them are still wanted (their ids)? A notice
to someone who has sent /stop since it was queued is not: it is skipped. Asked for a whole
batch at once, so that it can be one query."""


@dataclass
class Sender:
    sessions: async_sessionmaker[AsyncSession]
    runtime: Runtime
    transports: Mapping[str, Transport]
    """Channel name ("telegram") -> its transport; messages to people on other channels wait."""
    batch: int = 50
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 8
    rng: random.Random = field(default_factory=random.Random)
    wanted: Mapping[str, Wanted] = field(default_factory=dict)
    """Per flow of a push ("notices"): is the message still wanted?"""
    in_flight: int = 8
    """Messages sent at once, and recorded together: the HTTP round trips overlap, so the
    token bucket, not the latency, sets the pace. It is also the most a crash can send
    twice: one is sent only when fewer than `in_flight` are sent and not yet recorded.
    `window_for(rate)` gives a platform's: 8 at Telegram's 30/s, a tenth of a second's
    worth at a fast one (100 at 1,000/s), so that a transaction records many at once."""
    election: Election | None = None
    """Which platforms this process sends (`run`): one process per platform across all of
    the bot's processes (`bot.delivery.election`). None: every platform, no other process
    sends (tests, one process)."""
    shared: SharedLimits | None = None
    """Replies of the processes that do not send a platform, counted against its limits
    (`bot.delivery.shared`), run beside the sender."""
    daily: Mapping[str, DailyLimit] = field(default_factory=dict)
    """Per platform, its limit on different people written to first in 24 hours (WhatsApp:
    `WHATSAPP_DAILY_LIMIT`): the pushes that would open a conversation beyond it are put
    off until there is room (`outbox.hold`), not sent and not failed."""
    _opening: dict[int, datetime] = field(default_factory=dict, init=False, repr=False)
    """Messages being sent that open a conversation under a daily limit: when they took
    their place in it (kept on the row once sent, given back if the send fails)."""
    _daily_loaded: set[str] = field(default_factory=set, init=False, repr=False)
    """Platforms whose daily limit was loaded from the outbox since this process began to
    send them."""
    _in_hand: set[int] = field(default_factory=set, init=False, repr=False)
    """Messages claimed and not yet recorded: never claimed again meanwhile."""
    _won: set[str] = field(default_factory=set, init=False, repr=False)
    """Platforms this process has just begun to send: what a dead sender had claimed on
    them is released before the next claim."""
    _swept: datetime | None = field(default=None, init=False, repr=False)
    """When a claim last marked the expired messages (`SWEEP_EVERY`)."""
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _elected: Election | None = field(default=None, init=False, repr=False)
    """The election while `run` runs (`drain` sends every platform it has a transport
    for)."""

    def _now(self) -> datetime:
        return self.runtime.clock()

    def _sends(self, channel: str) -> bool:
        """Whether this process sends `channel` now (an election can be lost any time)."""
        return self._elected is None or self._elected.leads(channel)

    def _channels(self) -> list[str]:
        return [channel for channel in self.transports if self._sends(channel)]

    async def drain(self) -> int:
        """Send what is due now, one batch, and wait until it is sent; returns how many
        messages were handled.

        A few transactions a batch, not per message: claim the batch; run each message's
        flow step, all in one transaction (if one fails, all again, each in a savepoint, so
        it spoils only itself); send them, `in_flight` at a time; record every outcome."""
        batch = await self._next_batch()
        await self._deliver(batch, asyncio.Semaphore(self.in_flight))
        return len(batch[0])

    async def run(self, stop: asyncio.Event, *, idle: float = 1.0,
                  until_empty: bool = False) -> None:
        """Until `stop` (or, with `until_empty`, until nothing is due): send what is due.
        The next batch is prepared while the last one is being sent, so the token bucket,
        not the database, sets the pace."""
        election = self._elected = self.election or Election(self.transports)
        halt = asyncio.Event()  # the helpers' stop: set when the loop ends, for any reason
        helpers = [asyncio.create_task(self._elect(election, halt))]
        if self.shared is not None:
            helpers.append(asyncio.create_task(self.shared.run(halt)))
        sending: list[asyncio.Task[None]] = []
        """Batches being sent: the last one, and the one before while its last messages
        are out: the window (`in_flight`, one for both) stays full from batch to batch."""
        window = asyncio.Semaphore(self.in_flight)
        try:
            while not stop.is_set():
                try:
                    await self._take_over()
                    batch = await self._next_batch()
                except Exception:
                    log.exception("outbox_drain_failed")
                    self.runtime.metrics.database_errors.labels("sender").inc()
                    batch = ([], {}, [])
                if batch[0]:
                    sending.append(asyncio.create_task(self._deliver(batch, window)))
                    while len(sending) > 1:  # the next batch is prepared beside the last
                        await self._finish(sending.pop(0))
                    continue
                while sending:
                    await self._finish(sending.pop(0))
                if until_empty and not await self._waiting():
                    break
                self._wake.clear()
                waits = [asyncio.create_task(event.wait()) for event in (stop, self._wake)]
                await asyncio.wait(waits, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
                for wait in waits:
                    wait.cancel()
            while sending:
                await self._finish(sending.pop(0))
        finally:
            # The helpers end at their next look (cancelled inside a database call, they
            # could leave its connection half-used); then another process takes over at
            # once (the locks go with the election's connection).
            halt.set()
            _, late = await asyncio.wait(helpers, timeout=HELPERS_GRACE)
            for helper in late:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            self._elected = None
            await election.close()

    async def _elect(self, election: Election, stop: asyncio.Event) -> None:
        """Until `stop`: try for the platforms no process sends, every `EVERY` seconds;
        wake the loop when one is won."""
        while not stop.is_set():
            try:
                won = await election.poll()
            except Exception:
                log.exception("outbox_election_failed")
                won = set()
            if won:
                self._won |= won
                self._wake.set()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), EVERY)

    async def _take_over(self) -> None:
        """What a dead sender had claimed on the platforms this process has just begun to
        send may be claimed again now (the election says no other process sends them)."""
        won, self._won = self._won, set()
        self._daily_loaded -= won  # what the previous sender opened is in the outbox now
        if not won or self._elected is None or not self._elected.exclusive:
            return
        try:
            async with transaction(self.sessions) as session:
                released = await outbox.release(session, sorted(won), besides=self._in_hand)
        except BaseException:
            self._won |= won
            raise
        log.info("outbox_take_over channels=%s released=%d", ",".join(sorted(won)), released)

    async def _finish(self, sending: asyncio.Task[None]) -> None:
        """Wait for a batch being sent. Its outcomes could not all be recorded (the database
        went away): the messages not recorded are left to their lease, as after a crash."""
        try:
            await sending
        except Exception:
            log.exception("outbox_record_failed")

    async def _waiting(self) -> int:
        """Messages due now that someone still has to send (some may be another process's
        to send, or under a dead sender's lease until it ends)."""
        async with self.sessions() as session:
            return await outbox.due_count(session, self._now(), list(self.transports))

    async def _next_batch(self) -> Batch:
        channels = self._channels()
        if not channels:
            return [], {}, []
        now = self._now()
        sweep = self._swept is None or not timedelta(0) <= now - self._swept < SWEEP_EVERY
        async with transaction(self.sessions) as session:
            due = await outbox.claim(session, now, channels, limit=self.batch,
                                     lease=self.lease, besides=self._in_hand, expire=sweep)
        if sweep:
            self._swept = now
        if due and self.daily:
            due = await self._within_daily_limits(due, now)
        if not due:
            return due, {}, []
        self._in_hand |= {message.id for message in due}
        try:
            try:  # the common case: every step runs; one transaction, no savepoints
                async with transaction(self.sessions) as session:
                    outcomes, ready = await self._prepare_all(session, due, careful=False)
            except Exception:  # one of them failed: again, each in a savepoint of its own
                async with transaction(self.sessions) as session:
                    outcomes, ready = await self._prepare_all(session, due, careful=True)
        except BaseException:
            self._in_hand -= {message.id for message in due}  # left to their lease
            self._give_back(due)
            raise
        return due, outcomes, ready

    async def _within_daily_limits(self, due: list[outbox.Due], now: datetime
                                   ) -> list[outbox.Due]:
        """Those of `due` that may go now. The pushes that would open a conversation beyond
        their platform's daily limit are put off until it has room (`outbox.hold`); those
        within it take their place in it at once (given back if they are not sent)."""
        going: list[outbox.Due] = []
        later: dict[datetime, list[outbox.Due]] = {}
        for message in due:
            limit = self.daily.get(message.channel)
            transport = self.transports[message.channel]
            if (limit is None or not limit.limit or not isinstance(transport, Opening)
                    or not transport.opens(message.external_id, message.seen_at)):
                going.append(message)
                continue
            if message.channel not in self._daily_loaded:
                async with self.sessions() as session:
                    limit.load(await outbox.opened_since(session, message.channel, now - DAY))
                self._daily_loaded.add(message.channel)
            at = limit.when(message.person_id, now)
            if at > now:
                later.setdefault(at, []).append(message)
                continue
            limit.open(message.person_id, now)
            self._opening[message.id] = now
            going.append(message)
        if later:
            async with transaction(self.sessions) as session:
                for at, messages in later.items():
                    await outbox.hold(session, [m.id for m in messages], at)
            for at, messages in later.items():
                log.info("outbox_daily_limit channel=%s held=%d until=%s",
                         messages[0].channel, len(messages), at.isoformat())
        return going

    def _give_back(self, messages: Sequence[outbox.Due]) -> None:
        """These took a place under their platform's daily limit and did not open a
        conversation after all (not sent, or not prepared)."""
        for message in messages:
            at = self._opening.pop(message.id, None)
            if at is not None:
                self.daily[message.channel].forget(message.person_id, at)

    async def _deliver(self, batch: Batch, window: asyncio.Semaphore) -> None:
        """Send the batch, at most `in_flight` messages sent but not yet recorded: a crash
        can send again only those. Outcomes are recorded as they come in, while the next
        messages are already being sent, so recording never stalls the pace."""
        due, decided, ready = batch
        try:
            if decided:
                await self._record(list(decided.values()))
            await self._send_all(ready, window)
        finally:
            self._in_hand -= {message.id for message in due}

    async def _send_all(self, ready: list[tuple[outbox.Due, Outbound]],
                        slots: asyncio.Semaphore) -> None:
        """`slots`: the window, shared by the batches being sent at once (`run` overlaps
        two): a message is sent only with a slot, freed when its outcome is recorded."""
        finished: list[tuple[outbox.Due, Result | str]] = []
        arrived = asyncio.Event()
        started_all = False
        outstanding = 0
        """Sent (or being sent) and not yet recorded, of this batch: each holds a slot."""
        # Recording takes a transaction: wait for half the window to fill, or for every
        # message still out to come back once all were sent, so that a fast platform does
        # not cost one transaction per message, nor the end of a batch one per message.
        enough = max(1, self.in_flight // 2)

        def worth_recording() -> bool:
            return bool(finished) and (len(finished) >= enough
                                       or (started_all and len(finished) >= outstanding))

        async def send(message: outbox.Due, outbound: Outbound) -> None:
            finished.append((message, await self._transmit(message, outbound)))
            if worth_recording():
                arrived.set()

        async def record() -> None:
            nonlocal outstanding
            while not (started_all and outstanding == 0):
                await arrived.wait()
                arrived.clear()
                if not finished:
                    continue
                outcomes = finished[:]
                finished.clear()
                try:
                    await self._record(outcomes)
                except BaseException as exc:
                    if isinstance(exc, Exception):
                        self.runtime.metrics.database_errors.labels("sender").inc()
                    # Not recorded: left to their lease, as after a crash. Their slots are
                    # freed, so that the loop notices and stops.
                    for _ in range(outstanding):
                        slots.release()
                    outstanding = 0
                    raise
                outstanding -= len(outcomes)
                for _ in outcomes:
                    slots.release()
                if worth_recording():
                    arrived.set()

        recorder = asyncio.create_task(record())
        sends: list[asyncio.Task[None]] = []
        try:
            for message, outbound in ready:
                await slots.acquire()
                if recorder.done():  # recording failed: send nothing more, let it raise
                    slots.release()
                    break
                if not self._sends(message.channel):
                    # Another process sends this platform now (this one lost its election):
                    # it takes the message over; sending it here too would send it twice.
                    slots.release()
                    continue
                outstanding += 1
                sends.append(asyncio.create_task(send(message, outbound)))
            started_all = True
            await asyncio.gather(*sends)
            arrived.set()
            await recorder
        finally:
            for task in (*sends, recorder):
                task.cancel()

    async def _transmit(self, message: outbox.Due, outbound: Outbound) -> Result:
        try:
            return await self.transports[message.channel].transmit(outbound)
        except Exception:
            log.exception("transmit_failed id=%d", message.id)
            return Transmitted.RETRY

    async def _prepare_all(self, session: AsyncSession, due: list[outbox.Due], *, careful: bool
                           ) -> tuple[dict[int, tuple[outbox.Due, Transmitted | str]],
                                      list[tuple[outbox.Due, Outbound]]]:
        """Skip what is no longer wanted; run the flow step of the rest: all together
        (`Runtime.push_many`), or, `careful`ly, each in a savepoint of its own."""
        outcomes: dict[int, tuple[outbox.Due, Transmitted | str]] = {}
        ready: list[tuple[outbox.Due, Outbound]] = []
        wanted = await self._still_wanted(session, due)
        going = [message for message in due if message.id in wanted]
        for message in due:
            if message.id not in wanted:
                outcomes[message.id] = (message, "skipped")
        if careful:
            prepared: list[Outbound | None | Transmitted] = []
            for message in going:
                try:
                    async with session.begin_nested():
                        prepared.append(await self.runtime.push(
                            session, message.person_id, message.push, message.payload))
                except Exception:
                    log.exception("push_failed id=%d push=%s", message.id, message.push)
                    prepared.append(Transmitted.RETRY)
        else:
            prepared = list(await self.runtime.push_many(
                session, [(m.person_id, m.push, m.payload) for m in going]))
        for message, outcome in zip(going, prepared, strict=True):
            if isinstance(outcome, Outbound) and outcome.replies:
                ready.append((message, replace(
                    outcome, outbox_id=message.id,
                    urgent=message.payload.get(outbox.URGENT) is True)))
            else:  # erased, or the step had nothing more to say
                outcomes[message.id] = (message, outcome if outcome is Transmitted.RETRY
                                        else "skipped")
        return outcomes, ready

    async def _still_wanted(self, session: AsyncSession, due: list[outbox.Due]) -> set[int]:
        wanted = {message.id for message in due}
        by_flow: dict[str, list[outbox.Due]] = {}
        for message in due:
            by_flow.setdefault(message.push.partition(":")[0], []).append(message)
        for flow, messages in by_flow.items():
            check = self.wanted.get(flow)
            if check is not None:
                kept = await check(session, messages)
                wanted -= {message.id for message in messages} - kept
        return wanted

    async def _record(self, outcomes: list[tuple[outbox.Due, Result | str]]) -> None:
        """The outcomes of sent (or skipped) messages, in one transaction: a statement for
        those sent with a receipt, one per other status, one per retry."""
        now = self._now()
        done: dict[str, list[int]] = {}
        receipts: dict[int, str] = {}
        counted: list[tuple[str, str]] = []  # (channel, outcome), counted once committed
        async with transaction(self.sessions) as session:
            for message, result in outcomes:
                if isinstance(result, Sent):
                    receipts[message.id] = result.receipt
                    counted.append((message.channel, str(Transmitted.SENT)))
                    continue
                if result is Transmitted.RETRY and message.attempts + 1 < self.max_attempts:
                    # Exponential backoff with jitter: 30 s, 1 min, 2 min ... up to an hour.
                    delay = min(3600.0, 30.0 * 2 ** message.attempts) * (0.5 + self.rng.random())
                    await outbox.retry(session, message.id, now + timedelta(seconds=delay))
                    log.info("outbox_retry id=%d attempts=%d", message.id, message.attempts + 1)
                    counted.append((message.channel, "retried"))
                    continue
                status = "failed" if result is Transmitted.RETRY else str(result)
                done.setdefault(status, []).append(message.id)
                counted.append((message.channel, status))
            for status, ids in done.items():
                await outbox.settle_many(session, ids, status, now)
            if receipts:
                await outbox.settle_sent(session, receipts, now)
            opened = {message.id: self._opening[message.id] for message, result in outcomes
                      if message.id in self._opening and _sent(result)}
            if opened:
                await outbox.mark_opened(session, opened)
        # Committed: what did not go out gives its place under the daily limit back.
        self._give_back([message for message, result in outcomes if not _sent(result)])
        for message, _ in outcomes:
            self._opening.pop(message.id, None)
        for channel, outcome in counted:
            self.runtime.metrics.outbox_sends.labels(channel, outcome).inc()
        if receipts:
            done.setdefault(str(Transmitted.SENT), []).extend(receipts)
        log.info("outbox_batch %s", " ".join(f"{k}={len(v)}" for k, v in sorted(done.items())))


def _sent(result: Result | str) -> bool:
    return isinstance(result, Sent) or result is Transmitted.SENT
