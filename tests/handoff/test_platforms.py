"""The same conversation on the platforms themselves: on Telegram the real aiogram bot polls a
fake Bot API, and the answer arrives with an inline button for the German original; on
WhatsApp through the fake Cloud API, as a message with reply buttons inside the 24-hour
window and as the approved template outside it, whose button shows the answer."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.delivery.sender import Sender
from tests.buddies.conftest import said
from tests.channels.whatsapp.fake_cloud import FakeCloud
from tests.fakes import FakeClock
from tests.handoff.conftest import Center, Screens, plain, shows
from tests.handoff.test_story import ANSWERS, GERMAN_ANSWER, QUESTION


@pytest.fixture
async def polling(channel: Any) -> AsyncIterator[Any]:
    stop = asyncio.Event()
    task = asyncio.create_task(channel.poll(stop, timeout=1))
    yield channel
    stop.set()
    await asyncio.wait_for(task, 5)


def tap(fake: Any, chat_id: int, value: str) -> None:
    """Tap the button that stands for `value` on the last message with buttons."""
    message = [m for m in fake.sent[chat_id] if m.buttons][-1]
    button = next(b for row in message.buttons for b in row
                  if b["callback_data"].split("|", 1)[-1] == value)
    fake.user(chat_id, "ar").taps(button["text"], message=message)


async def settled(fake: Any, chat_id: int, quiet: float = 0.15) -> list[Any]:
    """The chat's messages once nothing new arrived for `quiet` seconds."""
    deadline = time.monotonic() + 10
    seen = -1
    while time.monotonic() < deadline:
        now = len(fake.sent[chat_id])
        if now == seen:
            return list(fake.sent[chat_id])
        seen = now
        await asyncio.sleep(quiet)
    return list(fake.sent[chat_id])


async def test_on_telegram_the_answer_arrives_in_arabic_with_the_german_original_a_tap_away(
        app: App, fake: Any, polling: Any, center: Center, models: Path) -> None:
    amal = fake.user(401, "ar")
    amal.says("/start")
    await fake.wait_for(401, 1)
    tap(fake, 401, "yes")
    await fake.wait_for(401, 2)
    tap(fake, 401, "no")                       # no notices
    await settled(fake, 401)
    amal.says("/contact")
    await settled(fake, 401)
    tap(fake, 401, "topic:residence-permit")
    await settled(fake, 401)
    before = len(fake.sent[401])
    amal.says(QUESTION)
    await fake.wait_for(401, before + 1)

    maria = await center.staff("maria")
    await maria.say("/cases")
    [case] = [b.value for m in maria.shown for b in m.buttons if b.value.startswith("case:")]
    await maria.tap(case)
    assert QUESTION in maria.texts[-1]
    await maria.tap("reply")
    await maria.say(GERMAN_ANSWER)

    before = len(fake.sent[401])
    sender = Sender(app.sessions, app.runtime, {"telegram": polling, "console": Screens(center)},
                    rng=random.Random(1))
    while await sender.drain():
        pass
    [answer] = (await fake.wait_for(401, before + 1))[before:]
    assert shows(answer.text, "ar", ANSWERS)
    assert GERMAN_ANSWER not in plain(answer.text)
    labels = [plain(b["text"]) for row in answer.buttons for b in row]
    assert plain(said("ar", "🇩🇪 Show the German original")) in labels
    tap(fake, 401, "original")
    [original] = (await fake.wait_for(401, before + 2))[before + 1:]
    assert GERMAN_ANSWER in plain(original.text)


async def whatsapp_case(center: Center, cloud: FakeCloud, wa_id: str) -> tuple[Any, str]:
    """Rana on WhatsApp asks for a person; returns her and the case's button value."""
    rana = cloud.user(wa_id, "Rana")
    await rana.says("مرحبا")
    await rana.taps(said("ar", "Yes, I agree"))
    await rana.taps(said("ar", "No, thank you"))
    await rana.says("/contact")
    await rana.taps(said("ar", "Residence permit"))
    await rana.says(QUESTION)
    maria = await center.staff("maria")
    await maria.say("/cases")
    [case] = [b.value for m in maria.shown for b in m.buttons if b.value.startswith("case:")]
    await maria.tap(case)
    await maria.tap("reply")
    await maria.say(GERMAN_ANSWER)
    return rana, case


async def send_outbox(app: App, center: Center, whatsapp: WhatsAppChannel) -> None:
    screens = Screens(center)
    for _ in range(20):
        sender = Sender(app.sessions, app.runtime, {"whatsapp": whatsapp, "console": screens},
                        rng=random.Random(3))
        if not await sender.drain():
            return


async def test_on_whatsapp_inside_the_window_the_answer_comes_with_its_buttons(
        server: str, cloud: FakeCloud, app: App, center: Center,
        whatsapp: WhatsAppChannel) -> None:
    rana, _ = await whatsapp_case(center, cloud, "963944000301")
    before = len(rana.inbox)
    await send_outbox(app, center, whatsapp)
    [answer] = rana.inbox[before:]
    assert answer.kind != "template"
    assert GERMAN_ANSWER in plain(answer.text)          # no model here: as written, and said
    assert shows(answer.text, "ar", "ℹ️ Not translated: there is no machine translation into "
                 "your language here.")
    assert plain(said("ar", "⬅️ Back to the bot")) in [plain(t) for t in answer.titles]


async def test_on_whatsapp_outside_the_window_a_template_shows_the_answer(
        server: str, cloud: FakeCloud, app: App, center: Center, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    rana, _ = await whatsapp_case(center, cloud, "963944000302")
    clock.advance(hours=30)                    # she wrote a day and a half ago
    # The staff member answers now (their message, not hers, was the last).
    before = len(rana.inbox)
    await send_outbox(app, center, whatsapp)
    [teaser] = rana.inbox[before:]
    assert (teaser.kind, teaser.text) == ("template", "welcome_handoff_answer:ar")
    shown = await rana.opens(teaser)           # the button opens the window: the answer
    assert GERMAN_ANSWER in plain(shown[0].text)
    assert shows(shown[0].text, "ar", ANSWERS)
