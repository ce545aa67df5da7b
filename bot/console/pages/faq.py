"""The FAQ pages (`/faq`, `/faq/gaps`, `/faq/{topic}`): the topics with each language's
answer state; a topic's editor (the answer and the ways of asking per language, the German
keywords, the sources and the reviewed date); and the questions the bot could not answer,
grouped by language and wording, each group added in one go as ways of asking of a topic
or drafted into a new topic.

The rules live in the feature (`bot.faq.edits`: what an edit is, the content rules, the
answer states; `bot.faq.gaps`: the groups; `bot.faq.store`: the unanswered questions). What
is saved here is a row of `faq_edits`: the bot's processes take it up within
`bot.faq.current.EVERY` seconds and answer with it (`bot/service.py`, `renew_faq`). Every
change is one transaction, audited as the console's; what newcomers wrote never goes into
the audit log (only how many questions).

Routes: /faq/helpful and /faq/check belong to `pages/faq_quality.py`: `/faq/{topic}` is
listed after it in `bot/console/app.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from babel import Locale
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console import web
from bot.console.pages.faq_quality import LINKS
from bot.console.web import N_
from bot.faq import edits, store
from bot.faq.content import Content
from bot.faq.gaps import Asked, Group, grouped, wordings
from bot.faq.titles import TITLES

RTL = ("ar", "fa")
STATES = {"source": N_("source"), "reviewed": N_("reviewed"),
          "unreviewed": N_("written by a person, not reviewed"),
          "stale": N_("stale: the German answer changed"), "machine": N_("machine draft"),
          "missing": N_("missing")}
PROBLEMS = {
    "required": N_("Please fill this in."),
    "too_long": N_("Please keep this to {max} characters."),
    "short_too_long": N_("The first part (up to the first blank line) is what a phone shows "
                         "at once: keep it to {max} characters."),
    "few_questions": N_("Give at least {min} different ways of asking, one a line."),
    "https": N_("Please give links that start with https://, one a line."),
    "date": N_("Please give a date like 2026-12-31."),
    "topic": N_("Not a topic: {ids}"),
    "contact": N_("Not a contact: {ids}"),
    "choose": N_("Please choose a topic."),
    "topic_id": N_("Use 3 to 40 small letters, digits and dashes, like bicycle-repair."),
    "taken": N_("There is already a topic with this name."),
    "gone": N_("These questions were added or removed meanwhile; look at the list again."),
}
REVIEW_TEXTS = (N_("FAQ answer"), N_("Answer"))
"""What `bot.faq.review` shows in the translators' queue (the label, the field); its
messages (`AnswerProblem.msgid`) are those of `PROBLEMS`."""


def _languages(request: Request) -> list[str]:
    return list(web.console(request).settings.languages)


def _language_names(request: Request) -> dict[str, str]:
    locale = Locale.parse(web.language(request))
    return {code: locale.languages.get(code, code) for code in _languages(request)}


def _dir(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


def _files(request: Request) -> Content:
    return edits.files(web.console(request).settings.content_dir,
                       tuple(web.console(request).settings.languages))


def _title(request: Request, topic_id: str) -> str:
    """The topic's short title in the console's language (the bot's own, from its
    catalogs), or its id for a topic staff added."""
    if topic_id not in TITLES:
        return topic_id
    translator = web.console(request).chat_catalogs.translator(web.language(request))
    return translator.gettext(TITLES[topic_id])


def _say(request: Request, code: str, **params: object) -> str:
    return web.gettext(request, PROBLEMS[code]).format(**params)


def _common(request: Request) -> dict[str, Any]:
    return {"language_names": _language_names(request), "languages": _languages(request),
            "state_names": STATES, "text_dir": _dir, "source": edits.SOURCE}


async def _topics_in(request: Request, db: AsyncSession) -> dict[str, edits.Edited]:
    """Every topic as the bot answers with it: the files with staff's edits laid over."""
    return edits.edited(_files(request), await edits.load(db))


async def _topics(request: Request) -> dict[str, edits.Edited]:
    async with web.transaction(request) as db:
        return await _topics_in(request, db)


# -- the list ------------------------------------------------------------------------------
async def show_list(request: Request) -> Response:
    topics = await _topics(request)
    titles = {topic_id: _title(request, topic_id) for topic_id in topics}
    waiting = {topic_id: sum(1 for lang in _languages(request)
                             if topic.state(lang) not in ("source", "reviewed"))
               for topic_id, topic in topics.items()}
    return web.page(request, "faq/list.html", links=LINKS, topics=list(topics.values()),
                    titles=titles, waiting=waiting, title=N_("FAQ"), **_common(request))


