"""The translators' review pages over HTTP: every route signed out (-> sign-in), with the
wrong role (403), a reviewer kept to /review and to their languages, without the CSRF token
(refused, nothing changed), a text left empty (a message at the field, nothing saved); the
People page making someone a reviewer of Arabic. Then the stories: a notice written in
German with an Arabic machine draft (the tiny model of tests/notices/tiny_argos.py) is
reviewed by a translator of Arabic, and the Arabic reader gets it without the "automatic
translation" note; when staff change the German text, the Arabic one is stale and waits
again. An event's Arabic title, the same in short. The browser test is in
test_review_browser.py."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.app import App
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import AuditEntry, Event, EventSeries, NoticeDraft, ReviewerLanguage
from bot.events.series import Series
from bot.reviewers import languages_of, set_languages
from tests.console.conftest import csrf_of, delivered, sent_to_sign_in, sign_in, staff_member
from tests.console.test_events import CAFE
from tests.console.test_notices import (  # noqa: F401 (fixtures: the tiny model's settings)
    ID,
    NOTICE,
    plain,
    settings,
    stored,
    subscriber,
    tiny_models,
)

ANA = "console:ana"
RIMA = "console:rima"
ITEM = f"/review/notice/{ID}/ar"
GETS = ["/review", ITEM]
POSTS = [ITEM]


async def count(app: App, table: Any) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def reviewer(app: App, who: str, langs: list[str]) -> None:
    person = await staff_member(app, who, role="reviewer", locale="ar")
    async with transaction(app.sessions) as db:
        await set_languages(db, person.id, langs)


async def reviewer_signs_in(client: httpx.AsyncClient, app: App, who: str) -> str:
    """Signed in by a one-time link (sign_in's, which then reads "/": a reviewer is sent on
    to /review); the session's CSRF token."""
    from bot.console import signin

    channel, _, external_id = who.partition(":")
    async with transaction(app.sessions) as db:
        person = await people.find(db, channel, external_id)
        assert person is not None
        token = await signin.make_link(db, person, app.runtime.clock())
    shown = await client.get(f"/signin/link/{token}")
    signed = await client.post("/signin/link", data={"token": token,
                                                     "csrf": csrf_of(shown.text)})
    assert signed.status_code == 303
    home = await client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/review"
    return csrf_of((await client.get("/review")).text)


async def written_and_drafted(app: App, client: httpx.AsyncClient) -> str:
    """Ana (staff) writes the German notice and lets the machine drafts go; her token."""
    await staff_member(app, ANA)
    csrf = await sign_in(client, app, ANA)
    assert (await client.post("/notices/new", data={**NOTICE, "csrf": csrf})).status_code == 303
    assert (await client.post(f"/notices/{ID}/translate",
                              data={"csrf": csrf})).status_code == 303
    assert (await stored(app)).state("ar") == "machine"
    return csrf


async def test_every_route_asks_to_sign_in_and_a_reviewer_reaches_only_their_languages(
        app: App, client: httpx.AsyncClient) -> None:
    await sent_to_sign_in(client, GETS, POSTS)
    await written_and_drafted(app, client)
    client.cookies.clear()
    await reviewer(app, RIMA, ["ar"])
    csrf = await reviewer_signs_in(client, app, RIMA)
    for path in GETS:
        assert (await client.get(path)).status_code == 200, path
    # Nothing else of the console, and no other language.
    for path in ("/notices", f"/notices/{ID}", "/people", "/events", "/audit", "/cases"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.post(f"/notices/{ID}/review/ar", data={"csrf": csrf})).status_code == 403
    assert (await client.get(f"/review/notice/{ID}/uk")).status_code == 403
    assert (await client.post(f"/review/notice/{ID}/uk", data={
        "title": "x", "text": "y", "action": "review", "csrf": csrf})).status_code == 403
    assert (await client.get(f"/review/faq-nothing/{ID}/ar")).status_code == 404
    assert (await client.get(f"/review/notice/{ID}/xx")).status_code == 404
    assert (await client.get("/review/notice/no-such-notice/ar")).status_code == 404
    assert (await client.get(f"/review/notice/{ID}/de")).status_code == 403  # not hers
    # The nav shows the review only.
    queue = (await client.get("/review")).text
    assert '<a href="/review" aria-current="page">Review</a>' in queue
    assert 'href="/notices"' not in queue and 'href="/people"' not in queue
    # Without the token: refused, nothing changes.
    before = (await stored(app), await count(app, AuditEntry))
    refused = await client.post(ITEM, data={"title": "x", "text": "y", "action": "review"})
    assert refused.status_code == 403
    assert (await stored(app), await count(app, AuditEntry)) == before
    # No longer a reviewer: nothing.
    async with transaction(app.sessions) as db:
        await people.set_role(db, "console", "rima", "volunteer", app.runtime.clock())
    for path in GETS:
        assert (await client.get(path)).status_code == 403, path
    assert (await client.post(ITEM, data={"title": "x", "text": "y", "action": "review",
                                          "csrf": csrf})).status_code == 403
    assert await stored(app) == before[0]


