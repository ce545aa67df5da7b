"""The Events pages (`/events...`): the dates, filtered; a series created or edited in a
form with its next dates previewed as fields change (htmx); one date cancelled or moved
after a confirmation, everyone booked told; who comes, with CSV and Excel; a short message
to everyone booked, in their languages.

The rules live in the feature (`bot.events.series_form`, `changes`, `attendance`,
`staff_message`); this module reads forms, words problems in the staff member's language
and renders templates/events/. Every change is one transaction, audited as the console's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console import web
from bot.console.web import N_
from bot.db.tables import Event, EventSeries
from bot.districts import districts_in
from bot.events import attendance, changes, staff_message, store
from bot.events.series import Series
from bot.events.series_form import (
    AUDIENCES,
    FEATURES,
    KINDS,
    REPEATS,
    Problem,
    fields_of,
    next_dates,
    read_date,
    read_form,
    read_time,
)

KIND_NAMES = {"language_cafe": N_("Language café"), "dialogue": N_("Refugee Dialogue")}
AUDIENCE_NAMES = {"everyone": N_("Everyone"), "women": N_("Women only"),
                  "families": N_("Families"), "youth": N_("Young people")}
FEATURE_NAMES = {"childcare": N_("Childcare"), "interpreter": N_("Interpreters"),
                 "wheelchair": N_("Wheelchair accessible")}
REPEAT_NAMES = {"once": N_("Once"), "weekly": N_("Every week"),
                "biweekly": N_("Every two weeks"), "monthly": N_("Every month")}
SHOWN = {"upcoming": N_("Coming"), "past": N_("Past"), "cancelled": N_("Cancelled")}
PROBLEMS = {
    "required": N_("Please fill this in."),
    "choice": N_("Please choose one of the options."),
    "number": N_("Please give a whole number from {min} to {max}."),
    "date": N_("Please give a date like 2026-12-08."),
    "time": N_("Please give a time like 18:00."),
    "past": N_("This date has passed; please choose a later one."),
    "too_long": N_("Please keep this to {max} characters."),
    "title_needed": N_("Please give a title in at least one language."),
    "seats_exceed": N_("The seats kept for the groups add up to more than the capacity "
                       "({capacity})."),
    "until_before_start": N_("The last date must not lie before the first."),
    "until_or_count": N_("Give a last date or a number of dates, not both."),
    "id_pattern": N_("Use lowercase letters, digits and hyphens (two or more)."),
    "language_needed": N_("Choose at least one language spoken there."),
    "exists": N_("A series with this short name exists already; choose another."),
    "gone": N_("This date cannot be changed any more (it was cancelled or has passed)."),
}
RTL = ("ar", "fa")
FORMATS = {"de": {"long": "EEEE, d. MMMM y, HH:mm", "short": "EEE, d. MMM y, HH:mm"},
           "en": {"long": "EEEE d MMMM y, HH:mm", "short": "EEE d MMM y, HH:mm"}}
"""How the pages write a time: the weekday too (staff plan by it)."""


def formats(request: Request) -> dict[str, str]:
    return FORMATS.get(web.language(request), FORMATS["en"])
PAGE = 200


def _tz(request: Request) -> ZoneInfo:
    return ZoneInfo(web.console(request).settings.timezone)


def _languages(request: Request) -> list[str]:
    return list(web.console(request).settings.languages)


def _language_names(request: Request) -> dict[str, str]:
    """The bot's languages named in the staff member's language."""
    locale = Locale.parse(web.language(request))
    return {code: locale.languages.get(code, code) for code in _languages(request)}


def _districts(request: Request) -> list[str]:
    return list(districts_in(web.console(request).settings.content_dir).names)


def _problems(request: Request, errors: Mapping[str, Problem]) -> dict[str, str]:
    """Each problem worded in the staff member's language (the field shows it as it is)."""
    return {name: web.gettext(request, PROBLEMS[p.code]).format(**p.params)
            for name, p in errors.items()}


def _title(request: Request, titles: Mapping[str, str]) -> tuple[str, str]:
    return attendance.title_in(titles, web.language(request))


def _dir(lang: str) -> str:
    return "rtl" if lang in RTL else "auto"


def _common(request: Request) -> dict[str, Any]:
    return {"kind_names": KIND_NAMES, "audience_names": AUDIENCE_NAMES,
            "feature_names": FEATURE_NAMES, "repeat_names": REPEAT_NAMES,
            "language_names": _language_names(request), "languages": _languages(request),
            "districts": _districts(request), "kinds": KINDS, "audiences": AUDIENCES,
            "features": FEATURES, "repeats": REPEATS, "text_dir": _dir,
            "title_of": lambda titles: _title(request, titles), "fmt": formats(request)}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


