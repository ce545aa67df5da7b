"""`welcomebot run` with a Telegram token: the whole service against the fake Bot API,
by long polling and by webhook."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.app import open_app
from bot.service import run_telegram
from tests.conftest import make_settings
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fakes import FakeClock


async def test_the_service_polls_sets_the_command_menus_and_answers(sqlite_url: str) -> None:
    fake = FakeTelegram()
    await fake.start()
    settings = make_settings(sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=fake.base,
                             http_port=0)
    stop = asyncio.Event()
    async with open_app(settings, clock=FakeClock()) as app:
        service = asyncio.create_task(run_telegram(app, stop))
        user = fake.user(40, "uk")
        user.says("/start")
        [welcome] = await fake.wait_for(40, 1)
        assert welcome.text.startswith("Вітаємо")
        assert len(fake.commands()) == 8  # the default menu and one per language
        host, port = app.http_addresses[0]
        async with aiohttp.ClientSession() as http, http.get(
                f"http://{host}:{port}/healthz") as response:
            assert response.status == 200
        stop.set()
        await asyncio.wait_for(service, 10)
    await fake.stop()


async def test_the_service_serves_the_webhook_it_registered(sqlite_url: str) -> None:
    fake = FakeTelegram()
    await fake.start()
    secret = "the-webhook-secret-0123456789"
    settings = make_settings(
        sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=fake.base, http_port=0,
        telegram_webhook_url="https://bot.example.org/hooks/telegram",
        telegram_webhook_secret=secret)
    stop = asyncio.Event()
    async with open_app(settings, clock=FakeClock()) as app:
        service = asyncio.create_task(run_telegram(app, stop))
        while not fake.calls_of("setWebhook"):
            await asyncio.sleep(0.02)
        [(registered, _)] = fake.calls_of("setWebhook")
        assert registered["url"] == "https://bot.example.org/hooks/telegram"
        assert registered["secret_token"] == secret
        host, port = app.http_addresses[0]
        update = {"update_id": 1, **fake.user(41, "de").message(text="/start")}
        async with aiohttp.ClientSession() as http, http.post(
                f"http://{host}:{port}/hooks/telegram", json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as response:
            assert response.status == 200
        assert fake.sent[41][0].text.startswith("Herzlich willkommen")
        assert not fake.calls_of("getUpdates")  # no polling in webhook mode
        stop.set()
        await asyncio.wait_for(service, 10)
    await fake.stop()
