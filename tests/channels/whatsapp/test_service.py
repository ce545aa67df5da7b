"""`welcomebot run` with the WHATSAPP_* settings: the webhook on the bot's one HTTP server,
beside /healthz and Telegram's, and the outbox sender sending through WhatsApp too."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.app import open_app
from bot.channels.whatsapp.templates import Templates
from bot.db.session import transaction
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import NoticeFile
from bot.people.importer import import_rows, read_rows
from bot.service import run_channels
from tests.channels.whatsapp.fake_cloud import (
    APP_SECRET,
    PHONE_NUMBER_ID,
    TOKEN,
    VERIFY_TOKEN,
    FakeCloud,
)
from tests.conftest import make_settings
from tests.fakes import FakeClock

LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
NOTICE = NoticeFile.model_validate({
    "id": "heat", "topic": "health", "source": "de",
    "texts": {"de": {"title": "Hitze", "text": "Trinken Sie viel Wasser."},
              "ar": {"title": "الحر", "text": "اشرب الكثير من الماء."}}})


def whatsapp_settings(url: str, cloud: FakeCloud, **more: Any) -> Any:
    return make_settings(url, http_port=0, whatsapp_phone_number_id=PHONE_NUMBER_ID,
                         whatsapp_access_token=TOKEN, whatsapp_app_secret=APP_SECRET,
                         whatsapp_verify_token=VERIFY_TOKEN, whatsapp_api_base=cloud.base,
                         **more)


async def test_the_service_serves_the_whatsapp_webhook_and_sends_notices_through_it(
        sqlite_url: str, clock: FakeClock, templates: Templates) -> None:
    cloud = FakeCloud(clock, approved={(t.name, lang) for t in templates.by_push.values()
                                       for lang in t.languages})
    await cloud.start()
    stop = asyncio.Event()
    async with open_app(whatsapp_settings(sqlite_url, cloud), clock=clock) as app:
        service = asyncio.create_task(run_channels(app, stop))
        while not app.http_addresses:
            await asyncio.sleep(0.01)
        host, port = app.http_addresses[0]
        cloud.webhook = f"http://{host}:{port}/whatsapp/webhook"
        [welcome] = await cloud.user("963944000701").says("مرحبا")
        assert welcome.kind == "button"
        async with aiohttp.ClientSession() as http, http.get(
                f"http://{host}:{port}/healthz") as response:
            assert response.status == 200

        rows = read_rows("channel,id,locale,topics\nwhatsapp,963944000702,ar,health\n",
                         "test.csv", LANGS)
        async with transaction(app.sessions) as session:
            await import_rows(session, rows, clock())
            await store.queue(session, NOTICE, "topic:health", parse("topic:health", LANGS),
                              send_at=clock(), expires_at=None, now=clock())
        clock.advance(days=2)  # outside the window: the template
        while not cloud.sent["963944000702"]:
            await asyncio.sleep(0.02)
        assert cloud.sent["963944000702"][0].text == "welcome_notice:ar"
        stop.set()
        await asyncio.wait_for(service, 10)
    await cloud.stop()


async def test_whatsapp_and_telegram_run_side_by_side(sqlite_url: str, clock: FakeClock,
                                                      fake: Any) -> None:
    from tests.fake_telegram import TOKEN as TELEGRAM_TOKEN

    cloud = FakeCloud(clock)
    await cloud.start()
    settings = whatsapp_settings(sqlite_url, cloud, telegram_bot_token=TELEGRAM_TOKEN,
                                 telegram_api_base=fake.base)
    stop = asyncio.Event()
    async with open_app(settings, clock=clock) as app:
        service = asyncio.create_task(run_channels(app, stop))
        while not app.http_addresses:
            await asyncio.sleep(0.01)
        host, port = app.http_addresses[0]
        cloud.webhook = f"http://{host}:{port}/whatsapp/webhook"
        fake.user(42, "uk").says("/start")
        [on_whatsapp] = await cloud.user("380501118801").says("Привіт")
        [on_telegram] = await fake.wait_for(42, 1)
        assert on_whatsapp.text.split("\n\n")[0] == on_telegram.text.split("\n\n")[0]
        stop.set()
        await asyncio.wait_for(service, 10)
    await cloud.stop()