# -- the list -------------------------------------------------------------------------------
async def listing(request: Request) -> Response:
    query = request.query_params
    shown = query.get("shown") if query.get("shown") in SHOWN else "upcoming"
    kind = query.get("kind") if query.get("kind") in KINDS else ""
    district = query.get("district", "")
    language = query.get("language", "")
    now = web.now(request)
    select_events = select(Event)
    if shown == "upcoming":
        select_events = select_events.where(Event.status == "scheduled",
                                            Event.starts_at > now).order_by(Event.starts_at)
    elif shown == "past":
        select_events = select_events.where(Event.status == "scheduled",
                                            Event.starts_at <= now).order_by(
            Event.starts_at.desc())
    else:
        select_events = select_events.where(Event.status == "cancelled").order_by(
            Event.starts_at.desc())
    if kind:
        select_events = select_events.where(Event.kind == kind)
    async with web.transaction(request) as db:
        events = [e for e in await db.scalars(select_events)
                  if (not district or e.details.get("district") == district)
                  and (not language or language in e.details.get("languages", ()))][:PAGE]
        ids = [e.id for e in events]
        taken = await store.taken(db, ids) if ids else {}
        waiting = await store.waiting_counts(db, ids) if ids else {}
    rows = [{"event": e, "booked": sum(taken.get(e.id, {}).values()),
             "waiting": waiting.get(e.id, 0), "title": _title(request, e.details["title"])}
            for e in events]
    return web.page(request, "events/list.html", rows=rows, shown=shown, shown_names=SHOWN,
                    kind=kind, district=district, language=language,
                    done=query.get("done", ""), told=_int(query.get("told")),
                    saved=query.get("saved", ""), kept=query.get("kept", ""),
                    title=N_("Events"), **_common(request))


# -- a series: new, edit, the preview -----------------------------------------------------
def _form_fields(data: FormData) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {}
    for key in set(data.keys()) - {"csrf"}:
        values = [str(v) for v in data.getlist(key)]
        fields[key] = values if key in ("languages", "features") else values[-1]
    return fields


def _form_page(request: Request, *, values: Mapping[str, Any], errors: Mapping[str, str],
               series_id: str | None, preview: list[dt.datetime] | None = None,
               status_code: int = 200) -> Response:
    return web.page(request, "events/form.html", status_code=status_code, values=values,
                    errors=errors, series_id=series_id, preview=preview or [],
                    title=N_("Edit the series") if series_id else N_("New event"),
                    **_common(request))


def _check(request: Request, fields: Mapping[str, str | list[str]],
           series_id: str | None) -> Any:
    today = web.now(request).astimezone(_tz(request)).date()
    return read_form(fields, districts=_districts(request), languages=_languages(request),
                     today=None if series_id else today, series_id=series_id)


async def new_form(request: Request) -> Response:
    values: dict[str, Any] = {"kind": "language_cafe", "audience": "everyone",
                              "repeat": "weekly", "minutes": "90", "languages": ["de"]}
    return _form_page(request, values=values, errors={}, series_id=None)


async def _stored_series(request: Request, series_id: str) -> Series:
    async with web.transaction(request) as db:
        stored = await db.get(EventSeries, series_id)
    if stored is None:
        raise HTTPException(404)
    return Series.model_validate(stored.definition)


async def edit_form(request: Request) -> Response:
    series = await _stored_series(request, request.path_params["series_id"])
    return _form_page(request, values=fields_of(series), errors={}, series_id=series.id,
                      preview=next_dates(series, _tz(request), web.now(request)))


async def save(request: Request) -> Response:
    """Create (`/events/new`) or change (`/events/series/<id>/edit`) a series: every field
    checked first, then one transaction."""
    data = await web.form(request)
    series_id = request.path_params.get("series_id")
    old = await _stored_series(request, series_id) if series_id else None
    checked = _check(request, _form_fields(data), series_id)
    if checked.series is None:
        return _form_page(request, values=checked.values,
                          errors=_problems(request, checked.errors), series_id=series_id,
                          status_code=422)
    series = checked.series
    if old is not None:  # what the form does not show stays as it was
        series = series.model_copy(update={"description": old.description, "skip": old.skip,
                                           "reviews": old.reviews})  # stale if source changed
    settings = web.console(request).settings
    async with web.transaction(request) as db:
        if old is None and await db.get(EventSeries, series.id) is not None:
            errors = {"id": web.gettext(request, PROBLEMS["exists"])}
            return _form_page(request, values={**checked.values, "id": series.id},
                              errors=errors, series_id=None, status_code=422)
        saved = await changes.save_series(db, series, web.now(request), _tz(request),
                                          settings.reminders, who=web.staff(request).who,
                                          via="console")
    kept = ",".join(map(str, saved.kept or []))
    return web.redirect(request, f"/events?saved={series.id}"
                        + (f"&kept={kept}" if kept else ""))


