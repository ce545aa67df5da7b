"""The WhatsApp channel: webhook notifications in, Cloud API messages out.

Each message someone sends is queued behind their earlier ones (`Sequencer`); the runtime
commits the turn, then the replies are rendered within WhatsApp's limits and sent.

Pushes (`transmit`, for the outbox) keep WhatsApp's 24-hour customer service window: within
24 hours of the person's last message they go as they are; after that only an approved
template may go, so the person gets a short teaser in their language whose button opens the
window, and the tap runs the push again as their own turn (`Runtime.reopen`): then they see
the whole message. The button's payload names the outbox message (`templates.payload`), so
a tap the moment the template arrives finds it, before its receipt is noted. No template in
their language: the push is skipped, and the tally says why ("no-template").

Status notifications (delivered, read, failed with its code) are translated here and noted on
the outbox message they are about by `bot.delivery.receipts` (this channel reads and writes
no table itself); a person WhatsApp cannot deliver to is marked unreachable.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx

from bot.channels.render import render, text_of
from bot.channels.sequencer import Sequencer
from bot.channels.whatsapp.client import CloudApi, CloudError
from bot.channels.whatsapp.inbound import Incoming, Opened, Paged, Said, Status, language_hint
from bot.channels.whatsapp.pairs import PairPace
from bot.channels.whatsapp.render import Labels, merge, messages
from bot.channels.whatsapp.sender import (
    TEMPLATE_UNKNOWN,
    UNDELIVERABLE,
    WINDOW,
    GaveUp,
    Sender,
    Unreachable,
    WindowClosed,
)
from bot.channels.whatsapp.templates import Templates, held_in, payload
from bot.delivery.bucket import TokenBucket
from bot.delivery.receipts import PROGRESS, Receipts
from bot.delivery.transport import Result, Sent, Transmitted
from bot.engine.messages import N_
from bot.engine.model import Inbound, InboundKind, Text
from bot.i18n import Catalogs
from bot.runtime import Identity, Outbound, Runtime

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW_LENGTH = timedelta(hours=24)
MARGIN = timedelta(minutes=10)
"""Taken off the window: our clock saw the message a little after WhatsApp did, and a push
leaves a little after the check."""

# Translators: the button that opens a list of choices on WhatsApp; at most 20 characters.
CHOOSE = N_("Choose")
# Translators: the last row of a long list on WhatsApp, showing the next choices; at most
# 24 characters.
MORE = N_("More choices")


class WhatsAppChannel:
    def __init__(self, runtime: Runtime, catalogs: Catalogs, templates: Templates, *,
                 phone_number_id: str, token: str, api_base: str, rate: float = 80.0,
                 sender_options: dict[str, Any] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 receipts: Receipts | None = None) -> None:
        self.runtime = runtime
        self.catalogs = catalogs
        self.templates = templates
        self.phone_number_id = phone_number_id
        self.api = CloudApi(base=api_base, phone_number_id=phone_number_id, token=token,
                            transport=transport)
        self.bucket = TokenBucket(rate, monotonic=monotonic)
        self.pairs = PairPace(monotonic=monotonic)
        self.sender = Sender(self.api, self.bucket, self.pairs, **(sender_options or {}))
        self.sender.metrics = runtime.metrics
        self.sequencer = Sequencer()
        self.closed: set[str] = set()
        """People WhatsApp said are outside the window though our clock thought otherwise
        (131047); their pushes go as templates until they write."""
        self.receipts = receipts if receipts is not None else Receipts(runtime)
        """The outbox messages statuses are about (given by the service; its own else)."""

    # -- in ---------------------------------------------------------------------------------
    async def receive(self, incoming: Sequence[Incoming], statuses: Sequence[Status]) -> None:
        """Handle one notification; returns once every message in it has been answered."""
        tasks = [self.sequencer.submit(item.wa_id, partial(self._handle, item))
                 for item in incoming]
        for status in statuses:
            try:
                await self.on_status(status)
            except Exception:
                log.exception("whatsapp_status_failed status=%s", status.status)
        if tasks:
            await asyncio.gather(*tasks)

    async def _handle(self, item: Incoming) -> None:
        try:
            if isinstance(item, Said):
                await self.converse(item.wa_id, item.inbound, delivery_id=item.id)
            elif isinstance(item, Paged):
                await self.converse(item.wa_id, Inbound(InboundKind.WAKE), delivery_id=item.id,
                                    page=(item.prompt, item.page))
            elif isinstance(item, Opened):
                await self.open_held(item.wa_id, item.template, delivery_id=item.id,
                                     payload=item.payload)
        except Exception:
            log.exception("whatsapp_message_failed who=%s", Identity(CHANNEL, item.wa_id))

    async def converse(self, wa_id: str, inbound: Inbound, *, delivery_id: str | None,
                       page: tuple[int | None, int] | None = None) -> None:
        who = Identity(CHANNEL, wa_id)
        self.closed.discard(wa_id)
        hint = language_hint(wa_id, self.catalogs.languages, self.catalogs.default)
        outbound = await self.runtime.handle(who, inbound, locale_hint=hint,
                                             delivery_id=delivery_id,
                                             later=partial(self._later, page=page))
        await self._later(outbound, page)

    async def open_held(self, wa_id: str, template_id: str, *, delivery_id: str,
                        payload: str = "") -> None:
        """The person tapped a template's button: the push it stood for runs again, now
        inside the window (`Receipts.open_held`), found by the outbox message the button's
        `payload` names, else by the template's id (`template_id`, its receipt)."""
        self.closed.discard(wa_id)
        outbound = await self.receipts.open_held(Identity(CHANNEL, wa_id), template_id,
                                                 message_id=held_in(payload),
                                                 delivery_id=delivery_id, later=self._later)
        await self._later(outbound)

    async def _later(self, outbound: Outbound,
                     page: tuple[int | None, int] | None = None) -> None:
        """A turn's replies: at once, or, for a turn held while the database was out
        (`Runtime.outlast`), when it is back: the webhook was answered long before."""
        await self._heard_from(outbound)
        await self.deliver(outbound, page)

    async def _heard_from(self, outbound: Outbound) -> None:
        if outbound.unreachable:  # they wrote, so they can be reached again
            await self.runtime.mark_reachable(outbound.identity, True)

    # -- statuses ---------------------------------------------------------------------------
    async def on_status(self, status: Status) -> None:
        """Note what WhatsApp says became of a message the bot sent."""
        if status.status in PROGRESS:
            await self.receipts.progress(status.id, status.status)
            return
        if status.status != "failed":
            return  # "sent" the outbox knew already
        log.info("whatsapp_failed code=%s", status.error)
        who = Identity(CHANNEL, status.wa_id)
        code = str(status.error) if status.error is not None else None
        if status.error in WINDOW:
            # Sent freely to someone whose window had closed after all: the template instead.
            self.closed.add(status.wa_id)
            await self.receipts.failed(who, status.id, error=code, resend=self.send_template)
            return
        if status.error in UNDELIVERABLE:
            await self.runtime.mark_reachable(who, False)
            await self.receipts.failed(who, status.id, "unreachable", error=code)
            return
        await self.receipts.failed(who, status.id, "failed", error=code)

    # -- out --------------------------------------------------------------------------------
    async def deliver(self, outbound: Outbound,
                      page: tuple[int | None, int] | None = None) -> None:
        """The replies of a turn: someone is waiting for them, so they never wait."""
        try:
            result = await self._send(outbound, reply=True, page=page)
        except WindowClosed:  # cannot be: they just wrote
            result = Transmitted.FAILED
        if result is Transmitted.RETRY or result is Transmitted.FAILED:
            log.error("whatsapp_reply_lost who=%s", outbound.identity)

    async def transmit(self, outbound: Outbound) -> Result:
        """For the outbox: the message itself inside the 24-hour window, else a template."""
        if self.in_window(outbound):
            try:
                return await self._send(outbound)
            except WindowClosed:  # WhatsApp knows better than our clock
                self.closed.add(outbound.identity.external_id)
        return await self.send_template(outbound.identity, outbound.lang, outbound.push,
                                        outbound.outbox_id)

    def in_window(self, outbound: Outbound) -> bool:
        return not self.opens(outbound.identity.external_id, outbound.seen_at)

    def opens(self, external_id: str, seen_at: datetime | None) -> bool:
        """Whether a push to this person opens a conversation (a template, outside the
        24-hour window), which WhatsApp's daily limit counts (`bot.delivery.daily`)."""
        if seen_at is None or external_id in self.closed:
            return True
        return self.runtime.clock() - seen_at >= WINDOW_LENGTH - MARGIN

    async def send_template(self, who: Identity, lang: str | None, push: str | None,
                            held: int | None = None) -> Result:
        """The approved template for `push` in `lang`, its button standing for outbox
        message `held`."""
        lang = lang or self.catalogs.default
        template = self.templates.find(push, lang)
        if template is None:
            log.info("whatsapp_no_template who=%s push=%s lang=%s", who, push, lang)
            return Transmitted.NO_TEMPLATE
        message = {"type": "template", "template": {
            "name": template.name, "language": {"code": lang},
            "components": [{"type": "button", "sub_type": "quick_reply", "index": "0",
                            "parameters": [{"type": "payload", "payload": payload(held)}]}]}}
        try:
            return Sent(await self.sender.send(who.external_id, message))
        except CloudError as exc:
            if exc.code in TEMPLATE_UNKNOWN:
                log.error("whatsapp_template_not_approved name=%s lang=%s: approve it, or "
                          "take the language off content/whatsapp-templates.yaml",
                          template.name, lang)
                return Transmitted.NO_TEMPLATE
            log.error("whatsapp_template_refused who=%s error=%s", who, exc)
            return Transmitted.FAILED
        except Unreachable:
            await self.runtime.mark_reachable(who, False)
            return Transmitted.UNREACHABLE
        except (GaveUp, WindowClosed):
            return Transmitted.RETRY

    async def _send(self, outbound: Outbound, *, reply: bool = False,
                    page: tuple[int | None, int] | None = None) -> Result:
        """Every reply of `outbound`, in order; raises `WindowClosed`."""
        to = outbound.identity.external_id
        labels = self._labels(outbound.lang)
        receipt = None
        try:
            rendered = [render(said, outbound.lang, self.catalogs) for said in outbound.replies]
            for message in merge(rendered):
                shown = page[1] if page is not None and message.prompt == page[0] else 0
                for payload in messages(message, labels, shown):
                    receipt = await self.sender.send(to, payload, reply=reply)
            for said in outbound.replies:
                if said.attachment is not None:
                    # WhatsApp takes a handful of document types, and no calendar files:
                    # it goes as text/plain, and its .ics name lets phones open it in the
                    # calendar.
                    media = await self.sender.upload(to, said.attachment.name, "text/plain",
                                                     said.attachment.data)
                    receipt = await self.sender.send(to, {"type": "document", "document": {
                        "id": media, "filename": said.attachment.name}}, reply=reply)
        except Unreachable:
            await self.runtime.mark_reachable(outbound.identity, False)
            return Transmitted.UNREACHABLE
        except GaveUp:
            return Transmitted.RETRY
        except CloudError as exc:
            log.error("whatsapp_refused who=%s error=%s", Identity(CHANNEL, to), exc)
            return Transmitted.FAILED
        return Sent(receipt) if receipt is not None else Transmitted.SENT

    def _labels(self, lang: str | None) -> Labels:
        if lang is None:  # the language picker, for someone whose language is not known yet
            return Labels(choose="🌐", more="➡️")
        tr = self.catalogs.translator(lang)
        return Labels(choose=text_of(Text(CHOOSE), tr), more=text_of(Text(MORE), tr))

    async def close(self) -> None:
        await self.receipts.close()
        await self.api.close()
