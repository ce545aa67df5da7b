"""The Notices pages (`/notices...`): every notice (the city's files and the drafts staff
write) newest first with where it is; a notice written in German or English and kept as a
draft in the database (`bot.notices.drafts`, as the chat's /compose keeps them); every
language side by side with its state, edited and marked reviewed, machine drafts on a
button; a phone-sized preview per language as the bot shows it; the audience with the
number of people per language, counted as it is typed (htmx); sending now or at a time,
pause, resume, cancel and the tally per language.

The rules live in the feature (`bot.notices`: `content`, `drafts`, `audience`, `store`,
`plan`, `translation`, `actions.message`); this module reads forms, words problems in the
staff member's language and renders templates/notices/. Every change is one transaction,
audited as the console's. The city's notice files are shown and sent, never written: they
are edited in `content/notices/`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console import charts, web
from bot.console.web import N_
from bot.db.tables import AuditEntry, Notice
from bot.districts import districts_in
from bot.engine.cursor import as_param
from bot.engine.model import Text as ChatText
from bot.i18n import text_of
from bot.notices import actions, approvals, drafts, store, translation
from bot.notices.audience import AudienceError, parse
from bot.notices.composer import new_id
from bot.notices.content import NoticeError, NoticeFile, Text, expires_at, reviewed
from bot.notices.plan import channel_seconds, daily_waves, paid_cost, send_plan
from bot.notices.topics import TOPICS

SOURCES = ("de", "en")
RTL = ("ar", "fa")
TOPIC_NAMES = {"health": N_("Health and hygiene"), "events": N_("Dialogues and language cafés"),
               "courses": N_("Courses"), "general": N_("General news from the city")}
STATES = {"source": N_("source"), "reviewed": N_("reviewed"),
          "unreviewed": N_("written by a person, not reviewed"),
          "stale": N_("stale: the source changed"), "machine": N_("machine draft"),
          "missing": N_("missing")}
PROGRESS = {"draft": N_("draft"), "scheduled": N_("scheduled"), "sending": N_("sending"),
            "paused": N_("paused"), "sent": N_("sent"), "expired": N_("expired"),
            "cancelled": N_("cancelled")}
SHARES = {"source": N_("the original"), "reviewed": N_("reviewed translation"),
          "unreviewed": N_("translation, not reviewed"),
          "stale": N_("stale translation"), "machine": N_("machine draft, with a note"),
          "machine_off": N_("machine draft not allowed: the fallback, with a note"),
          "missing": N_("no translation: the fallback, with a note")}
TALLIED = ("sent", "delivered", "read", "pending", "paused", "failed", "unreachable",
           "no-template", "skipped", "expired", "cancelled")
TALLY_NAMES = {"sent": N_("sent"), "delivered": N_("delivered"), "read": N_("read"),
               "pending": N_("waiting"), "paused": N_("paused"), "failed": N_("failed"),
               "unreachable": N_("unreachable"), "no-template": N_("no template"),
               "skipped": N_("skipped"), "expired": N_("expired"),
               "cancelled": N_("cancelled")}
OUTCOME_NAMES = {"read": N_("read"), "delivered": N_("delivered, not read yet"),
                 "sent": N_("sent, not confirmed"), "pending": N_("waiting"),
                 "paused": N_("paused"), "failed": N_("failed"),
                 "unreachable": N_("unreachable"), "no-template": N_("no template"),
                 "skipped": N_("skipped"), "expired": N_("expired"),
                 "cancelled": N_("cancelled")}
"""The chart's parts (`store.outcomes`: each message once)."""
PROBLEMS = {
    "required": N_("Please fill this in."),
    "choice": N_("Please choose one of the options."),
    "too_long": N_("Please keep this to {max} characters."),
    "link": N_("Please give a link that starts with https://."),
    "when": N_("Please give a date and time like 2026-12-31 23:00."),
    "past": N_("This time has passed; please choose a later one."),
    "audience": N_("Write it like topic:health locale:ar,fa district:mitte role:newcomer "
                   "channel:telegram."),
    "file": N_("This notice is a file of the city's, or was sent and its draft is gone: it "
                "cannot be changed here."),
    "expired": N_("The notice has expired; nothing was sent."),
    "nobody": N_("Nobody is in this audience."),
}
TITLE_MAX, TEXT_MAX = 120, 3500


