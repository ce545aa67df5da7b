"""`/metrics`: what happened, scraped over HTTP the way Prometheus does, and counted where it
happens: turns, refused webhook calls, outbox sends and 429s, the outbox's backlog, the
FAQ's answers, database errors. Each app counts in a registry of its own."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError

from bot.app import App, open_app
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import SECRET_HEADER, webhook_handler
from bot.db import people
from bot.db.session import transaction
from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.engine.model import Inbound
from bot.metrics import Backlog, Metrics
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.people.importer import import_rows, read_rows
from bot.runtime import Identity
from bot.server import build_app, serve
from bot.service import notice_wanted, run_telegram
from tests.conftest import make_settings
from tests.fake_telegram import TOKEN, FakeTelegram, too_many
from tests.fakes import FakeClock
from tests.talk import Talk

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
SECRET = "s3cret-for-the-webhook-0123456789"


def value(text: str, name: str, **labels: str) -> float | None:
    """The sample `name{labels}` of a scrape; None when it is not there."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def names(text: str) -> set[str]:
    return {sample.name for family in text_string_to_metric_families(text)
            for sample in family.samples}


async def scrape(base: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return await response.text()


async def post(base: str, body: bytes, secret: str) -> int:
    async with aiohttp.ClientSession() as http, http.post(
            f"{base}/telegram/webhook", data=body,
            headers={SECRET_HEADER: secret, "Content-Type": "application/json"}) as response:
        return response.status


@pytest.fixture
async def server(app: App, channel: TelegramChannel) -> AsyncIterator[str]:
    app.deps.metrics.outbox.max_age = 0  # every scrape reads the outbox afresh
    runner: web.AppRunner = await serve(build_app(
        app.sessions, [("POST", "/telegram/webhook", webhook_handler(channel, SECRET))],
        metrics=app.deps.metrics, clock=app.runtime.clock), "127.0.0.1", 0)
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def subscribe(app: App, ids: Iterable[int]) -> None:
    lines = "".join(f"telegram,{n},de,health\n" for n in ids)
    rows = read_rows("channel,id,locale,topics\n" + lines, "test.csv", LANGS)
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, app.runtime.clock())


async def queue_notice(app: App) -> int:
    notice = load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml")
    async with transaction(app.sessions) as session:
        return await store.queue(session, notice, "topic:health", parse("topic:health", LANGS),
                                 send_at=app.runtime.clock(), expires_at=None,
                                 now=app.runtime.clock())


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


async def test_a_turn_refused_calls_and_sends_show_on_metrics(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel,
        server: str) -> None:
    user = fake.user(41, "de")
    update = json.dumps({"update_id": 1, **user.message(text="/start")}).encode()
    assert await post(server, update, SECRET) == 200
    assert await post(server, b'{"update_id": 2}', "wrong-secret-0123456789") == 401
    assert await post(server, b"[not json", SECRET) == 400
    await subscribe(app, [1001, 1002, 1003])
    assert await queue_notice(app) == 3
    clock.advance(seconds=90)

    before = await scrape(server)
    assert value(before, "welcomebot_updates_total", channel="telegram") == 1
    assert value(before, "welcomebot_turn_seconds_count", channel="telegram") == 1
    assert value(before, "welcomebot_webhook_refusals_total",
                 channel="telegram", reason="bad_secret") == 1
    assert value(before, "welcomebot_webhook_refusals_total",
                 channel="telegram", reason="bad_shape") == 1
    assert value(before, "welcomebot_outbox_pending_messages", channel="telegram") == 3
    assert value(before, "welcomebot_outbox_due_messages", channel="telegram") == 3
    assert value(before, "welcomebot_outbox_oldest_due_age_seconds", channel="telegram") == 90

    fake.blocked.add(1002)
    fake.fail("sendmessage", too_many(1))
    channel.sender.sleep = no_wait  # Telegram's retry_after, without waiting for it
    sender = Sender(app.sessions, app.runtime, {"telegram": channel}, rng=random.Random(1),
                    wanted={"notices": notice_wanted})
    while await sender.drain():
        pass

    after = await scrape(server)
    assert value(after, "welcomebot_outbox_sends_total", channel="telegram", outcome="sent") == 2
    assert value(after, "welcomebot_outbox_sends_total",
                 channel="telegram", outcome="unreachable") == 1
    assert value(after, "welcomebot_rate_limited_total", channel="telegram") == 1
    # Nothing waits any more: the gauges say 0 rather than disappear.
    assert value(after, "welcomebot_outbox_pending_messages", channel="telegram") == 0
    assert value(after, "welcomebot_outbox_due_messages", channel="telegram") == 0
    assert value(after, "welcomebot_outbox_oldest_due_age_seconds", channel="telegram") == 0
    assert value(after, "welcomebot_database_errors_total", where="metrics") is None
    assert value(after, "welcomebot_database_outage_apologies_total") == 0


async def test_a_message_due_later_is_pending_but_not_due(app: App, clock: FakeClock,
                                                          server: str) -> None:
    await subscribe(app, [1001])
    notice = load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml")
    async with transaction(app.sessions) as session:
        await store.queue(session, notice, "topic:health", parse("topic:health", LANGS),
                          send_at=clock().replace(hour=12), expires_at=None, now=clock())
    text = await scrape(server)
    assert value(text, "welcomebot_outbox_pending_messages", channel="telegram") == 1
    assert value(text, "welcomebot_outbox_due_messages", channel="telegram") == 0
    assert value(text, "welcomebot_outbox_oldest_due_age_seconds", channel="telegram") == 0


