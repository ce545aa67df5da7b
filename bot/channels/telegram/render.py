"""Rendered replies -> Telegram messages: HTML-escaped text in pieces of at most 4,096
UTF-16 code units, and inline keyboards whose callback data is short and opaque."""

from __future__ import annotations

import html
import re

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.render import Rendered

MAX_TEXT = 4096
"""sendMessage's limit, in UTF-16 code units after entity parsing (Bot API, sendMessage)."""
MAX_CALLBACK_DATA = 64
"""callback_data's limit in bytes (Bot API, InlineKeyboardButton)."""
SHORT_LABEL = 14
"""Buttons with labels up to this long go two to a row; longer ones get a row each."""

_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?؟。])\s+"),
           re.compile(r"\s+"))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a paragraph, else a line, else a
    sentence, else a space; a word longer than the limit is cut between characters."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        head = _prefix_within(rest, limit)
        cut = None
        for pattern in _BREAKS:
            found = [m for m in pattern.finditer(head) if m.start() > 0]
            if found:
                cut = found[-1]
                break
        if cut is None:
            pieces.append(head)
            rest = rest[len(head):]
        else:
            pieces.append(head[:cut.start()].rstrip())
            rest = rest[cut.end():]
    if rest.strip() or not pieces:
        pieces.append(rest.rstrip() if len(pieces) else rest)
    return pieces


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of whole characters within `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


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


def merge(messages: list[Rendered], limit: int = MAX_TEXT) -> list[Rendered]:
    """One Telegram message per turn where it fits: a note and the question after it, say,
    arrive as one message with the question's buttons (one notification, not three)."""
    merged: list[Rendered] = []
    for message in messages:
        last = merged[-1] if merged else None
        if (last is not None and not last.buttons
                and utf16_len(last.text) + 2 + utf16_len(message.text) <= limit):
            merged[-1] = Rendered(f"{last.text}\n\n{message.text}", message.buttons,
                                  message.prompt)
        else:
            merged.append(message)
    return merged


def pieces(message: Rendered) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages to send for one reply: escaped HTML, the keyboard on the last one."""
    parts = [html.escape(part, quote=False) for part in split(message.text)]
    markup = keyboard(message)
    return [(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]
