"""Sending what the outbox holds, when it is due, within the platforms' limits.

For each due message: in one transaction the runtime runs the message's flow step for the
person (their conversation moves there, so the buttons of a reminder work like any other);
after that commits, the channel's transport sends the replies; then the message is marked.
A crash between those steps leaves the message claimed; when its lease ends it is sent
again: at most the messages in flight at a crash go out twice, none is lost.

Limits: each transport (`bot.delivery.transport`) paces its own platform calls with a
`bot.delivery.bucket.TokenBucket` (Telegram allows about 30 messages a second to different
chats, WhatsApp 80 per phone number): one token per platform message, so a notice split in
two pieces costs two. Replies to people who are chatting `spend` from the same bucket and
never wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import transaction
from bot.delivery import outbox
from bot.delivery.transport import Result, Sent, Transmitted, Transport
from bot.runtime import Outbound, Runtime

log = logging.getLogger(__name__)


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
    twice."""

    def _now(self) -> datetime:
        return self.runtime.clock()

    async def drain(self) -> int:
        """Send what is due now, one batch, and wait until it is sent; returns how many
        messages were handled.

        A few transactions a batch, not per message: claim the batch; run each message's
        flow step, all in one transaction (if one fails, all again, each in a savepoint, so
        it spoils only itself); send them, `in_flight` at a time; record every outcome."""
        batch = await self._next_batch()
        await self._deliver(batch)
        return len(batch[0])

    async def run(self, stop: asyncio.Event, *, idle: float = 1.0,
                  until_empty: bool = False) -> None:
        """Until `stop` (or, with `until_empty`, until nothing is due): send what is due.
        The next batch is prepared while the last one is being sent, so the token bucket,
        not the database, sets the pace."""
        sending: asyncio.Task[None] | None = None
        while not stop.is_set():
            try:
                batch = await self._next_batch()
            except Exception:
                log.exception("outbox_drain_failed")
                batch = ([], {}, [])
            if sending is not None:
                await sending
                sending = None
            if batch[0]:
                sending = asyncio.create_task(self._deliver(batch))
                continue
            if until_empty and not await self._waiting():
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), idle)
        if sending is not None:
            await sending

    async def _waiting(self) -> int:
        """Messages due now that someone still has to send (some may be under another
        sender's lease, or a dead one's, until it ends)."""
        async with self.sessions() as session:
            return await outbox.due_count(session, self._now(), list(self.transports))

    async def _next_batch(self) -> Batch:
        async with transaction(self.sessions) as session:
            due = await outbox.claim(session, self._now(), list(self.transports),
                                     limit=self.batch, lease=self.lease)
        if not due:
            return due, {}, []
        try:  # the common case: every step runs; one transaction, no savepoints
            async with transaction(self.sessions) as session:
                outcomes, ready = await self._prepare_all(session, due, careful=False)
        except Exception:  # one of them failed: again, each in a savepoint of its own
            async with transaction(self.sessions) as session:
                outcomes, ready = await self._prepare_all(session, due, careful=True)
        return due, outcomes, ready

    async def _deliver(self, batch: Batch) -> None:
        """Send the batch, at most `in_flight` messages sent but not yet recorded: a crash
        can send again only those. Outcomes are recorded as they come in, while the next
        messages are already being sent, so recording never stalls the pace."""
        _, decided, ready = batch
        if decided:
            await self._record(list(decided.values()))
        slots = asyncio.Semaphore(self.in_flight)
        finished: list[tuple[outbox.Due, Result | str]] = []
        arrived = asyncio.Event()
        started_all = False
        # Recording takes a transaction: wait for half the window to fill (or the end), so
        # that a fast platform does not cost one transaction per message.
        enough = max(1, self.in_flight // 2)

        async def send(message: outbox.Due, outbound: Outbound) -> None:
            finished.append((message, await self._transmit(message, outbound)))
            if len(finished) >= enough:
                arrived.set()

        async def record(expected: int) -> None:
            while expected:
                await arrived.wait()
                arrived.clear()
                if not finished:
                    continue
                outcomes = finished[:]
                finished.clear()
                try:
                    await self._record(outcomes)
                except BaseException:
                    for _ in range(self.in_flight):  # free the loop to notice and stop
                        slots.release()
                    raise
                expected -= len(outcomes)
                for _ in outcomes:
                    slots.release()
                if started_all or len(finished) >= enough:
                    arrived.set()

        recorder = asyncio.create_task(record(len(ready)))
        sends: list[asyncio.Task[None]] = []
        try:
            for message, outbound in ready:
                await slots.acquire()
                if recorder.done():  # recording failed: send nothing more, let it raise
                    break
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
                ready.append((message, outcome))
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
        now = self._now()
        done: dict[str, list[int]] = {}
        receipts: dict[int, str] = {}
        async with transaction(self.sessions) as session:
            for message, result in outcomes:
                if isinstance(result, Sent):
                    receipts[message.id] = result.receipt
                    result = Transmitted.SENT
                if result is Transmitted.RETRY and message.attempts + 1 < self.max_attempts:
                    # Exponential backoff with jitter: 30 s, 1 min, 2 min ... up to an hour.
                    delay = min(3600.0, 30.0 * 2 ** message.attempts) * (0.5 + self.rng.random())
                    await outbox.retry(session, message.id, now + timedelta(seconds=delay))
                    log.info("outbox_retry id=%d attempts=%d", message.id, message.attempts + 1)
                    continue
                status = "failed" if result is Transmitted.RETRY else str(result)
                done.setdefault(status, []).append(message.id)
            for status, ids in done.items():
                await outbox.settle_many(session, ids, status, now)
            if receipts:
                await outbox.keep_receipts(session, receipts)
        log.info("outbox_batch %s", " ".join(f"{k}={len(v)}" for k, v in sorted(done.items())))
