"""The staff console in a real browser (headless Chromium): signing in with the code the bot
sent, the overview, finding a person, changing their role, the audit log. Makes the
screenshots of docs/img/ (README: "The staff console")."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.app import App, open_app
from bot.config import Settings
from bot.db.session import transaction
from bot.db.tables import Person
from tests.console.conftest import code_in, delivered, run, screenshot, staff_member
from tests.console.test_pages import a_busy_city
from tests.fakes import FakeClock

CROWD = {"ar": (14, 6, 2), "uk": (9, 11, 0), "fa": (8, 3, 0), "tr": (4, 2, 0), "ru": (3, 4, 0),
         "de": (2, 1, 3), "en": (2, 0, 1)}
"""Language -> people on Telegram, WhatsApp and the terminal: a city the screenshots show."""


async def crowd(app: App) -> None:
    now = app.runtime.clock()
    n = 5000
    async with transaction(app.sessions) as db:
        for lang, counts in CROWD.items():
            for channel, count in zip(("telegram", "whatsapp", "console"), counts, strict=True):
                for _ in range(count):
                    n += 1
                    seen = now - timedelta(days=n % 20)
                    db.add(Person(channel=channel, external_id=str(n), locale=lang,
                                  role="newcomer", created_at=seen, last_seen_at=seen))


def test_sign_in_with_the_code_from_the_chat_then_change_a_role_and_see_it_audited(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    async def city() -> None:
        async with open_app(settings, clock=clock) as app:
            await staff_member(app, "console:ana", role="admin", locale="en")
            await a_busy_city(app)
            await crowd(app)

    async def code_sent() -> str:
        async with open_app(settings, clock=clock) as app:
            return code_in((await delivered(app))["ana"])

    run(city())
    page.goto(console_server + "/people")
    assert page.url == console_server + "/signin?next=/people"
    page.get_by_label("Your chat id").fill("console:ana")
    screenshot(page, "signin")
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("heading", name="Enter the code").wait_for()

    page.get_by_label("Sign-in code").fill(run(code_sent()))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(console_server + "/people")
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("heading", name="Overview").wait_for()
    assert page.get_by_role("img", name="People by language and channel").is_visible()
    screenshot(page, "overview")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # the skip link first

    page.get_by_role("link", name="People").click()
    assert page.get_by_role("link", name="People").get_attribute("aria-current") == "page"
    page.get_by_label("Find a person").fill("100")  # htmx: the results come as one types
    page.get_by_role("link", name="telegram:1003").wait_for()
    assert page.url == console_server + "/people?q=100"
    screenshot(page, "people-search")
    page.get_by_role("link", name="telegram:1001").click()
    page.get_by_role("heading", name=re.compile("telegram:1001")).wait_for()
    page.get_by_label("New role").select_option("volunteer")
    page.get_by_role("button", name="Change the role").click()
    page.get_by_role("status").filter(has_text="The role is changed.").wait_for()
    screenshot(page, "people")

    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Action").select_option("people.role")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row").filter(has_text="telegram:1001")
    assert "console:ana" in row.inner_text() and "volunteer" in row.inner_text()
    screenshot(page, "audit")

    page.get_by_role("button", name="Deutsch").click()  # the language switch keeps the page
    page.get_by_role("heading", name="Protokoll").wait_for()
    assert page.get_by_role("link", name="Protokoll").get_attribute("aria-current") == "page"
