"""The series form staff fill in (the console): its fields -> a `Series`, every problem at
its field, and a preview of the next dates. Pure: no database, no clock of its own.

    checked = read_form(fields, districts=("Mitte", "Ost"), languages=("de", "en", "ar"))
    checked.errors      # {"capacity": Problem("number", {"min": 1, "max": 10000})}
    checked.series      # the Series when there is no error
    next_dates(checked.series, tz, now, 6)

Repetition is chosen, not written as an RRULE: once, weekly, every two weeks or monthly,
from the start date, until a date or for a number of dates (`rule`); `fields_of` turns a
stored series back into the form's fields, so editing shows what was chosen.

Editing a series keeps its bookings: `plan_edit` says which stored dates follow the new
times (moved, people told), which go (those nobody booked) and which stay as they were
(booked, with no new date that day: staff cancel or move them one by one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from anyascii import anyascii
from dateutil.rrule import rrulestr
from pydantic import ValidationError

from bot.events.series import GROUPS, Series

KINDS = ("language_cafe", "dialogue")
AUDIENCES = ("everyone", "women", "families", "youth")
FEATURES = ("childcare", "interpreter", "wheelchair")
REPEATS = ("once", "weekly", "biweekly", "monthly")
Repeat = Literal["once", "weekly", "biweekly", "monthly"]
MAX_COUNT = 104
"""At most this many dates for "for N dates" (two years of a weekly café)."""
TITLE_MAX = 120
TEXT_MAX = 200

FormValue = str | Sequence[str]
"""A field as a web form sends it: one value, or several (checkboxes)."""

Code = Literal["required", "choice", "number", "date", "time", "past", "too_long",
               "title_needed", "seats_exceed", "until_before_start", "until_or_count",
               "id_pattern", "language_needed"]


@dataclass(frozen=True)
class Problem:
    """What is wrong with a field: a code (the page words it in the staff's language) and
    the values the wording needs."""

    code: Code
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    series: Series | None
    errors: dict[str, Problem]
    values: dict[str, str | list[str]]
    """The fields as read (stripped), to show the form again."""


def _one(fields: Mapping[str, FormValue], name: str) -> str:
    value = fields.get(name, "")
    if not isinstance(value, str):
        value = value[-1] if value else ""
    return value.strip()


def _many(fields: Mapping[str, FormValue], name: str) -> list[str]:
    value = fields.get(name, [])
    items = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in items if v.strip()]


def _number(text: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"\d{1,6}", text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def slug(title: str) -> str:
    """A series id from a title: "Sprachcafé Ost" -> "sprachcafe-ost"."""
    text = re.sub(r"[^a-z0-9]+", "-", anyascii(title).lower()).strip("-")[:50].strip("-")
    return text if len(text) >= 2 else "event"


def rule(repeat: Repeat, start: dt.datetime, until: dt.date | None,
         count: int | None) -> str | None:
    """The RFC 5545 RRULE of a repetition (None for once)."""
    if repeat == "once":
        return None
    parts = {"weekly": ["FREQ=WEEKLY"], "biweekly": ["FREQ=WEEKLY", "INTERVAL=2"],
             "monthly": ["FREQ=MONTHLY"]}[repeat]
    if until is not None:
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    elif count is not None:
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def read_form(fields: Mapping[str, FormValue], *, districts: Sequence[str],
              languages: Sequence[str], today: dt.date | None = None,
              series_id: str | None = None) -> Checked:
    """The form's fields -> a Series, or every problem at its field.

    `districts`: the names of content/districts.yaml; `languages`: the bot's languages (a
    title per language, the languages spoken); `today`: a new start must not lie before it
    (None: no such check, an edit keeps its start); `series_id`: the id of the series being
    edited (the form's `id` is then ignored)."""
    errors: dict[str, Problem] = {}
    values: dict[str, str | list[str]] = {}

    def need(name: str, limit: int = TEXT_MAX) -> str:
        text = _one(fields, name)
        values[name] = text
        if not text:
            errors[name] = Problem("required")
        elif len(text) > limit:
            errors[name] = Problem("too_long", {"max": limit})
        return text

    def choose(name: str, options: Sequence[str], default: str | None = None) -> str:
        text = _one(fields, name) or (default or "")
        values[name] = text
        if not text:
            errors[name] = Problem("required")
        elif text not in options:
            errors[name] = Problem("choice")
        return text

    kind = choose("kind", KINDS)
    titles: dict[str, str] = {}
    for lang in languages:
        text = _one(fields, f"title_{lang}")
        values[f"title_{lang}"] = text
        if len(text) > TITLE_MAX:
            errors[f"title_{lang}"] = Problem("too_long", {"max": TITLE_MAX})
        elif text:
            titles[lang] = text
    if not titles and not any(f.startswith("title_") for f in errors):
        errors[f"title_{languages[0]}"] = Problem("title_needed")
    place = need("place")
    address = need("address")
    district = choose("district", districts)
    spoken = [x for x in _many(fields, "languages")]
    values["languages"] = spoken
    if not spoken:
        errors["languages"] = Problem("language_needed")
    elif any(x not in languages for x in spoken):
        errors["languages"] = Problem("choice")
    audience = choose("audience", AUDIENCES, "everyone")
    features = _many(fields, "features")
    values["features"] = features
    if any(x not in FEATURES for x in features):
        errors["features"] = Problem("choice")

    def count_of(name: str, low: int, high: int, default: str = "") -> int | None:
        text = _one(fields, name) or default
        values[name] = text
        if not text:
            errors[name] = Problem("required")
            return None
        number = _number(text, low, high)
        if number is None:
            errors[name] = Problem("number", {"min": low, "max": high})
        return number

    capacity = count_of("capacity", 1, 10_000)
    seats: dict[str, int] = {}
    for group in GROUPS:
        name = f"seats_{group}"
        if _one(fields, name):
            kept = count_of(name, 0, 10_000)
            if kept:
                seats[group] = kept
        else:
            values[name] = ""
    if capacity is not None and sum(seats.values()) > capacity:
        errors["seats_newcomer" if "newcomer" in seats else "seats_local"] = Problem(
            "seats_exceed", {"capacity": capacity})
    minutes = count_of("minutes", 15, 24 * 60, "90")

    repeat = choose("repeat", REPEATS, "once")
    start_date = read_date(need("date", 10), "date", errors)
    start_time = read_time(need("time", 5), "time", errors)
    if start_date is not None and today is not None and start_date < today:
        errors["date"] = Problem("past")
    until = count = None
    until_text, count_text = _one(fields, "until"), _one(fields, "count")
    values["until"], values["count"] = until_text, count_text
    if repeat != "once":
        if until_text and count_text:
            errors["until"] = Problem("until_or_count")
        elif until_text:
            until = read_date(until_text, "until", errors)
            if until is not None and start_date is not None and until < start_date:
                errors["until"] = Problem("until_before_start")
        elif count_text:
            count = _number(count_text, 1, MAX_COUNT)
            if count is None:
                errors["count"] = Problem("number", {"min": 1, "max": MAX_COUNT})

    if series_id is None:
        wanted = _one(fields, "id")
        values["id"] = wanted
        first_title = next(iter(titles.values()), "")
        series_id = wanted or slug(first_title)
        if wanted and not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}", wanted):
            errors["id"] = Problem("id_pattern")

    if errors or start_date is None or start_time is None:
        return Checked(None, errors, values)
    starts = dt.datetime.combine(start_date, start_time)
    try:
        series = Series.model_validate({
            "id": series_id, "kind": kind, "title": titles, "place": place,
            "address": address, "district": district, "languages": spoken,
            "audience": audience, "features": features, "starts": starts,
            "minutes": minutes, "capacity": capacity, "seats": seats,
            "repeat": rule(repeat, starts, until, count)})  # type: ignore[arg-type]
    except ValidationError as exc:  # what the checks above do not foresee
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "id"
            errors[{"starts": "date", "repeat": "repeat", "title": f"title_{languages[0]}"}
                   .get(name, name)] = Problem("choice")
        return Checked(None, errors, values)
    return Checked(series, errors, values)