def _tz(request: Request) -> ZoneInfo:
    return ZoneInfo(web.console(request).settings.timezone)


def _languages(request: Request) -> list[str]:
    return list(web.console(request).settings.languages)


def _language_names(request: Request) -> dict[str, str]:
    locale = Locale.parse(web.language(request))
    return {code: locale.languages.get(code, code) for code in _languages(request)}


def _say(request: Request, code: str, **params: object) -> str:
    return web.gettext(request, PROBLEMS[code]).format(**params)


def _common(request: Request) -> dict[str, Any]:
    return {"language_names": _language_names(request), "languages": _languages(request),
            "topic_names": TOPIC_NAMES, "topics": list(TOPICS), "sources": SOURCES,
            "state_names": STATES, "progress_names": PROGRESS, "text_dir": _dir}


def _dir(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


# -- reading a notice --------------------------------------------------------------------
@dataclass(frozen=True)
class Shown:
    """A notice of the path, and whether the console may change it: a draft may be; the
    city's file, or one that was sent after its draft was purged, is only shown and sent."""

    notice: NoticeFile
    editable: bool


async def _found(request: Request) -> Shown:
    notice_id = request.path_params["notice_id"]
    try:
        async with web.transaction(request) as db:
            found = await drafts.find(db, web.console(request).settings.content_dir,
                                      notice_id)
            sent = await db.get(Notice, notice_id) if found is None else None
    except NoticeError:
        found = sent = None
    if found is not None:
        return Shown(found.notice, found.path is None)
    if sent is not None:
        return Shown(NoticeFile.model_validate(sent.definition), False)
    raise HTTPException(404)


async def _reviews(request: Request, notice_id: str) -> dict[str, str]:
    """Who marked each language reviewed last (the audit log keeps the stamp)."""
    async with web.transaction(request) as db:
        entries = (await db.execute(
            select(AuditEntry.who, AuditEntry.detail)
            .where(AuditEntry.target == f"notice:{notice_id}",
                   AuditEntry.action.in_(("notices.review", "notices.text")))
            .order_by(AuditEntry.at, AuditEntry.id))).all()
    found: dict[str, str] = {}
    for who, detail in entries:
        fields = dict(part.partition("=")[::2] for part in (detail or "").split())
        if "lang" in fields and ("based_on" in fields or "reviewed" in fields):
            found[fields["lang"]] = who
        elif "lang" in fields:
            found.pop(fields["lang"], None)
    return found


def _files(request: Request) -> list[NoticeFile]:
    folder = web.console(request).settings.content_dir / "notices"
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            found.append(drafts.in_files(web.console(request).settings.content_dir,
                                         path.stem))
        except NoticeError:
            continue
    return [f.notice for f in found if f is not None]


# -- the list --------------------------------------------------------------------------------
async def listing(request: Request) -> Response:
    now = web.now(request)
    async with web.transaction(request) as db:
        written = await drafts.every(db)
        sent = {row.id: row for row in await store.queued(db)}
        tallies = {notice_id: await store.tally(db, notice_id, "-") for notice_id in sent}
    rows: dict[str, dict[str, Any]] = {}
    for notice, changed in written:
        rows[notice.id] = {"notice": notice, "at": changed, "file": False}
    for notice in _files(request):
        rows.setdefault(notice.id, {"notice": notice, "at": None, "file": True})
    for notice_id, row in sent.items():
        entry = rows.setdefault(notice_id, {
            "notice": NoticeFile.model_validate(row.definition), "at": None, "file": False})
        entry["at"] = max(filter(None, (entry["at"], row.queued_at)))
    for notice_id, entry in rows.items():
        queued = sent.get(notice_id)
        tally = tallies.get(notice_id, {})
        entry["state"] = store.progress(
            tally, queued=queued is not None, send_at=queued.send_at if queued else None,
            expires_at=queued.expires_at if queued else None, now=now)
        entry["total"] = sum(sum(c.values()) for s, c in tally.items()
                             if s not in store.RECEIPTS)
        entry["done"] = sum(sum(c.values()) for s, c in tally.items()
                            if s not in (*store.RECEIPTS, "pending", "paused"))
    ordered = sorted(rows.values(), key=lambda e: (e["at"] is not None, e["at"] or now),
                     reverse=True)
    return web.page(request, "notices/list.html", rows=ordered, title=N_("Notices"),
                    **_common(request))


# -- writing -------------------------------------------------------------------------------
def _read(request: Request, data: FormData, *, new: bool
          ) -> tuple[dict[str, str], dict[str, str]]:
    """The write form's fields, and a message per field that is not right."""
    values = {name: str(data.get(name, "")).strip()
              for name in ("source", "title", "text", "topic", "link", "expires")}
    values["allow"] = "yes" if data.get("allow") == "yes" else ""
    errors: dict[str, str] = {}
    if new and values["source"] not in SOURCES:
        errors["source"] = _say(request, "choice")
    for name, limit in (("title", TITLE_MAX), ("text", TEXT_MAX)):
        if not values[name]:
            errors[name] = _say(request, "required")
        elif len(values[name]) > limit:
            errors[name] = _say(request, "too_long", max=limit)
    if values["topic"] not in TOPICS:
        errors["topic"] = _say(request, "choice")
    if values["link"] and not _https(values["link"]):
        errors["link"] = _say(request, "link")
    if values["expires"]:
        expiry = _local_time(values["expires"])
        if expiry is None:
            errors["expires"] = _say(request, "when")
        elif expiry.replace(tzinfo=_tz(request)) <= web.now(request):
            errors["expires"] = _say(request, "past")
    return values, errors


def _https(link: str) -> bool:
    """A link a notice may carry (`Text.video`): https, no spaces."""
    return link.startswith("https://") and len(link) > 8 and not any(
        c.isspace() for c in link)


def _local_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.replace("T", " ")).replace(tzinfo=None)
    except ValueError:
        return None


