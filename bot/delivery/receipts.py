"""What a platform says later about the pushes it accepted, matched to the outbox by receipt.

The outbox keeps the platform's id of each push it sent (its `receipt`, from
`transport.Sent`). When the platform reports on that message afterwards (WhatsApp's status
webhooks), the channel translates the report and hands it here:

- `progress`: "delivered" or "read", noted on the message (never going back);
- `failed`: the message did not arrive; it is settled as failed or unreachable with the
  platform's error code, or, when the channel can still send it another way (WhatsApp: a
  template, once the 24-hour window turned out closed), that is tried and the new receipt
  kept. A platform can report a failure before the outbox has noted the receipt (the send
  and its record race): then the message is looked for again a few times (`RETRIES`), in
  the background, until `close`;
- `open_held`: the person tapped a template's button: the push it stood for runs again as
  their own turn (`Runtime.reopen`), now that they can be written to. The button names the
  outbox message (its id, in the payload the channel gave it), so a tap that comes before
  the outbox has noted the template's receipt finds it all the same; a button of an
  earlier bot, without the id, is matched by the receipt.

Nothing here calls a platform: a channel passes its way of sending again (`Resend`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from bot.db import people
from bot.db.session import transaction
from bot.delivery import outbox
from bot.delivery.outbox import PROGRESS, Receipted
from bot.delivery.transport import Result, Sent, Transmitted
from bot.engine.model import Inbound, InboundKind

if TYPE_CHECKING:
    from bot.runtime import Identity, Later, Outbound, Runtime

__all__ = ["PROGRESS", "RETRIES", "Receipts", "Resend"]

log = logging.getLogger(__name__)

RETRIES = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Seconds between looks for the message a failure is about: the platform can say so before
the outbox has noted the message's receipt."""

Resend = Callable[["Identity", "str | None", str, "int | None"], Awaitable[Result]]
"""A channel's other way to send push `push` to a person, in their language (None: not
known), standing for outbox message id (the last argument): WhatsApp's template."""


class Receipts:
    """The outbox's side of a channel's delivery reports (one per channel)."""

    def __init__(self, runtime: Runtime, *, retries: Sequence[float] = RETRIES) -> None:
        self.runtime = runtime
        self.retries = tuple(retries)
        self._later: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()

    async def progress(self, receipt: str, status: str) -> None:
        """`status` ("delivered", "read": one of `PROGRESS`) of the message sent as
        `receipt`; a message no push was sent as (a reply) changes nothing."""
        async with transaction(self.runtime.sessions) as session:
            await outbox.settle_by_receipt(session, receipt, status, self.runtime.clock())

    async def failed(self, who: Identity, receipt: str, outcome: str = "failed", *,
                     error: str | None = None, resend: Resend | None = None) -> None:
        """The platform could not deliver the message it knows as `receipt` to `who`: the
        outbox message sent as `receipt` is settled as `outcome` ("failed", "unreachable"),
        with the platform's `error` code.

        With `resend`, the message is sent that way instead, if it was sent (and is not yet
        settled); its new receipt is kept, or, when that fails too, the message is settled
        by what `resend` answered. When no message has the receipt yet, it is looked for
        again later (in the background); raises what the first look raises."""
        if await self._settle(who, receipt, outcome, error, resend):
            return
        task = asyncio.create_task(self._settle_later(who, receipt, outcome, error, resend))
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def open_held(self, who: Identity, receipt: str, *, message_id: int | None = None,
                        delivery_id: str | None = None, later: Later | None = None
                        ) -> Outbound:
        """`who` tapped the button of the template sent as `receipt` for outbox message
        `message_id` (None: the button did not say): the turn that runs the push it stood
        for again (`Runtime.reopen`), or, for a template whose message is gone or someone
        else's, the current question again. While the database is out, the tap waits like
        any turn (`Runtime.outlast`, replies through `later`)."""

        async def turn() -> Outbound:
            held = await self._held(who, receipt, message_id)
            if held is not None:
                return await self.runtime.reopen(who, held.push, held.payload,
                                                 delivery_id=delivery_id)
            return await self.runtime.handle(who, Inbound(InboundKind.WAKE),
                                             delivery_id=delivery_id)

        return await self.runtime.outlast(who, turn, later=later, key=delivery_id)

    async def _held(self, who: Identity, receipt: str, message_id: int | None
                    ) -> Receipted | None:
        """The outbox message `message_id`, else the one sent as `receipt`, if it is one
        for `who`."""
        if not receipt and message_id is None:
            return None
        async with self.runtime.sessions() as session:
            found = await outbox.find(session, message_id) if message_id is not None else None
            if found is None and receipt:
                found = await outbox.find_by_receipt(session, receipt)
            person = await people.find(session, who.channel, who.external_id)
        if found is None or person is None or found.person_id != person.id:
            return None
        return found

    async def close(self) -> None:
        """Stop looking for messages not found yet; returns when no look is under way."""
        # Not cancelled: one inside a database call would leave the driver answering late.
        self._closing.set()
        await asyncio.gather(*self._later, return_exceptions=True)

    async def _settle_later(self, who: Identity, receipt: str, outcome: str,
                            error: str | None, resend: Resend | None) -> None:
        for delay in self.retries:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), delay)
            if self._closing.is_set():
                return
            try:
                if await self._settle(who, receipt, outcome, error, resend):
                    return
            except Exception:
                log.exception("%s_status_failed status=failed", who.channel)
        log.info("%s_status_unmatched code=%s", who.channel, error)  # a reply, most likely

    async def _settle(self, who: Identity, receipt: str, outcome: str, error: str | None,
                      resend: Resend | None) -> bool:
        """Settle the message sent as `receipt` (or send it again); False when no message
        has that receipt (yet)."""
        now = self.runtime.clock()
        if resend is not None:
            async with self.runtime.sessions() as session:
                found = await outbox.find_by_receipt(session, receipt)
                person = await people.find(session, who.channel, who.external_id)
            if found is None or person is None or found.status != "sent":
                return found is not None
            result = await resend(who, person.locale, found.push, found.id)
            async with transaction(self.runtime.sessions) as session:
                if isinstance(result, Sent):
                    await outbox.keep_receipts(session, {found.id: result.receipt})
                else:
                    settled = "failed" if result is Transmitted.RETRY else str(result)
                    await outbox.settle_by_receipt(session, receipt, settled, now, error=error)
            return True
        async with transaction(self.runtime.sessions) as session:
            changed = await outbox.settle_by_receipt(session, receipt, outcome, now, error=error)
        return changed is not None