async def preview(request: Request) -> Response:
    """The next dates of the form as it is now (an htmx fragment), or what is missing."""
    data = await web.form(request)
    series_id = request.path_params.get("series_id") or None
    checked = _check(request, _form_fields(data), series_id)
    dates = (next_dates(checked.series, _tz(request), web.now(request))
             if checked.series is not None else [])
    return web.page(request, "events/_preview.html", preview=dates,
                    incomplete=checked.series is None, fmt=formats(request))


# -- one date -------------------------------------------------------------------------------
async def _event(request: Request) -> tuple[Event, int, int]:
    """The date of the path, with seats booked and people waiting."""
    event_id = request.path_params["event_id"]
    async with web.transaction(request) as db:
        event = await db.get(Event, event_id)
        if event is None:
            raise HTTPException(404)
        booked = sum((await store.taken(db, [event_id]))[event_id].values())
        waiting = (await store.waiting_counts(db, [event_id])).get(event_id, 0)
    return event, booked, waiting


def _date_page(request: Request, template: str, event: Event, booked: int, waiting: int,
               *, status_code: int = 200, **context: Any) -> Response:
    return web.page(request, template, status_code=status_code, event=event, booked=booked,
                    waiting=waiting, title=_title(request, event.details["title"])[0],
                    **_common(request), **context)


def _changeable(request: Request, event: Event) -> bool:
    return event.status == "scheduled" and event.starts_at > web.now(request)


async def cancel_form(request: Request) -> Response:
    event, booked, waiting = await _event(request)
    return _date_page(request, "events/cancel.html", event, booked, waiting,
                      gone=not _changeable(request, event))


async def cancel(request: Request) -> Response:
    await web.form(request)
    event, booked, waiting = await _event(request)
    if not _changeable(request, event):
        return _date_page(request, "events/cancel.html", event, booked, waiting, gone=True,
                          status_code=409)
    async with web.transaction(request) as db:
        told = await changes.cancel(db, web.now(request), who=web.staff(request).who,
                                    via="console", event_id=event.id)
    return web.redirect(request, f"/events?done=cancelled&told={told or 0}")


async def move_form(request: Request) -> Response:
    event, booked, waiting = await _event(request)
    local = event.starts_at.astimezone(_tz(request))
    return _date_page(request, "events/move.html", event, booked, waiting, errors={},
                      values={"date": local.date().isoformat(), "time": f"{local:%H:%M}"},
                      confirm=False, gone=not _changeable(request, event))


async def move(request: Request) -> Response:
    """First the new time (checked), then a confirmation, then the move."""
    data = await web.form(request)
    event, booked, waiting = await _event(request)
    values = {"date": str(data.get("date", "")).strip(), "time": str(data.get("time", "")).strip()}
    if not _changeable(request, event):
        return _date_page(request, "events/move.html", event, booked, waiting, errors={},
                          values=values, confirm=False, gone=True, status_code=409)
    problems: dict[str, Problem] = {}
    for name in ("date", "time"):
        if not values[name]:
            problems[name] = Problem("required")
    day = read_date(values["date"], "date", problems)
    hour = read_time(values["time"], "time", problems)
    new_start = None
    if day is not None and hour is not None:
        new_start = (dt.datetime.combine(day, hour).replace(tzinfo=_tz(request))
                     .astimezone(dt.UTC))
        if new_start <= web.now(request):
            problems["date"] = Problem("past")
    errors = _problems(request, problems)
    if errors or new_start is None:
        return _date_page(request, "events/move.html", event, booked, waiting, errors=errors,
                          values=values, confirm=False, gone=False, status_code=422)
    if data.get("confirm") != "yes":
        return _date_page(request, "events/move.html", event, booked, waiting, errors={},
                          values=values, confirm=True, new_start=new_start, gone=False)
    async with web.transaction(request) as db:
        told = await changes.move(db, event.id, new_start, web.now(request),
                                  web.console(request).settings.reminders,
                                  who=web.staff(request).who, via="console")
    return web.redirect(request, f"/events?done=moved&told={told or 0}")


# -- who comes ------------------------------------------------------------------------------
def _labels(request: Request) -> dict[str, str]:
    words = {"n": "#", "first_name": N_("First name"), "person": N_("Chat"),
             "status": N_("Status"), "group": N_("Group"), "people": N_("People"),
             "children": N_("Children"), "booked_at": N_("Booked at"), "booked": N_("booked"),
             "waiting": N_("waiting"), "newcomer": N_("new in the city"), "local": N_("local")}
    return {key: web.gettext(request, text) for key, text in words.items()}


