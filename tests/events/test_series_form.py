"""The series form staff fill in: every problem at its field, the preview of the next
dates, and what an edit does to the stored dates (pure rules)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.events.series_form import (
    Stored,
    fields_of,
    next_dates,
    plan_edit,
    read_form,
    slug,
)

BERLIN = ZoneInfo("Europe/Berlin")
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
DISTRICTS = ("Mitte", "Ost", "Bad Cannstatt")
TODAY = dt.date(2026, 12, 7)


def cafe(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": "language_cafe", "title_de": "Sprachcafé Ost", "title_ar": "مقهى اللغة",
        "place": "Stadtteilbibliothek Ost", "address": "Ostendstraße 1, 70190 Stuttgart",
        "district": "Ost", "languages": ["de", "ar"], "audience": "everyone",
        "capacity": "20", "minutes": "90", "repeat": "weekly", "date": "2026-12-08",
        "time": "18:00", "count": "10"}
    fields.update(changes)
    return fields


def test_a_weekly_cafe_becomes_a_series_with_its_rule_and_the_next_dates() -> None:
    checked = read_form(cafe(), districts=DISTRICTS, languages=LANGS, today=TODAY)
    assert checked.errors == {}
    series = checked.series
    assert series is not None
    assert series.id == "sprachcafe-ost" and series.repeat == "FREQ=WEEKLY;COUNT=10"
    assert series.title == {"de": "Sprachcafé Ost", "ar": "مقهى اللغة"}
    now = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)
    dates = next_dates(series, BERLIN, now, 3)
    assert [d.isoformat() for d in dates] == [
        "2026-12-08T18:00:00+01:00", "2026-12-15T18:00:00+01:00", "2026-12-22T18:00:00+01:00"]


def test_every_two_weeks_monthly_until_and_once() -> None:
    now = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)

    def dates(**changes: object) -> list[str]:
        checked = read_form(cafe(**changes), districts=DISTRICTS, languages=LANGS, today=TODAY)
        assert checked.series is not None, checked.errors
        return [f"{d:%m-%d}" for d in next_dates(checked.series, BERLIN, now, 4)]

    assert dates(repeat="biweekly", count="") == ["12-08", "12-22", "01-05", "01-19"]
    assert dates(repeat="monthly", count="") == ["12-08", "01-08", "02-08", "03-08"]
    assert dates(repeat="weekly", count="", until="2026-12-20") == ["12-08", "12-15"]
    assert dates(repeat="once", count="5") == ["12-08"]


def test_every_problem_is_found_at_its_field_at_once() -> None:
    checked = read_form(cafe(
        kind="party", title_de="", title_ar="", place="", district="Atlantis",
        languages=["de", "xx"], capacity="zero", seats_newcomer="30", minutes="5",
        date="2026-12-01", time="25:00", until="2026-11-01", count="3"),
        districts=DISTRICTS, languages=LANGS, today=TODAY)
    assert checked.series is None
    assert {name: p.code for name, p in checked.errors.items()} == {
        "kind": "choice", "title_de": "title_needed", "place": "required",
        "district": "choice", "languages": "choice", "capacity": "number",
        "minutes": "number", "date": "past", "time": "time", "until": "until_or_count"}
    assert checked.values["place"] == "" and checked.values["capacity"] == "zero"


def test_seats_kept_for_groups_must_fit_the_capacity() -> None:
    checked = read_form(cafe(kind="dialogue", capacity="10", seats_newcomer="6",
                             seats_local="6"), districts=DISTRICTS, languages=LANGS,
                        today=TODAY)
    assert checked.errors["seats_newcomer"].code == "seats_exceed"
    fine = read_form(cafe(kind="dialogue", capacity="20", seats_newcomer="12",
                          seats_local="8"), districts=DISTRICTS, languages=LANGS, today=TODAY)
    assert fine.series is not None and fine.series.seats == {"newcomer": 12, "local": 8}


def test_a_stored_series_comes_back_as_the_fields_it_was_made_of() -> None:
    for changes in ({}, {"repeat": "biweekly", "count": "", "until": "2027-03-01"},
                    {"repeat": "monthly", "count": ""}, {"repeat": "once", "count": ""}):
        first = read_form(cafe(**changes), districts=DISTRICTS, languages=LANGS, today=TODAY)
        assert first.series is not None
        again = read_form(fields_of(first.series), districts=DISTRICTS, languages=LANGS,
                          series_id=first.series.id)
        assert again.series == first.series


def test_ids_come_from_the_title_and_are_checked_when_typed() -> None:
    assert slug("Sprachcafé Bad Cannstatt!") == "sprachcafe-bad-cannstatt"
    checked = read_form(cafe(id="Not OK"), districts=DISTRICTS, languages=LANGS, today=TODAY)
    assert checked.errors["id"].code == "id_pattern"


def test_an_edit_moves_booked_dates_on_the_same_day_keeps_other_booked_ones_drops_the_rest(
        ) -> None:
    tue = [dt.datetime(2026, 12, d, 17, tzinfo=dt.UTC) for d in (8, 15, 22)]
    stored = [Stored(1, tue[0], tue[0], booked=True), Stored(2, tue[1], tue[1], booked=False),
              Stored(3, tue[2], tue[2], booked=True)]
    later = [t + dt.timedelta(hours=1) for t in tue[:2]]  # a later hour, and one date less
    plan = plan_edit(stored, later, BERLIN)
    assert plan.move == [(1, later[0])] and plan.drop == [2] and plan.keep == [3]
    assert plan_edit(stored, tue, BERLIN) == type(plan)()
