"""FAQ topics edited in the staff console, laid over the topic files.

The city's topic files (`content/faq/<id>.yaml`, `content.py`) stay as they are; what staff
change in the console is a row of `faq_edits` per topic:

    topic     the keys staff changed, in the shape of a topic file ({"answer": {...}, ...});
              a key given replaces the file's (a language's answer or ways of asking: the
              whole `answer` and `questions` mappings are kept, so nothing half-merges)
    added     ways of asking added from the unanswered questions, per language: appended to
              the topic's own, each once (`add_questions`)
    reviews   per language, how its answer stands: {"state": "reviewed" | "unreviewed" |
              "machine", "based_on": the fingerprint of the German answer it was checked
              against, "by": who, "at": ISO time}
    new       a topic of the console's own (drafted from unanswered questions); it goes live
              once it meets every content rule, as a file must

`merge(files, edits)` is the content the bot answers from (pure); a topic whose edit breaks a
rule (it cannot, through the console, which refuses it at the field: `problems`) keeps its
file's version. A language's answer state (`state`) compares its review stamp with the
German answer: a file's translations count as reviewed against the file's German answer, so
changing the German makes the others stale until a person checks them again.

The database functions never commit; `revision` grows with every save so that each of the
bot's processes notices a change (`signature`) and builds its desk again (`current.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import FaqEdit
from bot.faq.content import (
    MIN_QUESTIONS,
    SHORT_ANSWER,
    Content,
    Topic,
    load_content,
    split_answer,
)

log = logging.getLogger(__name__)

SOURCE = "de"
"""The language the answers are written in first; the others are checked against it."""
MAX_ANSWER = 4000
MAX_QUESTION = 200
MAX_KEYWORD = 60
TOPIC_ID = re.compile(r"[a-z][a-z0-9-]{1,38}[a-z0-9]")
State = Literal["source", "reviewed", "unreviewed", "machine", "stale", "missing"]
Signature = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Edit:
    """One topic's row of `faq_edits` (see the module's docstring)."""

    topic_id: str
    topic: Mapping[str, Any] = field(default_factory=dict)
    added: Mapping[str, Sequence[str]] = field(default_factory=dict)
    reviews: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    new: bool = False
    revision: int = 0
    changed_at: dt.datetime | None = None
    changed_by: str | None = None


@dataclass(frozen=True)
class Problem:
    """A content rule a topic breaks, `at` a form's field: `answer.fa`, `questions.de`,
    `sources`, `related`, `contacts`, `keywords`, `reviewed`."""

    at: str
    code: str
    """required | too_long | few_questions | https | date | topic | contact"""
    params: Mapping[str, Any] = field(default_factory=dict)
    missing: bool = False
    """Only something not written yet (a new topic's draft may be kept with it)."""


def fingerprint(text: str) -> str:
    """The fingerprint of a (German) answer: a review names the version it checked."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def _same(text: str) -> str:
    return " ".join(text.casefold().split())


def with_questions(existing: Iterable[str], more: Iterable[str]) -> list[str]:
    """`existing`, then each of `more` not there yet (case and spacing aside), in order."""
    seen: set[str] = set()
    result: list[str] = []
    for text in [*existing, *more]:
        text = " ".join(text.split())
        if text and _same(text) not in seen:
            seen.add(_same(text))
            result.append(text)
    return result


def blank(topic_id: str) -> dict[str, Any]:
    """A new topic with nothing written yet, in a topic file's shape."""
    return {"id": topic_id, "reviewed": None, "sources": [], "related": [], "contacts": [],
            "keywords": [], "answer": {}, "questions": {}}


def raw(file_topic: Topic | None, edit: Edit | None, topic_id: str = "") -> dict[str, Any]:
    """The topic as a topic file would hold it: the file's (or a blank one), the edit's keys
    over it, then the added ways of asking."""
    data = (file_topic.model_dump(mode="json") if file_topic is not None
            else blank(edit.topic_id if edit is not None else topic_id))
    if edit is None:
        return data
    data.update({key: value for key, value in edit.topic.items() if key != "id"})
    questions = {lang: list(texts) for lang, texts in (data.get("questions") or {}).items()}
    for lang, texts in edit.added.items():
        questions[lang] = with_questions(questions.get(lang, []), texts)
    data["questions"] = questions
    return data


def problems(data: Mapping[str, Any], languages: Sequence[str], topic_ids: Collection[str],
             contact_ids: Collection[str] | None = None) -> list[Problem]:
    """Every content rule `data` (a topic in a file's shape) breaks, at its field: the same
    rules the topic files are held to (`content.py`), and the answer's shape (a short first
    part of at most `SHORT_ANSWER` characters)."""
    found: list[Problem] = []
    reviewed = data.get("reviewed")
    if not reviewed:
        found.append(Problem("reviewed", "required", missing=True))
    else:
        try:
            dt.date.fromisoformat(str(reviewed))
        except ValueError:
            found.append(Problem("reviewed", "date"))
    sources = list(data.get("sources") or [])
    if not sources:
        found.append(Problem("sources", "required", missing=True))
    elif any(not str(url).startswith("https://") or len(str(url)) < 12 or " " in str(url)
             for url in sources):
        found.append(Problem("sources", "https"))
    if any(len(str(word)) > MAX_KEYWORD for word in data.get("keywords") or []):
        found.append(Problem("keywords", "too_long", {"max": MAX_KEYWORD}))
    wrong = [t for t in data.get("related") or [] if t not in topic_ids or t == data.get("id")]
    if wrong:
        found.append(Problem("related", "topic", {"ids": ", ".join(map(str, wrong))}))
    if contact_ids is not None:
        unknown = [c for c in data.get("contacts") or [] if c not in contact_ids]
        if unknown:
            found.append(Problem("contacts", "contact", {"ids": ", ".join(map(str, unknown))}))
    answers: Mapping[str, str] = data.get("answer") or {}
    questions: Mapping[str, Sequence[str]] = data.get("questions") or {}
    for lang in languages:
        text = str(answers.get(lang) or "").strip()
        if not text:
            found.append(Problem(f"answer.{lang}", "required", missing=True))
        elif len(text) > MAX_ANSWER:
            found.append(Problem(f"answer.{lang}", "too_long", {"max": MAX_ANSWER}))
        elif len(split_answer(text)[0]) > SHORT_ANSWER:
            found.append(Problem(f"answer.{lang}", "short_too_long", {"max": SHORT_ANSWER}))
        asked = list(questions.get(lang) or [])
        if any(len(q) > MAX_QUESTION for q in asked):
            found.append(Problem(f"questions.{lang}", "too_long", {"max": MAX_QUESTION}))
        elif len({_same(q) for q in asked if q.strip()}) < MIN_QUESTIONS:
            found.append(Problem(f"questions.{lang}", "few_questions",
                                 {"min": MIN_QUESTIONS}, missing=True))
    return found


def merge(files: Content, edits: Iterable[Edit], languages: Sequence[str],
          contact_ids: Collection[str] | None = None) -> Content:
    """The content the bot answers from: the files' topics, each edited one as staff left
    it, and the new topics that meet every rule (a draft waits). An edit that breaks a rule
    leaves the file's version (and a line in the log)."""
    topics = dict(files.topics)
    edits = list(edits)
    ids = set(topics) | {edit.topic_id for edit in edits}
    for edit in edits:
        data = raw(files.topics.get(edit.topic_id), edit)
        broken = problems(data, languages, ids, contact_ids)
        if broken:
            if not (edit.new and all(p.missing for p in broken)):
                log.warning("faq_edit_ignored topic=%s problems=%d", edit.topic_id, len(broken))
            continue
        try:
            topics[edit.topic_id] = Topic.model_validate(data)
        except ValidationError:
            log.warning("faq_edit_ignored topic=%s problems=shape", edit.topic_id)
    return Content(topics, files.smalltalk)


def state(data: Mapping[str, Any], reviews: Mapping[str, Mapping[str, Any]],
          file_topic: Topic | None, lang: str) -> State:
    """How `lang`'s answer stands: source (German), missing, reviewed against the German
    answer as it is now, stale (the German changed since), unreviewed (written by a person,
    not checked) or machine (a machine's draft). A file's translation counts as reviewed
    against the file's German answer."""
    answers: Mapping[str, str] = data.get("answer") or {}
    text = str(answers.get(lang) or "").strip()
    if not text:
        return "missing"
    if lang == SOURCE:
        return "source"
    now = fingerprint(str(answers.get(SOURCE) or ""))
    stamp = reviews.get(lang)
    if stamp is not None:
        if stamp.get("state") == "reviewed":
            return "reviewed" if stamp.get("based_on") == now else "stale"
        return "machine" if stamp.get("state") == "machine" else "unreviewed"
    if file_topic is not None and file_topic.answer.get(lang, "").strip() == text:
        return "reviewed" if fingerprint(file_topic.answer.get(SOURCE, "")) == now else "stale"
    return "unreviewed"


def stamp(state: Literal["reviewed", "unreviewed", "machine"], german: str, who: str,
          now: dt.datetime) -> dict[str, Any]:
    """A language's review stamp: checked (or written) against this German answer."""
    return {"state": state, "based_on": fingerprint(german), "by": who, "at": now.isoformat()}


@dataclass(frozen=True)
class Edited:
    """A topic as staff see it: the file's (if any) with the edit laid over it."""

    id: str
    data: Mapping[str, Any]
    """In a topic file's shape (`raw`)."""
    file: Topic | None
    edit: Edit | None

    @property
    def reviews(self) -> Mapping[str, Mapping[str, Any]]:
        return self.edit.reviews if self.edit is not None else {}

    def state(self, lang: str) -> State:
        return state(self.data, self.reviews, self.file, lang)

    def answer(self, lang: str) -> str:
        return str((self.data.get("answer") or {}).get(lang) or "")

    def questions(self, lang: str) -> list[str]:
        return list((self.data.get("questions") or {}).get(lang) or [])


@functools.lru_cache(maxsize=4)
def files(content_dir: Path, languages: tuple[str, ...]) -> Content:
    """The topic files (read once a process: they change with a release)."""
    return load_content(content_dir, languages)


def edited(content: Content, found: Iterable[Edit]) -> dict[str, Edited]:
    """Every topic, the files' first (in their order), then the new ones by id."""
    by_id = {edit.topic_id: edit for edit in found}
    topics = {topic_id: Edited(topic_id, raw(topic, by_id.get(topic_id)), topic,
                               by_id.get(topic_id))
              for topic_id, topic in content.topics.items()}
    for topic_id in sorted(set(by_id) - set(topics)):
        topics[topic_id] = Edited(topic_id, raw(None, by_id[topic_id]), None, by_id[topic_id])
    return topics


# -- the database (never commits) ----------------------------------------------------------
def _edit(row: FaqEdit) -> Edit:
    return Edit(row.topic_id, dict(row.topic or {}), dict(row.added or {}),
                dict(row.reviews or {}), row.new, row.revision, row.changed_at, row.changed_by)


async def load(db: AsyncSession) -> list[Edit]:
    """Every topic's edit, by topic id."""
    rows = await db.scalars(select(FaqEdit).order_by(FaqEdit.topic_id))
    return [_edit(row) for row in rows]


async def find(db: AsyncSession, topic_id: str) -> Edit | None:
    row = await db.get(FaqEdit, topic_id)
    return _edit(row) if row is not None else None


async def signature(db: AsyncSession) -> Signature:
    """What changes whenever any edit is saved: each topic's revision (a few rows)."""
    rows = await db.execute(select(FaqEdit.topic_id, FaqEdit.revision)
                            .order_by(FaqEdit.topic_id))
    return tuple((topic_id, revision) for topic_id, revision in rows)


async def save(db: AsyncSession, topic_id: str, topic: Mapping[str, Any],
               reviews: Mapping[str, Mapping[str, Any]], *, who: str, now: dt.datetime,
               added: Mapping[str, Sequence[str]] | None = None, new: bool = False) -> Edit:
    """Keep `topic` (the changed keys, in a topic file's shape) and `reviews` as the topic's
    edit; `added` replaces the added ways of asking when given (the editor saves the whole
    lists in `topic` and passes {})."""
    row = await db.get(FaqEdit, topic_id, with_for_update=True)
    if row is None:
        row = FaqEdit(topic_id=topic_id, topic={}, added={}, reviews={}, new=new, revision=0)
        db.add(row)
    row.topic = {key: value for key, value in topic.items() if key != "id"}
    row.reviews = {lang: dict(value) for lang, value in reviews.items()}
    if added is not None:
        row.added = {lang: list(texts) for lang, texts in added.items() if texts}
    row.revision = (row.revision or 0) + 1
    row.changed_at, row.changed_by = now, who
    await db.flush()
    return _edit(row)


async def add_questions(db: AsyncSession, topic_id: str, lang: str, texts: Iterable[str], *,
                        who: str, now: dt.datetime, existing: Iterable[str] = ()) -> int:
    """Add `texts` as ways of asking `topic_id` in `lang`, each once (case and spacing
    aside, and leaving out those in `existing`: the topic's own); how many were new."""
    row = await db.get(FaqEdit, topic_id, with_for_update=True)
    if row is None:
        row = FaqEdit(topic_id=topic_id, topic={}, added={}, reviews={}, new=False, revision=0)
        db.add(row)
    own = [*existing, *((row.topic or {}).get("questions") or {}).get(lang, [])]
    before = list((row.added or {}).get(lang, []))
    known = with_questions(own, before)
    more = with_questions(known, texts)[len(known):]
    if not more:
        return 0
    row.added = {**(row.added or {}), lang: [*before, *more]}
    row.revision = (row.revision or 0) + 1
    row.changed_at, row.changed_by = now, who
    await db.flush()
    return len(more)


async def draft(db: AsyncSession, topic_id: str, lang: str, texts: Iterable[str], *,
                who: str, now: dt.datetime) -> Edit:
    """A new topic with `texts` as its ways of asking in `lang`, nothing else written yet.
    ValueError when the id is taken."""
    if await db.get(FaqEdit, topic_id) is not None:
        raise ValueError(topic_id)
    row = FaqEdit(topic_id=topic_id, topic={"questions": {lang: with_questions([], texts)}},
                  added={}, reviews={}, new=True, revision=1, changed_at=now, changed_by=who)
    db.add(row)
    await db.flush()
    return _edit(row)