def _form_page(request: Request, values: dict[str, str], errors: dict[str, str], *,
               notice: NoticeFile | None = None, status_code: int = 200) -> Response:
    return web.page(request, "notices/write.html", status_code=status_code, values=values,
                    errors=errors, notice=notice,
                    title=N_("Edit the notice") if notice else N_("Write a notice"),
                    **_common(request))


async def new_form(request: Request) -> Response:
    source = web.language(request)
    return _form_page(request, {"source": source if source in SOURCES else "de",
                                "topic": "general"}, {})


async def create(request: Request) -> Response:
    data = await web.form(request)
    values, errors = _read(request, data, new=True)
    if errors:
        return _form_page(request, values, errors, status_code=422)
    now = web.now(request)
    notice = NoticeFile(
        id=new_id(values["title"], now), topic=values["topic"],  # type: ignore[arg-type]
        source=values["source"], allow_machine_translation=values["allow"] == "yes",
        expires=_local_time(values["expires"]) if values["expires"] else None,
        texts={values["source"]: Text(title=values["title"], text=values["text"],
                                      video=values["link"] or None)})
    content_dir = web.console(request).settings.content_dir
    async with web.transaction(request) as db:
        made = await drafts.create(db, notice, now, taken=lambda notice_id: drafts.file_of(
            content_dir, notice_id) is not None)
        await web.audit(request, db, "notices.write", target=f"notice:{made.id}")
    return web.redirect(request, f"/notices/{made.id}?done=written")


