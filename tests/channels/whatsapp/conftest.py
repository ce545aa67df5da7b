"""The fake Cloud API, the real WhatsApp channel talking to it, and the bot's real HTTP
server with the webhook, for the people of `FakeCloud.user` to post to."""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import App
from bot.channels.whatsapp import webhook
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.templates import Templates, load_templates
from bot.delivery.sender import Sender
from bot.server import build_app, serve
from bot.service import notice_wanted
from tests.channels.whatsapp.fake_cloud import (
    APP_SECRET,
    PHONE_NUMBER_ID,
    TOKEN,
    VERIFY_TOKEN,
    FakeCloud,
)
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def templates() -> Templates:
    return load_templates(ROOT / "content" / "whatsapp-templates.yaml")


@pytest.fixture
async def cloud(clock: FakeClock, templates: Templates) -> AsyncIterator[FakeCloud]:
    fake = FakeCloud(clock, approved={(t.name, lang) for t in templates.by_push.values()
                                      for lang in t.languages})
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def whatsapp(app: App, cloud: FakeCloud, templates: Templates
                   ) -> AsyncIterator[WhatsAppChannel]:
    clock = app.runtime.clock
    channel = WhatsAppChannel(
        app.runtime, app.catalogs, templates, phone_number_id=PHONE_NUMBER_ID, token=TOKEN,
        api_base=cloud.base, sender_options={"base_delay": 0.01, "pause": 0.2,
                                             "pair_pause": 0.2, "rng": random.Random(5)},
        # The pace of sends follows the test's clock too: a push three days after a chat
        # does not wait for the pair rate of that chat.
        monotonic=lambda: time.monotonic() + clock().timestamp())
    yield channel
    await channel.close()


@pytest.fixture
async def server(app: App, whatsapp: WhatsAppChannel, cloud: FakeCloud) -> AsyncIterator[str]:
    """The bot's HTTP server with the WhatsApp webhook; its URL."""
    runner: web.AppRunner = await serve(build_app(app.sessions, webhook.routes(
        whatsapp, app_secret=APP_SECRET, verify_token=VERIFY_TOKEN)), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    cloud.webhook = f"{base}{webhook.PATH}"
    yield base
    await runner.cleanup()


def outbox_sender(app: App, channel: WhatsAppChannel) -> Sender:
    return Sender(app.sessions, app.runtime, {"whatsapp": channel}, rng=random.Random(3),
                  wanted={"notices": notice_wanted})


async def drain(app: App, channel: WhatsAppChannel) -> None:
    for _ in range(20):  # bounded: each pass sends a batch
        if not await outbox_sender(app, channel).drain():
            return
