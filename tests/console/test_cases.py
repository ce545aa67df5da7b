"""The console's conversations with newcomers (`/cases...`) over HTTP: every route signed out
(-> sign-in, the staff group's link `/cases/<id>` too), with the wrong role (403), without
the CSRF token (refused, nothing changed); bad input gets a message at the field and saves
nothing; take, hand back, note, FAQ answer, interpreter request and close, each audited by
the staff member via the console; the inbox's views and filters. The scenario: an Arabic
speaker asks for a person in the chat, staff read the German translation in the console and
answer in German, and the newcomer receives Arabic. Then in a browser: open the case,
answer, see the answer in the list (docs/img/cases.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.config import Settings
from bot.db import people
from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import AuditEntry, HandoffCase, HandoffMessage, InterpreterRequest, OutboxMessage
from bot.handoff import actions, store
from bot.handoff.translate import SAME, Translated
from bot.notices import translation
from tests.conftest import make_settings
from tests.console.conftest import Bench, browser_sign_in, run, screenshot, sign_in, staff_member
from tests.fakes import FakeClock
from tests.handoff.conftest import (  # noqa: F401  handoff_models: the tiny models, built once
    STAFF_CHAT,
    TUESDAY_MORNING,
    Center,
    handoff_models,
    plain,
    shows,
)

ANA = "console:ana"
QUESTION = "مرحبا، أحتاج موعدا بخصوص تصريح الإقامة. متى يمكنني أن آتي؟"
GERMAN_ANSWER = "Guten Tag! Kommen Sie bitte am Donnerstag um 10 Uhr mit Ihrem Pass."
ANSWERS = "💬 The Welcome Center answers:\n\n{text}\n\n{note}"
POSTS = ["take", "release", "reply", "attach", "note", "interpreter", "close"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_MORNING)


@pytest.fixture
def models(handoff_models: Path) -> Iterator[Path]:  # noqa: F811 (the imported fixture)
    translation.configure(handoff_models)
    yield handoff_models
    translation._models_dir = None


@pytest.fixture
def settings(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The handoff tests' settings (no translation model unless the test asks for `models`;
    the staff group), the console on plain HTTP as the in-process client talks to it."""
    models_dir = (Path(request.getfixturevalue("models")) if "models" in request.fixturenames
                  else tmp_path / "no-models")
    return make_settings(db_url, translation_models_dir=models_dir, staff_chat_id=STAFF_CHAT)


@pytest.fixture
def center(app: App) -> Center:
    return Center(app)


async def a_case(sessions: async_sessionmaker[AsyncSession], clock: FakeClock, *,
                 user: str = "301", lang: str = "ar", topic: str | None = "residence-permit",
                 german: str | None = None) -> int:
    """A newcomer's case with one message (and its German translation, if given)."""
    now = clock()
    async with transaction(sessions) as db:
        person = await people.set_role(db, "telegram", user, "newcomer", now)
        person.locale, person.consent, person.consent_at = lang, "given", now
        found, _ = await store.open_case(db, person.id, lang, topic, now)
        await store.add(db, found, author="newcomer", text=QUESTION, lang=lang,
                        translated=Translated(german, True) if german else SAME,
                        translated_to="de", now=now)
        return found.id


async def state_of(bench: Bench | App, case_id: int) -> tuple[Any, ...]:
    """What a refused or bad request must leave as it was."""
    async with bench.sessions() as db:
        found = await db.get(HandoffCase, case_id)
        assert found is not None
        messages = await db.scalar(select(func.count()).select_from(HandoffMessage))
        asked = await db.scalar(select(func.count()).select_from(InterpreterRequest))
        queued = await db.scalar(select(func.count()).select_from(OutboxMessage))
        audited = await db.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.like("handoff.%"), AuditEntry.action != "handoff.read"))
        return found.status, found.staff_id, messages, asked, queued, audited


async def audit_of(bench: Bench | App) -> list[tuple[str, str, str, str | None]]:
    async with bench.sessions() as db:
        return [(a.who, a.via, a.action, a.target) for a in await db.scalars(
            select(AuditEntry).where(AuditEntry.action.like("handoff.%"))
            .order_by(AuditEntry.id))]


