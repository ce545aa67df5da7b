"""The Overview, People and Audit log pages over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Settings
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import (
    AuditEntry,
    Booking,
    BuddyRequest,
    BuddyVolunteer,
    Event,
    FaqFeedback,
    FaqGap,
    Notice,
    OutboxMessage,
    Person,
)
from bot.service import save_faq_counts
from tests.conftest import make_settings
from tests.console.conftest import Bench, now_of, sign_in, staff_member
from tests.fakes import FakeClock
from tests.talk import Talk


@pytest.fixture
def settings(db_url: str) -> Settings:
    """SQLite and PostgreSQL: these pages' queries run on both."""
    return make_settings(db_url)


async def person(app: App | Bench, who: str, *, locale: str = "ar",
                 role: str = "newcomer") -> Person:
    channel, _, external_id = who.partition(":")
    async with transaction(app.sessions) as db:
        found = await people.set_role(db, channel, external_id, role, now_of(app))
        found.locale = locale
        found.consent, found.consent_at, found.consent_source = "given", now_of(app), "chat"
    return found


async def a_busy_city(app: App | Bench) -> None:
    now = now_of(app)
    amina = await person(app, "telegram:1001", locale="ar")
    olena = await person(app, "whatsapp:4917600000001", locale="uk")
    await person(app, "telegram:1003", locale="fa")
    async with transaction(app.sessions) as db:
        event = Event(series="cafe", occurrence=now + timedelta(days=2), kind="language_cafe",
                      details={"title": {"de": "Sprachcafé Mitte", "en": "Language café"}},
                      starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2),
                      capacity=20, seats={}, status="scheduled")
        db.add(event)
        await db.flush()
        db.add(Booking(event_id=event.id, person_id=amina.id, group="newcomer", people=3,
                       children=1, status="booked", created_at=now, changed_at=now))
        db.add(Notice(id="aha-hygiene", definition={"texts": {
            "de": {"title": "Erkältung, Grippe, Corona"},
            "en": {"title": "Colds, flu and COVID-19"}}},
            audience="topic:health", queued_at=now, send_at=now, expires_at=None))
        for n, (who, status) in enumerate(((amina.id, "sent"), (olena.id, "pending"))):
            db.add(OutboxMessage(key=f"notice:aha-hygiene:{n}", person_id=who,
                                 push="notices:show", payload={}, due_at=now, status=status,
                                 attempts=0, batch="notice:aha-hygiene"))
        chat = {"kind": "chat", "value": ""}
        db.add(BuddyRequest(person_id=amina.id, first_name="Amina", contact=chat, needs=[],
                            languages={"ar": 3}, times=[], wants=None, status="open",
                            created_at=now))
        db.add(BuddyVolunteer(person_id=olena.id, first_name="Olena", contact=chat,
                              languages={"de": 3}, offers=[], times=[], capacity=1,
                              gender=None, status="pending", registered_at=now,
                              changed_at=now))
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        db.add(FaqGap(text="wo ist das amt", lang="de", day=day, person_id=amina.id))
        db.add(FaqFeedback(topic="jobcenter", lang="ar", helpful=True, day=day))
        db.add(FaqFeedback(topic="jobcenter", lang="ar", helpful=False, day=day))


