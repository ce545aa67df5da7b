"""The Telegram channel: one aiogram `Bot` and `Dispatcher` wired to the runtime.

Updates come in from long polling (`poll`) or the webhook (`webhook.py`); each goes through
`handle_update`, which queues it behind the same person's earlier updates. The runtime
commits the turn; then `converse` renders the replies and sends them through the `Sender`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    GetUpdates,
    Response,
    SendDocument,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)

from bot.channels.render import Rendered, render, text_of
from bot.channels.sequencer import Sequencer
from bot.channels.telegram.render import merge, numbered, pieces
from bot.channels.telegram.routers import get_routers
from bot.channels.telegram.sender import GaveUp, Sender, Unreachable
from bot.delivery.bucket import TokenBucket
from bot.delivery.pace import ChatPace
from bot.delivery.transport import Transmitted
from bot.engine.load import FlowSet
from bot.engine.messages import N_
from bot.engine.model import Inbound, Reply, Text
from bot.help import commands_for
from bot.i18n import Catalogs, negotiate
from bot.runtime import Identity, Outbound, Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
BATCH_WAIT = 2.0
"""Seconds a batch of updates may take before newer updates are fetched regardless."""
POLL_PAUSE = 5.0
"""Seconds to wait after getUpdates failed `max_attempts` times in a row."""
MAX_COMMAND_DESCRIPTION = 256
CHAT_GAP, CHAT_BURST = 1.0, 3
"""Telegram asks for no more than about one message a second in one chat, allowing short
bursts (a notice in two pieces and its calendar file)."""
"""BotCommand.description: 1-256 characters."""
RENDERED = 64
"""Pushes' renderings kept: a notice in every language, with room for reminders."""

PRIVATE_CHAT_ONLY = N_("I can only talk in a private chat. Please open a chat with me and "
                       "write there; nobody in this group will see it.")


@dataclass(frozen=True)
class Piece:
    """One Telegram message of a push, with its sendMessage JSON body from the chat id on,
    made once per rendering: a person's body is `{"chat_id":<id>`, then `rest` with their
    question's number put in the buttons' callback data. Only the chat id and that number
    differ between two people sent the same notice."""

    text: str
    markup: InlineKeyboardMarkup | None
    """Its buttons' callback data without the question's number ("|<value>")."""
    rest: bytes
    reply: int | None
    """Which of the replies' `prompt` numbers the buttons (None: no buttons)."""

    CALLBACK = b'"callback_data":"|'

    @classmethod
    def of(cls, text: str, markup: InlineKeyboardMarkup | None, reply: int | None) -> Piece:
        body: dict[str, object] = {"text": text, "parse_mode": "HTML"}
        if markup is not None:
            body["reply_markup"] = markup.model_dump(mode="json", exclude_none=True)
        body["link_preview_options"] = {"is_disabled": True}
        encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return cls(text, markup, b"," + encoded[1:], reply)  # without its "{"

    def prompt(self, replies: tuple[Reply, ...]) -> int | None:
        return replies[self.reply].prompt if self.reply is not None else None

    def body_for(self, chat_id: int, prompt: int | None, *, paid: bool = False) -> bytes:
        """`paid`: a paid broadcast (`allow_paid_broadcast`)."""
        rest = self.rest
        if prompt is not None and self.markup is not None:
            # A label's quotes are escaped (\"), so only callback data matches.
            rest = rest.replace(self.CALLBACK, b'"callback_data":"%d|' % prompt)
        return (b'{"chat_id":' + str(chat_id).encode()
                + (b',"allow_paid_broadcast":true' if paid else b"") + rest)

    def method(self, chat_id: int, prompt: int | None, paid: bool = False) -> SendMessage:
        """The call as aiogram knows it (named by the errors aiogram raises)."""
        return SendMessage(chat_id=chat_id, text=self.text, parse_mode="HTML",
                           reply_markup=numbered(self.markup, prompt),
                           link_preview_options=LinkPreviewOptions(is_disabled=True),
                           allow_paid_broadcast=paid or None)


