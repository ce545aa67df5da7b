"""How good the FAQ's answers are, in a real browser (headless Chromium): staff look at "Did
this help?" for the last weeks, go to the held-out check, run it with the keyboard-usable
button, watch it finish without reloading (htmx asks again while it runs), correct the file
and run it again to see the difference. Makes docs/img/faq-helpful.png and
faq-check.png."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import FaqFeedback
from tests.conftest import make_settings
from tests.console.conftest import browser_sign_in, run, screenshot
from tests.console.test_faq_quality import LINES, held_out
from tests.fakes import FakeClock

TAPS = {  # topic -> language -> (yes, no) a week
    "housing": {"ar": (2, 6), "uk": (4, 2), "fa": (1, 2)},
    "german-courses": {"de": (6, 1), "ar": (5, 1), "uk": (3, 1)},
    "residence-permit": {"fa": (3, 3), "ru": (2, 2)},
    "bank-account": {"en": (3, 0), "tr": (1, 1)},
    "emergency": {"ar": (1, 0)},
}
WEEKS = 8
"""Weeks of answers; housing's in Arabic get better (its answer was rewritten)."""


@pytest.fixture
def held_out_file(tmp_path: Path) -> Path:
    return tmp_path / "faq-held-out.jsonl"


@pytest.fixture
def settings(sqlite_url: str, held_out_file: Path) -> Settings:
    return make_settings(sqlite_url, faq_held_out=held_out_file)


async def feedback(settings: Settings, clock: FakeClock) -> None:
    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_sessions(engine)) as db:
            today = clock().replace(hour=0)
            for weeks_ago in range(WEEKS):
                # today is a Monday: some day of each week, none after today
                day = (today - timedelta(weeks=weeks_ago)
                       + timedelta(days=weeks_ago and weeks_ago % 4))
                for topic, languages in TAPS.items():
                    for lang, (yes, no) in languages.items():
                        if (topic, lang) == ("housing", "ar"):
                            yes += (WEEKS - weeks_ago) // 3
                        db.add_all(FaqFeedback(topic=topic, lang=lang, helpful=helpful, day=day)
                                   for helpful, times in ((True, yes), (False, no))
                                   for _ in range(times))
    finally:
        await engine.dispose()


def test_staff_see_what_helped_then_run_the_held_out_check_twice(
        page: Any, console_server: str, settings: Settings, clock: FakeClock,
        held_out_file: Path) -> None:
    run(feedback(settings, clock))
    held_out(held_out_file, [dict(line, topic="german-courses") if line["id"] == "uk-1"
                             else line for line in LINES])
    browser_sign_in(page, console_server, settings, clock, "console:ana", role="staff")
    page.goto(console_server + "/faq/helpful")
    page.get_by_role("heading", name="Did this help?").wait_for()
    rows = page.locator("#helpful-table tbody tr")
    assert rows.first.get_attribute("data-topic") == "housing"  # the worst first
    assert page.get_by_role("img", name="Finding a flat: share helpful by week").is_visible()
    page.get_by_label("Period").select_option("8")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"weeks=8"))
    assert page.get_by_label("Period").input_value() == "8"
    page.evaluate("document.getElementById('topics-h').scrollIntoView()")
    screenshot(page, "faq-helpful")

    page.get_by_role("link", name="Held-out check").click()
    page.get_by_role("heading", name="Held-out check", exact=True).wait_for()
    button = page.get_by_role("button", name="Run the check now")
    button.focus()
    page.keyboard.press("Enter")
    page.locator('tr[data-run="1"][data-state="done"]').wait_for(timeout=60000)
    assert page.locator("#accuracy").inner_text() == "83 %"

    held_out(held_out_file, LINES)  # the city corrects a label
    page.get_by_role("button", name="Run the check now").click()
    page.locator('tr[data-run="2"][data-state="done"]').wait_for(timeout=60000)
    assert page.locator("#accuracy").inner_text() == "100 %"
    assert "now right: uk-1" in page.locator('tr[data-run="2"]').inner_text()
    page.evaluate("document.getElementById('latest-h').scrollIntoView()")
    screenshot(page, "faq-check")