async def test_the_overview_shows_what_is_going_on(bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana", role="staff")
    await a_busy_city(bench)
    await sign_in(client, bench, "console:ana")
    page = (await client.get("/")).text
    assert '<svg class="chart"' in page and "People by language and channel" in page
    assert 'aria-current="page"' in page and 'href="#main"' in page
    assert "Colds, flu and COVID-19" in page and "1 of 2 handled" in page
    assert "Language café" in page and "3 / 20" in page
    assert "volunteers waiting for approval" in page
    assert "50 %" in page  # one of two answers in Arabic marked helpful


async def test_the_questions_people_asked_today_are_counted_by_language(
        app: App, client: httpx.AsyncClient) -> None:
    talk = Talk(app, "faq-counted", hint="ar")
    await talk.open()
    await talk.tap("yes")
    await talk.tap("no")  # no notices
    await talk.say("كيف أسجل عنواني بعد الانتقال إلى شقة جديدة")  # answered
    await talk.say("zorblax quantum teleport recipe")                # "I don't know"
    await talk.say("شكرا")                                            # thanks: not a question
    await save_faq_counts(app)  # what `welcomebot run` does once a minute
    await save_faq_counts(app)  # nothing new: nothing added twice
    await staff_member(app, "console:ana")
    await sign_in(client, app, "console:ana")
    page = (await client.get("/")).text
    row = page[page.index('<h2 id="questions-h">'):]
    row = row[row.index("العربية"):]
    assert row.split("</tr>")[0].count('class="num"') == 5
    cells = [c.split("<")[0].strip() for c in row.split('class="num">')[1:4]]
    assert cells == ["2", "50 %", "1"]  # asked, answered, kept without an answer


async def test_an_empty_overview_says_so(bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    await sign_in(client, bench, "console:ana")
    page = (await client.get("/")).text
    assert "No notice is being sent right now." in page and "No events are planned." in page


async def test_people_are_found_by_id_or_first_name(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    await a_busy_city(bench)
    await sign_in(client, bench, "console:ana")
    by_id = (await client.get("/people", params={"q": "telegram:1001"})).text
    assert "telegram:1001" in by_id and "1 person found" in by_id
    by_part = (await client.get("/people", params={"q": "100"})).text
    assert "telegram:1003" in by_part and "telegram:1001" in by_part
    by_name = await client.get("/people", params={"q": "olena"},
                               headers={"HX-Request": "true"})
    assert "whatsapp:4917600000001" in by_name.text and "<html" not in by_name.text
    nobody = (await client.get("/people", params={"q": "zzz"})).text
    assert "Nobody matches" in nobody


async def test_a_person_shows_their_data_as_mydata_does(bench: Bench,
                                                        client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    await a_busy_city(bench)
    await sign_in(client, bench, "console:ana")
    amina = await _id(bench, "telegram", "1001")
    page = (await client.get(f"/people/{amina}")).text
    assert "Chat: Telegram, ID 1001" in page and "Role: newcomer" in page
    assert "Sprachcafé Mitte" in page or "Language café" in page  # the booking
    assert (await client.get("/people/99999")).status_code == 404


async def _id(bench: Bench, channel: str, external_id: str) -> int:
    async with transaction(bench.sessions) as db:
        found = await people.find(db, channel, external_id)
        assert found is not None
        return found.id


async def test_staff_change_a_role_and_it_is_audited(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana", role="staff")
    await person(bench, "telegram:1001")
    csrf = await sign_in(client, bench, "console:ana")
    target = await _id(bench, "telegram", "1001")
    assert (await client.post(f"/people/{target}/role", data={"role": "volunteer"})
            ).status_code == 403  # no CSRF token
    done = await client.post(f"/people/{target}/role", data={"role": "volunteer",
                                                            "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"/people/{target}?done=role"
    assert "The role is changed." in (await client.get(done.headers["location"])).text
    async with transaction(bench.sessions) as db:
        assert (await db.get(Person, target)).role == "volunteer"  # type: ignore[union-attr]
        entry = (await db.scalars(select(AuditEntry).where(
            AuditEntry.action == "people.role"))).one()
        assert (entry.who, entry.via, entry.target, entry.detail) == (
            "console:ana", "console", "telegram:1001", "volunteer")


async def test_a_bad_role_or_a_role_beyond_ones_own_gets_a_message_and_nothing_changes(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana", role="staff")
    await person(bench, "telegram:1001")
    csrf = await sign_in(client, bench, "console:ana")
    target = await _id(bench, "telegram", "1001")
    me = await _id(bench, "console", "ana")
    for role, message in (("king", "Choose one of the roles"),
                          ("admin", "Only an administrator"),):
        response = await client.post(f"/people/{target}/role", data={"role": role,
                                                                    "csrf": csrf})
        assert response.status_code == 422 and message in response.text
        assert 'id="f-role-error"' in response.text
    mine = await client.post(f"/people/{me}/role", data={"role": "newcomer", "csrf": csrf})
    assert mine.status_code == 422 and "your own role" in mine.text
    async with transaction(bench.sessions) as db:
        assert (await db.get(Person, target)).role == "newcomer"  # type: ignore[union-attr]
        assert list(await db.scalars(select(AuditEntry).where(
            AuditEntry.action == "people.role"))) == []


async def test_export_is_a_json_download_and_audited(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    await a_busy_city(bench)
    await sign_in(client, bench, "console:ana")
    amina = await _id(bench, "telegram", "1001")
    response = await client.get(f"/people/{amina}/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    body = json.loads(response.text)
    assert body["id"] == "telegram:1001" and body["mydata"]["language"] == "ar"
    assert body["mydata"]["lines"]
    async with transaction(bench.sessions) as db:
        entry = (await db.scalars(select(AuditEntry).where(
            AuditEntry.action == "privacy.export"))).one()
        assert entry.target == "telegram:1001" and entry.via == "console"


async def test_erasing_asks_for_confirmation_then_erases_everything_audited(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    await a_busy_city(bench)
    csrf = await sign_in(client, bench, "console:ana")
    amina = await _id(bench, "telegram", "1001")
    confirm = await client.get(f"/people/{amina}/erase")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    wrong = await client.post(f"/people/{amina}/erase", data={"confirm": "telegram:1",
                                                             "csrf": csrf})
    assert wrong.status_code == 422 and 'id="f-confirm-error"' in wrong.text
    assert (await client.post(f"/people/{amina}/erase", data={"confirm": "telegram:1001"})
            ).status_code == 403
    async with transaction(bench.sessions) as db:
        assert await db.get(Person, amina) is not None
    done = await client.post(f"/people/{amina}/erase", data={"confirm": "telegram:1001",
                                                            "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/people?done=erased"
    async with transaction(bench.sessions) as db:
        assert await db.get(Person, amina) is None
        assert list(await db.scalars(select(Booking))) == []
        entry = (await db.scalars(select(AuditEntry).where(
            AuditEntry.action == "privacy.erase"))).one()
        assert entry.who == "console:ana" and entry.target.startswith("erased:")  # type: ignore[union-attr]


async def test_the_audit_log_filters_by_person_action_and_date(
        bench: Bench, client: httpx.AsyncClient, clock: FakeClock) -> None:
    from bot import audit

    await staff_member(bench, "console:ana")
    async with transaction(bench.sessions) as db:
        await audit.record(db, clock() - timedelta(days=3), who="telegram:7", via="chat",
                           action="buddies.approve", target="volunteer:1")
        await audit.record(db, clock() - timedelta(days=1), who="cli:maria@server", via="cli",
                           action="people.role", target="telegram:9", detail="staff")
    await sign_in(client, bench, "console:ana")

    async def rows(**params: str) -> str:
        page = (await client.get("/audit", params=params)).text
        return page.partition('<section id="entries"')[2]

    everything = await rows()
    assert "buddies.approve" in everything and "console.signin" in everything
    by_person = await rows(who="telegram:9")
    assert "cli:maria@server" in by_person and "buddies.approve" not in by_person
    by_action = await rows(action="buddies.approve")
    assert "telegram:7" in by_action and "cli:maria@server" not in by_action
    day = (clock() - timedelta(days=1)).date().isoformat()
    by_date = await rows(since=day, until=day)
    assert "people.role" in by_date and "buddies.approve" not in by_date
    bad = await client.get("/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and 'id="f-since-error"' in bad.text
    fragment = await client.get("/audit", params={"who": "telegram:7"},
                                headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "buddies.approve" in fragment.text


async def test_every_page_refuses_someone_without_the_role(bench: Bench,
                                                           client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    csrf = await sign_in(client, bench, "console:ana")
    async with transaction(bench.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", bench.clock())
    for path in ("/", "/people", "/people/1", "/people/1/export", "/people/1/erase", "/audit"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.post("/people/1/role", data={"role": "admin", "csrf": csrf})
            ).status_code == 403
