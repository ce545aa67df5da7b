"""The console's WhatsApp templates page (`/notices/templates`): each template of
content/whatsapp-templates.yaml per language with the state Meta last gave it (as the bot's
service stored it), when Meta last answered, and "Check now", which makes the next look of a
bot process ask Meta; without a WhatsApp Business Account id it says the templates are not
checked and why. Signed out, with the wrong role, without the token: refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.console.app import build
from bot.db import people
from bot.db.locks import take_turn
from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import AuditEntry, Chore, OutboxMessage
from bot.delivery import outbox
from bot.notices import approvals
from tests.conftest import make_settings
from tests.console.conftest import (
    Bench,
    browser_sign_in,
    heat_warning,
    newcomer,
    paragraph,
    run,
    screenshot,
    sign_in,
    staff_member,
)
from tests.fakes import FakeClock

ANA = "console:ana"
WABA = "102290129340398"
WHATSAPP = {"whatsapp_phone_number_id": "106540352242922",
            "whatsapp_access_token": "EAAG-token", "whatsapp_app_secret": "secret",
            "whatsapp_verify_token": "verify-token-0123456789"}


@pytest.fixture
def settings(db_url: str) -> Settings:
    # A number in its first tier may write first to 2 people a day, here.
    return make_settings(db_url, whatsapp_business_account_id=WABA, whatsapp_daily_limit=2,
                         **WHATSAPP)


async def asked_and_answered(bench: Bench, answer: list[tuple[str, str, str]]) -> None:
    """What the bot's service does (`bot.service.check_templates`) with Meta's answer."""
    async with transaction(bench.sessions) as db:
        assert await take_turn(db, approvals.CHORE, bench.clock(), approvals.EVERY)
        await approvals.save(db, answer, bench.clock())


def cells(html: str, template: str) -> dict[str, str]:
    """Language name -> the state shown in the row of `template`."""
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    row = re.search(rf"<code>{template}</code>(.*?)</tr>", html, re.S)
    assert head and row, template
    names = re.findall(r'<th scope="col">([^<]+)</th>', head.group(1))[1:]
    states = re.findall(r'data-state="([a-z_]+)"', row.group(1))
    return dict(zip(names, states, strict=True))


async def test_each_template_per_language_with_meta_s_state_and_check_now(
        bench: Bench, client: httpx.AsyncClient) -> None:
    for path in ("/notices/templates", "/notices/templates/check"):
        response = await (client.get(path) if path.endswith("templates")
                          else client.post(path, data={}))
        assert response.status_code == 303 and "/signin" in response.headers["location"]
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    never = (await client.get("/notices/templates")).text
    assert "Meta has not answered yet." in never and "Check now" in never
    assert set(cells(never, "welcome_notice").values()) == {"unknown"}

    await asked_and_answered(bench, [
        ("welcome_notice", "de", "APPROVED"), ("welcome_notice", "ar", "APPROVED"),
        ("welcome_notice", "fa", "PENDING"), ("welcome_notice", "uk", "REJECTED"),
        ("welcome_notice", "ru", "PAUSED"), ("welcome_notice", "tr", "DISABLED"),
        ("welcome_buddy_match", "en", "APPROVED")])
    shown = await client.get("/notices/templates")
    assert shown.status_code == 200
    assert cells(shown.text, "welcome_notice") == {
        "German": "approved", "English": "not_at_meta", "Arabic": "approved",
        "Persian": "pending", "Ukrainian": "rejected", "Russian": "paused",
        "Turkish": "disabled"}
    assert ">waiting for Meta<" in shown.text and ">not at Meta<" in shown.text
    assert "There is a new notice from the Welcome Center for you." in shown.text
    assert "notices:show" in shown.text and "last answer:" in shown.text

    # Check now: refused without the token; with it, the chore's time is cleared, audited.
    assert (await client.post("/notices/templates/check", data={})).status_code == 403
    asked = await client.post("/notices/templates/check", data={"csrf": csrf})
    assert asked.status_code == 303
    assert asked.headers["location"] == "/notices/templates?done=asked"
    async with bench.sessions() as db:
        assert await db.get(Chore, approvals.CHORE) is None  # the next look asks Meta
        audited = list(await db.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "notices.templates_check")))
    assert audited == ["notices.templates_check"]
    assert "the bot asks Meta within a minute" in (
        await client.get("/notices/templates?done=asked")).text
    # A bot process asks a few minutes later, and Meta does not answer: the page says so.
    bench.clock.advance(minutes=5)
    async with transaction(bench.sessions) as db:
        assert await take_turn(db, approvals.CHORE, bench.clock(), approvals.EVERY)
    assert "The last ask got no answer from Meta" in (
        await client.get("/notices/templates")).text

    async with transaction(bench.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", bench.clock())
    assert (await client.get("/notices/templates")).status_code == 403
    assert (await client.post("/notices/templates/check",
                              data={"csrf": csrf})).status_code == 403


@pytest.fixture
async def unchecked(bench: Bench, db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The console on the same database, with WhatsApp but no Business Account id."""
    console = build(make_settings(db_url, **WHATSAPP), bench.engine, bench.clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=console),
                                 base_url="http://console.test",
                                 headers={"Accept-Language": "en"}) as http:
        yield http


