"""Webhook mode: the bot's own HTTP server takes Telegram's calls, checks the secret, and
answers only once the update has been handled."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import SECRET_HEADER, webhook_handler
from bot.server import build_app, serve
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret-for-the-webhook-0123456789"


@pytest.fixture
async def server(app: App, channel: TelegramChannel) -> AsyncIterator[str]:
    runner: web.AppRunner = await serve(
        build_app(app.sessions, [("POST", "/telegram/webhook",
                                  webhook_handler(channel, SECRET))]), "127.0.0.1", 0)
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def post(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http, http.post(
            f"{url}/telegram/webhook", json=update, headers=headers) as response:
        return response.status


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-wrong-secret-123"])
async def test_calls_without_the_right_secret_are_refused_and_change_nothing(
        server: str, fake: FakeTelegram, secret: str | None) -> None:
    user = fake.user(30, "de")
    assert await post(server, {"update_id": 1, **user.message(text="/start")}, secret) == 401
    assert fake.sent[30] == []


async def test_an_update_is_answered_after_it_was_handled(server: str,
                                                          fake: FakeTelegram) -> None:
    user = fake.user(31, "ar")
    assert await post(server, {"update_id": 7, **user.message(text="/start")}, SECRET) == 200
    assert len(fake.sent[31]) == 1  # the reply went out before Telegram got its 200


async def test_a_redelivered_update_is_acknowledged_and_ignored(server: str,
                                                                fake: FakeTelegram) -> None:
    user = fake.user(32, "en")
    update = {"update_id": 8, **user.message(text="/start")}
    assert await post(server, update, SECRET) == 200
    assert await post(server, update, SECRET) == 200
    assert len(fake.sent[32]) == 1


async def test_garbage_is_a_bad_request(server: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(
            f"{server}/telegram/webhook", data=b"not json",
            headers={SECRET_HEADER: SECRET}) as response:
        assert response.status == 400


async def test_healthz_reports_the_database(server: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{server}/healthz") as response:
        assert response.status == 200 and (await response.json()) == {"status": "ok"}
