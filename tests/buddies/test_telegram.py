"""A proposal and the introduction on Telegram (the fake Bot API): Accept and Decline are
inline buttons whose callback data fits Telegram's 64 bytes, and a tap answers it."""

from __future__ import annotations

import random
from typing import Any

from bot.app import App
from bot.buddies import rounds
from bot.channels.telegram.render import MAX_CALLBACK_DATA
from bot.delivery.sender import Sender
from bot.engine.model import Inbound
from bot.runtime import Identity
from tests.buddies.conftest import INTRODUCTION, PROPOSAL, City, said
from tests.buddies.test_rounds import newcomer, volunteer


async def drain(app: App, channel: Any) -> int:
    sender = Sender(app.sessions, app.runtime, {"telegram": channel}, rng=random.Random(1))
    total = 0
    while sent := await sender.drain():
        total += sent
    return total


def buttons(message: Any) -> list[dict[str, str]]:
    return [b for row in message.buttons for b in row]


async def test_a_proposal_on_telegram_is_answered_with_its_button(
        app: App, city: City, fake: Any, channel: Any) -> None:
    await volunteer(city, "201", {"uk": 3, "de": 3}, "Ost")
    await newcomer(city, "301", {"uk": 3}, "Ost")
    await rounds.tick(app)
    assert await drain(app, channel) == 1
    [proposal] = fake.sent[201]
    german = city.phones["201"]  # the volunteer chats in German
    assert proposal.text.startswith(said(german, PROPOSAL))
    offered = buttons(proposal)
    assert [b["text"] for b in offered] == [said(german, "✅ Accept"), said(german, "❌ Decline")]
    assert all(len(b["callback_data"].encode()) <= MAX_CALLBACK_DATA for b in offered)

    prompt, value = offered[0]["callback_data"].split("|", 1)
    out = await app.runtime.handle(Identity("telegram", "201"), Inbound.button(value, int(prompt)))
    assert out.replies[0].text.msgid.startswith("Thank you! We are now asking the newcomer")
    assert await drain(app, channel) == 1
    [confirm] = fake.sent[301]
    yes = buttons(confirm)[0]
    assert yes["callback_data"].endswith("|yes") and "301" not in confirm.text
    prompt, value = yes["callback_data"].split("|", 1)
    await app.runtime.handle(Identity("telegram", "301"), Inbound.button(value, int(prompt)))
    assert await drain(app, channel) == 2
    introduction = fake.sent[201][-1].text
    assert introduction.startswith(said(german, INTRODUCTION, name="301"))
    menu = buttons(fake.sent[201][-1])
    assert all(len(b["callback_data"].encode()) <= MAX_CALLBACK_DATA for b in menu)
