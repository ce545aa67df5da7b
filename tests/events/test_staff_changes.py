"""What staff change in events, as the console (and the command line) do it: a series
saved and edited without losing bookings, one date cancelled or moved with everyone told,
who comes as rows, CSV and Excel, a short message to everyone booked in their language.
On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import open_app
from bot.db.session import transaction
from bot.db.tables import AuditEntry, Event, OutboxMessage
from bot.events import attendance, changes, staff_message
from bot.events.series_form import read_form
from tests.buddies.conftest import City
from tests.conftest import make_settings
from tests.events.test_release import book
from tests.fakes import FakeClock
from tests.notices.conftest import models, models_dir  # noqa: F401 (the tiny models)

BERLIN = ZoneInfo("Europe/Berlin")
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
STAFF = "console:maria"


@pytest.fixture
async def city(db_url: str, clock: FakeClock) -> AsyncIterator[City]:
    async with open_app(make_settings(db_url), clock=clock) as app:
        yield City(app)


def weekly(**changes_: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": "language_cafe", "title_de": "Sprachcafé Ost", "title_en": "Language café East",
        "title_ar": "مقهى اللغة", "place": "Bibliothek Ost", "address": "Ostendstraße 1",
        "district": "Ost", "languages": ["de", "ar"], "capacity": "10", "minutes": "90",
        "repeat": "weekly", "date": "2026-11-24", "time": "18:00", "count": "4"}
    fields.update(changes_)
    return fields


def plain(text: str) -> str:
    """Without the marks that isolate left-to-right runs in right-to-left lines."""
    return "".join(c for c in text if c not in "\u2068\u2069\u200e\u200f\u2066\u2067")


async def save(city: City, **fields: object) -> changes.Saved:
    checked = read_form(weekly(**fields), districts=("Ost",), languages=LANGS,
                        series_id="cafe-ost")
    assert checked.series is not None, checked.errors
    async with transaction(city.app.sessions) as session:
        return await changes.save_series(session, checked.series, city.app.runtime.clock(),
                                         BERLIN, city.app.settings.reminders, who=STAFF,
                                         via="console")


async def dates(city: City) -> list[tuple[int, str, str]]:
    async with city.app.sessions() as session:
        return [(e.id, f"{e.starts_at.astimezone(BERLIN):%m-%d %H:%M}", e.status)
                for e in await session.scalars(select(Event).order_by(Event.id))]


async def audited(city: City) -> list[tuple[str, str, str | None]]:
    async with city.app.sessions() as session:
        return [(a.who, a.action, a.target) for a in await session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]


async def test_an_edited_series_keeps_its_bookings_and_tells_those_whose_date_moved(
        city: City) -> None:
    created = await save(city)
    assert (created.created, created.added) == (True, 4)
    amal = await city.person("amal", "ar")
    assert "مقعد" in await book(amal, 1) or amal.shown  # booked the first date
    # Later on the same Tuesdays, and only three of them: Amal's date follows the new time,
    # the others move (nobody booked them) and the fourth goes.
    edited = await save(city, time="19:30", count="3")
    assert (edited.created, edited.moved, edited.kept) == (False, 1, [])
    coming = await dates(city)
    assert coming[0] == (1, "11-24 19:30", "scheduled")  # Amal's, with her booking
    assert [d[1:] for d in coming[1:]] == [("12-01 19:30", "scheduled"),
                                           ("12-08 19:30", "scheduled")]
    await city.deliver()
    assert "7:30" in plain(amal.last_push())  # "تغيّر موعد": has moved, to 7:30 pm
    # Another weekday: Amal's Tuesday stays for staff to decide; the new Thursdays come.
    moved = await save(city, date="2026-11-26", time="19:30", count="3")
    assert moved.kept == [1] and moved.dropped == 2 and moved.added == 3
    assert [a[1] for a in await audited(city)] == ["events.add", "events.edit", "events.edit"]


async def test_staff_cancel_one_date_and_move_another_and_everyone_booked_is_told(
        city: City) -> None:
    await save(city)
    amal = await city.person("amal", "en")
    await book(amal, 2)
    now = city.app.runtime.clock()
    async with transaction(city.app.sessions) as session:
        to = changes.wall_time("2026-11-24 19:00", BERLIN)
        assert to is not None
        assert await changes.move(session, 1, to, now, city.app.settings.reminders,
                                  who=STAFF, via="console") == 1
        assert await changes.move(session, 99, to, now, (), who=STAFF, via="console") is None
    await city.deliver()
    assert "has moved" in amal.last_push() and "7:00" in amal.last_push()
    async with transaction(city.app.sessions) as session:
        assert await changes.cancel(session, now, who=STAFF, via="console", event_id=1) == 1
        assert await changes.cancel(session, now, who=STAFF, via="console",
                                    event_id=99) is None
    await city.deliver()
    assert "has been cancelled" in amal.last_push()
    assert (await audited(city))[1:] == [(STAFF, "events.move", "event:1"),
                                          (STAFF, "events.cancel", "event:1")]


async def test_who_comes_as_rows_csv_and_an_excel_file(city: City) -> None:
    from openpyxl import load_workbook

    await save(city, capacity="2")
    amal = await city.person("amal", "en")
    olena = await city.person("olena", "uk")
    await book(amal, 2)
    await book(olena, 1)  # the café is full: she waits
    async with city.app.sessions() as session:
        sheet = await attendance.sheet(session, 1, "en")
        assert await attendance.sheet(session, 99) is None
    assert sheet is not None and sheet.title == "Language café East"
    assert [(r.person, r.status, r.people) for r in sheet.rows] == [
        ("telegram:amal", "booked", 2), ("telegram:olena", "waiting", 1)]
    assert (sheet.booked_people, sheet.waiting_people) == (2, 1)
    text = attendance.as_csv(sheet, BERLIN)
    assert text.splitlines()[0] == "#,First name,Chat,Status,Group,People,Children,Booked at"
    assert text.splitlines()[1].startswith("1,,telegram:amal,booked,new in the city,2,0,")
    book_ = load_workbook(io.BytesIO(attendance.as_xlsx(sheet, BERLIN)))
    page = book_.active
    assert page is not None
    assert page["A1"].value == "2026-11-24 18:00–19:30" and page["B1"].value == sheet.title
    assert [c.value for c in page[4]][:3] == ["#", "First name", "Chat"]
    assert [c.value for c in page[5]][2:6] == ["telegram:amal", "booked", "new in the city", 2]
    assert page.column_dimensions["C"].width >= len("telegram:olena")


async def test_a_message_to_everyone_booked_comes_in_their_language_or_says_it_was_not(
        city: City) -> None:
    await save(city)
    hans = await city.person("hans", "de")
    amal = await city.person("amal", "ar")
    olena = await city.person("olena", "uk")
    for phone in (hans, amal, olena):
        await book(phone, 1)
    settings = city.app.settings
    machine = {"uk": "Кафе сьогодні в залі 2."}  # as if a de→uk model were installed
    async with transaction(city.app.sessions) as session:
        told = await staff_message.send(
            session, 1, "Heute im Saal 2 {bitte}.", "de", machine,
            city.app.runtime.clock(), languages=settings.languages,
            default_language=settings.default_language, who=STAFF, via="console")
        assert told == 3
        assert await staff_message.send(session, 99, "x", "de", {}, city.app.runtime.clock(),
                                        languages=LANGS, default_language="de", who=STAFF,
                                        via="console") is None
    async with city.app.sessions() as session:
        notes = sorted(p["note"] for p in await session.scalars(select(
            OutboxMessage.payload).where(OutboxMessage.push == staff_message.PUSH)))
    assert notes == ["machine", "original", "plain"]
    await city.deliver()
    assert "Heute im Saal 2 (bitte)." in plain(hans.last_push())
    assert "Кафе сьогодні в залі 2." in olena.last_push()
    assert "перекладене автоматично" in olena.last_push()  # "translated automatically"
    assert "Heute im Saal 2 (bitte)." in plain(amal.last_push())
    assert "لم نتمكن بعد من ترجمتها" in amal.last_push()  # "we could not translate it yet"
    assert "Eine Nachricht des Welcome Centers" in hans.last_push()
    assert (await audited(city))[-1] == (STAFF, "events.message", "event:1")


def test_without_models_there_are_no_drafts(tmp_path: Path) -> None:
    assert staff_message.drafts("Hallo", "de", ["de", "en", "ar"], tmp_path) == {}
    letter = staff_message.letter("ar", "Hallo", "de", {})
    assert (letter.text, letter.note) == ("Hallo", "original")
    assert staff_message.letter("de", "Hallo", "de", {"ar": "مرحبا"}).note == "plain"
    assert staff_message.letter("ar", "Hallo", "de", {"ar": "مرحبا"}).text == "مرحبا"



def test_where_models_are_installed_the_other_languages_get_machine_drafts(
        models: Path) -> None:  # noqa: F811 (the fixture imported above)
    """The tiny models of the notice tests: German to English, English to Arabic and
    Persian; nothing reaches Ukrainian."""
    drafted = staff_message.drafts("Heute ist das Café im Saal 2.", "de", LANGS, models)
    assert sorted(drafted) == ["ar", "en", "fa"] and all(drafted.values())
    assert staff_message.letter("ar", "Heute", "de", drafted).note == "machine"
    assert staff_message.letter("uk", "Heute", "de", drafted).note == "original"