def read_date(text: str, name: str, errors: dict[str, Problem]) -> dt.date | None:
    """A date like 2026-12-08, or None with the problem noted at `name` (or nothing given)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = Problem("date")
        return None


def read_time(text: str, name: str, errors: dict[str, Problem]) -> dt.time | None:
    """A time like 18:00, or None with the problem noted at `name` (or nothing given)."""
    if not text:
        return None
    if not re.fullmatch(r"\d{1,2}:\d{2}", text):
        errors[name] = Problem("time")
        return None
    hours, minutes = (int(x) for x in text.split(":"))
    if hours > 23 or minutes > 59:
        errors[name] = Problem("time")
        return None
    return dt.time(hours, minutes)


def fields_of(series: Series) -> dict[str, str | list[str]]:
    """A stored series as the form's fields (to edit it)."""
    values: dict[str, str | list[str]] = {
        "id": series.id, "kind": series.kind, "place": series.place,
        "address": series.address, "district": series.district,
        "languages": list(series.languages), "audience": series.audience,
        "features": list(series.features), "capacity": str(series.capacity),
        "minutes": str(series.minutes), "date": series.starts.date().isoformat(),
        "time": f"{series.starts:%H:%M}", "repeat": "once", "until": "", "count": ""}
    for lang, title in series.title.items():
        values[f"title_{lang}"] = title
    for group in GROUPS:
        values[f"seats_{group}"] = str(series.seats[group]) if group in series.seats else ""
    if series.repeat:
        parts = dict(p.split("=", 1) for p in series.repeat.upper().split(";") if "=" in p)
        freq, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
        values["repeat"] = ("monthly" if freq == "MONTHLY" else
                            "biweekly" if interval == "2" else "weekly")
        if "UNTIL" in parts:
            values["until"] = f"{parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]}"
        if "COUNT" in parts:
            values["count"] = parts["COUNT"]
    return values