async def _draft(request: Request) -> NoticeFile:
    """The draft of the path (a file of the city's is not changed here: 409)."""
    found = await _found(request)
    if not found.editable:
        raise HTTPException(409, _say(request, "file"))
    return found.notice


async def edit_form(request: Request) -> Response:
    notice = await _draft(request)
    source = notice.texts[notice.source]
    values = {"source": notice.source, "title": source.title, "text": source.text.strip(),
              "topic": notice.topic, "link": source.video or "",
              "expires": f"{notice.expires:%Y-%m-%d %H:%M}" if notice.expires else "",
              "allow": "yes" if notice.allow_machine_translation else ""}
    return _form_page(request, values, {}, notice=notice)


async def edit(request: Request) -> Response:
    """The source text and what goes with it; translations become stale when it changes."""
    data = await web.form(request)
    notice = await _draft(request)
    values, errors = _read(request, data, new=False)
    values["source"] = notice.source
    if errors:
        return _form_page(request, values, errors, notice=notice, status_code=422)
    texts = dict(notice.texts)
    texts[notice.source] = texts[notice.source].model_copy(update={
        "title": values["title"], "text": values["text"], "video": values["link"] or None})
    changed = notice.model_copy(update={
        "texts": texts, "topic": values["topic"],
        "allow_machine_translation": values["allow"] == "yes",
        "expires": _local_time(values["expires"]) if values["expires"] else None})
    async with web.transaction(request) as db:
        await drafts.put(db, changed, web.now(request))
        await web.audit(request, db, "notices.edit", target=f"notice:{notice.id}")
    return web.redirect(request, f"/notices/{notice.id}?done=saved")


# -- one notice: languages, previews, audience, sending, tally ----------------------------
def _preview(request: Request, notice: NoticeFile, lang: str) -> dict[str, Any]:
    """The notice as the bot shows it to a reader of `lang` (`notices:show`)."""
    settings = web.console(request).settings
    shown_in, how = notice.outgoing(lang, settings.default_language)
    message = as_param(actions.message(notice, lang, settings.default_language))
    assert isinstance(message, ChatText)
    tr = web.console(request).chat_catalogs.translator(lang)
    return {"lang": lang, "text": text_of(message, tr), "how": how, "shown_in": shown_in}


def _without_model(request: Request, notice: NoticeFile) -> list[str]:
    """The languages no installed model reaches from the source (all, without argos)."""
    translation.configure(web.console(request).settings.translation_models_dir)
    targets = [code for code in _languages(request) if code != notice.source]
    return [target for _, target in translation.missing_pairs(notice.source, targets)]


async def _tally(request: Request, notice_id: str) -> dict[str, Any]:
    settings = web.console(request).settings
    async with web.transaction(request) as db:
        tally = await store.tally(db, notice_id, settings.default_language)
        row = await db.get(Notice, notice_id)
        waits = await store.waiting(db, notice_id)
    state = store.progress(tally, queued=row is not None,
                           send_at=row.send_at if row else None,
                           expires_at=row.expires_at if row else None, now=web.now(request))
    statuses = [s for s in TALLIED if s in tally]
    languages = sorted({lang for counts in tally.values() for lang in counts})
    total = sum(sum(c.values()) for s, c in tally.items() if s not in store.RECEIPTS)
    done = total - sum(tally.get("pending", Counter()).values()) - sum(
        tally.get("paused", Counter()).values())
    names = _language_names(request)
    parts = store.outcomes(tally)
    chart = charts.stacked_bars(
        web.gettext(request, N_("Tally per language")),
        [(names.get(lang, lang), {s: c[lang] for s, c in parts.items()})
         for lang in languages],
        [(s, web.gettext(request, OUTCOME_NAMES[s])) for s in parts])
    return {"tally": tally, "statuses": statuses, "tally_languages": languages, "waiting": waits,
            "state": state, "sent_row": row, "total": total, "finished": done,
            "tally_names": TALLY_NAMES, "tally_chart": chart}