async def _sheet(request: Request) -> attendance.Sheet:
    async with web.transaction(request) as db:
        found = await attendance.sheet(db, request.path_params["event_id"],
                                       web.language(request))
    if found is None:
        raise HTTPException(404)
    return found


async def attendees(request: Request) -> Response:
    found = await _sheet(request)
    return web.page(request, "events/attendees.html", sheet=found, event=found.event,
                    labels=_labels(request), title=found.title,
                    told=_int(request.query_params.get("told")), **_common(request))


def _file_name(found: attendance.Sheet, tz: ZoneInfo, suffix: str) -> str:
    return f"{found.event.series}-{found.event.starts_at.astimezone(tz):%Y-%m-%d}.{suffix}"


async def attendees_csv(request: Request) -> Response:
    found = await _sheet(request)
    tz = _tz(request)
    return Response(attendance.as_csv(found, tz, _labels(request)),
                    media_type="text/csv; charset=utf-8", headers={
                        "Content-Disposition":
                            f'attachment; filename="{_file_name(found, tz, "csv")}"'})


async def attendees_xlsx(request: Request) -> Response:
    found = await _sheet(request)
    tz = _tz(request)
    return Response(attendance.as_xlsx(found, tz, _labels(request)), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
        "Content-Disposition": f'attachment; filename="{_file_name(found, tz, "xlsx")}"'})


# -- a message to everyone booked ---------------------------------------------------------
async def _readers(request: Request, event: Event) -> dict[str, Any]:
    """Who gets the message, by language, and which languages no model reaches."""
    settings = web.console(request).settings
    async with web.transaction(request) as db:
        counts = await staff_message.readers(db, event.id, settings.languages,
                                             settings.default_language)
    untranslated = {source: staff_message.without_model(
        source, [lang for lang in counts if lang != source], settings.translation_models_dir)
        for source in staff_message.SOURCES}
    return {"readers": counts, "untranslated": untranslated}


async def message_form(request: Request) -> Response:
    event, booked, waiting = await _event(request)
    source = web.language(request)
    return _date_page(request, "events/message.html", event, booked, waiting, errors={},
                      values={"text": "", "source": source}, gone=not _changeable(
                          request, event), limit=staff_message.MAX_LENGTH,
                      **await _readers(request, event))


async def message(request: Request) -> Response:
    data = await web.form(request)
    event, booked, waiting = await _event(request)
    values = {"text": str(data.get("text", "")).strip(), "source": str(data.get("source", ""))}
    errors: dict[str, str] = {}
    if not values["text"]:
        errors["text"] = web.gettext(request, PROBLEMS["required"])
    elif len(values["text"]) > staff_message.MAX_LENGTH:
        errors["text"] = web.gettext(request, PROBLEMS["too_long"]).format(
            max=staff_message.MAX_LENGTH)
    if values["source"] not in staff_message.SOURCES:
        errors["source"] = web.gettext(request, PROBLEMS["choice"])
    gone = not _changeable(request, event)
    if errors or gone:
        return _date_page(request, "events/message.html", event, booked, waiting,
                          errors=errors, values=values, gone=gone,
                          limit=staff_message.MAX_LENGTH, status_code=409 if gone else 422,
                          **await _readers(request, event))
    settings = web.console(request).settings
    machine = await asyncio.to_thread(staff_message.drafts, values["text"], values["source"],
                                      settings.languages, settings.translation_models_dir)
    async with web.transaction(request) as db:
        told = await staff_message.send(
            db, event.id, values["text"], values["source"], machine, web.now(request),
            languages=settings.languages, default_language=settings.default_language,
            who=web.staff(request).who, via="console")
    return web.redirect(request, f"/events/{event.id}/attendees?told={told or 0}")


routes: list[BaseRoute] = [
    Route("/events", listing),
    Route("/events/new", new_form),
    Route("/events/new", save, methods=["POST"]),
    Route("/events/preview", preview, methods=["POST"]),
    Route("/events/series/{series_id}/edit", edit_form),
    Route("/events/series/{series_id}/edit", save, methods=["POST"]),
    Route("/events/series/{series_id}/preview", preview, methods=["POST"]),
    Route("/events/{event_id:int}/cancel", cancel_form),
    Route("/events/{event_id:int}/cancel", cancel, methods=["POST"]),
    Route("/events/{event_id:int}/move", move_form),
    Route("/events/{event_id:int}/move", move, methods=["POST"]),
    Route("/events/{event_id:int}/attendees", attendees),
    Route("/events/{event_id:int}/attendees.csv", attendees_csv),
    Route("/events/{event_id:int}/attendees.xlsx", attendees_xlsx),
    Route("/events/{event_id:int}/message", message_form),
    Route("/events/{event_id:int}/message", message, methods=["POST"]),
]
