"""Replies -> text in the reader's language, shared by every channel.

A channel then applies its own limits and markup (Telegram escapes HTML and splits at 4,096
UTF-16 units; the terminal prints buttons as `[1] Label`): `join` brings a turn's replies
together where the platform's message holds them, `bot.channels.split` cuts what is too long.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.engine.model import Lines, Param, Reply, Text, Verbatim
from bot.i18n import Catalogs, Translator

log = logging.getLogger(__name__)


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


def text_of(text: Text, tr: Translator) -> str:
    """`text` in `tr`'s language as a whole message (or label) shows it: its template
    translated, its parameters filled in, and in Arabic and Persian every line set to read
    right to left (`Translator.lay_out`)."""
    return tr.lay_out(_composed(text, tr))


def _composed(text: Text, tr: Translator) -> str:
    """`text` translated with its parameters filled in: a whole message, or the value of
    another message's parameter."""
    if text.plural is not None and text.count is not None:
        count = text.params.get(text.count)
        n = count if isinstance(count, int) else 0
        template = tr.ngettext(text.msgid, text.plural, n)
        if text.context:
            found = tr.translations.npgettext(text.context, text.msgid, text.plural, n)
            template = found if found not in (text.msgid, text.plural) else template
    else:
        template = tr.gettext(text.msgid)
        if text.context:
            # A context the catalog lacks falls back to the text without one (neutral).
            found = tr.translations.pgettext(text.context, text.msgid)
            template = found if found != text.msgid else template
    values = _Params({name: param_of(value, tr) for name, value in text.params.items()})
    try:
        return tr.template(template).format_map(values)
    except (IndexError, ValueError, AttributeError):
        # A translation with a broken placeholder must not cost the user the message;
        # tests/test_i18n.py keeps this from shipping.
        log.error("bad_translation lang=%s msgid=%r", tr.lang, text.msgid)
        return tr.template(text.msgid).format_map(values)


class _Params(dict[str, str]):
    """A placeholder without a value stays visible instead of failing the whole message."""

    def __missing__(self, key: str) -> str:
        log.error("missing_param name=%s", key)
        return "{" + key + "}"


def param_of(value: Param, tr: Translator) -> str:
    if value is None:
        return ""
    if isinstance(value, Text):
        return _composed(value, tr)  # the whole message it goes into is laid out once
    if isinstance(value, Lines):
        return value.sep.join(param_of(item, tr) for item in value.items)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return tr.isolate(tr.number(value))
    if isinstance(value, datetime):
        return tr.isolate(tr.datetime(value))
    if isinstance(value, date):
        return tr.isolate(tr.date(value))
    if isinstance(value, Verbatim):
        return tr.isolate(value.text)
    return tr.isolate(str(value))