async def _counts(request: Request, expression: str, notice: NoticeFile
                  ) -> tuple[dict[str, Any], str | None]:
    settings = web.console(request).settings
    try:
        chosen = parse(expression, tuple(settings.languages),
                       districts=districts_in(settings.content_dir))
    except AudienceError as exc:
        return {}, f"{_say(request, 'audience')} ({exc})"
    async with web.transaction(request) as db:
        counts = await store.count(db, chosen, settings.default_language)
        reach = await store.reach(db, chosen, settings.default_language, web.now(request))
        known = await approvals.known(db)
        answered, _ = await approvals.last_checked(db)
    plan = send_plan(notice, counts, settings.default_language, settings.telegram_rate)
    seconds = channel_seconds(reach.channels, {"telegram": settings.telegram_rate,
                                               "whatsapp": settings.whatsapp_rate},
                              settings.telegram_rate)
    plan = replace(plan, seconds=seconds, minutes=max(1, math.ceil(seconds / 60)))
    template = approvals.for_push(approvals.listed(settings.content_dir), approvals.NOTICE)
    checked = answered is not None and _checks(request) is None
    states = {lang: approvals.state(template, lang, known, checked)
              for lang in _languages(request)}
    # Those outside the window in a language with a template open a conversation each.
    opening = sum(n for lang, n in reach.outside_window.items()
                  if states.get(lang) in approvals.SENDS)
    waves = daily_waves(opening, reach.opened, settings.whatsapp_daily_limit)
    telegram = reach.channels.get("telegram", 0)
    return {"plan": plan, "share_names": SHARES, "outside": reach.outside_window,
            "waves": waves, "daily_limit": settings.whatsapp_daily_limit,
            "opened": reach.opened, "telegram": telegram,
            "paid_allowed": settings.telegram_paid_broadcast,
            "paid_rate": int(settings.telegram_paid_rate),
            "paid_stars": f"{paid_cost(telegram):g}",
            "template_states": states, "approval_names": APPROVAL_NAMES,
            "without_template": [lang for lang, found in states.items()
                                 if found not in approvals.SENDS],
            "whatsapp": reach.channels.get("whatsapp", 0),
            "sends": approvals.SENDS}, None


async def show(request: Request) -> Response:
    found = await _found(request)
    notice = found.notice
    expression = request.query_params.get("audience") or f"topic:{notice.topic}"
    audience, problem = await _counts(request, expression, notice)
    return web.page(
        request, "notices/show.html", notice=notice, editable=found.editable,
        reviewers=await _reviews(request, notice.id),
        previews=[_preview(request, notice, code) for code in _languages(request)],
        without_model=await asyncio.to_thread(_without_model, request, notice),
        fingerprint=notice.fingerprint(), audience=expression, audience_error=problem,
        done=request.query_params.get("done", ""), errors={}, values={}, title=N_("Notice"),
        **audience, **await _tally(request, notice.id), **_common(request))


async def text_form(request: Request) -> Response:
    """One language's text edited (and marked reviewed, or not)."""
    data = await web.form(request)
    notice = await _draft(request)
    lang = request.path_params["lang"]
    if lang not in _languages(request) or lang == notice.source:
        raise HTTPException(404)
    values = {name: str(data.get(name, "")).strip() for name in ("title", "text", "link")}
    errors: dict[str, str] = {}
    for name, limit in (("title", TITLE_MAX), ("text", TEXT_MAX)):
        if not values[name]:
            errors[name] = _say(request, "required")
        elif len(values[name]) > limit:
            errors[name] = _say(request, "too_long", max=limit)
    if values["link"] and not _https(values["link"]):
        errors["link"] = _say(request, "link")
    if errors:
        return web.page(request, "notices/text.html", status_code=422, notice=notice,
                        lang=lang, values=values, errors=errors, title=N_("Notice"),
                        **_common(request))
    texts = dict(notice.texts)
    texts[lang] = Text(title=values["title"], text=values["text"],
                       video=values["link"] or None)
    changed = notice.model_copy(update={"texts": texts})
    mark = data.get("reviewed") == "yes"
    if mark:
        changed = reviewed(changed, [lang], changed.fingerprint(),
                           who=web.staff(request).who, at=web.now(request))
    async with web.transaction(request) as db:
        await drafts.put(db, changed, web.now(request))
        await web.audit(request, db, "notices.text", target=f"notice:{notice.id}",
                        detail=f"lang={lang}" + (f" reviewed={changed.fingerprint()}"
                                                 if mark else ""))
    return web.redirect(request, f"/notices/{notice.id}?done=saved#lang-{lang}")