# -- a topic -------------------------------------------------------------------------------
def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _values(topic: edits.Edited, languages: list[str]) -> dict[str, str]:
    data = topic.data
    values = {"reviewed": str(data.get("reviewed") or ""),
              "sources": "\n".join(data.get("sources") or []),
              "keywords": "\n".join(data.get("keywords") or [])}
    for lang in languages:
        values[f"answer_{lang}"] = topic.answer(lang)
        values[f"questions_{lang}"] = "\n".join(topic.questions(lang))
    return values


def _render_topic(request: Request, topic: edits.Edited, *, values: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None, status_code: int = 200,
                  changed_meanwhile: bool = False) -> Response:
    languages = _languages(request)
    topic_ids = set(_files(request).topics) | {topic.id}
    open_problems = [] if topic.edit is None or not topic.edit.new else [
        problem for problem in edits.problems(topic.data, languages, topic_ids)
        if problem.missing]
    return web.page(request, "faq/topic.html", status_code=status_code, topic=topic,
                    topic_title=_title(request, topic.id),
                    values=values if values is not None else _values(topic, languages),
                    errors=errors or {}, open_problems=open_problems,
                    field_names={"reviewed": N_("Reviewed on"), "sources": N_("Sources"),
                                 "keywords": N_("German keywords")},
                    saved=request.query_params.get("saved") == "1",
                    changed_meanwhile=changed_meanwhile, title=N_("FAQ topic"), **_common(request))


async def show_topic(request: Request) -> Response:
    topic = (await _topics(request)).get(request.path_params["topic"])
    if topic is None:
        raise HTTPException(404)
    return _render_topic(request, topic)


def _changed(topic: edits.Edited, data: FormData, languages: list[str]) -> dict[str, Any]:
    """The topic's keys as the form has them (in a topic file's shape)."""
    answers = dict(topic.data.get("answer") or {})
    questions = dict(topic.data.get("questions") or {})
    for lang in languages:
        answers[lang] = str(data.get(f"answer_{lang}", "")).strip().replace("\r\n", "\n")
        questions[lang] = edits.with_questions([], _lines(str(data.get(f"questions_{lang}",
                                                                       ""))))
    return {"reviewed": str(data.get("reviewed", "")).strip() or None,
            "sources": _lines(str(data.get("sources", ""))),
            "keywords": _lines(str(data.get("keywords", ""))),
            "answer": {lang: text for lang, text in answers.items() if text},
            "questions": {lang: texts for lang, texts in questions.items() if texts}}


async def save_topic(request: Request) -> Response:
    data = await web.form(request)
    topic_id = request.path_params["topic"]
    languages = _languages(request)
    who, now = web.staff(request).who, web.now(request)
    async with web.transaction(request) as db:
        found = await _topics_in(request, db)
        topic = found.get(topic_id)
        if topic is None:
            raise HTTPException(404)
        if str(data.get("revision", "0")) != str(topic.edit.revision if topic.edit else 0):
            # Saved by someone else since this form was shown (a group of unanswered
            # questions added, another editor): saving the form's lists would drop theirs.
            return _render_topic(request, topic, status_code=409, changed_meanwhile=True)
        changed = _changed(topic, data, languages)
        merged = edits.raw(topic.file, edits.Edit(topic_id, changed))
        broken = [problem for problem in edits.problems(merged, languages, set(found))
                  if not (topic.edit is not None and topic.edit.new and problem.missing)]
        if broken:
            errors = {problem.at.replace(".", "_"): _say(request, problem.code,
                                                         **problem.params)
                      for problem in broken}
            values = {key: str(value) for key, value in data.items() if key != "csrf"}
            return _render_topic(request, topic, values=values, errors=errors,
                                 status_code=422)
        reviews = dict(topic.reviews)
        german = changed["answer"].get(edits.SOURCE, "")
        for lang in languages:
            if lang == edits.SOURCE or not changed["answer"].get(lang):
                continue
            if data.get(f"reviewed_{lang}") == "yes":
                reviews[lang] = edits.stamp("reviewed", german, who, now)
            elif changed["answer"][lang] != topic.answer(lang).strip():
                reviews[lang] = edits.stamp("unreviewed", german, who, now)
        # Only what differs from the file is kept: a later release of the file still counts
        # for the rest.
        base = topic.file.model_dump(mode="json") if topic.file is not None else {}
        kept = {key: value for key, value in changed.items() if base.get(key) != value}
        await edits.save(db, topic_id, kept, reviews, who=who, now=now, added={},
                         new=topic.file is None)
        await web.audit(request, db, "faq.edit", target=f"faq:{topic_id}",
                        detail=",".join(sorted(kept)) or None)
    return web.redirect(request, f"/faq/{topic_id}?saved=1")


