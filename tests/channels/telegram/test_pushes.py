"""What the bot pushes (a notice) goes to the Bot API as a JSON body made once per
language, with the chat id put in per person, and the platform's answers are handled as
for any call: a 429's retry_after waited out, a 5xx or an HTML page from the front proxy
tried again, a 403 marks the person unreachable, a 400 fails the message for good."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import update

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import Person
from bot.delivery.bucket import TokenBucket
from bot.delivery.sender import Sender
from bot.engine.model import ConversationState, Position
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.people.importer import import_rows, read_rows
from bot.service import notice_wanted
from tests.fake_telegram import PROXY_502, SERVER_500, Failure, FakeTelegram, too_many

ROOT = Path(__file__).resolve().parents[3]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
NOTICE = load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml")


async def send_notice(app: App, channel: TelegramChannel, chats: list[tuple[int, str]], *,
                      in_flight: int = 8, asked: Mapping[int, int] | None = None,
                      urgent: bool = False) -> dict[str, int]:
    """Queue the notice for `chats` (chat id, language) and send it, `in_flight` at once;
    the tally by status. `asked`: chat id -> how many questions the bot had asked them
    before (their conversation rests in the menu)."""
    rows = read_rows("channel,id,locale,topics\n" + "".join(
        f"telegram,{chat},{lang},health\n" for chat, lang in chats), "test.csv", LANGS)
    now = app.runtime.clock()
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, now)
        for chat, prompt in (asked or {}).items():
            state = ConversationState(lang=dict(chats)[chat], at=Position("menu", "main"),
                                      prompt=prompt)
            await session.execute(update(Person).where(Person.external_id == str(chat))
                                  .values(conversation=state.to_json()))
        await store.queue(session, NOTICE, "topic:health", parse("topic:health", LANGS),
                          send_at=now, expires_at=None, now=now, urgent=urgent)
    sender = Sender(app.sessions, app.runtime, {"telegram": channel}, rng=random.Random(3),
                    wanted={"notices": notice_wanted}, in_flight=in_flight)
    for _ in range(20):  # bounded: each pass sends a batch
        if not await sender.drain():
            break
    async with app.sessions() as session:
        tally = await store.tally(session, NOTICE.id, "de")
    return {status: sum(counted.values()) for status, counted in tally.items()}


async def test_a_notice_goes_as_json_the_same_words_for_everyone_of_a_language(
        app: App, fake: FakeTelegram, channel: TelegramChannel) -> None:
    chats = [(3000 + n, ("ar", "uk")[n % 2]) for n in range(6)]
    assert await send_notice(app, channel, chats) == {"sent": 6}
    calls = [params for params, _ in fake.calls_of("sendMessage")]
    assert sorted(params["chat_id"] for params in calls) == [chat for chat, _ in chats]
    assert all(isinstance(params["chat_id"], int) for params in calls)  # JSON, not a form
    assert all(params["parse_mode"] == "HTML" and params["link_preview_options"]
               == {"is_disabled": True} for params in calls)
    by_lang = {lang: {fake.sent[chat][0].text for chat, other in chats if other == lang}
               for lang in ("ar", "uk")}
    assert all(len(texts) == 1 for texts in by_lang.values())  # one text per language
    assert by_lang["ar"] != by_lang["uk"]
    assert NOTICE.texts["uk"].title in next(iter(by_lang["uk"]))


async def test_people_at_different_questions_get_the_same_notice_with_buttons_of_their_own(
        app: App, fake: FakeTelegram, channel: TelegramChannel,
        polling: TelegramChannel) -> None:
    # Rendered once for both (one language, the same menu after it), but the menu's
    # buttons carry each person's own question number: a tap on them is not a stale one.
    assert await send_notice(app, channel, [(3300, "en"), (3301, "en")],
                             asked={3301: 40}) == {"sent": 2}
    first, second = fake.sent[3300][-1], fake.sent[3301][-1]
    assert first.text == second.text
    numbers = {chat: {button["callback_data"].partition("|")[0]
                      for row in fake.sent[chat][-1].buttons for button in row}
               for chat in (3300, 3301)}
    assert numbers == {3300: {"1"}, 3301: {"41"}}
    fake.user(3301, "en").taps("🔔 Notices")
    topics = (await fake.wait_for(3301, 2))[-1]
    assert topics.text.startswith("Which notices would you like to get?")


async def test_a_429_is_waited_out_and_5xx_and_proxy_pages_are_tried_again(
        app: App, fake: FakeTelegram, channel: TelegramChannel) -> None:
    fake.fail("sendMessage", too_many(1))
    fake.fail("sendMessage", SERVER_500)
    fake.fail("sendMessage", PROXY_502)
    assert await send_notice(app, channel, [(3100, "de")]) == {"sent": 1}
    (_, refused), (_, after_pause), *_ = fake.calls_of("sendMessage")
    assert after_pause - refused >= 1.0  # retry_after: 1
    assert len(fake.calls_of("sendMessage")) == 4 and len(fake.sent[3100]) == 1


async def test_a_403_marks_the_person_unreachable_and_a_400_fails_the_message(
        app: App, fake: FakeTelegram, channel: TelegramChannel) -> None:
    fake.blocked.add(3201)
    fake.fail("sendMessage", Failure(400, json.dumps({
        "ok": False, "error_code": 400, "description": "Bad Request: chat not found"})))
    # One at a time, in the order queued: 3200 gets the scripted 400; 3201 blocked the bot.
    tally = await send_notice(app, channel, [(3200, "en"), (3201, "fa"), (3202, "tr")],
                              in_flight=1)
    assert tally == {"failed": 1, "unreachable": 1, "sent": 1}
    assert list(fake.sent) == [3202]
    assert len(fake.calls_of("sendMessage")) == 3  # neither the 400 nor the 403 tried again
    async with app.sessions() as session:
        blocked = await people.find(session, "telegram", "3201")
    assert blocked is not None and blocked.unreachable_at is not None


async def test_an_urgent_notice_goes_as_a_paid_broadcast_only_where_the_city_allows_it(
        app: App, fake: FakeTelegram, channel: TelegramChannel) -> None:
    # Without TELEGRAM_PAID_BROADCAST there is no paid lane: urgent or not, it goes free.
    assert await send_notice(app, channel, [(3400, "uk")], urgent=True) == {"sent": 1}
    [(free, _)] = fake.calls_of("sendMessage")
    assert "allow_paid_broadcast" not in free
    channel.paid_bucket = TokenBucket(1000.0, burst=1)  # TELEGRAM_PAID_BROADCAST=true
    assert await send_notice(app, channel, [(3401, "uk")], urgent=True) == {"sent": 2}
    _, (paid, _) = fake.calls_of("sendMessage")
    assert paid["chat_id"] == 3401 and paid["allow_paid_broadcast"] is True
    assert NOTICE.texts["uk"].title in fake.sent[3401][0].text