async def test_staff_review_every_language_and_an_empty_text_is_named_at_its_field(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await written_and_drafted(app, client)
    queue = (await client.get("/review")).text
    assert "Arabic" in queue and "Ukrainian" in queue and "Persian" in queue
    assert (await client.get(f"/review/notice/{ID}/de")).status_code == 404  # the source
    before = (await stored(app), await count(app, AuditEntry))
    empty = await client.post(ITEM, data={"title": " ", "text": "x" * 3501, "action": "review",
                                          "seen": "whatever", "csrf": csrf})
    assert empty.status_code == 422
    assert 'id="f-title-error"' in empty.text and "Please fill this in." in empty.text
    assert 'id="f-text-error"' in empty.text and "3500 characters" in empty.text
    assert 'aria-invalid="true"' in empty.text
    assert (await stored(app), await count(app, AuditEntry)) == before
    # The German source changed while the page was open: compared again, nothing saved.
    page = (await client.get(ITEM)).text
    seen = re.search(r'name="seen" value="([^"]+)"', page)
    assert seen
    await client.post(f"/notices/{ID}/edit", data={**NOTICE, "text": "Bitte impfen lassen.",
                                                   "csrf": csrf})
    late = await client.post(ITEM, data={"title": "عنوان", "text": "نص", "action": "review",
                                         "seen": seen.group(1), "csrf": csrf})
    assert late.status_code == 409 and "The source changed while you were working" in late.text
    assert "Bitte impfen lassen." in late.text and "نص" in late.text  # the new source, the typed
    assert (await stored(app)).state("ar") != "reviewed"


async def test_an_admin_makes_someone_a_reviewer_of_arabic_and_it_goes_with_them(
        app: App, client: httpx.AsyncClient) -> None:
    await staff_member(app, ANA, role="admin")
    csrf = await sign_in(client, app, ANA)
    rima = await staff_member(app, RIMA, role="newcomer", locale="ar")
    page = (await client.get(f"/people/{rima.id}")).text
    assert "Languages they review" in page and 'name="langs" value="ar"' in page
    audited = await count(app, AuditEntry)
    none = await client.post(f"/people/{rima.id}/role", data={"role": "reviewer",
                                                               "csrf": csrf})
    assert none.status_code == 422 and 'id="f-langs-error"' in none.text
    assert "Choose the languages they review (at least one)." in none.text
    wrong = await client.post(f"/people/{rima.id}/role", data={"role": "reviewer",
                                                                "langs": "xx", "csrf": csrf})
    assert wrong.status_code == 422
    assert await count(app, AuditEntry) == audited and await count(app, ReviewerLanguage) == 0
    made = await client.post(f"/people/{rima.id}/role", data={
        "role": "reviewer", "langs": ["ar", "fa"], "csrf": csrf})
    assert made.status_code == 303
    async with app.sessions() as session:
        assert await languages_of(session, rima.id) == ("ar", "fa")
        entry = await session.scalar(select(AuditEntry).where(
            AuditEntry.action == "people.role"))
    assert entry is not None and entry.detail == "reviewer langs=ar,fa" and entry.who == ANA
    shown = plain((await client.get(f"/people/{rima.id}")).text)
    assert "Reviewer (translator)" in shown
    assert "Role: translation reviewer" in shown  # as /mydata shows it
    assert "Languages you review: العربية, فارسی" in shown
    # Back to a newcomer: the languages go.
    await client.post(f"/people/{rima.id}/role", data={"role": "newcomer", "csrf": csrf})
    assert await count(app, ReviewerLanguage) == 0
    # Erased: the languages go with the person.
    await client.post(f"/people/{rima.id}/role", data={"role": "reviewer", "langs": "ar",
                                                        "csrf": csrf})
    assert await count(app, ReviewerLanguage) == 1
    erased = await client.post(f"/people/{rima.id}/erase", data={"confirm": RIMA,
                                                                  "csrf": csrf})
    assert erased.status_code == 303 and await count(app, ReviewerLanguage) == 0


async def test_a_translator_reviews_the_arabic_draft_and_the_reader_gets_no_machine_note(
        app: App, client: httpx.AsyncClient) -> None:
    # Ana, staff, writes a notice in German and lets the machine drafts go.
    ana_csrf = await written_and_drafted(app, client)
    staff_cookies = dict(client.cookies)
    await subscriber(app, "console:amal", "ar")
    client.cookies.clear()
    # Rima reviews Arabic. Her queue holds the notice's Arabic machine draft, no Ukrainian.
    await reviewer(app, RIMA, ["ar"])
    csrf = await reviewer_signs_in(client, app, RIMA)
    queue = (await client.get("/review")).text
    assert "Arabic" in queue and "Ukrainian" not in queue
    row = re.search(rf'<span class="state machine">machine draft</span></td>\s*<td><a href="'
                    rf'{ITEM}" dir="auto">Grippeimpfung</a>', queue)
    assert row, queue
    # The German source on the left, the Arabic draft on the right, right to left.
    page = (await client.get(ITEM)).text
    notice = await stored(app)
    assert '<p class="source-text" lang="de" dir="auto" id="source-text">' \
           "Lassen Sie sich impfen. Es ist kostenlos!</p>" in page
    assert re.search(r'<textarea id="f-text" name="text" rows="8" lang="ar" dir="rtl"', page)
    assert notice.texts["ar"].text in page
    seen = re.search(r'name="seen" value="([^"]+)"', page)
    assert seen
    # She corrects the title and marks it reviewed.
    done = await client.post(ITEM, data={"title": "تطعيم الإنفلونزا",
                                         "text": notice.texts["ar"].text, "action": "review",
                                         "seen": seen.group(1), "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/review?done=reviewed"
    notice = await stored(app)
    arabic = notice.texts["ar"]
    assert notice.state("ar") == "reviewed" and arabic.based_on == notice.fingerprint()
    assert arabic.reviewed_by == RIMA and arabic.reviewed_at == app.runtime.clock()
    assert arabic.title == "تطعيم الإنفلونزا" and not arabic.machine
    assert ITEM not in (await client.get("/review?done=reviewed")).text
    async with app.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(
            AuditEntry.action == "review.reviewed"))
    assert entry is not None and (entry.who, entry.via, entry.target, entry.detail) == (
        RIMA, "console", f"notice:{ID}", f"lang=ar based_on={notice.fingerprint()}")
    reviewed_page = (await client.get(ITEM)).text
    assert f"Last reviewed by {RIMA}" in reviewed_page and notice.fingerprint() in reviewed_page
    # Ana sends it: Amal reads the reviewed Arabic, without the "automatic translation" note.
    rima_cookies = dict(client.cookies)
    client.cookies.clear()
    client.cookies.update(staff_cookies)
    # The notice's own page says who reviewed the Arabic, against which source.
    assert (f"Reviewed by {RIMA} against the source {notice.fingerprint()}."
            in (await client.get(f"/notices/{ID}")).text)
    assert (await client.post(f"/notices/{ID}/send", data={
        "audience": "topic:health", "csrf": ana_csrf})).status_code == 303
    got = plain("\n".join((await delivered(app))["amal"]))
    assert "تطعيم الإنفلونزا" in got and "automatic" not in got
    # Ana changes the German text: the Arabic is stale, and back in Rima's queue.
    assert (await client.post(f"/notices/{ID}/edit", data={
        **NOTICE, "text": "Lassen Sie sich bitte impfen.", "csrf": ana_csrf})).status_code == 303
    assert (await stored(app)).state("ar") == "stale"
    client.cookies.clear()
    client.cookies.update(rima_cookies)
    queue = (await client.get("/review")).text
    assert re.search(rf'<span class="state stale">stale: the source changed</span></td>\s*'
                     rf'<td><a href="{ITEM}"', queue)
    # Saved without the review: a person's text, still waiting.
    page = (await client.get(ITEM)).text
    seen = re.search(r'name="seen" value="([^"]+)"', page)
    assert seen and "Lassen Sie sich bitte impfen." in page
    kept = await client.post(ITEM, data={"title": "تطعيم الإنفلونزا", "text": "يرجى التطعيم.",
                                         "action": "save", "seen": seen.group(1),
                                         "csrf": csrf})
    assert kept.status_code == 303 and kept.headers["location"] == f"{ITEM}?done=saved"
    assert (await stored(app)).state("ar") == "unreviewed"
    assert "written by a person, not reviewed" in (await client.get("/review")).text
    assert await count(app, NoticeDraft) == 1
    # In German.
    await client.post("/language", data={"lang": "de", "csrf": csrf, "next": ITEM})
    german = (await client.get(ITEM)).text
    assert '<html lang="de">' in german and "Speichern und als geprüft markieren" in german
    assert "Mitteilung, Arabisch" in german and "Ausgangstext (Deutsch)" in german
    assert "geschrieben" in (await client.get("/review")).text


async def test_an_events_arabic_title_reviewed_then_stale_when_the_german_one_changes(
        app: App, client: httpx.AsyncClient) -> None:
    await staff_member(app, ANA)
    ana_csrf = await sign_in(client, app, ANA)
    assert (await client.post("/events/new", data={**CAFE, "csrf": ana_csrf})).status_code == 303
    staff_cookies = dict(client.cookies)
    client.cookies.clear()
    await reviewer(app, RIMA, ["ar"])
    csrf = await reviewer_signs_in(client, app, RIMA)
    item = "/review/series/sprachcafe-ost/ar"
    queue = (await client.get("/review")).text
    assert re.search(rf'written by a person, not reviewed</span></td>\s*<td><a href="{item}"',
                     queue)
    page = (await client.get(item)).text
    assert 'lang="de" dir="auto" id="source-title">Sprachcafé Ost</p>' in page
    assert 'lang="ar" dir="rtl"' in page and "مقهى اللغة الشرقي" in page
    assert "مقهى اللغة" in page.split('id="terms-h"')[1]  # the glossary's Sprachcafé
    seen = re.search(r'name="seen" value="([^"]+)"', page)
    assert seen
    done = await client.post(item, data={"title": "مقهى اللغة في الشرق", "action": "review",
                                         "seen": seen.group(1), "csrf": csrf})
    assert done.status_code == 303
    async with app.sessions() as session:
        row = await session.get(EventSeries, "sprachcafe-ost")
        assert row is not None
        series = Series.model_validate(row.definition)
        details = [e.details["title"]["ar"] for e in await session.scalars(
            select(Event))]
    assert series.state("ar") == "reviewed" and series.reviews["ar"].by == RIMA
    assert set(details) == {"مقهى اللغة في الشرق"}  # the dates people book say it too
    assert item not in (await client.get("/review")).text
    # Ana renames it in German: the Arabic title is stale, back in the queue.
    client.cookies.clear()
    client.cookies.update(staff_cookies)
    edited = await client.post("/events/series/sprachcafe-ost/edit", data={
        **CAFE, "title_de": "Sprachcafé Ostend", "title_ar": "مقهى اللغة في الشرق",
        "csrf": ana_csrf})
    assert edited.status_code == 303
    queue = (await client.get("/review")).text
    assert re.search(rf'stale: the source changed</span></td>\s*<td><a href="{item}"', queue)


async def test_a_persian_translator_reviews_the_faq_answer_the_german_change_made_stale(
        app: App, client: httpx.AsyncClient) -> None:
    """Ana changes the German answer of "housing"; Rana, who reviews Persian, finds the
    Persian answer stale in her queue, is told at the field when its first part is too long
    for a phone, then marks it reviewed: it leaves the queue, stamped with her and the new
    German answer's fingerprint."""
    from bot.faq import edits
    from tests.console.test_faq import form_of, topic_now

    await staff_member(app, ANA)
    csrf = await sign_in(client, app, ANA)
    housing = await topic_now(app, "housing")
    german = housing.answer("de").replace("Wohnung", "Mietwohnung", 1)
    saved = await client.post("/faq/housing", data=form_of(housing, csrf, answer_de=german))
    assert saved.status_code == 303
    await client.post("/signout", data={"csrf": csrf})

    await reviewer(app, "console:rana", ["fa"])
    csrf = await reviewer_signs_in(client, app, "console:rana")
    queue = (await client.get("/review")).text
    assert "/review/faq/housing/fa" in queue and "/review/faq/housing/ar" not in queue
    page = await client.get("/review/faq/housing/fa")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    seen = re.search(r'name="seen" value="([^"]+)"', page.text)
    assert seen is not None
    draft = housing.answer("fa")
    too_long = await client.post("/review/faq/housing/fa", data={
        "csrf": csrf, "seen": seen[1], "action": "review", "answer": "ب" * 400 + "\n\nب"})
    assert too_long.status_code == 422 and "350" in too_long.text
    assert (await topic_now(app, "housing")).state("fa") == "stale"
    done = await client.post("/review/faq/housing/fa", data={
        "csrf": csrf, "seen": seen[1], "action": "review", "answer": draft})
    assert done.status_code == 303 and done.headers["location"] == "/review?done=reviewed"
    assert "/review/faq/housing/fa" not in (await client.get("/review")).text
    after = await topic_now(app, "housing")
    assert after.state("fa") == "reviewed" and after.state("ar") == "stale"
    assert after.reviews["fa"]["by"] == "console:rana"
    assert after.reviews["fa"]["based_on"] == edits.fingerprint(german)
    async with app.sessions() as db:
        audited = [(e.action, e.target) for e in await db.scalars(select(AuditEntry))
                   if e.action.startswith("review.")]
    assert audited == [("review.reviewed", "faq:housing")]
