"""The review pages in a browser (headless Chromium): a translator of Arabic signs in, finds
the Arabic machine draft of a notice in their queue, sees it right to left beside the German
source with the glossary's terms, corrects it and marks it reviewed. Sent
then, the notice reaches an Arabic reader in the reviewed Arabic without the "automatic
translation" note. Screenshot "review"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from bot.app import open_app
from bot.config import Settings
from bot.db import people
from bot.db.session import make_engine, make_sessions, transaction
from bot.notices import drafts, store
from bot.notices.actions import MACHINE_NOTE
from bot.notices.audience import parse
from bot.notices.content import NoticeFile, Text
from bot.reviewers import set_languages
from tests.console.conftest import run, screenshot
from tests.console.test_notices_browser import sent_everywhere, subscribed
from tests.fakes import FakeClock

RIMA = "console:rima"
NOTICE = NoticeFile(
    id="impfung-im-welcome-center", topic="health", source="de",
    allow_machine_translation=True,
    texts={
        "de": Text(title="Grippeimpfung im Welcome Center",
                   text="Am Donnerstag impft eine Ärztin im Welcome Center gegen Grippe. "
                        "Bringen Sie Ihre Gesundheitskarte mit. Die Impfung ist kostenlos."),
        "ar": Text(title="التطعيم ضد الإنفلونزا في ويلكم سنتر",
                   text="يوم الخميس تقوم طبيبة بالتطعيم ضد الإنفلونزا في ويلكم سنتر. "
                        "أحضر بطاقتك الصحية. التطعيم مجاني.", machine=True),
    })
REVIEWED_TITLE = "التطعيم ضد الإنفلونزا في مركز الترحيب"
REVIEWED_TEXT = ("يوم الخميس تقوم طبيبة بالتطعيم ضد الإنفلونزا في مركز الترحيب. "
                 "أحضر بطاقتك الصحية. التطعيم مجاني.")


def test_a_translator_marks_the_arabic_draft_reviewed(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    if settings.database_url.startswith("postgresql"):
        pytest.skip("the browser test runs on SQLite (the HTTP tests cover PostgreSQL)")
    from bot.console import signin

    async def prepare() -> tuple[str, NoticeFile]:
        engine = make_engine(settings.database_url)
        try:
            async with transaction(make_sessions(engine)) as db:
                await drafts.create(db, NOTICE, clock() - dt.timedelta(hours=2))
                person = await people.set_role(db, "console", "rima", "reviewer", clock())
                await set_languages(db, person.id, ["ar"])
                token = await signin.make_link(db, person, clock())
            return token, NOTICE
        finally:
            await engine.dispose()

    async def stored() -> NoticeFile:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessions(engine)() as db:
                found = await drafts.get(db, NOTICE.id)
            assert found is not None
            return found
        finally:
            await engine.dispose()

    async def amal_subscribes() -> None:
        async with open_app(settings, clock=clock) as app:
            await subscribed(app, "console", "amal", "ar")

    async def sent_to_health() -> str:
        """The notice sent to everyone on health: what Amal read."""
        async with open_app(settings, clock=clock) as app:
            async with transaction(app.sessions) as db:
                notice = await drafts.get(db, NOTICE.id)
                assert notice is not None
                await store.queue(db, notice, "topic:health",
                                  parse("topic:health", tuple(settings.languages)),
                                  send_at=clock(), expires_at=None, now=clock())
            note = app.catalogs.translator("ar").gettext(MACHINE_NOTE)
        terminal, _ = await sent_everywhere(settings, clock)
        return f"{terminal['amal']}\n{note}"

    token, _ = run(prepare())
    run(amal_subscribes())
    page.goto(f"{console_server}/signin/link/{token}")
    page.get_by_role("button", name=re.compile("Sign in|Anmelden")).click()
    page.wait_for_url(f"{console_server}/review")
    nav = page.get_by_role("navigation")
    assert nav.get_by_role("link").all_inner_texts() == ["Review"]
    page.get_by_role("link", name="Grippeimpfung im Welcome Center").click()
    page.wait_for_url(re.compile(rf"/review/notice/{NOTICE.id}/ar$"))
    text = page.get_by_label("Text", exact=True)
    assert text.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("#source-text").evaluate(
        "e => getComputedStyle(e).direction") == "ltr"
    terms = page.locator("aside .terms")
    assert "مركز الترحيب" in terms.inner_text()  # the glossary's Welcome Center
    page.get_by_label("Title", exact=True).fill(REVIEWED_TITLE)
    text.fill(REVIEWED_TEXT)
    text.focus()
    screenshot(page, "review")
    page.get_by_role("button", name="Save and mark reviewed").click()
    page.wait_for_url(re.compile(r"/review\?done=reviewed$"))
    assert page.get_by_role("status").inner_text() == "Saved and marked reviewed."
    assert "Nothing is waiting for review in your languages." in page.content()
    notice = run(stored())
    assert notice.state("ar") == "reviewed" and notice.texts["ar"].reviewed_by == RIMA
    assert notice.texts["ar"].title == REVIEWED_TITLE
    amal, note = run(sent_to_health()).rsplit("\n", 1)
    assert REVIEWED_TITLE in amal.replace("\u2068", "").replace("\u2069", "")
    assert note and note not in amal and "automatic" not in note
