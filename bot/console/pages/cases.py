"""Conversations with newcomers ("talk to a person", `/cases...`): the inbox of open cases
(all, mine, waiting for us; by language and topic), one case with every message in the
original beside its German translation (labelled as machine translation, or said to be
untranslated), staff's notes, and the forms to take or hand back, answer in German or
English, attach a FAQ answer, write a note, ask for an interpreter and close it; the
interpreter requests for the coordinator (`/cases/interpreters`).

Everything staff do goes through `bot.handoff.casework`, which writes the audit entries
(via "console", the staff member's identity), reading a case too. The staff group's
notification links to `CONSOLE_URL/cases/<id>` (`bot.handoff.notify`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from babel import dates
from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console import web
from bot.console.web import N_
from bot.db.tables import HandoffCase, HandoffMessage, Person
from bot.faq.titles import TITLES
from bot.handoff import casework, rules, store
from bot.handoff.translate import STAFF_LANGUAGE, STAFF_WRITES

RTL = ("ar", "fa")
VIEWS = {"open": N_("All open"), "mine": N_("Mine"), "waiting": N_("Waiting for us")}
WAITING_US = ("open", "waiting_us")
"""The person wrote last: it is staff's turn."""
STATES = {"open": N_("new"), "waiting_us": N_("waiting for us"),
          "waiting_them": N_("waiting for them"), "closed": N_("closed"),
          "erased": N_("erased")}
OUTCOMES = {"answered": N_("answered"), "referred": N_("referred elsewhere"),
            "interpreter": N_("an interpreter was arranged"),
            "no_reply": N_("no reply from the person"), "other": N_("other")}
WRITTEN_IN = {"de": N_("German"), "en": N_("English")}
DONE = {"taken": N_("You have taken this conversation."),
        "released": N_("The conversation is handed back to everyone."),
        "replied": N_("Your answer is on its way to the person; the list shows in which language."),
        "attached": N_("The FAQ answer is on its way, in the person's language."),
        "noted": N_("Your note is saved. Only staff see it."),
        "interpreter": N_("The interpreter request is on the coordinator's list."),
        "closed": N_("The conversation is closed; the person is told.")}
GONE = N_("This conversation is closed or erased: it cannot be changed any more.")


def _actor(request: Request) -> casework.Actor:
    who = web.staff(request)
    return casework.Actor(who=who.who, via="console", staff_id=who.person_id)


def _names(request: Request) -> dict[str, str]:
    """The bot's languages named in the staff member's language."""
    tr = web.console(request).chat_catalogs.translator(web.language(request))
    return {code: tr.language_names([code]) for code in web.console(request).settings.languages}


def _topics(request: Request) -> dict[str, str]:
    """The FAQ topics' titles in the staff member's language (the bot's own texts)."""
    tr = web.console(request).chat_catalogs.translator(web.language(request))
    return {topic: tr.gettext(title) for topic, title in TITLES.items()}


def _waiting(request: Request, since: datetime) -> str:
    return dates.format_timedelta(web.now(request) - since, threshold=1.1,
                                  locale=web.language(request))


def _text_dir(lang: str | None) -> str:
    return "rtl" if lang in RTL else "auto"


async def _takers(db: Any, ids: set[int]) -> dict[int, str]:
    """Who took the cases: their identity, as the audit log names them."""
    if not ids:
        return {}
    rows = await db.execute(select(Person.id, Person.channel, Person.external_id)
                            .where(Person.id.in_(ids)))
    return {pid: f"{channel}:{external}" for pid, channel, external in rows.all()}


def _common(request: Request) -> dict[str, Any]:
    return {"names": _names(request), "topics": _topics(request), "states": STATES,
            "me": web.staff(request).person_id, "text_dir": _text_dir,
            "waiting": lambda since: _waiting(request, since)}


