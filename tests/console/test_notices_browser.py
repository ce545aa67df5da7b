"""The Notices scenario in a real browser (headless Chromium): a staff member writes a notice
in German, lets the machine drafts go (the tiny models of tests/notices/tiny_argos.py make
Arabic and Ukrainian), previews Arabic right to left, sends it to people in the terminal and
on Telegram (the fake Bot API, the real aiogram client), pauses and resumes it, and sees who
got what in the tally. Makes the screenshots notices-write, notices, notices-audience and
notices-tally of docs/img/."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from bot.app import App, open_app
from bot.config import Settings
from bot.db.session import transaction
from bot.notices import topics
from tests.console.conftest import browser_sign_in, run, screenshot, staff_member
from tests.console.test_notices import NOTICE, plain, settings, tiny_models
from tests.fakes import FakeClock

__all__ = ["settings", "tiny_models"]  # the fixtures: the tiny models in the settings
ANA = "console:ana"
TERMINAL = {"hans": "de", "amal": "ar", "olena": "uk"}
TELEGRAM = {7001: "ar", 7002: "uk", 7003: "de"}


async def subscribed(app: App, channel: str, external_id: str, lang: str) -> None:
    person = await staff_member(app, f"{channel}:{external_id}", role="newcomer",
                                locale=lang)
    async with transaction(app.sessions) as db:
        await topics.subscribe(db, person.id, ["health"], app.runtime.clock())


async def sent_everywhere(settings: Settings, clock: FakeClock
                          ) -> tuple[dict[str, str], dict[int, str]]:
    """The bot's sender run until nothing is due, on the terminal and on Telegram (the fake
    Bot API); what each person got, by terminal user and by Telegram chat."""
    from bot.channels.console import Console
    from bot.channels.telegram.channel import TelegramChannel
    from bot.delivery.sender import Sender
    from bot.service import notice_wanted
    from tests.fake_telegram import TOKEN, FakeTelegram

    fake = FakeTelegram()
    await fake.start()
    try:
        async with open_app(settings, clock=clock) as app:
            out = io.StringIO()
            terminal = Console(app.runtime, app.catalogs, user="nobody", out=out,
                               as_json=True)
            telegram = TelegramChannel(app.runtime, app.catalogs, app.deps.flows,
                                       token=TOKEN, api_base=fake.base,
                                       sender_options={"base_delay": 0.01})
            try:
                sender = Sender(app.sessions, app.runtime,
                                {"console": terminal, "telegram": telegram},
                                wanted={"notices": notice_wanted})
                for _ in range(20):
                    if not await sender.drain():
                        break
            finally:
                await telegram.close()
    finally:
        await fake.stop()
    terminal_got: dict[str, str] = {}
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        who = str(message["to"])
        terminal_got[who] = terminal_got.get(who, "") + plain(message["text"]) + "\n"
    telegram_got = {chat: plain("\n".join(m.text for m in sent if m.method == "sendMessage"))
                    for chat, sent in fake.sent.items()}
    return terminal_got, telegram_got


def words(text: str) -> str:
    """The text without bidi marks, its whitespace as single spaces (as a browser shows it)."""
    return " ".join(plain(text).split())


def test_written_in_german_drafted_previewed_sent_to_terminal_and_telegram_paused_resumed(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    if settings.database_url.startswith("postgresql"):
        pytest.skip("the browser test runs on SQLite (the HTTP tests cover PostgreSQL)")

    async def people() -> None:
        async with open_app(settings, clock=clock) as app:
            for who, lang in TERMINAL.items():
                await subscribed(app, "console", who, lang)
            for chat, lang in TELEGRAM.items():
                await subscribed(app, "telegram", str(chat), lang)

    run(people())
    browser_sign_in(page, console_server, settings, clock, ANA)
    page.get_by_role("link", name="Notices").click()
    page.get_by_role("link", name="Write a notice").click()
    page.get_by_label("German").check()
    page.get_by_label("Title").fill(NOTICE["title"])
    page.get_by_label("Text").fill(NOTICE["text"])
    page.get_by_label("Topic").select_option("health")
    page.get_by_label("Machine drafts may go out").check()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "notices-write")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/notices/grippeimpfung"))

    # The drafts: Arabic and Ukrainian (and English, the way there); no model for Persian.
    page.get_by_role("button", name="Make machine drafts").click()
    page.wait_for_url(re.compile(r"done=drafted"))
    for lang in ("ar", "uk"):
        assert page.locator(f"#lang-{lang} .state").inner_text() == "machine draft"
    assert page.locator("#lang-fa .state").inner_text() == "missing"
    arabic = page.locator("#lang-ar .bubble")
    assert arabic.get_attribute("dir") == "rtl"
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box = arabic.bounding_box()
    assert box is not None and box["width"] < 300  # phone-sized
    assert "Readers see the note: automatic translation." in page.locator(
        "#lang-ar").inner_text()
    previews = {lang: words(page.locator(f"#lang-{lang} .bubble").inner_text())
                for lang in ("de", "ar", "uk")}
    page.evaluate("document.getElementById('h-langs').scrollIntoView()")
    screenshot(page, "notices")

    # The audience, counted as it is typed.
    page.get_by_role("textbox", name="Audience").fill("topic:health channel:telegram")
    page.get_by_text("3 people would get it.").wait_for()
    page.get_by_role("textbox", name="Audience").fill("topic:health")
    page.get_by_text("6 people would get it.").wait_for()
    page.evaluate("document.getElementById('h-send').scrollIntoView()")
    screenshot(page, "notices-audience")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(re.compile(r"done=queued"))

    # Paused before the sender came round: nothing goes out; resumed: everyone gets it.
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("status").filter(has_text="Paused").wait_for()
    assert page.locator("#tally .state").inner_text() == "paused"
    nothing = run(sent_everywhere(settings, clock))
    assert nothing == ({}, {})
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("status").filter(has_text="Resumed.").wait_for()
    terminal, telegram = run(sent_everywhere(settings, clock))
    assert sorted(terminal) == sorted(TERMINAL) and sorted(telegram) == sorted(TELEGRAM)
    # Each got what the preview of their language showed (the tiny model's words are
    # nonsense; the note under them is in the reader's language).
    for lang, got in (("ar", terminal["amal"]), ("ar", telegram[7001]),
                      ("uk", terminal["olena"]), ("uk", telegram[7002]),
                      ("de", terminal["hans"]), ("de", telegram[7003])):
        assert previews[lang] in words(got), (lang, got)
    assert "هذه ترجمة آلية" in telegram[7001] and "автоматичний переклад" in telegram[7002]

    # No reload: the tally asks again every few seconds while sending, then stops.
    tally = page.locator("#tally")
    tally.locator(".state", has_text="sent").wait_for(timeout=8000)
    assert tally.get_attribute("hx-trigger") is None
    assert tally.get_by_role("img", name="Tally per language").is_visible()
    rows = {row.locator("td, th").first.inner_text(): row.inner_text()
            for row in tally.locator("#tally-table tbody tr").all()}
    assert set(rows) == {"Arabic", "Ukrainian", "German", "All"}
    assert re.search(r"\b6\b", rows["All"]) and "6 / 6" in tally.inner_text()
    page.evaluate("document.getElementById('h-tally').scrollIntoView()")
    screenshot(page, "notices-tally")