def next_dates(series: Series, tz: ZoneInfo, now: dt.datetime,
               limit: int = 6) -> list[dt.datetime]:
    """The next `limit` starts (in `tz`) from `now` on: the preview beside the form. Beyond
    the weeks that are stored and bookable, too (it shows the rule, not the stored dates)."""
    if series.repeat is None:
        start = series.starts.replace(tzinfo=tz)
        return [start] if start >= now else []
    found: list[dt.datetime] = []
    for wall in rrulestr(series.repeat, dtstart=series.starts):
        if wall.date() in series.skip:
            continue
        start = wall.replace(tzinfo=tz)
        if start >= now:
            found.append(start)
            if len(found) >= limit:
                break
    return found


# -- editing a series without losing bookings ----------------------------------------------
@dataclass(frozen=True)
class Stored:
    """A coming date of the series as stored."""

    event_id: int
    occurrence: dt.datetime
    starts_at: dt.datetime
    booked: bool
    """Someone is booked or waiting."""


@dataclass(frozen=True)
class EditPlan:
    move: list[tuple[int, dt.datetime]] = field(default_factory=list)
    """(event id, new start in UTC): a booked date whose day the new times keep, at
    another time (those booked are told)."""
    drop: list[int] = field(default_factory=list)
    """Dates nobody booked that the new times no longer have."""
    keep: list[int] = field(default_factory=list)
    """Booked dates the new times no longer have: they stay until staff cancel or move
    them (nobody loses a seat unasked)."""


def plan_edit(stored: Sequence[Stored], starts: Sequence[dt.datetime],
              tz: ZoneInfo) -> EditPlan:
    """What editing does to the stored coming dates, given the new series' starts (UTC)
    over the same weeks. A date whose start is among the new ones stays as it is (the store
    updates its details); the others by the rules of `EditPlan`."""
    new = set(starts)
    by_day: dict[dt.date, dt.datetime] = {}
    for start in starts:
        by_day.setdefault(start.astimezone(tz).date(), start)
    plan = EditPlan()
    for date in stored:
        if date.occurrence in new:
            continue
        day = date.occurrence.astimezone(tz).date()
        if date.booked and day in by_day and by_day[day] not in {
                s.occurrence for s in stored}:
            plan.move.append((date.event_id, by_day.pop(day)))
        elif date.booked:
            plan.keep.append(date.event_id)
        else:
            plan.drop.append(date.event_id)
    return plan