async def test_every_route_asks_to_sign_in_then_checks_the_role_and_the_token(
        bench: Bench, client: httpx.AsyncClient) -> None:
    case_id = await a_case(bench.sessions, bench.clock)
    for path in ["/cases", f"/cases/{case_id}", "/cases/interpreters"]:
        signin = await client.get(path)
        assert signin.status_code == 303 and signin.headers["location"].startswith("/signin")
    # the staff group's notification links to CONSOLE_URL/cases/<id>: back there after sign-in
    assert (await client.get(f"/cases/{case_id}")).headers["location"] == (
        f"/signin?next=/cases/{case_id}")
    for action in POSTS:
        assert (await client.post(f"/cases/{case_id}/{action}")).status_code == 303
    before = await state_of(bench, case_id)
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    form = {"text": "Hallo", "lang": "de", "topic": "housing", "note": "x", "language": "ar",
            "day": "2026-12-10", "outcome": "answered"}
    for action in POSTS:
        path = f"/cases/{case_id}/{action}"
        assert (await client.post(path, data=form)).status_code == 403, path
        assert (await client.post(path, data={**form, "csrf": "wrong"})).status_code == 403
    assert await state_of(bench, case_id) == before
    async with transaction(bench.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", bench.clock())
    for path in ["/cases", f"/cases/{case_id}", "/cases/interpreters"]:
        assert (await client.get(path)).status_code == 403, path
    for action in POSTS:
        path = f"/cases/{case_id}/{action}"
        assert (await client.post(path, data={**form, "csrf": csrf})).status_code == 403
    assert await state_of(bench, case_id) == before
    assert await audit_of(bench) == []      # nobody read it


async def test_bad_input_gets_a_message_at_the_field_and_changes_nothing(
        bench: Bench, client: httpx.AsyncClient) -> None:
    case_id = await a_case(bench.sessions, bench.clock)
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    assert (await client.get(f"/cases/{case_id}")).status_code == 200
    before = await state_of(bench, case_id)
    bad = [("reply", {"text": "  ", "lang": "de"}, "text", "Write your answer first."),
           ("reply", {"text": "Hallo", "lang": "fr"}, "lang", "Choose German or English."),
           ("attach", {"topic": "no-such-topic"}, "topic", "Choose one of the topics."),
           ("note", {"note": ""}, "note", "Write the note first."),
           ("interpreter", {"language": "ar", "day": "next Tuesday", "inote": "x"}, "day",
            "Give the day as a date"),
           ("interpreter", {"language": "xx", "day": "2026-12-10"}, "language",
            "Choose a language."),
           ("close", {"outcome": "solved-somehow"}, "outcome", "Choose an outcome.")]
    for action, data, name, message in bad:
        shown = await client.post(f"/cases/{case_id}/{action}", data={**data, "csrf": csrf})
        assert shown.status_code == 422, (action, data)
        error = re.search(rf'<p class="error" id="f-{name}-error">([^<]*)</p>', shown.text)
        assert error and message in error.group(1), (action, data)
        assert f'aria-describedby="f-{name}-error"' in shown.text
    kept = await client.post(f"/cases/{case_id}/interpreter",
                             data={"language": "ar", "day": "soon", "inote": "Mit Pass",
                                   "csrf": csrf})
    assert 'value="Mit Pass"' in kept.text and 'value="soon"' in kept.text  # what they wrote
    assert await state_of(bench, case_id) == before
    assert [a[2] for a in await audit_of(bench)] == ["handoff.read"]   # only the first reading
    assert (await client.get("/cases/99")).status_code == 404
    assert (await client.post("/cases/99/take", data={"csrf": csrf})).status_code == 404


async def test_staff_take_note_attach_ask_for_an_interpreter_and_close_all_audited(
        bench: Bench, client: httpx.AsyncClient) -> None:
    case_id = await a_case(bench.sessions, bench.clock)
    other = await a_case(bench.sessions, bench.clock, user="302", lang="uk", topic=None)
    bench.clock.advance(hours=3)
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    inbox = (await client.get("/cases")).text
    assert f'href="/cases/{case_id}"' in inbox and f'href="/cases/{other}"' in inbox
    assert "Arabic" in inbox and "Residence permit" in inbox and "3 hours" in inbox
    assert "nobody yet" in inbox and "in their own words" in inbox
    assert 'href="/cases" aria-current="page"' in inbox          # the nav's entry
    assert f'href="/cases/{other}"' not in (await client.get("/cases?lang=ar")).text
    assert f'href="/cases/{case_id}"' not in (await client.get("/cases?topic=housing")).text
    assert f'href="/cases/{case_id}"' not in (await client.get("/cases?view=mine")).text

    def post(action: str, **data: str) -> Any:
        return client.post(f"/cases/{case_id}/{action}", data={**data, "csrf": csrf})

    taken = await post("take")
    assert taken.status_code == 303 and taken.headers["location"].startswith(
        f"/cases/{case_id}?done=taken")
    assert f'href="/cases/{case_id}"' in (await client.get("/cases?view=mine")).text
    assert (await post("release")).status_code == 303
    assert (await post("take")).status_code == 303
    assert (await post("note", note="Bruder übersetzt am Telefon")).status_code == 303
    assert (await post("attach", topic="residence-permit")).status_code == 303
    assert f'href="/cases/{case_id}"' not in (await client.get("/cases?view=waiting")).text
    assert f'href="/cases/{other}"' in (await client.get("/cases?view=waiting")).text
    assert (await post("interpreter", language="ar", day="2026-12-10",
                       inote="Termin im Welcome Center")).status_code == 303
    shown = (await client.get(f"/cases/{case_id}")).text
    assert "Note for staff only (you)" in shown and "Bruder übersetzt am Telefon" in shown
    assert "FAQ answer sent" in shown and "Residence permit" in shown
    assert 'lang="ar" dir="rtl"' in shown and QUESTION in shown
    listed = (await client.get("/cases/interpreters")).text
    assert "2026-12-10" in listed and "Termin im Welcome Center" in listed and "Arabic" in listed
    closed = await post("close", outcome="answered")
    assert closed.status_code == 303
    shown = (await client.get(f"/cases/{case_id}")).text
    assert "closed" in shown and "Send the answer" not in shown
    assert (await post("note", note="zu spät")).status_code == 422   # closed: nothing changes
    assert f'href="/cases/{case_id}"' not in (await client.get("/cases")).text
    target = f"case:{case_id}"
    assert [a for a in await audit_of(bench) if a[3] == target] == [
        (ANA, "console", f"handoff.{action}", target) for action in [
            "take", "release", "take", "note", "attach", "interpreter", "read", "close",
            "read"]]
    async with bench.sessions() as db:
        pushes = [row.push for row in await db.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id))]
    assert pushes == ["handoff:attached", "handoff:closed"]     # a note is never sent