async def text_page(request: Request) -> Response:
    notice = await _draft(request)
    lang = request.path_params["lang"]
    if lang not in _languages(request) or lang == notice.source:
        raise HTTPException(404)
    text = notice.texts.get(lang)
    values = {"title": text.title if text else "", "text": text.text.strip() if text else "",
              "link": (text.video or "") if text else ""}
    return web.page(request, "notices/text.html", notice=notice, lang=lang, values=values,
                    errors={}, title=N_("Notice"), **_common(request))


async def review(request: Request) -> Response:
    """A language's text marked as checked against the source as it is now."""
    await web.form(request)
    notice = await _draft(request)
    lang = request.path_params["lang"]
    if lang == notice.source or lang not in notice.texts:
        raise HTTPException(404)
    stamp = notice.fingerprint()
    async with web.transaction(request) as db:
        await drafts.put(db, reviewed(notice, [lang], stamp, who=web.staff(request).who,
                                         at=web.now(request)), web.now(request))
        await web.audit(request, db, "notices.review", target=f"notice:{notice.id}",
                        detail=f"lang={lang} based_on={stamp}")
    return web.redirect(request, f"/notices/{notice.id}?done=reviewed#lang-{lang}")


async def translate(request: Request) -> Response:
    """Machine drafts for the languages without a text a person wrote, where a model is."""
    await web.form(request)
    notice = await _draft(request)
    settings = web.console(request).settings

    wanted = [code for code in translation.targets(notice, settings.languages)
              if translation.needs_draft(notice, code)]
    if not wanted:
        return web.redirect(request, f"/notices/{notice.id}?done=uptodate")

    def drafting() -> translation.Drafted | None:
        translation.configure(settings.translation_models_dir)
        if translation.unavailable() is not None:
            return None
        return translation.draft(notice, wanted)

    try:
        drafted = await asyncio.to_thread(drafting)
    except translation.TranslationError:
        drafted = None
    if drafted is None or not drafted.drafted:
        return web.redirect(request, f"/notices/{notice.id}?done=nodraft")
    async with web.transaction(request) as db:
        current = await drafts.get(db, notice.id)
        if current is None or current.fingerprint() != notice.fingerprint():
            return web.redirect(request, f"/notices/{notice.id}?done=changed")
        texts = dict(current.texts)
        for code in drafted.drafted:
            if translation.needs_draft(current, code):
                texts[code] = drafted.notice.texts[code]
        await drafts.put(db, current.model_copy(update={"texts": texts}), web.now(request))
        await web.audit(request, db, "notices.translate", target=f"notice:{notice.id}",
                        detail="drafted=" + ",".join(drafted.drafted))
    return web.redirect(request, f"/notices/{notice.id}?done=drafted")


async def audience(request: Request) -> Response:
    """The people per language of the audience as typed (an htmx fragment)."""
    data = await web.form(request)
    notice = (await _found(request)).notice
    expression = str(data.get("audience", "")).strip()
    found, problem = await _counts(request, expression, notice)
    return web.page(request, "notices/_audience.html", notice=notice, audience=expression,
                    audience_error=problem, **found, **_common(request))


