"""Notices as the translators' review queue sees them (`bot.review.Reviewable`, kind
"notice"): the drafts staff write in the console or the chat (`bot.notices.drafts`), one
text per language. The city's notice files (`content/notices/`) are reviewed in git with
`welcomebot notice review`, not here.

A text's state is `NoticeFile.state`; a review stamps `based_on` (the source's
fingerprint), `reviewed_by` and `reviewed_at` and drops the machine mark, so that a person
gets it without the "automatic translation" note; when staff change the source later, the
text is stale and waits again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.notices import drafts
from bot.notices.content import NoticeFile, Text, reviewed
from bot.review import WAITING, Field, Item, Waiting, problems

TITLE_MAX = 120
TEXT_MAX = 3500


class NoticeTexts:
    """The drafts' texts in the languages other than their source."""

    kind = "notice"
    label = "Notice"  # console texts: bot/console/pages/review.py marks them (LABELS)

    async def waiting(self, db: AsyncSession, langs: Collection[str]) -> list[Waiting]:
        found: list[Waiting] = []
        for notice, changed in await drafts.every(db):
            source = notice.texts[notice.source]
            for lang in langs:
                state = notice.state(lang)
                if state in WAITING:
                    found.append(Waiting(self.kind, notice.id, lang, state, source.title,
                                         changed))
        return found

    async def item(self, db: AsyncSession, key: str, lang: str) -> Item | None:
        notice = await drafts.get(db, key)
        if notice is None or lang == notice.source:
            return None
        return _item(notice, lang)

    async def save(self, db: AsyncSession, key: str, lang: str, fields: Mapping[str, str], *,
                   reviewed: bool, who: str, now: dt.datetime) -> None:
        notice = await drafts.get(db, key)
        if notice is None or lang == notice.source:
            raise LookupError(f"no notice draft {key} with a text to review in {lang}")
        wrong = problems(_item(notice, lang), fields)
        if wrong:
            raise ValueError(", ".join(f"{name}: {code}" for name, code in wrong.items()))
        await drafts.put(db, edited(notice, lang, fields, reviewed=reviewed, who=who, now=now),
                         now)


def _item(notice: NoticeFile, lang: str) -> Item:
    source = notice.texts[notice.source]
    draft = notice.texts.get(lang)
    return Item(
        "notice", notice.id, lang, notice.source, notice.state(lang),
        (Field("title", "Title", source.title, draft.title if draft else "",
               max_length=TITLE_MAX),
         Field("text", "Text", source.text, draft.text if draft else "", multiline=True,
               max_length=TEXT_MAX)),
        based_on=draft.based_on if draft and not draft.machine else None,
        reviewed_by=draft.reviewed_by if draft else None,
        reviewed_at=draft.reviewed_at if draft else None)


def edited(notice: NoticeFile, lang: str, fields: Mapping[str, str], *, reviewed: bool,
           who: str, now: dt.datetime) -> NoticeFile:
    """`notice` with the text in `lang` as edited. A changed text is a person's (no longer a
    machine draft, not reviewed until marked); an unchanged one keeps its state; with
    `reviewed` it is stamped against the source as it is now. Pure."""
    title, text = fields["title"].strip(), fields["text"].strip()
    old = notice.texts.get(lang)
    texts = dict(notice.texts)
    if old is None or (old.title, old.text.strip()) != (title, text):
        texts[lang] = Text(title=title, text=text, video=old.video if old else None)
    changed = notice.model_copy(update={"texts": texts})
    if reviewed:
        changed = _stamp(changed, lang, who, now)
    return changed


def _stamp(notice: NoticeFile, lang: str, who: str, now: dt.datetime) -> NoticeFile:
    return reviewed(notice, [lang], notice.fingerprint(), who=who, at=now)
