"""The FAQ pages in a real browser (headless Chromium): staff open the unanswered questions,
grouped by language and wording, add a Persian group to a topic with the keyboard-usable
select box, and find it among the topic's Persian ways of asking, right to left; then the
same question asked in the terminal chat is answered with that topic. Makes the
screenshots "faq-gaps" and "faq-topic" (README: "The staff console")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import open_app
from bot.config import Settings
from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import FaqGap
from bot.faq import edits
from bot.service import renew_faq
from tests.console.conftest import browser_sign_in, run, screenshot
from tests.console.test_faq import BIDI
from tests.fakes import FakeClock
from tests.faq.test_flow import at_menu

ASKED = [
    ("کجا می‌توانم دوچرخه تعمیر کنم", "fa", 0), ("کجا می‌توانم دوچرخه تعمیر کنم", "fa", 1),
    ("کجا میتوانم دوچرخه ام را تعمیر کنم؟", "fa", 2), ("کجا می‌توانم دوچرخه تعمیر کنم", "fa", 3),
    ("کتابخانه شهر چه ساعتی باز است", "fa", 4),
    ("أين يمكنني إصلاح دراجتي", "ar", 1), ("أين يمكنني إصلاح دراجتي الهوائية", "ar", 5),
    ("Де можна полагодити велосипед?", "uk", 2),
    ("Wo gibt es einen Hundeführerschein?", "de", 6),
    ("Wo gibt es einen Hundeführerschein", "de", 8),
    ("Wo gibt es einen Hundeführerschein?", "de", 9),
]
"""(question, language, days ago): masked as the bot keeps them."""


def test_staff_add_a_persian_group_of_unanswered_questions_to_a_topic(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    async def asked() -> None:
        engine = make_engine(settings.database_url)
        try:
            async with transaction(make_sessions(engine)) as db:
                db.add_all(FaqGap(text=text, lang=lang, day=clock() - timedelta(days=ago),
                                  person_id=None) for text, lang, ago in ASKED)
        finally:
            await engine.dispose()

    run(asked())
    # The console reads the topic files once a process (seconds): before the clock starts.
    edits.files(settings.content_dir, tuple(settings.languages))
    browser_sign_in(page, console_server, settings, clock, "console:ana", role="staff")
    page.get_by_role("link", name="FAQ").click()
    page.get_by_role("heading", name="FAQ", exact=True).wait_for()
    page.get_by_role("link", name="Unanswered questions").click()
    persian = page.get_by_role("region", name="Persian")
    group = persian.get_by_role("article").first
    assert group.get_by_role("heading").inner_text() == "کجا می‌توانم دوچرخه تعمیر کنم"
    assert group.get_by_role("heading").get_attribute("dir") == "auto"
    assert "asked 4 times" in group.inner_text()
    assert page.get_by_role("region", name="German").get_by_role("article").count() == 1
    screenshot(page, "faq-gaps")

    group.get_by_label("Topic that answers it").select_option(label="Buses, trains and tickets")
    group.get_by_role("button", name="Add as ways of asking").click()
    page.get_by_role("status").filter(has_text="Buses, trains and tickets").wait_for()
    assert persian.get_by_role("article").count() == 1  # the group left the list

    page.goto(console_server + "/faq/local-transport")
    asked_fa = page.get_by_label("Ways of asking").nth(3)  # de en ar fa ...
    assert asked_fa.get_attribute("dir") == "rtl"
    assert "کجا میتوانم دوچرخه ام را تعمیر کنم؟" in asked_fa.input_value()
    # The Persian block at the top, its ways of asking scrolled to the ones just added.
    page.evaluate("document.getElementById('h-fa').scrollIntoView(); window.scrollBy(0, -24)")
    asked_fa.evaluate("area => { area.scrollTop = area.scrollHeight; }")
    screenshot(page, "faq-topic")

    async def asked_in_the_chat() -> tuple[str, str]:
        """What the bot answers Reza in Persian now, and the topic's Persian answer."""
        async with open_app(settings, clock=clock) as app:
            await renew_faq(app)
            reza = await at_menu(app, "reza", "fa")
            said = await reza.say("کجا می‌توانم دوچرخه تعمیر کنم")
            return said[0].text, app.deps.faq.content.topics["local-transport"].parts("fa")[0]

    said, answer = run(asked_in_the_chat())
    assert BIDI.sub("", said) == BIDI.sub("", answer)
