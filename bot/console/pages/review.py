"""The translators' review pages (`/review...`): the texts waiting for review in a
reviewer's languages (every language for staff and admins), and one text's source beside
its draft, with the glossary's terms for the language, edited and marked reviewed.

    GET  /review                          the queue: by language, kind and state (machine
                                          draft, unreviewed, stale, missing), newest first
    GET  /review/{kind}/{key}/{lang}      the source (left) beside the draft (right)
    POST /review/{kind}/{key}/{lang}      saved (`action=save`), or saved and marked
                                          reviewed (`action=review`): stamped with who, when
                                          and the source's fingerprint

A reviewer (role `reviewer`, `bot.reviewers`) reaches these pages only (the guard) and opens
only their languages (403). What is reviewable comes from the features (`bot.review`:
`kinds`, one `Reviewable` each); this module reads forms, words problems and renders
templates/review/. Every save is one transaction, audited (`review.save`,
`review.reviewed`, target "<kind>:<key>").
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot import glossary
from bot.console import web
from bot.console.web import N_
from bot.events.review import EventTexts
from bot.faq.review import FaqAnswers
from bot.notices.review import NoticeTexts
from bot.review import WAITING, Item, Reviewable, Waiting, problems, seen

ORDER = ("notice", "series", "faq")
"""The kinds in the order the queue lists them."""


def kinds(request: Request) -> list[Reviewable]:
    """What the queue lists, in this order: notices, event texts, FAQ answers."""
    settings = web.console(request).settings
    return [NoticeTexts(), EventTexts(), FaqAnswers(settings.content_dir, settings.languages)]


LABELS = (N_("Notice"), N_("Event"), N_("Title"), N_("Text"), N_("Description"),
          N_("FAQ answer"), N_("Answer"))
"""The features' labels of their kinds and fields, marked here for the console's domain."""
RTL = ("ar", "fa")
STATES = {"source": N_("source"), "reviewed": N_("reviewed"),
          "unreviewed": N_("written by a person, not reviewed"),
          "stale": N_("stale: the source changed"), "machine": N_("machine draft"),
          "missing": N_("missing")}
PROBLEMS = {"required": N_("Please fill this in."),
            "too_long": N_("Please keep this to {max} characters.")}
DONE = {"saved": N_("Saved. It still waits for a review."),
        "reviewed": N_("Saved and marked reviewed.")}
CHANGED = N_("The source changed while you were working on it: compare again, then save.")


def _kind(request: Request, name: str) -> Reviewable:
    found = next((kind for kind in kinds(request) if kind.kind == name), None)
    if found is None:
        raise HTTPException(404)
    return found


def _langs(request: Request) -> list[str]:
    """The languages this person reviews, in the bot's order."""
    me = web.staff(request)
    return [code for code in web.console(request).settings.languages if me.reviews(code)]


def _names(request: Request) -> dict[str, str]:
    locale = Locale.parse(web.language(request))
    return {code: locale.languages.get(code, code)
            for code in web.console(request).settings.languages}