async def test_an_arabic_speaker_asks_and_staff_answer_in_german_from_the_console(
        app: App, center: Center, models: Path, client: httpx.AsyncClient) -> None:
    amal = await center.newcomer("301", "ar")
    await amal.say("/contact")
    await amal.tap("topic:residence-permit")
    await amal.say(QUESTION)
    async with app.sessions() as db:
        [case] = list(await db.scalars(select(HandoffCase)))
        [first] = await store.messages(db, case.id)
    assert first.translation and first.machine

    await staff_member(app, ANA)
    csrf = await sign_in(client, app, ANA)
    inbox = (await client.get("/cases?view=waiting")).text
    assert f'href="/cases/{case.id}"' in inbox and "Arabic" in inbox
    shown = (await client.get(f"/cases/{case.id}")).text
    assert f'<blockquote class="original" lang="ar" dir="rtl">{QUESTION}</blockquote>' in shown
    assert f'<blockquote lang="de">{first.translation}</blockquote>' in shown   # beside it
    assert "machine translation" in shown
    sent = await client.post(f"/cases/{case.id}/reply",
                             data={"text": GERMAN_ANSWER, "lang": "de", "csrf": csrf})
    assert sent.status_code == 303
    shown = (await client.get(sent.headers["location"])).text
    assert GERMAN_ANSWER in shown and "Sent in Arabic" in shown

    assert await center.deliver() >= 1
    answer = amal.last_push()
    async with app.sessions() as db:
        [reply] = [m for m in await store.messages(db, case.id) if m.author == "staff"]
    assert (reply.lang, reply.translated_to, reply.machine) == ("de", "ar", True)
    assert shows(answer, amal, ANSWERS) and shows(answer, amal, actions.ANSWER_MACHINE)
    assert reply.translation and reply.translation in plain(answer)
    assert GERMAN_ANSWER not in plain(answer)
    await amal.tap("original")                        # the German original, one tap away
    assert GERMAN_ANSWER in plain(amal.texts[-1])
    assert (ANA, "console", "handoff.reply", f"case:{case.id}") in await audit_of(app)


# -- in a browser -------------------------------------------------------------------------
def test_the_inbox_in_a_browser_open_a_case_and_answer(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    async def opened() -> int:
        engine = make_engine(settings.database_url)
        try:
            sessions = make_sessions(engine)
            await a_case(sessions, clock, user="302", lang="uk", topic="housing")
            return await a_case(sessions, clock, german=(
                "Hallo, ich brauche einen Termin wegen der Aufenthaltserlaubnis. Wann kann "
                "ich kommen?"))
        finally:
            await engine.dispose()

    case_id = run(opened())
    clock.advance(minutes=40)
    browser_sign_in(page, console_server, settings, clock, ANA)
    page.get_by_role("link", name="Conversations").click()
    page.wait_for_url(f"{console_server}/cases")
    page.get_by_role("link", name=f"Conversation #{case_id}").click()
    page.wait_for_url(f"{console_server}/cases/{case_id}")
    assert "Aufenthaltserlaubnis" in page.inner_text("#messages")
    page.get_by_label("Your answer").fill(GERMAN_ANSWER)
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(re.compile(rf".*/cases/{case_id}\?done=replied"))
    assert GERMAN_ANSWER in page.inner_text("#messages")
    assert "on its way" in page.inner_text("main")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "cases")