async def send(request: Request) -> Response:
    data = await web.form(request)
    found = await _found(request)
    notice = found.notice
    settings = web.console(request).settings
    expression = str(data.get("audience", "")).strip()
    at = str(data.get("at", "")).strip()
    # Urgent, paid (Telegram's paid broadcast): only where the city allows it.
    paid = data.get("paid") == "yes" and settings.telegram_paid_broadcast
    errors: dict[str, str] = {}
    now = web.now(request)
    start = now
    chosen = None
    try:
        chosen = parse(expression, tuple(settings.languages),
                       districts=districts_in(settings.content_dir))
    except AudienceError as exc:
        errors["audience"] = f"{_say(request, 'audience')} ({exc})"
    if at:
        local = _local_time(at)
        if local is None:
            errors["at"] = _say(request, "when")
        else:
            start = local.replace(tzinfo=_tz(request)).astimezone(dt.UTC)
            if start < now - dt.timedelta(minutes=1):
                errors["at"] = _say(request, "past")
    expiry = expires_at(notice, _tz(request))
    if not errors and expiry is not None and expiry <= start:
        errors["at"] = _say(request, "expired")
    if not errors and chosen is not None:
        async with web.transaction(request) as db:
            if not await store.count(db, chosen, settings.default_language):
                errors["audience"] = _say(request, "nobody")
    if errors or chosen is None:
        counts, problem = await _counts(request, expression, notice)
        return web.page(
            request, "notices/show.html", status_code=422, notice=notice,
            editable=found.editable, reviewers=await _reviews(request, notice.id),
            previews=[_preview(request, notice, code) for code in _languages(request)],
            without_model=await asyncio.to_thread(_without_model, request, notice),
            fingerprint=notice.fingerprint(), audience=expression, audience_error=problem,
            done="", errors=errors, values={"at": at, "paid": paid}, title=N_("Notice"),
            **counts,
            **await _tally(request, notice.id), **_common(request))
    async with web.transaction(request) as db:
        added = await store.queue(db, notice, expression, chosen, send_at=start,
                                  expires_at=expiry, now=now, urgent=paid)
        await web.audit(request, db, "notices.send", target=f"notice:{notice.id}",
                        detail=f"queued={added} audience={expression}"
                               + (" paid" if paid else ""))
    return web.redirect(request, f"/notices/{notice.id}?done=queued#tally")


async def pause(request: Request) -> Response:
    await web.form(request)
    notice = (await _found(request)).notice
    async with web.transaction(request) as db:
        held = await store.pause(db, notice.id)
        await web.audit(request, db, "notices.pause", target=f"notice:{notice.id}",
                        detail=f"held={held}")
    return web.redirect(request, f"/notices/{notice.id}?done=paused#tally")


async def resume(request: Request) -> Response:
    await web.form(request)
    notice = (await _found(request)).notice
    async with web.transaction(request) as db:
        freed = await store.resume(db, notice.id)
        await web.audit(request, db, "notices.resume", target=f"notice:{notice.id}",
                        detail=f"freed={freed}")
    return web.redirect(request, f"/notices/{notice.id}?done=resumed#tally")


async def cancel(request: Request) -> Response:
    """What has not gone out is dropped (`store.cancel`); who got it keeps it."""
    await web.form(request)
    notice = (await _found(request)).notice
    async with web.transaction(request) as db:
        dropped = await store.cancel(db, notice.id, web.now(request))
        await web.audit(request, db, "notices.cancel", target=f"notice:{notice.id}",
                        detail=f"cancelled={dropped}")
    return web.redirect(request, f"/notices/{notice.id}?done=cancelled#tally")


async def tally(request: Request) -> Response:
    """The tally as a fragment (the page asks for it again while sending)."""
    notice = (await _found(request)).notice
    return web.page(request, "notices/_tally.html", notice=notice,
                    **await _tally(request, notice.id), **_common(request))


