"""Routers: private chats talk to the bot; in groups it only points people to a private
chat. Inclusion order matters (aiogram takes the first router that handles an update):

    private_router   messages, button taps and blocks in one-to-one chats
    group_router     commands in groups get a pointer to the private chat; the rest is ignored
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram import Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update

from bot.channels.telegram.updates import from_callback, from_message, identity

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

log = logging.getLogger(__name__)


# Filters are coroutines, not magic filters (F.chat.type == ...): aiogram runs a plain
# callable filter in a worker thread (asyncio.to_thread), a thread hop for every update.
async def in_private(event: Message | ChatMemberUpdated) -> bool:
    return event.chat.type == ChatType.PRIVATE


async def tapped_in_private(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type == ChatType.PRIVATE


async def in_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def is_command(message: Message) -> bool:
    return message.from_user is not None and (message.text or "").startswith("/")


async def has_sender(message: Message) -> bool:
    return message.from_user is not None


def get_routers() -> list[Router]:
    private = Router(name="private")
    private.message.filter(in_private)
    private.callback_query.filter(tapped_in_private)
    private.my_chat_member.filter(in_private)
    private.edited_message.filter(in_private)

    @private.message(has_sender)
    async def on_message(message: Message, event_update: Update,
                         channel: TelegramChannel) -> None:
        assert message.from_user is not None
        await channel.converse(identity(message.from_user), from_message(message),
                               chat_id=message.chat.id,
                               hint=message.from_user.language_code,
                               delivery_id=str(event_update.update_id))

    @private.callback_query()
    async def on_tap(query: CallbackQuery, event_update: Update,
                     channel: TelegramChannel) -> None:
        # Answer at once, so the spinner on the person's button stops whatever follows.
        await channel.answer_callback(query.id)
        assert query.message is not None
        await channel.converse(identity(query.from_user), from_callback(query),
                               chat_id=query.message.chat.id,
                               hint=query.from_user.language_code,
                               delivery_id=str(event_update.update_id))

    @private.my_chat_member()
    async def on_membership(update: ChatMemberUpdated, channel: TelegramChannel) -> None:
        status = update.new_chat_member.status
        if status in (ChatMemberStatus.KICKED, ChatMemberStatus.LEFT):
            await channel.runtime.mark_reachable(identity(update.from_user), False)
        elif status == ChatMemberStatus.MEMBER:
            await channel.runtime.mark_reachable(identity(update.from_user), True)

    @private.edited_message()
    async def on_edit(message: Message) -> None:
        # The answer to the original was already given; acting on an edit would answer a
        # question twice. People expect a chat bot to read new messages only.
        log.info("telegram_edit_ignored chat=%s", message.chat.id)

    group = Router(name="group")
    group.message.filter(in_group)

    @group.message(is_command)
    async def on_group_command(message: Message, channel: TelegramChannel) -> None:
        assert message.from_user is not None
        await channel.point_to_private_chat(message.chat.id, message.from_user.language_code)

    return [private, group]