def _dir(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


def _common(request: Request) -> dict[str, Any]:
    return {"language_names": _names(request), "state_names": STATES, "text_dir": _dir,
            "labels": {kind.kind: kind.label for kind in kinds(request)}}


def queue(waiting: list[Waiting], langs: list[str]) -> list[tuple[str, list[tuple[str,
                                                                               list[Waiting]]]]]:
    """`waiting` grouped by language (in `langs`' order), then kind (in `ORDER`);
    in a group by state (machine draft, unreviewed, stale, missing), the newest change
    first."""
    order = list(ORDER)

    def newest(w: Waiting) -> tuple[int, float]:
        return (WAITING.index(w.state), -(w.changed_at.timestamp() if w.changed_at else 0))

    grouped = []
    for lang in langs:
        kinds = [(kind, sorted((w for w in waiting if w.lang == lang and w.kind == kind),
                               key=newest)) for kind in order]
        kinds = [(kind, rows) for kind, rows in kinds if rows]
        if kinds:
            grouped.append((lang, kinds))
    return grouped


async def show_queue(request: Request) -> Response:
    langs = _langs(request)
    async with web.transaction(request) as db:
        waiting = [w for kind in kinds(request) for w in await kind.waiting(db, langs)]
    return web.page(request, "review/queue.html", groups=queue(waiting, langs), langs=langs,
                    count=len(waiting), done=DONE.get(request.query_params.get("done", "")),
                    title=N_("Review"), **_common(request))


def _checked(request: Request) -> tuple[Reviewable, str, str]:
    """The kind, key and language of the path; 404 for an unknown kind or language, 403 for
    a language the reviewer does not review."""
    kind = _kind(request, request.path_params["kind"])
    lang = request.path_params["lang"]
    if lang not in web.console(request).settings.languages:
        raise HTTPException(404)
    if not web.staff(request).reviews(lang):
        raise HTTPException(403)
    return kind, request.path_params["key"], lang


def _item_page(request: Request, kind: Reviewable, item: Item, *,
               values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
               status_code: int = 200, problem: str | None = None) -> Response:
    sources = "\n".join(field.source for field in item.fields)
    terms = glossary.beside(web.console(request).settings.content_dir / glossary.FILE,
                            item.lang, sources)
    return web.page(request, "review/item.html", status_code=status_code, kind=kind,
                    item=item, values=values or {f.name: f.draft for f in item.fields},
                    errors=errors or {}, terms=terms, seen=seen(item), problem=problem,
                    done=DONE.get(request.query_params.get("done", "")),
                    title=N_("Review"), **_common(request))


async def show_item(request: Request) -> Response:
    kind, key, lang = _checked(request)
    async with web.transaction(request) as db:
        item = await kind.item(db, key, lang)
    if item is None:
        raise HTTPException(404)
    return _item_page(request, kind, item)


async def save(request: Request) -> Response:
    """The edited texts kept, and with `action=review` stamped as reviewed; a text empty or
    too long -> 422 at its field, a source changed since the page was opened -> 409; in
    both cases nothing is saved."""
    data = await web.form(request)
    kind, key, lang = _checked(request)
    mark = data.get("action") == "review"
    async with web.transaction(request) as db:
        item = await kind.item(db, key, lang)
        if item is None:
            raise HTTPException(404)
        values = {f.name: str(data.get(f.name, "")).strip() for f in item.fields}
        wrong = problems(item, values)
        if wrong:
            limits = {f.name: f.max_length for f in item.fields}
            errors = {name: web.gettext(request, PROBLEMS[code]).format(max=limits[name])
                      for name, code in wrong.items()}
            return _item_page(request, kind, item, values=values, errors=errors,
                              status_code=422)
        if data.get("seen") != seen(item):
            return _item_page(request, kind, item, values=values, status_code=409,
                              problem=CHANGED)
        who = web.staff(request).who
        try:
            await kind.save(db, key, lang, values, reviewed=mark, who=who,
                            now=web.now(request))
        except ValueError as exc:  # a feature's own rule (an FAQ answer's short part)
            return _item_page(request, kind, item, values=values, status_code=422,
                              errors={item.fields[0].name: _worded(request, exc)})
        after = await kind.item(db, key, lang)
        stamp = f" based_on={after.based_on}" if mark and after is not None else ""
        await web.audit(request, db, "review.reviewed" if mark else "review.save",
                        target=f"{kind.kind}:{key}", detail=f"lang={lang}{stamp}")
    if mark:
        return web.redirect(request, "/review?done=reviewed")
    return web.redirect(request, f"/review/{kind.kind}/{key}/{lang}?done=saved")


def _worded(request: Request, problem: ValueError) -> str:
    """A feature's refusal in the staff member's language: its `msgid` (a console text)
    with its `params`, else its English message."""
    msgid = getattr(problem, "msgid", None)
    if not isinstance(msgid, str):
        return str(problem)
    return web.gettext(request, msgid).format(**getattr(problem, "params", {}))


routes: list[BaseRoute] = [
    Route("/review", show_queue),
    Route("/review/{kind}/{key}/{lang}", show_item),
    Route("/review/{kind}/{key}/{lang}", save, methods=["POST"]),
]