# -- the inbox ------------------------------------------------------------------------------
async def inbox(request: Request) -> Response:
    query = request.query_params
    view = query.get("view", "open")
    view = view if view in VIEWS else "open"
    lang = query.get("lang") or None
    lang = lang if lang in web.console(request).settings.languages else None
    topic = query.get("topic") or None
    topic = topic if topic in TITLES else None
    async with web.transaction(request) as db:
        found = await store.cases(
            db, status=WAITING_US if view == "waiting" else rules.LIVE, lang=lang,
            topic=topic, staff_id=web.staff(request).person_id if view == "mine" else None,
            limit=200)
        takers = await _takers(db, {c.staff_id for c in found if c.staff_id is not None})
        counts = await store.counts(db, [c.id for c in found])
        interpreters = len(await store.interpreter_requests(db))
    return web.page(request, "cases/inbox.html", cases=found, takers=takers, counts=counts,
                    view=view, views=VIEWS, chosen_lang=lang or "",
                    chosen_topic=topic or "", interpreters=interpreters,
                    waiting_us=WAITING_US, title=N_("Conversations"), **_common(request))


# -- one case -------------------------------------------------------------------------------
async def _page(request: Request, found: HandoffCase, messages: list[HandoffMessage], *,
                status_code: int = 200, errors: Mapping[str, str] | None = None,
                values: Mapping[str, str] | None = None) -> Response:
    async with web.transaction(request) as db:
        ids = {m.staff_id for m in messages if m.staff_id is not None}
        if found.staff_id is not None:
            ids.add(found.staff_id)
        takers = await _takers(db, ids)
        requests = [r for r in await store.interpreter_requests(db, status=None)
                    if r.case_id == found.id]
    settings = web.console(request).settings
    names = _names(request)
    interpret = [(c, names.get(c, c)) for c in dict.fromkeys(
        ([found.lang] if found.lang else []) + list(settings.languages))
        if c != STAFF_LANGUAGE]
    outcomes = [("", web.gettext(request, N_("Choose an outcome")))] + [
        (key, web.gettext(request, label)) for key, label in OUTCOMES.items()]
    return web.page(request, "cases/case.html", status_code=status_code, case=found,
                    messages=messages, takers=takers, live=found.status in rules.LIVE,
                    errors=dict(errors or {}), values=dict(values or {}),
                    written_in=WRITTEN_IN, outcomes=OUTCOMES, interpret_options=interpret,
                    outcome_options=outcomes,
                    requests=requests, staff_language=STAFF_LANGUAGE,
                    done=DONE.get(request.query_params.get("done", "")),
                    title=N_("Conversation"), **_common(request))


async def show(request: Request) -> Response:
    """One case; reading it is in the audit log (`casework.read`)."""
    case_id = request.path_params["id"]
    async with web.transaction(request) as db:
        read = await casework.read(db, case_id, _actor(request), web.now(request))
    if read is None:
        raise HTTPException(404)
    found, messages = read
    return await _page(request, found, messages)


async def _again(request: Request, errors: Mapping[str, str],
                 values: Mapping[str, str]) -> Response:
    """The case again with a message at the field, nothing saved (nor read once more)."""
    case_id = request.path_params["id"]
    async with web.transaction(request) as db:
        found = await store.case(db, case_id)
        messages = await store.messages(db, case_id) if found is not None else []
    if found is None:
        raise HTTPException(404)
    return await _page(request, found, messages, status_code=422, errors=errors,
                       values=values)


def _back(request: Request, done: str) -> Response:
    return web.redirect(request, f"/cases/{request.path_params['id']}?done={done}#messages")


async def _exists(request: Request) -> None:
    async with web.transaction(request) as db:
        if await store.case(db, request.path_params["id"]) is None:
            raise HTTPException(404)


async def take(request: Request) -> Response:
    await web.form(request)
    await _exists(request)
    async with web.transaction(request) as db:
        ok = await casework.take(db, request.path_params["id"], _actor(request),
                                 web.now(request))
    return _back(request, "taken") if ok else await _again(request, {"case": GONE}, {})


async def release(request: Request) -> Response:
    await web.form(request)
    await _exists(request)
    async with web.transaction(request) as db:
        ok = await casework.release(db, request.path_params["id"], _actor(request),
                                    web.now(request))
    return _back(request, "released") if ok else await _again(request, {"case": GONE}, {})