async def test_faq_answers_and_dont_know_are_counted_by_language(app: App) -> None:
    talk = Talk(app, "asker", hint="en")
    await talk.open()
    await talk.tap("yes")
    await talk.tap("no")  # no notices
    await talk.say("how do i get a place in a kita for my son")
    await talk.say("/menu")
    await talk.say("which lottery numbers win next week?")
    text = app.deps.metrics.render().decode()
    assert value(text, "welcomebot_faq_questions_total", lang="en", outcome="answered") == 1
    assert value(text, "welcomebot_faq_questions_total", lang="en", outcome="dont_know") == 1
    assert value(text, "welcomebot_updates_total", channel="console") == 6


async def test_failed_turns_and_database_errors_are_counted_apart(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    async def database_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    async def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(people, "arrive", database_down)
    await app.runtime.handle(Identity("telegram", "7"), Inbound.message("hallo"))
    monkeypatch.setattr(people, "arrive", bug)
    await app.runtime.handle(Identity("telegram", "8"), Inbound.message("hallo"))
    text = app.deps.metrics.render().decode()
    # The database's error is an outage (the turn is held, or, with no way to answer later,
    # the person told sorry: bot.hold); the bug is a failed turn with the apology.
    assert value(text, "welcomebot_database_errors_total", where="turn") == 1
    assert value(text, "welcomebot_turns_failed_total", channel="telegram") == 1
    assert value(text, "welcomebot_turn_seconds_count", channel="telegram") == 2


async def test_a_failing_outbox_query_leaves_the_gauges_out_and_is_counted() -> None:
    metrics = Metrics(process=False)
    asked = 0

    async def fine() -> list[Backlog]:
        nonlocal asked
        asked += 1
        return [Backlog("telegram", 4, 2, 30.0)]

    async def failing() -> list[Backlog]:
        raise OperationalError("SELECT", {}, OSError("gone"))

    await metrics.outbox.refresh(fine)
    await metrics.outbox.refresh(fine)  # within BACKLOG_MAX_AGE: the same reading
    assert asked == 1
    text = metrics.render().decode()
    assert value(text, "welcomebot_outbox_due_messages", channel="telegram") == 2
    metrics.outbox.max_age = 0
    await metrics.outbox.refresh(failing)
    text = metrics.render().decode()
    assert "welcomebot_outbox_due_messages" not in names(text)
    assert value(text, "welcomebot_database_errors_total", where="metrics") == 1


def test_each_metrics_counts_for_itself() -> None:
    one, other = Metrics(process=False), Metrics(process=False)
    one.updates.labels("telegram").inc()
    assert value(one.render().decode(), "welcomebot_updates_total", channel="telegram") == 1
    assert value(other.render().decode(), "welcomebot_updates_total", channel="telegram") is None


async def test_whatsapp_refusals_are_counted_by_reason(app: App) -> None:
    from bot.channels.whatsapp import webhook
    from bot.channels.whatsapp.channel import WhatsAppChannel
    from bot.channels.whatsapp.templates import FILE, load_templates

    channel = WhatsAppChannel(app.runtime, app.catalogs, load_templates(ROOT / "content" / FILE),
                              phone_number_id="106540352242922", token="token",
                              api_base="http://127.0.0.1:9")
    secret, verify = "the-app-secret", "the-verify-token"
    runner = await serve(build_app(app.sessions, webhook.routes(
        channel, app_secret=secret, verify_token=verify), metrics=app.deps.metrics),
        "127.0.0.1", 0)
    url = f"http://127.0.0.1:{runner.addresses[0][1]}{webhook.PATH}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(url, data=b"{}",
                                 headers={webhook.SIGNATURE_HEADER: "sha256=00"}) as response:
                assert response.status == 401
            body = b"[1, 2]"
            async with http.post(url, data=body, headers={
                    webhook.SIGNATURE_HEADER: webhook.signature(body, secret)}) as response:
                assert response.status == 400
            async with http.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "x",
                                             "hub.challenge": "1"}) as response:
                assert response.status == 403
            async with http.get(url.replace(webhook.PATH, "/metrics")) as response:
                text = await response.text()
    finally:
        await runner.cleanup()
        await channel.close()
    for reason in ("bad_signature", "bad_shape", "bad_verify_token"):
        assert value(text, "welcomebot_webhook_refusals_total",
                     channel="whatsapp", reason=reason) == 1, reason


async def test_the_service_serves_metrics_beside_healthz(sqlite_url: str) -> None:
    fake = FakeTelegram()
    await fake.start()
    settings = make_settings(sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=fake.base,
                             http_port=0)
    stop = asyncio.Event()
    async with open_app(settings, clock=FakeClock()) as app:
        service = asyncio.create_task(run_telegram(app, stop))
        while not app.http_addresses:
            await asyncio.sleep(0.02)
        host, port = app.http_addresses[0]
        text = await scrape(f"http://{host}:{port}")
        assert value(text, "welcomebot_outbox_pending_messages", channel="telegram") == 0
        assert value(text, "welcomebot_outbox_oldest_due_age_seconds", channel="telegram") == 0
        assert "process_resident_memory_bytes" in names(text)
        stop.set()
        await asyncio.wait_for(service, 10)
    await fake.stop()


async def test_the_outbox_reading_on_each_database(db_url: str) -> None:
    clock = FakeClock()
    async with open_app(make_settings(db_url), clock=clock) as app:
        await subscribe(app, [1001, 1002])
        assert await queue_notice(app) == 2
        clock.advance(minutes=2)
        async with app.sessions() as session:
            [(channel, pending, due, oldest)] = await outbox.backlog(session, clock())
        assert (channel, pending, due) == ("telegram", 2, 2)
        assert (clock() - oldest).total_seconds() == 120
