"""Choosing notices in the chat: the topics, then where one lives (optional), and a notice
for one part of town reaching only those who live there."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.db import people
from bot.db.session import transaction
from bot.delivery.sender import Sender
from bot.districts import districts_in
from bot.notices import store
from bot.notices.audience import AudienceError, parse
from bot.notices.content import load_notice
from bot.service import notice_wanted
from tests.fake_telegram import FakeTelegram
from tests.talk import Talk

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")


async def newcomer(app: App, user: str, lang: str) -> Talk:
    """Someone new who agrees to the privacy notice and says yes to notices."""
    talk = Talk(app, user, channel="telegram", hint=lang)
    await talk.open()
    await talk.tap("yes")  # consent
    await talk.tap("yes")  # notices about health and news
    return talk


async def district_of(app: App, user: str) -> str | None:
    async with app.sessions() as session:
        person = await people.find(session, "telegram", user)
        assert person is not None
        return person.district


async def test_a_ukrainian_newcomer_tells_where_she_lives_and_gets_that_districts_notice(
        app: App, fake: FakeTelegram, channel: TelegramChannel) -> None:
    olena = await newcomer(app, "7001", "uk")
    asked = olena.shown[-1]
    labels = [b.label for b in asked.buttons]
    assert "Bad Cannstatt" in labels and labels[-1] != "⏭ Skip"  # Skip, in Ukrainian
    assert asked.buttons[-1].value == "skip"
    thanked = await olena.say("cannstatt")  # typed, lower case, without "Bad"
    assert "Bad Cannstatt" in thanked[0].text
    assert await district_of(app, "7001") == "Bad Cannstatt"

    omid = await newcomer(app, "7002", "fa")
    await omid.tap("skip")
    assert omid.shown[-1].buttons[0].value != "skip"  # back at the menu, nothing asked again
    assert await district_of(app, "7002") is None

    districts = districts_in(app.settings.content_dir)
    audience = "topic:health district:bad_cannstatt"
    async with transaction(app.sessions) as session:
        queued = await store.queue(session, load_notice(ROOT / "content/notices/aha-hygiene.yaml"),
                                   audience, parse(audience, LANGS, districts=districts),
                                   send_at=app.runtime.clock(), expires_at=None,
                                   now=app.runtime.clock())
    assert queued == 1
    for _ in range(10):  # bounded: each pass sends a batch
        if not await Sender(app.sessions, app.runtime, {"telegram": channel},
                            rng=random.Random(1), wanted={"notices": notice_wanted}).drain():
            break
    assert [m.text.startswith("📢") for m in fake.sent[7001]][:1] == [True]
    assert 7002 not in fake.sent


async def test_the_district_can_be_changed_from_the_topic_list(app: App) -> None:
    olena = await newcomer(app, "7003", "de")
    await olena.say("Mitte")
    topics = await olena.say("/notices")
    [where] = [b for b in topics[-1].buttons if b.value == "district"]
    assert where.label == "📍 Stadtteil: Mitte"
    await olena.tap("district")
    unknown = await olena.say("Atlantis")
    assert unknown[-1].buttons and "Atlantis" not in unknown[0].text  # asked again
    await olena.tap("west")
    assert await district_of(app, "7003") == "West"


def test_an_audience_names_districts_by_id_or_name_and_says_which_exist() -> None:
    districts = districts_in(ROOT / "content")
    chosen = parse("topic:health district:bad_cannstatt,Mitte", LANGS, districts=districts)
    assert chosen.districts == ("Bad Cannstatt", "Mitte")
    with pytest.raises(AudienceError, match="district:Atlantis.*bad_cannstatt"):
        parse("topic:health district:Atlantis", LANGS, districts=districts)
