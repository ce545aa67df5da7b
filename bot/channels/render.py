"""Replies -> text in the reader's language, shared by every channel.

A channel then applies its own limits and markup (Telegram escapes HTML and splits at 4,096
UTF-16 units; the terminal prints buttons as `[1] Label`): `join` brings a turn's replies
together where the platform's message holds them, `bot.channels.split` cuts what is too long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.model import Reply, Text, Verbatim
from bot.i18n import Catalogs, Translator, param_of, text_of

__all__ = ["Rendered", "RenderedButton", "join", "label_of", "param_of", "render", "text_of"]


@dataclass(frozen=True)
class RenderedButton:
    label: str
    value: str


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[RenderedButton, ...] = ()
    prompt: int | None = None


def join(messages: list[Rendered], fits: Callable[[Rendered, Rendered], bool]
         ) -> list[Rendered]:
    """One platform message per turn where it fits: a reply without buttons and the one after
    it become one message (a blank line between, the second one's buttons and prompt) when
    `fits(before, after)` says the platform takes them as one. A note and the question after
    it arrive together, with the question's buttons: one notification, not two."""
    joined: list[Rendered] = []
    for message in messages:
        last = joined[-1] if joined else None
        if last is not None and not last.buttons and fits(last, message):
            joined[-1] = Rendered(f"{last.text}\n\n{message.text}", message.buttons,
                                  message.prompt)
        else:
            joined.append(message)
    return joined


def render(reply: Reply, lang: str | None, catalogs: Catalogs) -> Rendered:
    lang = reply.lang or lang
    if reply.every_language and lang is None:
        # Nobody knows yet which language the reader reads: say it in all of them.
        text = "\n".join(
            text_of(reply.text, catalogs.translator(code)) for code in catalogs.languages
        )
    else:
        text = text_of(reply.text, catalogs.translator(lang))
    tr = catalogs.translator(lang)
    buttons = tuple(RenderedButton(label_of(b.label, tr), b.value) for b in reply.buttons)
    return Rendered(text, buttons, reply.prompt)


def label_of(label: Text | Verbatim, tr: Translator) -> str:
    return label.text if isinstance(label, Verbatim) else text_of(label, tr)
