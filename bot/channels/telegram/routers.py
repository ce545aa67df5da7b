"""Routers: private chats talk to the bot; in groups it only points people to a private
chat. Inclusion order matters (aiogram takes the first router that handles an update):

    private_router   messages, button taps and blocks in one-to-one chats
    group_router     commands in groups get a pointer to the private chat; the rest is ignored
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update

from bot.channels.telegram.updates import from_callback, from_message, identity

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

log = logging.getLogger(__name__)


def get_routers() -> list[Router]:
    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
    private.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)
    private.edited_message.filter(F.chat.type == ChatType.PRIVATE)

    @private.message(F.from_user)
    async def on_message(message: Message, event_update: Update,
                         channel: TelegramChannel) -> None:
        assert message.from_user is not None
        await channel.converse(identity(message.from_user), from_message(message),
                               chat_id=message.chat.id,
                               hint=message.from_user.language_code,
                               delivery_id=str(event_update.update_id))

    @private.callback_query(F.message)
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
    group.message.filter(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))

    @group.message(F.text.startswith("/"), F.from_user)
    async def on_group_command(message: Message, channel: TelegramChannel) -> None:
        assert message.from_user is not None
        await channel.point_to_private_chat(message.chat.id, message.from_user.language_code)

    return [private, group]