class TelegramChannel:
    def __init__(self, runtime: Runtime, catalogs: Catalogs, flows: FlowSet, *, token: str,
                 api_base: str | None = None,
                 sender_options: Mapping[str, Any] | None = None) -> None:
        session = (AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base
                   else AiohttpSession())
        self.bot = Bot(token, session=session)
        self.runtime = runtime
        self.catalogs = catalogs
        self.flows = flows
        self.sender = Sender(self.bot, **(sender_options or {}))
        self.sender.metrics = runtime.metrics
        self.sequencer = Sequencer()
        self._rendered: dict[tuple[object, ...], list[Piece]] = {}
        """What pushes say, rendered (`_pieces`), the oldest first."""
        self.chat_pace = ChatPace(gap=CHAT_GAP, burst=CHAT_BURST)
        self.paid_bucket: TokenBucket | None = None
        """The pace of paid broadcasts (`TELEGRAM_PAID_RATE`, set by the service when
        `TELEGRAM_PAID_BROADCAST` is on): urgent pushes go there, with
        `allow_paid_broadcast`, beside the free 30 a second. None: they go as any push."""
        self.dispatcher = Dispatcher(disable_fsm=True)  # conversation state is ours, in the DB
        # aiogram validates every answer as Response[<returned type>]; pydantic keeps such
        # generic classes only weakly, so without a reference they are rebuilt for every
        # call (measured: a sixth of the bot's time under load).
        self._responses = [Response[m.__returning__]  # type: ignore[name-defined]
                           for m in (SendMessage, GetUpdates, AnswerCallbackQuery,
                                     SetMyCommands, SetWebhook, DeleteWebhook, SendDocument)]
        self.dispatcher.include_routers(*get_routers())
        self.dispatcher["channel"] = self

    @property
    def bucket(self) -> TokenBucket | None:
        """The outbox's limit (set by the service): replies count against it, first, and a
        429 empties it."""
        return self.sender.bucket

    @bucket.setter
    def bucket(self, bucket: TokenBucket | None) -> None:
        self.sender.bucket = bucket

    # -- updates in ---------------------------------------------------------------------

    def handle_update(self, update: Update) -> asyncio.Task[object]:
        """Queue the update behind the same person's earlier ones; the task ends when it
        has been handled (the turn committed and the replies sent)."""
        return self.sequencer.submit(_person_of(update), lambda: self._feed(update))

    async def _feed(self, update: Update) -> object:
        try:
            return await self.dispatcher.feed_update(self.bot, update)
        except Exception:
            log.exception("telegram_update_failed update=%s", update.update_id)
            return None

    async def converse(self, who: Identity, inbound: Inbound, *, chat_id: int,
                       hint: str | None, delivery_id: str | None) -> None:
        # A turn held while the database is out (`Runtime.outlast`) answers later, through
        # `deliver`: the update was acknowledged long before.
        outbound = await self.runtime.handle(who, inbound, locale_hint=hint,
                                             delivery_id=delivery_id,
                                             later=partial(self.deliver, chat_id=chat_id))
        await self.deliver(outbound, chat_id)

    # -- replies out --------------------------------------------------------------------
    async def deliver(self, outbound: Outbound, chat_id: int) -> None:
        result = await self._send(outbound, chat_id, reply=True)
        if result is Transmitted.RETRY:
            log.error("telegram_reply_lost who=%s", outbound.identity)

    async def transmit(self, outbound: Outbound) -> Transmitted:
        """For the outbox (`bot.delivery`): in a private chat, the chat id is the user's."""
        return await self._send(outbound, int(outbound.identity.external_id))

    def _pieces(self, outbound: Outbound) -> list[Piece]:
        """The Telegram messages a push says, rendered once per language and replies but
        their questions' numbers (`RENDERED`: a notice to 10,000 people says the same thing
        in each of 7 languages, and ends in the same menu; only the chat and the number of
        the person's question differ), each with its sendMessage body but those two."""
        replies = outbound.replies
        key: tuple[object, ...] = (outbound.lang, tuple(
            (r.text, r.buttons, r.every_language, r.lang, r.attachment is None)
            for r in replies))
        try:
            found = self._rendered.get(key)
        except TypeError:  # a parameter that is not hashable: rendered for this one
            return self._pieces_of(outbound)
        if found is None:
            found = self._rendered[key] = self._pieces_of(outbound)
            if len(self._rendered) > RENDERED:
                del self._rendered[next(iter(self._rendered))]  # the oldest
        return found

    def _pieces_of(self, outbound: Outbound) -> list[Piece]:
        """`_pieces` rendered: each reply numbered by its place while they are merged, to
        know whose `prompt` a piece's buttons take; the pieces carry no number."""
        made = []
        for message in self._merged(outbound, placed=True):
            reply = message.prompt if message.buttons else None
            made += [Piece.of(text, markup, reply)
                     for text, markup in pieces(replace(message, prompt=None))]
        return made

    def _render(self, outbound: Outbound) -> list[tuple[str, InlineKeyboardMarkup | None]]:
        return [piece for message in self._merged(outbound) for piece in pieces(message)]

    def _merged(self, outbound: Outbound, *, placed: bool = False) -> list[Rendered]:
        """The replies rendered and merged into Telegram messages; `placed`: numbered by
        their place among the replies instead of their prompts."""
        rendered = [render(said, outbound.lang, self.catalogs) for said in outbound.replies]
        if placed:
            rendered = [replace(message, prompt=n) for n, message in enumerate(rendered)]
        return merge(rendered)

    async def _send(self, outbound: Outbound, chat_id: int, *, reply: bool = False
                    ) -> Transmitted:
        try:
            if reply:  # someone chatting: rendered each time (what they typed is not kept)
                for text, markup in self._render(outbound):
                    await self._pace(reply, chat_id)
                    await self.sender.call(SendMessage(
                        chat_id=chat_id, text=text, parse_mode="HTML", reply_markup=markup,
                        link_preview_options=LinkPreviewOptions(is_disabled=True)))
            else:
                paid = outbound.urgent and self.paid_bucket is not None
                for piece in self._pieces(outbound):
                    await self._pace(reply, chat_id, paid=paid)
                    prompt = piece.prompt(outbound.replies)
                    await self.sender.post_json(
                        "sendMessage", piece.body_for(chat_id, prompt, paid=paid),
                        partial(piece.method, chat_id, prompt, paid))
            for said in outbound.replies:
                if said.attachment is not None:
                    await self._pace(reply, chat_id)
                    await self.sender.call(SendDocument(chat_id=chat_id, document=(
                        BufferedInputFile(said.attachment.data,
                                          filename=said.attachment.name))))
        except Unreachable:
            await self.runtime.mark_reachable(outbound.identity, False)
            return Transmitted.UNREACHABLE
        except GaveUp:
            return Transmitted.RETRY
        except TelegramAPIError:
            log.exception("telegram_refused who=%s", outbound.identity)
            return Transmitted.FAILED
        return Transmitted.SENT

    async def _pace(self, reply: bool, chat_id: int, *, paid: bool = False) -> None:
        """One token per Bot API message, and Telegram's pace within one chat: a person
        waiting for an answer never waits (the reply still counts); the outbox waits its
        turn; a paid broadcast's message takes its token from the paid lane."""
        if reply:
            self.chat_pace.spend(str(chat_id))
            if self.bucket is not None:
                self.bucket.spend()
            return
        await self.chat_pace.wait(str(chat_id))
        bucket = self.paid_bucket if paid else self.bucket
        if bucket is not None:
            await bucket.take()

    async def answer_callback(self, query_id: str) -> None:
        try:
            await self.sender.call(AnswerCallbackQuery(callback_query_id=query_id))
        except Exception:  # an unanswered spinner must not cost the person their tap
            log.warning("telegram_callback_answer_failed", exc_info=True)

    async def point_to_private_chat(self, chat_id: int, language_code: str | None) -> None:
        lang = negotiate(language_code, self.catalogs.languages)
        outbound = Outbound(Identity("telegram-group", str(chat_id)), lang,
                            (Reply(Text(PRIVATE_CHAT_ONLY)),))
        await self.deliver(outbound, chat_id)

    # -- set-up -------------------------------------------------------------------------
    async def setup_commands(self) -> None:
        """The command menu in every language (Telegram picks the one of the user's app),
        and in the default language for everyone else."""
        for lang in (None, *self.catalogs.languages):
            tr = self.catalogs.translator(lang)
            commands = [BotCommand(command=name, description=_fit(text_of(Text(msgid), tr)))
                        for name, msgid in commands_for(self.flows, "newcomer")]
            await self.sender.call(SetMyCommands(commands=commands, language_code=lang))

    async def start_webhook(self, url: str, secret: str) -> None:
        await self.sender.call(SetWebhook(url=url, secret_token=secret,
                                          allowed_updates=ALLOWED_UPDATES))

    async def poll(self, stop: asyncio.Event, *, timeout: int = 25) -> None:
        """Long polling. An update is acknowledged (the offset moves past it) only after it
        and every earlier one were handled; were the process killed first, Telegram hands
        them out again, and the runtime ignores what it had already committed.

        A batch is fetched once it has been handled; if some update of it takes longer
        than `BATCH_WAIT` (a send waiting out Telegram's retry_after, say), newer updates
        are fetched meanwhile: getUpdates returns the unacknowledged ones again, and those
        already running or handled are skipped. Waiting for the whole batch in the normal
        case saves parsing the same updates twice (measured: that cost more than it won).
        """
        await self.sender.call(DeleteWebhook(drop_pending_updates=False))
        offset: int | None = None
        running: dict[int, asyncio.Task[object]] = {}
        handled: set[int] = set()
        while not stop.is_set():
            try:
                fetched = await _unless(stop, self.sender.call(GetUpdates(
                    offset=offset, timeout=0 if running else timeout,
                    allowed_updates=ALLOWED_UPDATES)))
            except GaveUp:
                log.error("telegram_polling_failed; trying again in %s s", POLL_PAUSE)
                await self.sender.sleep(POLL_PAUSE)
                continue
            if fetched is None:  # stopped while Telegram held the long poll open
                break
            updates: list[Update] = fetched
            for update in updates:
                if update.update_id not in running and update.update_id not in handled:
                    running[update.update_id] = self.handle_update(update)
            if running:
                await asyncio.wait(list(running.values()), timeout=BATCH_WAIT)
            for update_id, task in list(running.items()):
                if task.done():
                    handled.add(update_id)
                    del running[update_id]
            if running:
                offset = min(running)
            elif handled:
                offset = max(handled) + 1
            handled = {i for i in handled if offset is None or i >= offset}
        if running:
            await asyncio.wait(list(running.values()), timeout=10)

    async def close(self) -> None:
        await self.bot.session.close()


async def _unless(stop: asyncio.Event, call: Awaitable[T]) -> T | None:
    """`call`'s result, or None as soon as `stop` is set: a long poll is given up at once
    rather than held open up to its timeout. Nothing is lost: the updates of a poll given up
    were not acknowledged, and Telegram hands them out again."""
    work = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not work.done():
        work.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await work
        return None
    return work.result()


def _person_of(update: Update) -> object:
    event = (update.message or update.edited_message or update.callback_query
             or update.my_chat_member)
    user = getattr(event, "from_user", None)
    return user.id if user is not None else ("update", update.update_id)


def _fit(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_COMMAND_DESCRIPTION:
        return text
    return text[:MAX_COMMAND_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
