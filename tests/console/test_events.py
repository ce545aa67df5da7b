"""The console's Events pages over HTTP: every route signed out (-> sign-in), with the wrong
role (403), without the CSRF token (refused, nothing changed); a series made and edited in
the form (bad input: a message at the field, nothing saved), its next dates previewed; one
date moved and cancelled after a confirmation, everyone told; who comes as a page, CSV and
Excel; a message to everyone booked in their language. Then in a browser: a weekly language
café made in the form is booked in the terminal chat and is on the attendee page and in the
Excel file; an Arabic title reads right to left."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.app import App, open_app
from bot.config import Settings
from bot.db.session import transaction
from bot.db.tables import AuditEntry, Event, EventSeries, OutboxMessage
from bot.events import store
from bot.events.series import Series
from tests.console.conftest import (
    browser_sign_in,
    delivered,
    run,
    screenshot,
    sent_to_sign_in,
    sign_in,
    staff_member,
)
from tests.events.test_flow import BERLIN, at_events
from tests.fakes import FakeClock

ANA = "console:ana"
CAFE = {"kind": "language_cafe", "title_de": "Sprachcafé Ost", "title_en": "Language café East",
        "title_ar": "مقهى اللغة الشرقي", "place": "Stadtteilbibliothek Ost",
        "address": "Ostendstraße 1, 70190 Stuttgart", "district": "Ost",
        "languages": ["de", "ar"], "audience": "everyone", "capacity": "12", "minutes": "90",
        "repeat": "weekly", "date": "2026-11-24", "time": "18:00", "count": "6"}
GETS = ["/events", "/events/new", "/events/series/cafe-west/edit", "/events/1/cancel",
        "/events/1/move", "/events/1/attendees", "/events/1/attendees.csv",
        "/events/1/attendees.xlsx", "/events/1/message"]
POSTS = ["/events/new", "/events/preview", "/events/series/cafe-west/edit",
         "/events/series/cafe-west/preview", "/events/1/cancel", "/events/1/move",
         "/events/1/message"]


async def add_cafe(app: App, **changes: object) -> None:
    values: dict[str, object] = {
        "id": "cafe-west", "kind": "language_cafe",
        "title": {"de": "Sprachcafé West", "en": "Language café West"},
        "place": "Stadtbibliothek", "address": "Mailänder Platz 1, 70173 Stuttgart",
        "district": "Mitte", "languages": ["de", "ar", "uk"], "starts": "2026-11-24 18:00",
        "minutes": 90, "capacity": 10, **changes}
    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate(values)], app.runtime.clock(),
                                BERLIN)


async def count(app: App, table: Any) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def signed_in(app: App, client: httpx.AsyncClient) -> str:
    await staff_member(app, ANA)
    return await sign_in(client, app, ANA)


async def book_in_chat(app: App, user: str, lang: str, seats: str = "1") -> None:
    talk = await at_events(app, user, lang)
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    said = await talk.tap(seats)
    if said and said[-1].buttons and seats != "1":
        said = await talk.tap("0")  # no children
    if "skip" in [b.value for b in said[-1].buttons]:  # the name for the list
        await talk.say(f"Gast {talk.user}")  # the name on the list


async def test_every_route_asks_to_sign_in_then_checks_the_role_and_the_token(
        app: App, client: httpx.AsyncClient) -> None:
    await add_cafe(app)
    await sent_to_sign_in(client, GETS, POSTS)
    csrf = await signed_in(app, client)
    for path in POSTS:  # without the token: refused, nothing changes
        assert (await client.post(path, data=CAFE)).status_code == 403, path
    assert await count(app, EventSeries) == 1 and await count(app, OutboxMessage) == 0
    for path in GETS:
        assert (await client.get(path)).status_code == 200, path
    from bot.db import people

    async with transaction(app.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", app.runtime.clock())
    for path in GETS:
        assert (await client.get(path)).status_code == 403, path
    for path in POSTS:
        assert (await client.post(path, data={**CAFE, "csrf": csrf})).status_code == 403, path
    async with app.sessions() as session:
        event = await session.get(Event, 1)
        assert event is not None and event.status == "scheduled"


async def test_a_bad_form_says_what_is_wrong_at_each_field_and_saves_nothing(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(app, client)
    audited = await count(app, AuditEntry)  # signing in
    shown = await client.post("/events/new", data={
        **CAFE, "csrf": csrf, "title_de": "", "title_en": "", "title_ar": "", "capacity": "0",
        "date": "2026-11-01", "district": "Atlantis"})
    assert shown.status_code == 422
    html = shown.text
    for name in ("title_de", "capacity", "date", "district"):
        assert re.search(rf'id="f-{name}"[^>]*aria-describedby="f-{name}-error"', html), name
    assert 'id="f-capacity-error">Please give a whole number from 1 to 10000.' in html
    assert 'value="Stadtteilbibliothek Ost"' in html  # what was typed stays
    assert await count(app, EventSeries) == 0 and await count(app, Event) == 0
    assert await count(app, AuditEntry) == audited


async def test_staff_make_a_weekly_cafe_preview_its_dates_and_edit_it(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(app, client)
    preview = await client.post("/events/preview", data=CAFE,
                                headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert preview.status_code == 200 and "<html" not in preview.text
    assert preview.text.count("<li>") == 6 and "24 November 2026" in preview.text
    saved = await client.post("/events/new", data={**CAFE, "csrf": csrf})
    assert saved.status_code == 303 and saved.headers["location"] == (
        "/events?saved=sprachcafe-ost")
    listing = await client.get("/events?kind=language_cafe&district=Ost&language=ar")
    assert listing.text.count("Language café East") == 6
    assert (await client.get("/events?district=Mitte")).text.count("Language café East") == 0
    again = await client.post("/events/new", data={**CAFE, "csrf": csrf})
    assert again.status_code == 422 and "exists already" in again.text

    await book_in_chat(app, "amal", "ar")
    form = await client.get("/events/series/sprachcafe-ost/edit")
    assert 'value="18:00"' in form.text and 'lang="ar" dir="rtl"' in form.text
    edited = await client.post("/events/series/sprachcafe-ost/edit",
                               data={**CAFE, "time": "19:00", "csrf": csrf})
    assert edited.status_code == 303
    async with app.sessions() as session:
        first = await session.get(Event, 1)
        assert first is not None
        assert f"{first.starts_at.astimezone(BERLIN):%H:%M}" == "19:00"
        assert len(await store.attendees(session, 1)) == 1  # Amal's booking stays
        audit = [(a.who, a.via, a.action) for a in await session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("events.%")))]
    assert audit == [(ANA, "console", "events.add"), (ANA, "console", "events.edit")]
    told = await delivered(app)
    assert any("19:00" in text or "7:00" in text for text in told["amal"])


async def test_move_and_cancel_one_date_after_a_confirmation(
        app: App, client: httpx.AsyncClient) -> None:
    await add_cafe(app)
    await book_in_chat(app, "olena", "uk")
    csrf = await signed_in(app, client)
    bad = await client.post("/events/1/move", data={"date": "2026-13-01", "time": "19:00",
                                                    "csrf": csrf})
    assert bad.status_code == 422 and 'id="f-date-error"' in bad.text
    asked = await client.post("/events/1/move", data={"date": "2026-11-25", "time": "19:00",
                                                      "csrf": csrf})
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.text
    async with app.sessions() as session:
        event = await session.get(Event, 1)
        assert event is not None and event.starts_at.day == 24  # not yet
    moved = await client.post("/events/1/move", data={"date": "2026-11-25", "time": "19:00",
                                                      "confirm": "yes", "csrf": csrf})
    assert moved.status_code == 303 and "told=1" in moved.headers["location"]
    confirm = await client.get("/events/1/cancel")
    assert "Yes, cancel this date" in confirm.text
    cancelled = await client.post("/events/1/cancel", data={"csrf": csrf})
    assert cancelled.status_code == 303
    assert "1 booking will be told" in (await client.get(cancelled.headers["location"])).text
    assert (await client.post("/events/1/cancel", data={"csrf": csrf})).status_code == 409
    told = await delivered(app)
    assert len(told["olena"]) >= 2
    listing = await client.get("/events?shown=cancelled")
    assert "Language café West" in listing.text


async def test_who_comes_as_a_page_csv_and_excel(app: App, client: httpx.AsyncClient) -> None:
    from openpyxl import load_workbook

    await add_cafe(app)
    await book_in_chat(app, "amal", "ar", seats="2")
    await signed_in(app, client)
    page = await client.get("/events/1/attendees")
    assert "Gast amal" in page.text and "console:amal" in page.text  # the name she gave
    assert "Download Excel" in page.text
    csv = await client.get("/events/1/attendees.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="cafe-west-2026-11-24.csv"' in csv.headers["content-disposition"]
    assert csv.text.splitlines()[1].startswith("1,Gast amal,console:amal,booked,")
    xlsx = await client.get("/events/1/attendees.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet["B1"].value == "Language café West"
    assert [c.value for c in sheet[5]][1:7] == ["Gast amal", "console:amal", "booked",
                                                "new in the city", 2, 0]
    assert (await client.get("/events/99/attendees")).status_code == 404


async def test_a_message_to_everyone_booked_in_their_language(
        app: App, client: httpx.AsyncClient) -> None:
    await add_cafe(app)
    await book_in_chat(app, "hans", "de")
    await book_in_chat(app, "amal", "ar")
    csrf = await signed_in(app, client)
    form = await client.get("/events/1/message")
    assert "Arabic: 1" in form.text and "German: 1" in form.text
    assert "no translation model: your text with a note" in form.text  # for Arabic
    empty = await client.post("/events/1/message", data={"text": " ", "source": "de",
                                                         "csrf": csrf})
    assert empty.status_code == 422 and 'aria-describedby="f-text-hint f-text-error"' in (
        empty.text)
    before = await count(app, OutboxMessage)
    sent = await client.post("/events/1/message", data={
        "text": "Heute im Raum 2.", "source": "de", "csrf": csrf})
    assert sent.status_code == 303
    assert "on its way to 2 people" in (await client.get(sent.headers["location"])).text
    assert await count(app, OutboxMessage) == before + 2
    told = await delivered(app)
    assert any("Heute im Raum 2." in t for t in told["hans"])
    arabic = "\n".join(told["amal"]).replace("\u2068", "").replace("\u2069", "")
    assert "Heute im Raum 2." in arabic  # no model here: the original, with a note


# -- in a browser -------------------------------------------------------------------------
def test_a_weekly_cafe_made_in_the_form_is_booked_in_the_chat_and_on_the_lists(
        page: Any, console_server: str, settings: Settings, clock: FakeClock,
        tmp_path: Any) -> None:
    from openpyxl import load_workbook

    browser_sign_in(page, console_server, settings, clock, ANA)
    page.goto(f"{console_server}/events/new")
    page.get_by_label("Language café", exact=True).check()
    for name, value in (("title_de", "Sprachcafé Ost"), ("title_en", "Language café East"),
                        ("title_ar", "مقهى اللغة الشرقي"), ("place", "Bibliothek Ost"),
                        ("address", "Ostendstraße 1, 70190 Stuttgart"), ("capacity", "12"),
                        ("date", "2026-11-24"), ("time", "18:00")):
        page.locator(f"#f-{name}").fill(value)
    page.locator("#f-district").select_option("Ost")
    page.locator("input[name=languages][value=ar]").check()
    page.get_by_label("Every week").check()
    page.locator("#f-count").fill("8")
    page.locator("#preview-dates li").nth(5).wait_for()
    assert page.locator("#preview-dates li").count() == 6
    assert page.locator("#f-title_ar").evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "event-form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/events\?saved="))
    assert page.locator("tbody tr").count() == 8

    async def chat() -> None:
        async with open_app(settings, clock=clock) as app:
            talk = await at_events(app, "amal", "ar")
            listing = await talk.tap("all")
            assert "مقهى اللغة الشرقي" in listing[0].text
            await talk.tap("event:1")
            await talk.tap("book")
            await talk.tap("1")
            await talk.say("Olena")  # the name on the list

    run(chat())
    page.reload()
    screenshot(page, "events")
    page.goto(f"{console_server}/events/1/attendees")
    assert page.locator("tbody tr").count() == 1 and "console:amal" in page.inner_text("tbody")
    title = page.locator("h1 [lang]")
    assert title.inner_text() == "Language café East"
    screenshot(page, "attendees")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel").click()
    path = tmp_path / "list.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet["A5"].value == 1 and sheet["C5"].value == "console:amal"

    # A series with an Arabic title only: shown right to left in the list.
    async def arabic_only() -> None:
        async with open_app(settings, clock=clock) as app:
            await add_cafe(app, id="cafe-ar", title={"ar": "حوار اللاجئين"}, kind="dialogue")

    run(arabic_only())
    page.goto(f"{console_server}/events?kind=dialogue")
    cell = page.locator("tbody th [lang=ar]").first
    assert cell.evaluate("e => getComputedStyle(e).direction") == "rtl"

