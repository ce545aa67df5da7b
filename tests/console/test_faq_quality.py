"""How good the FAQ's answers are, in the console, over HTTP: "Did this help?" per topic and
language over a chosen period, worst first (/faq/helpful), and the city's held-out check run
in the background (/faq/check): every route signed out (-> sign-in), with the wrong role
(403), without the CSRF token (refused, nothing started); a period that is not offered (422
at the field). Staff run the check on a small held-out file, it finishes and shows the
accuracy per language; after the city corrects a label, the next run shows the difference;
a file that is not JSON lines fails with its line; without FAQ_HELD_OUT the page says how to
set it. The checks use the real FAQ (the bundled model and the committed vectors)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import AuditEntry, FaqCheck, FaqFeedback
from bot.faq import checks
from tests.conftest import make_settings
from tests.console.conftest import Bench, sign_in, staff_member

ANA = "console:ana"
LINES = [
    {"id": "de-1", "text": "Wo kann ich Deutsch lernen?", "lang": "de", "topic": "german-courses"},
    {"id": "de-2", "text": "Wie melde ich meine Wohnung an?", "lang": "de",
     "topic": "address-registration"},
    {"id": "de-3", "text": "Wie wird das Wetter morgen?", "lang": "de", "topic": None},
    {"id": "en-1", "text": "How do I open a bank account?", "lang": "en", "topic": "bank-account"},
    {"id": "en-2", "text": "What is your favourite colour?", "lang": "en", "topic": None},
    {"id": "ar-1", "text": "كيف أتعلم اللغة الألمانية؟", "lang": "ar", "topic": "german-courses"},
    {"id": "ar-2", "text": "أين أجد شقة؟", "lang": "ar", "topic": "housing"},
    {"id": "uk-1", "text": "Як знайти житло?", "lang": "uk", "topic": "housing"},
]
"""A small held-out file: each question is one the FAQ answers with its topic (or not)."""


def held_out(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    encoding="utf-8")
    return path


@pytest.fixture
def held_out_file(tmp_path: Path) -> Path:
    return tmp_path / "faq-held-out.jsonl"


@pytest.fixture
def settings(db_url: str, held_out_file: Path) -> Settings:
    return make_settings(db_url, faq_held_out=held_out_file)


async def count(bench: Bench, table: Any) -> int:
    async with bench.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def signed_in(bench: Bench, client: httpx.AsyncClient) -> str:
    await staff_member(bench, ANA)
    return await sign_in(client, bench, ANA)


async def finished(client: httpx.AsyncClient, seconds: float = 120) -> str:
    """The check page once no run is under way (as htmx asks for it while one is)."""
    deadline = time.monotonic() + seconds
    while True:
        html = (await client.get("/faq/check", headers={"HX-Request": "true"})).text
        if 'data-state="running"' not in html:
            return (await client.get("/faq/check")).text
        assert time.monotonic() < deadline, "the check did not finish"
        await asyncio.sleep(0.05)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row_of(html: str, attribute: str, value: str) -> str:
    found = re.search(rf'<tr [^>]*{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no row {attribute}={value}"
    return text_of(found.group(1))


# -- the routes -------------------------------------------------------------------------------
async def test_every_route_asks_to_sign_in_then_checks_the_role_and_the_token(
        bench: Bench, client: httpx.AsyncClient, held_out_file: Path) -> None:
    held_out(held_out_file, LINES)
    for path in ("/faq/helpful", "/faq/check"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/signin?next={path}"
    assert (await client.post("/faq/check", data={})).status_code == 303
    csrf = await signed_in(bench, client)
    assert (await client.post("/faq/check", data={})).status_code == 403  # no token
    assert (await client.post("/faq/check", data={"csrf": "forged"})).status_code == 403
    assert await count(bench, FaqCheck) == 0
    for path in ("/faq/helpful", "/faq/check", "/faq/helpful?weeks=13"):
        assert (await client.get(path)).status_code == 200, path

    async with transaction(bench.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", bench.clock())
    for path in ("/faq/helpful", "/faq/check"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.post("/faq/check", data={"csrf": csrf})).status_code == 403
    assert await count(bench, FaqCheck) == 0
    async with bench.sessions() as session:
        assert await session.scalar(select(AuditEntry).where(
            AuditEntry.action == "faq.check")) is None


async def test_a_period_that_is_not_offered_is_named_at_its_field(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await signed_in(bench, client)
    for weeks in ("5", "abc", "-4"):
        response = await client.get(f"/faq/helpful?weeks={weeks}")
        assert response.status_code == 422
        field = re.search(r'<div class="field invalid">(.*?)</div>', response.text, re.S)
        assert field and "Please choose one of the periods." in field.group(1)
        assert 'aria-describedby="f-weeks-error"' in field.group(1)


# -- "Did this help?" -------------------------------------------------------------------------
async def tapped(bench: Bench, day: datetime, topic: str, lang: str, yes: int, no: int) -> None:
    async with transaction(bench.sessions) as db:
        for helpful, times in ((True, yes), (False, no)):
            db.add_all(FaqFeedback(topic=topic, lang=lang, helpful=helpful, day=day)
                       for _ in range(times))


async def test_helpful_answers_per_topic_and_language_worst_first_over_the_chosen_period(
        bench: Bench, client: httpx.AsyncClient) -> None:
    today = bench.clock().replace(hour=0)  # Monday 23 November 2026
    # Housing: mostly not helpful in Arabic; a few Ukrainian answers.
    await tapped(bench, today - timedelta(days=3), "housing", "ar", 2, 8)
    await tapped(bench, today - timedelta(days=10), "housing", "uk", 6, 1)
    # German courses: helpful, week after week.
    for weeks_ago in range(3):
        await tapped(bench, today - timedelta(weeks=weeks_ago), "german-courses", "de", 5, 1)
    # Taxes: two answers, both "no": too few to say.
    await tapped(bench, today - timedelta(days=1), "taxes", "fa", 0, 2)
    # Long ago: only in a longer period.
    await tapped(bench, today - timedelta(weeks=20), "emergency", "tr", 1, 11)
    await signed_in(bench, client)

    html = (await client.get("/faq/helpful")).text  # the last 4 weeks
    order = re.findall(r'<tr data-topic="([^"]+)"', html)
    assert order == ["housing", "german-courses", "taxes"]  # worst first, too few last
    housing = row_of(html, "data-topic", "housing")
    assert housing.startswith("Finding a flat housing 47 % 8 yes · 9 no")
    assert "20 % 2 yes · 8 no" in housing  # Arabic: 10 answers are enough for a share
    assert "too few answers 6 yes · 1 no" in housing  # Ukrainian: 7 are not
    assert "Week of 16 Nov: 2 of 10 found it helpful (20 %)" in housing
    courses = row_of(html, "data-topic", "german-courses")
    assert "83 % 15 yes · 3 no" in courses
    assert "too few answers 0 yes · 2 no" in row_of(html, "data-topic", "taxes")
    assert "From Nov 2, 2026 to Nov 23, 2026: 37 answers, 23 of them “yes”." in text_of(html)
    # Each topic's chart: one bar per week, with the number of answers under it.
    chart = re.search(r'<tr data-topic="german-courses".*?(<svg.*?</svg>)', html, re.S)
    assert chart and 'aria-label="Learning German: share helpful by week"' in chart.group(1)
    assert chart.group(1).count("<rect") == 4
    assert "Week of 16 Nov: 6 answers: too few to show a share" in chart.group(1)

    year = (await client.get("/faq/helpful?weeks=52")).text
    assert re.findall(r'<tr data-topic="([^"]+)"', year)[0] == "emergency"  # 1 of 12
    assert "8 % 1 yes · 11 no" in row_of(year, "data-topic", "emergency")
    week = (await client.get("/faq/helpful?weeks=1")).text
    assert re.findall(r'<tr data-topic="([^"]+)"', week) == ["german-courses"]

    client.cookies.set("console_lang", "de")  # in German: the topics' German titles too
    german = text_of((await client.get("/faq/helpful")).text)
    assert "Hat das geholfen?" in german and "Wohnung finden" in german
    assert "zu wenige Antworten 0 ja · 2 nein" in german


# -- the held-out check -----------------------------------------------------------------------
async def test_staff_run_the_check_see_accuracy_per_language_and_after_a_fix_the_difference(
        bench: Bench, client: httpx.AsyncClient, held_out_file: Path) -> None:
    # The city's file has a wrong label: the Ukrainian housing question marked as a
    # question about German courses.
    wrong = [dict(line, topic="german-courses") if line["id"] == "uk-1" else line
             for line in LINES]
    held_out(held_out_file, wrong)
    csrf = await signed_in(bench, client)
    page = (await client.get("/faq/check")).text
    assert "The check has not been run yet." in page and str(held_out_file) in page

    response = await client.post("/faq/check", data={"csrf": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/faq/check"
    page = (await client.get("/faq/check")).text  # at once: running, and the page asks again
    if 'data-state="running"' in page:
        assert 'hx-trigger="every 2s"' in page and "The check is running." in page
    page = await finished(client)
    assert 'hx-trigger="every 2s"' not in page
    first = row_of(page, "data-run", "1")
    assert "console:ana done 83 % 100 %" in first
    assert "de 2/2 · en 1/1 · ar 2/2 · uk 0/1" in first and "the first finished run" in first
    assert re.search(r'id="accuracy">83 %<', page)
    assert row_of(page, "data-lang", "uk") == "Ukrainian 0 / 1 0 % – –"
    assert row_of(page, "data-lang", "de") == "German 2 / 2 100 % – 1 / 1"
    assert "1 question answered wrongly" in page
    async with bench.sessions() as session:
        audited = await session.scalar(select(AuditEntry).where(AuditEntry.action == "faq.check"))
    assert audited is not None and audited.who == ANA and audited.target == "faq_check:1"

    held_out(held_out_file, LINES)  # the label corrected
    assert (await client.post("/faq/check", data={"csrf": csrf})).status_code == 303
    page = await finished(client)
    second = row_of(page, "data-run", "2")
    assert "done 100 % 100 %" in second
    assert "accuracy +16.7 points" in second
    assert "the held-out file changed (0 lines added, 0 gone)" in second
    assert "now right: uk-1" in second and "the FAQ changed" not in second
    assert row_of(page, "data-lang", "uk") == "Ukrainian 1 / 1 100 % +100.0 points –"
    assert row_of(page, "data-lang", "de") == "German 2 / 2 100 % unchanged 1 / 1"
    assert "answered wrongly" not in page
    client.cookies.set("console_lang", "de")
    german = text_of(await finished(client))
    assert "Prüfung mit Testfragen" in german and "Trefferquote +16,7 Punkte" in german
    assert "jetzt richtig: uk-1" in german
    async with bench.sessions() as session:  # every console process reads the same rows
        runs = (await session.scalars(select(FaqCheck).order_by(FaqCheck.id))).all()
    assert [(r.status, r.results is not None) for r in runs] == [("done", True)] * 2
    assert "Як знайти житло" not in json.dumps(runs[1].results, ensure_ascii=False)


async def test_a_file_that_is_not_json_lines_fails_with_its_line(
        bench: Bench, client: httpx.AsyncClient, held_out_file: Path) -> None:
    held_out_file.write_text(json.dumps(LINES[0]) + "\nid,text,lang,topic\n", encoding="utf-8")
    csrf = await signed_in(bench, client)
    assert (await client.post("/faq/check", data={"csrf": csrf})).status_code == 303
    page = await finished(client)
    failed = row_of(page, "data-run", "1")
    assert "failed" in failed
    assert f"{held_out_file}:2: not a JSON object with a text" in failed
    held_out_file.unlink()
    assert (await client.post("/faq/check", data={"csrf": csrf})).status_code == 303
    assert f"{held_out_file}: no such file" in row_of(await finished(client), "data-run", "2")


async def test_one_run_at_a_time_and_a_run_cut_off_by_a_restart_is_shown_as_interrupted(
        bench: Bench, client: httpx.AsyncClient, held_out_file: Path) -> None:
    held_out(held_out_file, LINES[:2])
    csrf = await signed_in(bench, client)
    async with transaction(bench.sessions) as db:  # another console process is running one
        await checks.start(db, None, held_out_file, bench.clock())
    response = await client.post("/faq/check", data={"csrf": csrf})
    assert response.status_code == 409
    assert "A check is already running" in response.text
    assert await count(bench, FaqCheck) == 1
    bench.clock.advance(minutes=20)  # that process stopped mid-run
    page = (await client.get("/faq/check")).text
    assert "The console stopped during the run; run it again." in row_of(page, "data-run", "1")
    assert 'hx-trigger="every 2s"' not in page
    assert (await client.post("/faq/check", data={"csrf": csrf})).status_code == 303
    assert "done 100 %" in row_of(await finished(client), "data-run", "2")


async def test_without_the_setting_the_page_says_how_to_set_it(
        bench: Bench, client: httpx.AsyncClient, sqlite_url: str) -> None:
    from bot.console.app import build

    unset = make_settings(sqlite_url)
    assert unset.faq_held_out is None
    transport = httpx.ASGITransport(app=build(unset, bench.engine, bench.clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://console.test",
                                 headers={"Accept-Language": "en"}) as other:
        csrf = await signed_in(bench, other)
        page = (await other.get("/faq/check")).text
        assert "How to set it up" in page and "FAQ_HELD_OUT=" in page
        assert "Run the check now" not in page
        response = await other.post("/faq/check", data={"csrf": csrf})
        assert response.status_code == 409 and "No held-out file is set" in response.text
    assert await count(bench, FaqCheck) == 0


def test_the_settings_name_the_held_out_file(tmp_path: Path) -> None:
    assert make_settings("sqlite+aiosqlite:///x.db", faq_held_out="").faq_held_out is None
    named = make_settings("sqlite+aiosqlite:///x.db", faq_held_out=str(tmp_path / "h.jsonl"))
    assert named.faq_held_out == tmp_path / "h.jsonl"
    assert datetime(2026, 11, 23, tzinfo=UTC).weekday() == 0  # the tests' clock: a Monday