async def reply(request: Request) -> Response:
    data = await web.form(request)
    await _exists(request)
    text = str(data.get("text", "")).strip()
    lang = str(data.get("lang", STAFF_LANGUAGE))
    values = {"text": text, "lang": lang}
    if not text:
        return await _again(request, {"text": N_("Write your answer first.")}, values)
    if lang not in STAFF_WRITES:
        return await _again(request, {"lang": N_("Choose German or English.")}, values)
    if len(text) > rules.MAX_TEXT:
        return await _again(request, {"text": N_("This is too long for one message: at most "
                                                 "2000 characters.")}, values)
    models = web.console(request).settings.translation_models_dir
    async with web.transaction(request) as db:
        sent = await casework.reply(db, request.path_params["id"], text, lang,
                                    _actor(request), web.now(request), models)
    if sent is None:
        return await _again(request, {"case": GONE}, values)
    return _back(request, "replied")


async def attach(request: Request) -> Response:
    data = await web.form(request)
    await _exists(request)
    topic = str(data.get("topic", ""))
    if topic not in TITLES:
        return await _again(request, {"topic": N_("Choose one of the topics.")},
                            {"topic": topic})
    async with web.transaction(request) as db:
        sent = await casework.attach(db, request.path_params["id"], topic, _actor(request),
                                     web.now(request))
    return _back(request, "attached") if sent else await _again(request, {"case": GONE}, {})


async def note(request: Request) -> Response:
    data = await web.form(request)
    await _exists(request)
    text = str(data.get("note", "")).strip()
    if not text:
        return await _again(request, {"note": N_("Write the note first.")}, {})
    async with web.transaction(request) as db:
        saved = await casework.note(db, request.path_params["id"], text, _actor(request),
                                    web.now(request))
    return _back(request, "noted") if saved else await _again(request, {"case": GONE}, {})


async def interpreter(request: Request) -> Response:
    data = await web.form(request)
    await _exists(request)
    language = str(data.get("language", ""))
    day = str(data.get("day", "")).strip()
    text = str(data.get("inote", "")).strip()
    values = {"language": language, "day": day, "inote": text}
    errors: dict[str, str] = {}
    if language not in web.console(request).settings.languages or language == STAFF_LANGUAGE:
        errors["language"] = N_("Choose a language.")
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        errors["day"] = N_("Give the day as a date, such as 2026-12-24.")
    else:
        if wanted < web.now(request).date():
            errors["day"] = N_("This day has passed: choose today or a later one.")
    if errors:
        return await _again(request, errors, values)
    async with web.transaction(request) as db:
        asked = await casework.interpreter(db, request.path_params["id"], language=language,
                                           wanted_on=wanted.isoformat(), note=text or None,
                                           actor=_actor(request), now=web.now(request))
    return _back(request, "interpreter") if asked else await _again(request, {"case": GONE},
                                                                     values)


async def close(request: Request) -> Response:
    data = await web.form(request)
    await _exists(request)
    outcome = str(data.get("outcome", ""))
    if outcome not in rules.OUTCOMES:
        return await _again(request, {"outcome": N_("Choose an outcome.")}, {})
    async with web.transaction(request) as db:
        ok = await casework.close(db, request.path_params["id"], outcome, _actor(request),
                                  web.now(request))
    return _back(request, "closed") if ok else await _again(request, {"case": GONE}, {})


# -- for the coordinator --------------------------------------------------------------------
async def interpreters(request: Request) -> Response:
    async with web.transaction(request) as db:
        found = await store.interpreter_requests(db)
        takers = await _takers(db, {r.staff_id for r in found if r.staff_id is not None})
    return web.page(request, "cases/interpreters.html", requests=found, takers=takers,
                    names=_names(request), title=N_("Interpreter requests"))


routes: list[BaseRoute] = [
    Route("/cases", inbox),
    Route("/cases/interpreters", interpreters),
    Route("/cases/{id:int}", show),
    Route("/cases/{id:int}/take", take, methods=["POST"]),
    Route("/cases/{id:int}/release", release, methods=["POST"]),
    Route("/cases/{id:int}/reply", reply, methods=["POST"]),
    Route("/cases/{id:int}/attach", attach, methods=["POST"]),
    Route("/cases/{id:int}/note", note, methods=["POST"]),
    Route("/cases/{id:int}/interpreter", interpreter, methods=["POST"]),
    Route("/cases/{id:int}/close", close, methods=["POST"]),
]