async def test_without_a_business_account_id_the_page_says_they_are_not_checked(
        bench: Bench, unchecked: httpx.AsyncClient) -> None:
    await staff_member(bench, ANA)
    csrf = await sign_in(unchecked, bench, ANA)
    shown = (await unchecked.get("/notices/templates")).text
    assert "WhatsApp templates are not checked." in shown
    assert "WHATSAPP_BUSINESS_ACCOUNT_ID is not set" in shown and "Check now" not in shown
    assert set(cells(shown, "welcome_notice").values()) == {"unknown"}
    refused = await unchecked.post("/notices/templates/check", data={"csrf": csrf})
    assert refused.status_code == 409
    async with bench.sessions() as db:
        assert not list(await db.scalars(select(AuditEntry).where(
            AuditEntry.action == "notices.templates_check")))


async def test_the_audience_counts_whatsapp_people_outside_the_window_and_skipped_languages(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    await asked_and_answered(bench, [("welcome_notice", lang, "APPROVED")
                                     for lang in ("de", "en", "ar", "uk", "ru", "tr")]
                             + [("welcome_notice", "fa", "PENDING")])
    await newcomer(bench, "whatsapp:963944000001", "ar", seen_hours_ago=2)    # in the window
    await newcomer(bench, "whatsapp:963944000002", "ar", seen_hours_ago=30)   # template
    await newcomer(bench, "whatsapp:93700000003", "fa", seen_hours_ago=50)    # skipped
    await newcomer(bench, "whatsapp:93700000004", "fa", seen_hours_ago=24 * 9)  # skipped
    await newcomer(bench, "telegram:5005", "fa", seen_hours_ago=100)          # Telegram
    notice_id, page = await heat_warning(client, csrf)
    assert "5 people would get it." in page
    assert "3 people on WhatsApp have not written to the bot for more than 24 hours" in page
    rows = {lang: row for lang, row in re.findall(
        r"<tr><td>(\w+)</td>(.*?)</tr>", page.split('id="audience-counts"')[1])}
    assert re.findall(r"<td>(\d+)", rows["Arabic"])[:2] == ["2", "1"]
    assert re.findall(r"<td>(\d+)", rows["Persian"])[:2] == ["3", "2"]
    assert "skipped" in rows["Persian"] and "skipped" not in rows["Arabic"]
    warning = page.split('id="template-warning"')[1].split("</p>")[0]
    assert "Persian (waiting for Meta)" in warning and "Arabic" not in warning
    # Only Telegram and the terminal: nothing about WhatsApp.
    typed = await client.post(f"/notices/{notice_id}/audience",
                              data={"audience": "topic:health channel:telegram",
                                    "csrf": csrf})
    assert "1 person would get it." in typed.text
    assert "WhatsApp" not in typed.text


async def test_the_audience_and_the_tally_say_who_waits_for_whatsapps_daily_limit(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    await asked_and_answered(bench, [("welcome_notice", lang, "APPROVED")
                                     for lang in ("de", "en", "ar", "fa", "uk", "ru", "tr")])
    for n in range(5):  # silent for two days: a template opens a conversation with each
        await newcomer(bench, f"whatsapp:38050111770{n}", "uk", seen_hours_ago=48)
    notice_id, page = await heat_warning(client, csrf)
    assert paragraph(page, "daily-limit-note") == (
        "WhatsApp lets this number write first to 2 people in 24 hours (0 in the last 24 "
        "hours). 2 of them get it now; 2 more within 24 hours, 1 more within 48 hours. They "
        "wait for room; nobody is dropped.")
    sent = await client.post(f"/notices/{notice_id}/send",
                             data={"audience": "topic:health", "csrf": csrf})
    assert sent.status_code == 303
    async with transaction(bench.sessions) as db:  # what the sender does beyond the limit
        ids = list(await db.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
        await outbox.hold(db, ids[2:], bench.clock() + timedelta(hours=24))
    tally = (await client.get(f"/notices/{notice_id}/tally")).text
    waits = paragraph(tally, "daily-limit-wait")
    assert waits.startswith("3 people on WhatsApp wait for the number's daily limit")
    assert "The next go at" in waits


# -- in a browser -------------------------------------------------------------------------
def test_staff_see_the_templates_ask_for_a_check_and_see_who_would_be_skipped(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    if settings.database_url.startswith("postgresql"):
        pytest.skip("the browser test runs on SQLite (the HTTP tests cover PostgreSQL)")

    async def city() -> None:
        engine = make_engine(settings.database_url)
        bench = Bench(settings, engine, make_sessions(engine), clock)
        try:
            await asked_and_answered(bench, [
                ("welcome_notice", "de", "APPROVED"), ("welcome_notice", "en", "APPROVED"),
                ("welcome_notice", "ar", "APPROVED"), ("welcome_notice", "uk", "APPROVED"),
                ("welcome_notice", "fa", "PENDING"), ("welcome_notice", "ru", "REJECTED"),
                ("welcome_event_reminder", "de", "APPROVED"),
                ("welcome_event_reminder", "ar", "APPROVED"),
                ("welcome_event_reminder", "tr", "PAUSED")])
            for n, (lang, hours) in enumerate([("ar", 2), ("ar", 30), ("ar", 40), ("fa", 50),
                                               ("fa", 3), ("ru", 90), ("uk", 1), ("uk", 70)]):
                await newcomer(bench, f"whatsapp:4915100000{n:02d}", lang,
                               seen_hours_ago=hours)
            for n, lang in enumerate(["ar", "fa", "uk", "de"]):
                await newcomer(bench, f"telegram:{7100 + n}", lang, seen_hours_ago=5)
        finally:
            await engine.dispose()

    run(city())
    browser_sign_in(page, console_server, settings, clock, ANA)
    page.get_by_role("link", name="Notices").click()
    page.get_by_role("link", name="WhatsApp templates").click()
    page.get_by_role("heading", name="WhatsApp templates").wait_for()
    notice_row = page.get_by_role("row").filter(has_text="welcome_notice")
    assert "waiting for Meta" in notice_row.inner_text()
    assert "rejected" in notice_row.inner_text()
    screenshot(page, "notices-templates")
    page.get_by_role("button", name="Check now").click()
    page.get_by_role("status").filter(has_text="the bot asks Meta within a minute").wait_for()

    page.get_by_role("link", name="Back to the notices").click()
    page.get_by_role("link", name="Write a notice").click()
    page.get_by_label("German").check()
    page.get_by_label("Title").fill("Hitzewarnung")
    page.get_by_label("Text").fill("Trinken Sie viel Wasser und bleiben Sie im Schatten.")
    page.get_by_label("Topic").select_option("health")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/notices/hitzewarnung"))
    counts = page.locator("#audience-counts")
    assert "12 people would get it." in counts.inner_text()
    warning = page.locator("#template-warning").inner_text()
    assert "Persian (waiting for Meta)" in warning and "Russian (rejected)" in warning
    # Three silent people in languages with a template; the number's tier allows 2 a day.
    waits = page.locator("#daily-limit-note").inner_text()
    assert "2 of them get it now; 1 more within 24 hours." in waits
    page.evaluate("document.getElementById('window-note').scrollIntoView({block: 'center'})")
    screenshot(page, "notices-audience-whatsapp")

