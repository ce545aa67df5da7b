"""Texts waiting for a translator: what every reviewable feature offers the review queue.

A translator (role `reviewer`, with languages) sees the texts waiting in their languages:
notices (`bot.notices`), event titles and descriptions (`bot.events`) and FAQ answers
(`bot.faq`). Each feature offers one `Reviewable`; the console's review pages
(`bot/console/pages/review.py`) list what `waiting` returns, show `item` (the source beside
the draft, with the glossary for the language) and `save` an edit, optionally marking it
reviewed. A review is stamped with who, when and the fingerprint of the source it was checked
against (`based_on`); when the source changes later, the text is `stale` and waits again.

    class NoticeTexts:                         # one per feature
        kind = "notice"
        label = "Notice"                       # shown in the queue (console domain)
        async def waiting(self, db, langs): ...
        async def item(self, db, key, lang): ...
        async def save(self, db, key, lang, fields, *, reviewed, who, now): ...
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

State = Literal["source", "reviewed", "unreviewed", "machine", "stale", "missing"]
WAITING: tuple[State, ...] = ("machine", "unreviewed", "stale", "missing")
"""The states that put a text in the queue."""


@dataclass(frozen=True)
class Waiting:
    """One text in one language waiting for review, as the queue lists it."""

    kind: str
    key: str
    """The notice id, event series id or FAQ topic id."""
    lang: str
    state: State
    title: str
    """What it is, in the source language (the notice's title, the topic's id)."""
    changed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Field:
    """One text of an item: the source language's beside the draft in the reviewed language."""

    name: str
    """The form field's name ("title", "text", "answer")."""
    label: str
    """Its label, a console text (marked N_ where it is defined)."""
    source: str
    draft: str
    multiline: bool = False
    max_length: int = 4000


@dataclass(frozen=True)
class Item:
    """What the review page shows for one text in one language."""

    kind: str
    key: str
    lang: str
    source_lang: str
    state: State
    fields: tuple[Field, ...]
    based_on: str | None = None
    """The fingerprint of the source the last review checked (None: never reviewed)."""
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None


class Reviewable(Protocol):
    """A feature's texts as the review queue sees them."""

    kind: str
    label: str

    async def waiting(self, db: AsyncSession, langs: Collection[str]) -> list[Waiting]:
        """Texts in `langs` whose state is in `WAITING`."""
        ...

    async def item(self, db: AsyncSession, key: str, lang: str) -> Item | None:
        """One text with its source; None when there is no such text or language."""
        ...

    async def save(self, db: AsyncSession, key: str, lang: str, fields: Mapping[str, str], *,
                   reviewed: bool, who: str, now: dt.datetime) -> None:
        """Keep the edited `fields`; with `reviewed`, stamp who, `now` and the source's
        fingerprint (and drop the machine mark). Raises ValueError with a message for the
        field when a text is empty or too long (nothing saved)."""
        ...


Problem = Literal["required", "too_long"]


def problems(item: Item, fields: Mapping[str, str]) -> dict[str, Problem]:
    """What is wrong with the edited `fields` of `item`, by field name: empty ("required")
    or longer than the field allows ("too_long"). Pure; a page words them."""
    found: dict[str, Problem] = {}
    for field in item.fields:
        value = fields.get(field.name, "").strip()
        if not value:
            found[field.name] = "required"
        elif len(value) > field.max_length:
            found[field.name] = "too_long"
    return found


def seen(item: Item) -> str:
    """A fingerprint of the source texts of `item` as shown: a review form carries it, and
    a review is refused when the source changed since the page was opened."""
    joined = "\x1f".join(f"{f.name}\x1e{f.source}" for f in item.fields)
    return hashlib.sha256(f"{item.source_lang}\x1d{joined}".encode()).hexdigest()[:12]
