"""Telegram updates -> engine `Inbound`s. Nothing here decides anything."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, User

from bot.channels.telegram.render import parse_callback_data
from bot.engine.model import Inbound, InboundKind
from bot.runtime import Identity

CHANNEL = "telegram"

# Message fields that carry something other than text; the first one present names it.
_MEDIA = ("photo", "voice", "video_note", "video", "audio", "animation", "sticker",
          "document", "location", "venue", "contact", "poll", "dice", "story")


def identity(user: User) -> Identity:
    return Identity(CHANNEL, str(user.id))


def from_message(message: Message) -> Inbound:
    if message.text is not None:
        return Inbound.message(message.text)
    kind = next((name for name in _MEDIA if getattr(message, name, None) is not None), "other")
    return Inbound(InboundKind.MEDIA, media=kind)


def from_callback(query: CallbackQuery) -> Inbound:
    prompt, value = parse_callback_data(query.data)
    return Inbound.button(value, prompt)
