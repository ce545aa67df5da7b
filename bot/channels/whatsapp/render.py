"""Rendered replies -> Cloud API messages, within WhatsApp's limits.

- text: at most 4,096 characters a message; longer texts are split at a paragraph, else a
  line, else a sentence, else a space (as on Telegram);
- a question with up to 3 choices whose labels fit 20 characters: reply buttons;
- otherwise a list (the "Choose" button opens it): at most 10 rows, titles at most 24
  characters, descriptions at most 72; with more than 10 choices, 9 rows and a "More
  choices" row that shows the next ones;
- the body of a message with buttons or a list: at most 1,024 characters; what comes
  before goes ahead as text.

A label too long for a title is never cut inside a word: the title keeps the whole words
that fit and ends in "…", and the row's description shows the label whole. Meta counts
characters without saying how; we count UTF-16 units (an emoji as two), which errs on the
safe side, and the Unicode isolates that keep right-to-left text readable count too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.channels.render import Rendered, RenderedButton, join
from bot.channels.split import BREAKS, prefix_within, utf16_len
from bot.channels.split import split as split_text

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_LIST_BUTTON = 20
ELLIPSIS = "…"

_OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI
_CLOSER = "\u2069"  # PDI
_TRAILING = " ,;:،؛-–—"


@dataclass(frozen=True)
class Labels:
    """The channel's own words, in the reader's language."""

    choose: str
    """The button that opens a list."""
    more: str
    """The row that shows the next choices of a long list."""


@dataclass(frozen=True)
class Choice:
    """A tap on a reply button or list row: the question's number and the choice's value."""

    prompt: int | None
    value: str


@dataclass(frozen=True)
class More:
    """A tap on "More choices": show page `page` of question `prompt`'s list."""

    prompt: int | None
    page: int


length = utf16_len
"""Characters as WhatsApp may count them: UTF-16 units."""


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` units (`bot.channels.split`)."""
    return split_text(text, limit, length)


def tail_within(text: str, limit: int) -> tuple[str, str]:
    """(head, tail): the longest tail of `text` within `limit` units that starts after a
    paragraph, else a line, else a sentence, else a space. The question at the end of a
    long answer keeps its buttons; the answer before it goes ahead as text."""
    if length(text) <= limit:
        return "", text
    for pattern in BREAKS:
        for found in pattern.finditer(text):
            if found.start() > 0 and length(text[found.end():]) <= limit:
                return text[:found.start()].rstrip(), text[found.end():]
    cut = len(text) - len(prefix_within(text[::-1], limit, length))
    return text[:cut], text[cut:]


def shorten(label: str, limit: int) -> str | None:
    """`label` if it fits `limit`; else the longest run of its whole words that fits with
    "…" after it, isolates it opened closed again; None when not even one word with a
    letter in it fits (then the caller shows the label elsewhere, whole)."""
    if length(label) <= limit:
        return label
    best = None
    for word in re.finditer(r"\S+", label):
        head = label[:word.end()].rstrip(_TRAILING)
        opened = sum(head.count(c) for c in _OPENERS) - head.count(_CLOSER)
        candidate = head + _CLOSER * max(opened, 0) + ELLIPSIS
        if length(candidate) > limit:
            break
        if any(char.isalpha() for char in head):
            best = candidate
    return best


def choice_id(prompt: int | None, value: str) -> str:
    """"<prompt>|<value>", as in Telegram's callback data; a row id holds 200 characters."""
    return f"{prompt if prompt is not None else ''}|{value}"


def more_id(prompt: int | None, page: int) -> str:
    return f"more:{prompt if prompt is not None else ''}:{page}"


def parse_id(reply_id: str) -> Choice | More:
    if reply_id.startswith("more:") and "|" not in reply_id:
        _, prompt, page = (reply_id.split(":") + ["", ""])[:3]
        return More(int(prompt) if prompt.isdigit() else None,
                    int(page) if page.isdigit() else 0)
    prompt, sep, value = reply_id.partition("|")
    if not sep:
        return Choice(None, reply_id)
    return Choice(int(prompt) if prompt.isdigit() else None, value)


def merge(messages: list[Rendered]) -> list[Rendered]:
    """One WhatsApp message per turn where it fits (`bot.channels.render.join`): 1,024
    characters with buttons, 4,096 without; a blank reply is not joined to the next."""
    return join(messages, _fits)


def _fits(before: Rendered, after: Rendered) -> bool:
    limit = MAX_BODY if after.buttons else MAX_TEXT
    return bool(before.text.strip()) and length(before.text) + 2 + length(after.text) <= limit


def messages(message: Rendered, labels: Labels, page: int = 0) -> list[dict[str, Any]]:
    """The Cloud API message objects (without `to`) for one rendered reply."""
    if not message.buttons:
        return [text(piece) for piece in split(message.text) if piece.strip()]
    head, body = tail_within(message.text, MAX_BODY)
    ahead = [text(piece) for piece in split(head) if piece.strip()] if head.strip() else []
    body = body if body.strip() else ELLIPSIS
    if (len(message.buttons) <= MAX_BUTTONS
            and all(length(b.label) <= MAX_BUTTON_TITLE for b in message.buttons)):
        return [*ahead, reply_buttons(body, message.buttons, message.prompt)]
    return [*ahead, choice_list(body, message.buttons, message.prompt, labels, page)]


def text(body: str) -> dict[str, Any]:
    # No link previews: many readers are on slow, paid mobile data.
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def reply_buttons(body: str, buttons: tuple[RenderedButton, ...], prompt: int | None
                  ) -> dict[str, Any]:
    return {"type": "interactive", "interactive": {
        "type": "button", "body": {"text": body},
        "action": {"buttons": [{"type": "reply", "reply": {
            "id": choice_id(prompt, b.value), "title": b.label}} for b in buttons]}}}


def choice_list(body: str, buttons: tuple[RenderedButton, ...], prompt: int | None,
                labels: Labels, page: int = 0) -> dict[str, Any]:
    rows = [_row(number, button, prompt) for number, button in enumerate(buttons, start=1)]
    pages = _pages(rows)
    page = max(0, min(page, len(pages) - 1))
    shown = list(pages[page])
    if page < len(pages) - 1:
        shown.append({"id": more_id(prompt, page + 1),
                      "title": shorten(labels.more, MAX_ROW_TITLE) or ELLIPSIS})
    return {"type": "interactive", "interactive": {
        "type": "list", "body": {"text": body},
        "action": {"button": shorten(labels.choose, MAX_LIST_BUTTON) or "☰",
                   "sections": [{"rows": shown}]}}}


def _row(number: int, button: RenderedButton, prompt: int | None) -> dict[str, str]:
    row = {"id": choice_id(prompt, button.value)}
    if length(button.label) <= MAX_ROW_TITLE:
        row["title"] = button.label
        return row
    # The title shows the words that fit (or the choice's number, when not even one does:
    # people may type the number too); the description shows the label whole.
    row["title"] = shorten(button.label, MAX_ROW_TITLE) or f"{number}."
    row["description"] = (shorten(button.label, MAX_ROW_DESCRIPTION) or prefix_within(
        button.label, MAX_ROW_DESCRIPTION - 1, length) + ELLIPSIS)
    return row


def _pages(rows: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """10 rows fit one list; beyond that, pages of 9 and a "More choices" row."""
    pages = []
    while len(rows) > MAX_ROWS:
        pages.append(rows[:MAX_ROWS - 1])
        rows = rows[MAX_ROWS - 1:]
    pages.append(rows)
    return pages