# -- WhatsApp templates ---------------------------------------------------------------
APPROVAL_NAMES = {"approved": N_("approved"), "pending": N_("waiting for Meta"),
                  "rejected": N_("rejected"), "paused": N_("paused by Meta"),
                  "disabled": N_("disabled by Meta"), "other": N_("another status"),
                  "not_at_meta": N_("not at Meta"), "not_listed": N_("not used"),
                  "unknown": N_("not checked")}
APPROVAL_LOOKS = {"approved": "reviewed", "pending": "machine", "rejected": "missing",
                  "paused": "missing", "disabled": "missing", "other": "missing",
                  "not_at_meta": "missing", "not_listed": "", "unknown": ""}
"""The look of each state (the classes of the languages' states)."""
UNANSWERED = dt.timedelta(minutes=1)
"""An ask this much later than Meta's last answer did not get one."""


def _checks(request: Request) -> str | None:
    """Why the bot does not ask Meta about the templates (None: it does)."""
    settings = web.console(request).settings
    if not settings.whatsapp:
        return N_("WhatsApp is not configured (WHATSAPP_PHONE_NUMBER_ID and the three "
                  "values with it).")
    if not settings.whatsapp_business_account_id:
        return N_("WHATSAPP_BUSINESS_ACCOUNT_ID is not set: the bot asks Meta only with it. "
                  "Until then the languages the templates file lists are taken as approved.")
    return None


async def templates(request: Request) -> Response:
    """Each template of content/whatsapp-templates.yaml per language with Meta's status."""
    listed = approvals.listed(web.console(request).settings.content_dir)
    async with web.transaction(request) as db:
        known = await approvals.known(db)
        answered, asked = await approvals.last_checked(db)
    checked = answered is not None
    languages = _languages(request)
    rows = [{"template": template,
             "states": {lang: approvals.state(template, lang, known, checked)
                        for lang in languages}}
            for template in listed]
    return web.page(request, "notices/templates.html", rows=rows, answered=answered,
                    asked=asked, not_checked=_checks(request),
                    unanswered=asked is not None and (answered is None
                                                      or asked - answered > UNANSWERED),
                    approval_names=APPROVAL_NAMES, approval_looks=APPROVAL_LOOKS,
                    done=request.query_params.get("done", ""),
                    title=N_("WhatsApp templates"), **_common(request))


async def check_templates(request: Request) -> Response:
    """Ask the bot to ask Meta now (the next look of a bot process, within a minute)."""
    await web.form(request)
    if _checks(request) is not None:
        raise HTTPException(409, web.gettext(request, _checks(request) or ""))
    async with web.transaction(request) as db:
        await approvals.check_soon(db)
        await web.audit(request, db, "notices.templates_check")
    return web.redirect(request, "/notices/templates?done=asked")


routes: list[BaseRoute] = [
    Route("/notices", listing),
    Route("/notices/new", new_form),
    Route("/notices/new", create, methods=["POST"]),
    Route("/notices/templates", templates),
    Route("/notices/templates/check", check_templates, methods=["POST"]),
    Route("/notices/{notice_id}", show),
    Route("/notices/{notice_id}/edit", edit_form),
    Route("/notices/{notice_id}/edit", edit, methods=["POST"]),
    Route("/notices/{notice_id}/texts/{lang}", text_page),
    Route("/notices/{notice_id}/texts/{lang}", text_form, methods=["POST"]),
    Route("/notices/{notice_id}/review/{lang}", review, methods=["POST"]),
    Route("/notices/{notice_id}/translate", translate, methods=["POST"]),
    Route("/notices/{notice_id}/audience", audience, methods=["POST"]),
    Route("/notices/{notice_id}/send", send, methods=["POST"]),
    Route("/notices/{notice_id}/pause", pause, methods=["POST"]),
    Route("/notices/{notice_id}/resume", resume, methods=["POST"]),
    Route("/notices/{notice_id}/cancel", cancel, methods=["POST"]),
    Route("/notices/{notice_id}/tally", tally),
]
