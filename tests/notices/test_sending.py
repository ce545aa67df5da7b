"""A notice to many people through the fake Bot API, while it misbehaves: each person who
can get it gets it exactly once, in their language, and the tally adds up."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.db.session import transaction
from bot.delivery.sender import Sender
from bot.engine.model import Inbound
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import NoticeFile, load_notice
from bot.people.importer import import_rows, read_rows
from bot.runtime import Identity
from bot.service import notice_wanted
from tests.fake_telegram import PROXY_502, SERVER_500, FakeTelegram, too_many
from tests.fakes import FakeClock
from tests.scripts import is_language

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")


def sender(app: App, channel: TelegramChannel) -> Sender:
    return Sender(app.sessions, app.runtime, {"telegram": channel}, rng=random.Random(3),
                  wanted={"notices": notice_wanted})


async def subscribers(app: App, lines: list[str]) -> None:
    rows = read_rows("channel,id,locale,topics\n" + "\n".join(lines) + "\n", "test.csv", LANGS)
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, app.runtime.clock())


async def queue(app: App, notice: NoticeFile, audience: str) -> int:
    async with transaction(app.sessions) as session:
        return await store.queue(session, notice, audience, parse(audience, LANGS),
                                 send_at=app.runtime.clock(), expires_at=None,
                                 now=app.runtime.clock())


async def drain(app: App, channel: TelegramChannel) -> None:
    for _ in range(50):  # bounded: each pass sends a batch
        if not await sender(app, channel).drain():
            return


async def test_the_aha_notice_reaches_everyone_once_through_errors_and_blocks(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    langs = ["ar", "fa", "uk", "ru", "tr", "de", "en"]
    await subscribers(app, [f"telegram,{1000 + n},{langs[n % 7]},health" for n in range(28)]
                      + ["telegram,2000,ar,events"])          # not asked for health
    notice = load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml")
    assert await queue(app, notice, "topic:health") == 28
    assert await queue(app, notice, "topic:health") == 0       # a double click adds nobody
    fake.blocked.add(1003)
    fake.fail("sendmessage", too_many(1))
    fake.fail("sendmessage", SERVER_500, times=2)
    fake.fail("sendmessage", PROXY_502)
    await app.runtime.handle(Identity("telegram", "1004"), Inbound.message("/stop"))
    fake.sent.clear()

    await drain(app, channel)

    got = {chat: [m for m in sent if m.method == "sendMessage"]
           for chat, sent in fake.sent.items()}
    assert sorted(got) == sorted({1000 + n for n in range(28)} - {1003, 1004})
    assert all(len(messages) == 1 for messages in got.values())
    for chat, [message] in got.items():
        lang = langs[(chat - 1000) % 7]
        title = notice.texts[lang].title
        assert title in message.text.replace("\u2068", "").replace("\u2069", "")
        if lang not in ("de", "en", "tr"):
            assert is_language(message.text.split("\n\n")[1], lang)
    async with app.sessions() as session:
        tally = await store.tally(session, "aha-hygiene", "de")
    assert {status: sum(c.values()) for status, c in tally.items()} == {
        "sent": 26, "unreachable": 1, "skipped": 1}
    assert tally["unreachable"] == Counter({"ru": 1}) and tally["skipped"] == Counter({"tr": 1})


async def test_no_translation_means_the_fallback_language_with_a_note(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    notice = NoticeFile.model_validate({
        "id": "flu", "topic": "health", "source": "de", "allow_machine_translation": False,
        "texts": {"de": {"title": "Grippe", "text": "Lassen Sie sich impfen."},
                  "fa": {"title": "آنفولانزا", "text": "واکسن بزنید.", "machine": True},
                  "uk": {"title": "Грип", "text": "Зробіть щеплення.", "machine": True}}})
    await subscribers(app, ["telegram,3001,fa,health", "telegram,3002,uk,health"])
    await queue(app, notice, "topic:health")
    await drain(app, channel)
    [persian] = fake.sent[3001]
    shown = persian.text.replace("\u2068", "").replace("\u2069", "")
    assert "Grippe" in shown and "آنفولانزا" not in shown
    note = shown.split("Lassen Sie sich impfen.")[1].split("\n\n")[0]
    assert is_language(note, "fa")  # "not yet in your language", in Persian

    allowed = notice.model_copy(update={"id": "flu-2", "allow_machine_translation": True})
    await queue(app, allowed, "topic:health")
    await drain(app, channel)
    assert "Грип" in fake.sent[3002][-1].text  # the draft, with its note


async def test_a_paused_notice_waits_and_an_expired_one_is_not_sent(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    await subscribers(app, [f"telegram,{4000 + n},de,health" for n in range(3)])
    notice = NoticeFile.model_validate({
        "id": "heat", "topic": "health", "source": "de",
        "texts": {"de": {"title": "Hitze", "text": "Trinken Sie viel Wasser."}}})
    async with transaction(app.sessions) as session:
        await store.queue(session, notice, "topic:health", parse("topic:health", LANGS),
                          send_at=clock(), expires_at=clock().replace(hour=12),
                          now=clock())
        assert await store.pause(session, "heat") == 3
    await drain(app, channel)
    assert not fake.sent
    async with transaction(app.sessions) as session:
        assert await store.resume(session, "heat") == 3
    clock.advance(hours=4)  # 13:00: past its expiry
    await drain(app, channel)
    assert not fake.sent
    async with app.sessions() as session:
        tally = await store.tally(session, "heat", "de")
    assert tally == {"expired": Counter({"de": 3})}


def test_the_outcomes_count_each_message_once() -> None:
    tally = {"sent": Counter(ar=5, de=2), "delivered": Counter(ar=4), "read": Counter(ar=1),
             "failed": Counter(ar=1), "cancelled": Counter(de=3)}
    parts = store.outcomes(tally)
    assert parts == {"read": Counter(ar=1), "delivered": Counter(ar=3),
                     "sent": Counter(ar=1, de=2), "failed": Counter(ar=1),
                     "cancelled": Counter(de=3)}
    assert sum(sum(c.values()) for c in parts.values()) == 5 + 2 + 1 + 3


def test_each_channel_sends_at_its_own_rate_and_the_slowest_says_how_long() -> None:
    from bot.notices.plan import channel_seconds

    rates = {"telegram": 25, "whatsapp": 80}
    assert channel_seconds({"telegram": 1000, "whatsapp": 4000}, rates, 25) == 50
    assert channel_seconds({"telegram": 100, "whatsapp": 0}, rates, 25) == 4
    assert channel_seconds({"console": 30}, rates, 25) == 2 and channel_seconds({}, rates, 25) == 0
