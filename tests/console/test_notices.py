"""The console's Notices pages over HTTP: every route signed out (-> sign-in), with the wrong
role (403), without the CSRF token (refused, nothing changed); a bad write form, text or
audience (a message at the field, nothing saved); a notice written in German, machine drafts
for Arabic and Ukrainian (the tiny model of tests/notices/tiny_argos.py), Arabic reviewed,
sent to the topic's subscribers in the terminal, who get it in their language, paused,
resumed and tallied. The browser scenario is in test_notices_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import Settings
from bot.db.session import transaction
from bot.db.tables import AuditEntry, NoticeDraft, OutboxMessage
from bot.notices import drafts, topics, translation
from bot.notices.content import NoticeFile
from tests.conftest import make_settings
from tests.console.conftest import (
    delivered,
    sent_to_sign_in,
    sign_in,
    staff_member,
)

ANA = "console:ana"
PAIRS = [("de", "en"), ("en", "ar"), ("en", "uk")]
"""German to English, then Arabic and Ukrainian through English; no model for fa, ru, tr."""
NOTICE = {"source": "de", "title": "Grippeimpfung", "topic": "health",
          "text": "Lassen Sie sich impfen. Es ist kostenlos!", "link": "", "expires": "",
          "allow": "yes"}
ID = "grippeimpfung-20261123-0900"
GETS = ["/notices", "/notices/new", f"/notices/{ID}", f"/notices/{ID}/edit",
        f"/notices/{ID}/texts/ar", f"/notices/{ID}/tally"]
POSTS = ["/notices/new", f"/notices/{ID}/edit", f"/notices/{ID}/texts/ar",
         f"/notices/{ID}/review/ar", f"/notices/{ID}/translate", f"/notices/{ID}/audience",
         f"/notices/{ID}/send", f"/notices/{ID}/pause", f"/notices/{ID}/resume",
         f"/notices/{ID}/cancel"]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("argostranslate", reason="`make translate` installs it")
    from tests.notices import tiny_argos

    root = tmp_path_factory.mktemp("argos-console")
    built = tiny_argos.build(root / "built", PAIRS)
    models = root / "models"
    translation.configure(models)
    translation._argos()
    from argostranslate import package

    for path in built:
        package.install_from_path(path)
    translation._models_dir = None
    return models


@pytest.fixture
def settings(db_url: str, tiny_models: Path) -> Iterator[Settings]:
    yield make_settings(db_url, translation_models_dir=tiny_models)
    translation._models_dir = None  # the next user reads its settings again


async def count(app: App, table: Any) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def signed_in(app: App, client: httpx.AsyncClient) -> str:
    await staff_member(app, ANA)
    return await sign_in(client, app, ANA)


async def subscriber(app: App, who: str, lang: str, topic: str = "health") -> None:
    person = await staff_member(app, who, role="newcomer", locale=lang)
    async with transaction(app.sessions) as db:
        await topics.subscribe(db, person.id, [topic], app.runtime.clock())


async def stored(app: App, notice_id: str = ID) -> NoticeFile:
    async with app.sessions() as session:
        found = await drafts.get(session, notice_id)
    assert found is not None
    return found


def plain(text: str) -> str:
    return re.sub("[\u2066-\u2069\u200e\u200f\u061c]", "", text)


async def test_every_route_asks_to_sign_in_then_checks_the_role_and_the_token(
        app: App, client: httpx.AsyncClient) -> None:
    await sent_to_sign_in(client, GETS, POSTS)
    csrf = await signed_in(app, client)
    assert (await client.post("/notices/new", data={**NOTICE, "csrf": csrf})).status_code == 303
    await subscriber(app, "console:amal", "ar")
    before = (await stored(app), await count(app, AuditEntry))
    for path in POSTS:  # without the token: refused, nothing changes
        data = {**NOTICE, "title": "Anders", "audience": "topic:health"}
        assert (await client.post(path, data=data)).status_code == 403, path
    assert (await stored(app), await count(app, AuditEntry)) == before
    assert await count(app, OutboxMessage) == 0
    for path in GETS:
        assert (await client.get(path)).status_code == 200, path
    assert (await client.get("/notices/nothing-here")).status_code == 404
    # The city's file is shown and sent, never edited here.
    assert (await client.get("/notices/aha-hygiene")).status_code == 200
    assert (await client.get("/notices/aha-hygiene/edit")).status_code == 409
    from bot.db import people

    async with transaction(app.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", app.runtime.clock())
    for path in GETS:
        assert (await client.get(path)).status_code == 403, path
    for path in POSTS:
        data = {**NOTICE, "csrf": csrf, "audience": "topic:health"}
        assert (await client.post(path, data=data)).status_code == 403, path
    assert await count(app, OutboxMessage) == 0 and await count(app, NoticeDraft) == 1


async def test_bad_input_is_named_at_its_field_and_nothing_is_saved(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(app, client)
    audited = await count(app, AuditEntry)
    shown = await client.post("/notices/new", data={
        **NOTICE, "csrf": csrf, "title": "", "topic": "sports", "link": "http://x",
        "expires": "2026-11-01 10:00", "source": "ar"})
    assert shown.status_code == 422
    for name in ("title", "topic", "link", "expires", "source"):
        assert re.search(rf'id="f-{name}-error"', shown.text), name
    assert "Lassen Sie sich impfen" in shown.text  # what was typed stays
    assert await count(app, NoticeDraft) == 0 and await count(app, AuditEntry) == audited
    await client.post("/notices/new", data={**NOTICE, "csrf": csrf})
    before = await stored(app)
    empty = await client.post(f"/notices/{ID}/texts/ar", data={"title": "x", "text": " ",
                                                               "csrf": csrf})
    assert empty.status_code == 422 and 'id="f-text-error"' in empty.text
    wrong = await client.post(f"/notices/{ID}/send", data={"audience": "topic:sports",
                                                           "at": "morgen", "csrf": csrf})
    assert wrong.status_code == 422
    assert 'id="f-audience-send-error"' in wrong.text and 'id="f-at-error"' in wrong.text
    nobody = await client.post(f"/notices/{ID}/send", data={"audience": "topic:health",
                                                            "csrf": csrf})
    assert nobody.status_code == 422 and "Nobody is in this audience." in nobody.text
    assert await stored(app) == before and await count(app, OutboxMessage) == 0
    # At a time: scheduled, and the list says so.
    await subscriber(app, "console:amal", "ar")
    later = await client.post(f"/notices/{ID}/send", data={"audience": "topic:health",
                                                          "at": "2026-11-24 08:00",
                                                          "csrf": csrf})
    assert later.status_code == 303 and await delivered(app) == {}
    assert re.search(r'class="state scheduled">scheduled<', (await client.get("/notices")).text)
    # The audience as typed: a message, not a count.
    typed = await client.post(f"/notices/{ID}/audience", data={"audience": "topic:",
                                                               "csrf": csrf})
    assert 'id="f-audience-error"' in typed.text


async def test_written_in_german_drafted_reviewed_sent_paused_resumed_and_tallied(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(app, client)
    for who, lang in (("console:hans", "de"), ("console:amal", "ar"),
                      ("console:olena", "uk"), ("console:reza", "fa")):
        await subscriber(app, who, lang)
    await subscriber(app, "console:tom", "en", topic="courses")  # another topic
    written = await client.post("/notices/new", data={**NOTICE, "csrf": csrf})
    assert written.status_code == 303 and written.headers["location"] == (
        f"/notices/{ID}?done=written")
    page = (await client.get(f"/notices/{ID}")).text
    assert "No translation model is installed for:" in page and "Persian" in page
    assert "4 people would get it." in page
    assert (await client.post(f"/notices/{ID}/translate", data={"csrf": csrf})).status_code == 303
    notice = await stored(app)
    assert {code: notice.state(code) for code in ("de", "en", "ar", "uk", "fa")} == {
        "de": "source", "en": "machine", "ar": "machine", "uk": "machine", "fa": "missing"}
    arabic = notice.texts["ar"]
    fixed = await client.post(f"/notices/{ID}/texts/ar", data={
        "title": "تطعيم الإنفلونزا", "text": arabic.text, "reviewed": "yes", "csrf": csrf})
    assert fixed.status_code == 303
    notice = await stored(app)
    assert notice.state("ar") == "reviewed" and notice.texts["ar"].based_on == (
        notice.fingerprint())
    page = (await client.get(f"/notices/{ID}")).text
    assert re.search(r'<div class="bubble" lang="ar" dir="rtl">📢 ', plain(page))
    assert f"Reviewed by {ANA} against the source {notice.fingerprint()}." in page
    assert "Readers see the note: automatic translation." in page  # Ukrainian
    counted = await client.post(f"/notices/{ID}/audience", data={
        "audience": "topic:health locale:ar,uk", "csrf": csrf})
    assert "2 people would get it." in counted.text and "reviewed translation" in counted.text
    sent = await client.post(f"/notices/{ID}/send", data={"audience": "topic:health",
                                                          "csrf": csrf})
    assert sent.status_code == 303
    assert await count(app, OutboxMessage) == 4
    live = (await client.get(f"/notices/{ID}/tally")).text  # while sending, it asks again
    assert f'hx-get="/notices/{ID}/tally" hx-trigger="every 3s' in live and "0 / 4" in live
    paused = await client.post(f"/notices/{ID}/pause", data={"csrf": csrf})
    assert paused.status_code == 303
    assert await delivered(app) == {}  # paused: nothing goes out
    listing = (await client.get("/notices")).text
    assert "paused" in listing and "0 / 4" in listing
    assert (await client.post(f"/notices/{ID}/resume", data={"csrf": csrf})).status_code == 303
    got = {who: plain("\n".join(texts)) for who, texts in (await delivered(app)).items()}
    assert "Lassen Sie sich impfen" in got["hans"]
    assert "تطعيم الإنفلونزا" in got["amal"] and "automatic" not in got["amal"]
    assert plain(notice.texts["uk"].title) in got["olena"]
    assert "Lassen Sie sich impfen" in got["reza"]  # no Persian: German, with a note
    assert "tom" not in got
    tally = (await client.get(f"/notices/{ID}/tally")).text
    assert "hx-trigger" not in tally and "4 / 4" in tally  # done: it stops asking
    row = re.search(r"<td>Arabic</td>(.*?)</tr>", tally)
    assert row and "<td>1</td>" in row.group(1)
    assert re.search(r"<th[^>]*>sent</th>", tally)
    assert "sent" in (await client.get("/notices")).text
    # The source changed: the Arabic review is stale, a new machine draft is made.
    changed = await client.post(f"/notices/{ID}/edit", data={
        **NOTICE, "text": "Lassen Sie sich bitte impfen.", "csrf": csrf})
    assert changed.status_code == 303
    assert (await stored(app)).state("ar") == "stale"
    assert "stale: the source changed" in (await client.get(f"/notices/{ID}")).text
    # Its draft purged after a month: the notice as sent is still shown, not changed.
    async with transaction(app.sessions) as db:
        await drafts.purge(db, app.runtime.clock() + drafts.KEEP * 2)
    assert "Grippeimpfung" in (await client.get(f"/notices/{ID}")).text
    assert (await client.get(f"/notices/{ID}/edit")).status_code == 409
    # In German.
    await client.post("/language", data={"lang": "de", "csrf": csrf, "next": "/notices"})
    german = await client.get(f"/notices/{ID}")
    assert german.status_code == 200 and '<html lang="de">' in german.text
    async with app.sessions() as session:
        actions = set(await session.scalars(select(AuditEntry.action).where(
            AuditEntry.target == f"notice:{ID}")))
    assert actions == {"notices.write", "notices.translate", "notices.text", "notices.edit",
                       "notices.send", "notices.pause", "notices.resume"}


async def test_each_language_may_have_its_own_link_and_only_an_https_one(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(app, client)
    await client.post("/notices/new", data={**NOTICE, "link": "https://example.org/de.mp4",
                                             "csrf": csrf})
    form = {"title": "تطعيم الإنفلونزا", "text": "احصلوا على اللقاح.", "csrf": csrf}
    wrong = await client.post(f"/notices/{ID}/texts/ar",
                              data={**form, "link": "http://example.org/ar.mp4"})
    assert wrong.status_code == 422 and 'id="f-link-error"' in wrong.text
    assert "http://example.org/ar.mp4" in wrong.text  # what was typed stays
    assert "ar" not in (await stored(app)).texts
    saved = await client.post(f"/notices/{ID}/texts/ar",
                              data={**form, "link": "https://example.org/ar.mp4"})
    assert saved.status_code == 303
    notice = await stored(app)
    assert notice.texts["ar"].video == "https://example.org/ar.mp4"
    assert notice.texts["de"].video == "https://example.org/de.mp4"
    shown = await client.get(f"/notices/{ID}/texts/ar")
    assert 'value="https://example.org/ar.mp4"' in shown.text
    page = plain((await client.get(f"/notices/{ID}")).text)
    arabic = page.split('id="lang-ar"')[1].split("</article>")[0]
    assert "https://example.org/ar.mp4" in arabic  # in the Arabic preview and under it
    german = page.split('id="lang-de"')[1].split("</article>")[0]
    assert "https://example.org/de.mp4" in german and "ar.mp4" not in german


async def test_cancelled_what_is_left_never_goes_out_and_who_got_it_keeps_it(
        app: App, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(app, client)
    await subscriber(app, "console:hans", "de")
    await subscriber(app, "console:amal", "ar")
    await client.post("/notices/new", data={**NOTICE, "csrf": csrf})
    await client.post(f"/notices/{ID}/send", data={"audience": "topic:health", "csrf": csrf})
    first = await delivered(app)
    assert sorted(first) == ["amal", "hans"]
    # Two more people, sent to them too, paused; then cancelled.
    await subscriber(app, "console:olena", "uk")
    await subscriber(app, "console:reza", "fa")
    await client.post(f"/notices/{ID}/send", data={"audience": "topic:health", "csrf": csrf})
    await client.post(f"/notices/{ID}/pause", data={"csrf": csrf})
    shown = (await client.get(f"/notices/{ID}")).text
    assert "Cancel the notice" in shown and "Resume" in shown
    cancelled = await client.post(f"/notices/{ID}/cancel", data={"csrf": csrf})
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == f"/notices/{ID}?done=cancelled#tally"
    page = (await client.get(f"/notices/{ID}?done=cancelled")).text
    assert "Cancelled: what had not gone out will not be sent." in page
    assert "Cancel the notice" not in page and "Resume" not in page
    await client.post(f"/notices/{ID}/resume", data={"csrf": csrf})  # nothing to resume
    assert await delivered(app) == {}
    tally = (await client.get(f"/notices/{ID}/tally")).text
    assert re.search(r'class="state cancelled">cancelled<', tally)
    assert re.search(r"<th[^>]*>cancelled</th>", tally)
    ukrainian = re.search(r"<td>Ukrainian</td>(.*?)</tr>", tally)
    german = re.search(r"<td>German</td>(.*?)</tr>", tally)
    assert ukrainian and german
    assert re.findall(r"<td>(\d+)</td>", ukrainian.group(1)) == ["0", "1"]  # sent, cancelled
    assert re.findall(r"<td>(\d+)</td>", german.group(1)) == ["1", "0"]
    # The chart: a bar per language, each message once.
    assert 'role="img" aria-label="Tally per language"' in tally
    assert "<title>Ukrainian, cancelled: 1</title>" in tally
    assert "<title>German, sent, not confirmed: 1</title>" in tally
    assert re.search(r'class="state cancelled">cancelled<', (await client.get("/notices")).text)
    # Sending again reaches nobody who was cancelled.
    await client.post(f"/notices/{ID}/send", data={"audience": "topic:health", "csrf": csrf})
    assert await delivered(app) == {}
    async with app.sessions() as session:
        audited = list(await session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "notices.cancel", AuditEntry.target == f"notice:{ID}")))
    assert audited == ["cancelled=2"]