# -- the unanswered questions --------------------------------------------------------------
def _render_gaps(request: Request, groups: list[Group], topics: dict[str, edits.Edited], *,
                 errors: dict[str, str] | None = None, chosen: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    titles = {topic_id: _title(request, topic_id) for topic_id in topics}
    by_lang: dict[str, list[Group]] = {}
    for group in groups:
        by_lang.setdefault(group.lang, []).append(group)
    # The language asked most in first.
    order = sorted(by_lang, key=lambda lang: (-sum(g.count for g in by_lang[lang]), lang))
    return web.page(request, "faq/gaps.html", links=LINKS, status_code=status_code,
                    by_lang=[(lang, by_lang[lang]) for lang in order], count=len(groups),
                    topic_ids=sorted(topics, key=lambda t: titles[t].casefold()),
                    titles=titles, errors=errors or {}, chosen=chosen or {},
                    added=request.query_params.get("added"), title=N_("Unanswered questions"),
                    **_common(request))


async def show_gaps(request: Request, *, errors: dict[str, str] | None = None,
                    chosen: dict[str, str] | None = None, status_code: int = 200) -> Response:
    async with web.transaction(request) as db:
        asked = await store.open_gaps(db)
        topics = await _topics_in(request, db)
    return _render_gaps(request, grouped(asked), topics, errors=errors, chosen=chosen,
                        status_code=status_code)


def _ids(data: FormData) -> list[int]:
    return sorted({int(str(value)) for value in data.getlist("gap") if str(value).isdigit()})


async def _refuse(request: Request, key: str, code: str, chosen: dict[str, str]) -> Response:
    return await show_gaps(request, errors={key: _say(request, code)}, chosen=chosen,
                           status_code=422)


def _one_group(rows: Sequence[Asked], ids: Sequence[int]) -> bool:
    """The questions posted are all still listed, and of one language (a group)."""
    return bool(rows) and len(rows) == len(ids) and len({row.lang for row in rows}) == 1


async def add_gaps(request: Request) -> Response:
    """A group of unanswered questions added as ways of asking of a topic; they leave the
    list."""
    data = await web.form(request)
    ids = _ids(data)
    topic_id = str(data.get("topic", "")).strip()
    key = f"topic-{ids[0] if ids else 0}"
    async with web.transaction(request) as db:
        topics = await _topics_in(request, db)
        rows = await store.gaps_by_id(db, ids)
        if topic_id not in topics:
            problem = "choose"
        elif not _one_group(rows, ids):
            problem = "gone"
        else:
            problem = ""
            lang = rows[0].lang
            added = await edits.add_questions(
                db, topic_id, lang, wordings(rows), who=web.staff(request).who,
                now=web.now(request), existing=topics[topic_id].questions(lang))
            await store.drop_gaps(db, ids)
            await web.audit(request, db, "faq.gaps.add", target=f"faq:{topic_id}",
                            detail=f"lang={lang} questions={len(rows)} added={added}")
    if problem:
        return await _refuse(request, key, problem, {key: topic_id})
    return web.redirect(request, f"/faq/gaps?added={topic_id}")


async def draft_topic(request: Request) -> Response:
    """A new topic drafted from a group: its questions as the ways of asking in their
    language, the rest (the German answer first) to be written in the editor."""
    data = await web.form(request)
    ids = _ids(data)
    topic_id = str(data.get("new_topic", "")).strip().lower()
    key = f"new-{ids[0] if ids else 0}"
    async with web.transaction(request) as db:
        topics = await _topics_in(request, db)
        rows = await store.gaps_by_id(db, ids)
        if not edits.TOPIC_ID.fullmatch(topic_id):
            problem = "topic_id"
        elif topic_id in topics or topic_id in TITLES:
            problem = "taken"
        elif not _one_group(rows, ids):
            problem = "gone"
        else:
            problem = ""
            await edits.draft(db, topic_id, rows[0].lang, wordings(rows),
                              who=web.staff(request).who, now=web.now(request))
            await store.drop_gaps(db, ids)
            await web.audit(request, db, "faq.draft", target=f"faq:{topic_id}",
                            detail=f"lang={rows[0].lang} questions={len(rows)}")
    if problem:
        return await _refuse(request, key, problem, {key: topic_id})
    return web.redirect(request, f"/faq/{topic_id}")


routes: list[BaseRoute] = [
    Route("/faq", show_list),
    Route("/faq/gaps", show_gaps),
    Route("/faq/gaps/add", add_gaps, methods=["POST"]),
    Route("/faq/gaps/draft", draft_topic, methods=["POST"]),
    Route("/faq/{topic:str}", show_topic),
    Route("/faq/{topic:str}", save_topic, methods=["POST"]),
]
