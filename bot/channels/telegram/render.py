"""Rendered replies -> Telegram messages: HTML-escaped text in pieces of at most 4,096
UTF-16 code units, and inline keyboards whose callback data is short and opaque."""

from __future__ import annotations

import html

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.render import Rendered, join
from bot.channels.split import split as split_text
from bot.channels.split import utf16_len

MAX_TEXT = 4096
"""sendMessage's limit, in UTF-16 code units after entity parsing (Bot API, sendMessage)."""
MAX_CALLBACK_DATA = 64
"""callback_data's limit in bytes (Bot API, InlineKeyboardButton)."""
SHORT_LABEL = 14
"""Buttons with labels up to this long go two to a row; longer ones get a row each."""


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units (`bot.channels.split`)."""
    return split_text(text, limit, utf16_len)


def callback_data(prompt: int | None, value: str) -> str:
    """"<prompt>|<value>": the question's number and the choice's short ASCII value. Labels
    never travel here, so the length does not depend on the language."""
    data = f"{prompt if prompt is not None else ''}|{value}"
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback data over {MAX_CALLBACK_DATA} bytes: {data!r}")
    return data


def parse_callback_data(data: str | None) -> tuple[int | None, str]:
    prompt, sep, value = (data or "").partition("|")
    if not sep:
        return None, data or ""
    return (int(prompt) if prompt.isdigit() else None), value


def keyboard(message: Rendered) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    buttons = [InlineKeyboardButton(text=b.label, callback_data=callback_data(message.prompt,
                                                                              b.value))
               for b in message.buttons]
    per_row = 2 if all(len(b.label) <= SHORT_LABEL for b in message.buttons) else 1
    rows = [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def numbered(markup: InlineKeyboardMarkup | None, prompt: int | None
             ) -> InlineKeyboardMarkup | None:
    """`markup` with its buttons' callback data numbered `prompt` instead."""
    if markup is None:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [button.model_copy(update={"callback_data": callback_data(
            prompt, parse_callback_data(button.callback_data)[1])}) for button in row]
        for row in markup.inline_keyboard])


def merge(messages: list[Rendered], limit: int = MAX_TEXT) -> list[Rendered]:
    """One Telegram message per turn where it fits (`bot.channels.render.join`)."""
    return join(messages, lambda before, after:
                utf16_len(before.text) + 2 + utf16_len(after.text) <= limit)


def pieces(message: Rendered) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages to send for one reply: escaped HTML, the keyboard on the last one."""
    parts = [html.escape(part, quote=False) for part in split(message.text)]
    markup = keyboard(message)
    return [(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]
