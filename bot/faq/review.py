"""FAQ answers in the translators' queue (`bot.review`, kind "faq"): each topic's answer in
each language but German, with the German answer as its source.

What a reviewer saves is an edit of the topic (`edits.py`): the bot takes it up when it
next renews its desk (`current.py`). Marking it reviewed stamps the fingerprint of the
German answer it was checked against; a later change of the German makes it stale again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.faq import edits
from bot.faq.content import SHORT_ANSWER, split_answer
from bot.review import WAITING, Field, Item, Waiting

ANSWER_LABEL = "Answer"
"""The field's label (a console text: the console's FAQ page marks it)."""
TOO_SHORT = "Please fill this in."
TOO_LONG = "Please keep this to {max} characters."
SHORT_PART = ("The first part (up to the first blank line) is what a phone shows at once: "
              "keep it to {max} characters.")


class AnswerProblem(ValueError):
    """What is wrong with an answer: `str()` is the English message (`msgid` with `params`
    filled in); a page translates `msgid` (a console text) and fills in `params` itself."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params


class FaqAnswers:
    """The FAQ's `Reviewable`: `FaqAnswers(settings.content_dir, settings.languages)`."""

    kind = "faq"
    label = "FAQ answer"

    def __init__(self, content_dir: Path, languages: Sequence[str]) -> None:
        self.content_dir = content_dir
        self.languages = tuple(languages)

    async def _topics(self, db: AsyncSession) -> dict[str, edits.Edited]:
        return edits.edited(edits.files(self.content_dir, self.languages),
                            await edits.load(db))

    async def waiting(self, db: AsyncSession, langs: Collection[str]) -> list[Waiting]:
        """Answers in `langs` that are missing, machine-made, not reviewed or stale (topics
        whose German answer is not written yet wait for that first)."""
        found = []
        for topic in (await self._topics(db)).values():
            if not topic.answer(edits.SOURCE).strip():
                continue
            for lang in self.languages:
                if lang == edits.SOURCE or lang not in langs:
                    continue
                state = topic.state(lang)
                if state in WAITING:
                    found.append(Waiting(self.kind, topic.id, lang, state, topic.id,
                                         topic.edit.changed_at if topic.edit else None))
        return found

    async def item(self, db: AsyncSession, key: str, lang: str) -> Item | None:
        topic = (await self._topics(db)).get(key)
        if topic is None or lang not in self.languages or lang == edits.SOURCE:
            return None
        stamp = topic.reviews.get(lang) or {}
        at = stamp.get("at")
        return Item(self.kind, key, lang, edits.SOURCE, topic.state(lang),
                    (Field("answer", ANSWER_LABEL, topic.answer(edits.SOURCE),
                           topic.answer(lang), multiline=True, max_length=edits.MAX_ANSWER),),
                    based_on=stamp.get("based_on") if stamp.get("state") == "reviewed" else None,
                    reviewed_by=stamp.get("by") if stamp.get("state") == "reviewed" else None,
                    reviewed_at=(dt.datetime.fromisoformat(at)
                                 if at and stamp.get("state") == "reviewed" else None))

    async def save(self, db: AsyncSession, key: str, lang: str, fields: Mapping[str, str], *,
                   reviewed: bool, who: str, now: dt.datetime) -> None:
        """The answer in `lang` kept as an edit of the topic; `AnswerProblem` (a ValueError:
        the message for the field `answer`) when it is empty or too long, nothing saved."""
        topic = (await self._topics(db)).get(key)
        if topic is None or lang not in self.languages or lang == edits.SOURCE:
            raise KeyError(key)
        text = str(fields.get("answer", topic.answer(lang))).strip()
        if not text:
            raise AnswerProblem(TOO_SHORT)
        if len(text) > edits.MAX_ANSWER:
            raise AnswerProblem(TOO_LONG, max=edits.MAX_ANSWER)
        if len(split_answer(text)[0]) > SHORT_ANSWER:
            raise AnswerProblem(SHORT_PART, max=SHORT_ANSWER)
        reviews = dict(topic.reviews)
        if reviewed:
            reviews[lang] = edits.stamp("reviewed", topic.answer(edits.SOURCE), who, now)
        elif text != topic.answer(lang).strip():
            reviews[lang] = edits.stamp("unreviewed", topic.answer(edits.SOURCE), who, now)
        changed = dict(topic.edit.topic) if topic.edit is not None else {}
        changed["answer"] = {**(topic.data.get("answer") or {}), lang: text}
        await edits.save(db, key, changed, reviews, who=who, now=now)
