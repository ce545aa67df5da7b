"""The whole bot on Telegram: the real aiogram `Bot` polls a fake Bot API server over a
socket, and people do what people do."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.db import people
from tests.fake_telegram import PROXY_502, SERVER_500, FakeTelegram, too_many
from tests.fakes import FakeClock
from tests.scripts import is_language


async def test_each_phone_language_gets_its_own_language_from_the_first_message(
        fake: FakeTelegram, polling: TelegramChannel) -> None:
    speakers = {"ar": fake.user(1, "ar"), "fa": fake.user(2, "fa-AF"), "uk": fake.user(3, "uk"),
                "de": fake.user(4, "de")}
    for user in speakers.values():
        user.says("/start")
    for lang, user in speakers.items():
        [welcome] = await fake.wait_for(user.id, 1)  # the welcome and the consent question
        assert is_language(welcome.text, lang) and welcome.text.count("\n\n") >= 2
        assert sum(len(row) for row in welcome.buttons) == 2  # yes / no


async def test_an_unsupported_language_gets_the_picker_in_every_language(
        fake: FakeTelegram, polling: TelegramChannel) -> None:
    user = fake.user(5, "zh-hans")
    user.says("/start")
    [picker] = await fake.wait_for(user.id, 1)
    labels = [b["text"] for row in picker.buttons for b in row]
    assert labels == ["Deutsch", "English", "العربية", "فارسی / دری", "Українська", "Русский",
                      "Türkçe"]
    assert len(picker.text.splitlines()) == 7
    user.taps("Türkçe")
    consent = (await fake.wait_for(user.id, 2))[1]
    assert is_language(consent.text, "tr")


async def test_the_command_menu_is_set_in_every_language(fake: FakeTelegram,
                                                        channel: TelegramChannel) -> None:
    await channel.setup_commands()
    menus = fake.commands()
    assert set(menus) == {None, "de", "en", "ar", "fa", "uk", "ru", "tr"}
    help_of = {lang: next(c["description"] for c in cmds if c["command"] == "help")
               for lang, cmds in menus.items()}
    assert help_of["en"] == "How this bot works" and is_language(help_of["uk"], "uk")
    assert help_of[None] == help_of["de"]  # the default menu is in the default language
    assert all(1 <= len(c["description"]) <= 256 for cmds in menus.values() for c in cmds)


async def test_a_whole_menu_walk_by_button_presses(fake: FakeTelegram,
                                                   polling: TelegramChannel) -> None:
    user = fake.user(10, "en")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    user.taps("Yes, I agree")
    offer = (await fake.wait_for(user.id, 2))[1]
    assert offer.text.startswith("Thank you!\n\nWould you like to get important notices")
    user.taps("No, thank you")
    menu = (await fake.wait_for(user.id, 3))[2]
    assert menu.text.startswith("What would you like to do?")
    user.taps("🔒 My data")
    await fake.wait_for(user.id, 4)
    user.taps("Show my data")
    report = (await fake.wait_for(user.id, 5))[4]
    assert "Chat: Telegram, ID 10" in report.text and "Consent: given on" in report.text
    user.taps("🌐 Language")
    await fake.wait_for(user.id, 6)
    user.taps("Русский")
    done = (await fake.wait_for(user.id, 7))[6]
    assert is_language(done.text, "ru")
    user.taps("🙋 Поговорить с человеком")
    assert is_language((await fake.wait_for(user.id, 8))[7].text, "ru")
    assert len(fake.answered_callbacks) == 7  # every tap's spinner was stopped


async def test_two_taps_in_the_same_millisecond_are_handled_one_after_the_other(
        fake: FakeTelegram, polling: TelegramChannel, app: App) -> None:
    user = fake.user(11, "en")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    user.taps("Yes, I agree")
    await fake.wait_for(user.id, 2)
    user.taps("No, thank you")
    await fake.wait_for(user.id, 3)
    menu = user.inbox[-1]
    # Both taps land in the same getUpdates batch: same instant, same menu message.
    fake.push(user.tap_update("❓ Help", message=menu))
    fake.push(user.tap_update("🌐 Language", message=menu))
    texts = [m.text for m in await fake.wait_for(user.id, 5)][3:]
    assert texts[0].startswith("How to use this bot")
    assert texts[0].endswith("Tap a button below, or write your question.")
    assert texts[1] == "Please choose your language."
    user.taps("Deutsch")
    assert (await fake.wait_for(user.id, 6))[5].text.startswith("Erledigt")


async def test_a_person_who_blocks_the_bot_is_unreachable_until_they_unblock(
        fake: FakeTelegram, polling: TelegramChannel, app: App) -> None:
    user = fake.user(12, "de")
    user.says("/start")
    await fake.wait_for(user.id, 1)

    async def unreachable() -> bool:
        async with app.sessions() as session:
            person = await people.find(session, "telegram", "12")
            assert person is not None
            return person.unreachable_at is not None

    user.blocks()
    await _until(unreachable)
    user.blocks(False)
    await _until(lambda: _not(unreachable))


async def test_a_403_on_sending_marks_the_person_unreachable(
        fake: FakeTelegram, polling: TelegramChannel, app: App) -> None:
    user = fake.user(13, "de")
    fake.blocked.add(13)
    user.says("/start")

    async def marked() -> bool:
        async with app.sessions() as session:
            person = await people.find(session, "telegram", "13")
            return person is not None and person.unreachable_at is not None

    await _until(marked)
    assert len(fake.calls_of("sendMessage")) == 1  # 403 is never retried


async def test_a_429_pauses_sending_for_retry_after_seconds(fake: FakeTelegram,
                                                           polling: TelegramChannel) -> None:
    user = fake.user(14, "en")
    fake.fail("sendMessage", too_many(1))
    user.says("/start")
    await fake.wait_for(user.id, 1)
    (_, refused), (_, retried) = fake.calls_of("sendMessage")[:2]
    assert retried - refused >= 1.0


async def test_a_502_html_page_and_a_500_are_retried_until_delivered(
        fake: FakeTelegram, polling: TelegramChannel) -> None:
    user = fake.user(15, "en")
    fake.fail("sendMessage", PROXY_502)
    fake.fail("sendMessage", SERVER_500)
    user.says("/start")
    [welcome] = await fake.wait_for(user.id, 1)
    assert welcome.text.startswith("Welcome!") and len(fake.calls_of("sendMessage")) == 3


async def test_photos_stickers_and_locations_get_a_kind_answer_and_the_question_again(
        fake: FakeTelegram, polling: TelegramChannel) -> None:
    user = fake.user(16, "uk")
    user.says("/start")
    [first] = await fake.wait_for(user.id, 1)
    question = first.text.split("\n\n", 1)[1]  # after the welcome: the consent question
    user.sends(photo=[{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}],
               caption="моя посвідка")
    user.sends(sticker={"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 9,
                        "height": 9, "is_animated": False, "is_video": False})
    user.sends(location={"latitude": 48.77, "longitude": 9.18})
    # each: a note, then the question again; the third also says how to get out
    photo, sticker, location = (await fake.wait_for(user.id, 4))[1:]
    assert all(is_language(m.text, "uk") for m in (photo, sticker, location))
    assert photo.text == sticker.text and photo.text.endswith(question)
    note = photo.text.removesuffix(question)
    assert location.text.startswith(note) and location.text.endswith(question)
    assert len(location.text) > len(photo.text) and location.buttons == first.buttons


async def test_edits_and_group_chatter_are_ignored_commands_in_groups_get_a_pointer(
        fake: FakeTelegram, polling: TelegramChannel) -> None:
    user = fake.user(17, "fa")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    user.edits("/start")
    group = fake.user(17, "fa", chat_type="group")
    group.says("hello everyone")
    group.says("/start@welcome_bot")
    [pointer] = await fake.wait_for(-17, 1)
    assert is_language(pointer.text, "fa")
    await asyncio.sleep(0.3)
    assert len(user.inbox) == 1 and len(group.inbox) == 1


async def test_someone_pasting_fifty_messages_gets_one_slow_down_note_and_taps_still_work(
        fake: FakeTelegram, polling: TelegramChannel, clock: FakeClock) -> None:
    user = fake.user(18, "en")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    for n in range(50):
        user.says(f"line {n} of a long paste")

    async def warned() -> bool:
        return any(m.text.startswith("You are sending messages very fast") for m in user.inbox)

    await _until(warned)
    await asyncio.sleep(0.3)
    clock.advance(seconds=1)  # a tap costs a quarter of a message: back within a second
    user.taps("Yes, I agree")

    async def tap_answered() -> bool:
        return any("Would you like to get important notices" in m.text for m in user.inbox)

    await _until(tap_answered)
    await asyncio.sleep(0.3)
    texts = [m.text for m in user.inbox]
    assert sum(t.startswith("You are sending messages very fast") for t in texts) == 1
    assert "Would you like to get important notices" in texts[-1]  # the tap went through
    answered = sum(t.startswith("Please tap one of the buttons") for t in texts)
    assert 7 <= answered <= 8  # the burst less /start (and what trickled back), not 50


async def test_fifty_taps_in_a_row_get_one_slow_down_note_not_fifty_answers(
        fake: FakeTelegram, polling: TelegramChannel) -> None:
    user = fake.user(21, "en")
    user.says("/start")
    [question] = await fake.wait_for(user.id, 1)
    for _ in range(50):
        user.taps("No", message=question)  # the same button, again and again

    async def warned() -> bool:
        return any(m.text.startswith("You are sending messages very fast") for m in user.inbox)

    await _until(warned)
    await asyncio.sleep(0.3)
    texts = [m.text for m in user.inbox[1:]]
    assert sum(t.startswith("You are sending messages very fast") for t in texts) == 1
    assert len(texts) < 40  # 32 taps fit in the burst (8 messages, a quarter each), not 50


async def test_html_in_what_people_type_is_shown_as_typed(fake: FakeTelegram,
                                                          polling: TelegramChannel) -> None:
    user = fake.user(19, "en")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    user.says("/<b>bold</b>")
    note = (await fake.wait_for(user.id, 2))[1]
    assert "/&lt;b&gt;bold&lt;/b&gt;" in note.text


async def test_an_update_delivered_twice_is_handled_once(fake: FakeTelegram,
                                                         polling: TelegramChannel) -> None:
    user = fake.user(20, "en")
    first = user.says("/start")
    await fake.wait_for(user.id, 1)
    fake.push(dict(first))  # Telegram re-sends when it did not see the acknowledgement...
    fake.updates[-1]["update_id"] = first["update_id"]  # ...with the same update_id
    user.says("/help")
    await fake.wait_for(user.id, 2)
    await asyncio.sleep(0.2)
    assert len(user.inbox) == 2


async def _until(check, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _not(check) -> bool:  # type: ignore[no-untyped-def]
    return not await check()


async def test_an_arabic_speaker_types_a_question_and_gets_the_answer_with_feedback_buttons(
        fake: FakeTelegram, polling: TelegramChannel, app: App) -> None:
    user = fake.user(14, "ar")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    user.taps("نعم، أوافق")
    await fake.wait_for(user.id, 2)
    user.says("بدي اتعلم اللغة الالمانية من وين ابلش")  # typed at the menu, no button
    answer = (await fake.wait_for(user.id, 3))[2]
    labels = [b["text"] for row in answer.buttons for b in row]
    # One message: the answer, then "Did this help?" with its buttons and related topics.
    assert is_language(answer.text.split("\n\n")[0], "ar")
    assert labels[:3] == ["➕ المزيد", "👍 نعم", "👎 لا"] and 4 <= len(labels) <= 6  # More first
    user.taps("👍 نعم")
    thanks = (await fake.wait_for(user.id, 4))[3]
    assert is_language(thanks.text, "ar") and thanks.buttons  # thanks, and the menu again


async def test_a_ukrainian_books_a_language_cafe_by_taps_and_gets_the_calendar_file(
        fake: FakeTelegram, polling: TelegramChannel, app: App) -> None:
    from zoneinfo import ZoneInfo

    from bot.db.session import transaction
    from bot.events import store
    from bot.events.series import Series

    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate({
            "id": "cafe", "kind": "language_cafe", "title": {"uk": "Мовне кафе", "de": "Café"},
            "place": "Bibliothek", "address": "Mailänder Platz 1, 70173 Stuttgart",
            "district": "Mitte", "languages": ["de", "uk"], "starts": "2026-11-24 18:00",
            "minutes": 90, "capacity": 8})], app.runtime.clock(), ZoneInfo("Europe/Berlin"))
    user = fake.user(15, "uk")
    user.says("/start")
    await fake.wait_for(user.id, 1)
    user.taps("Так, погоджуюся")
    await fake.wait_for(user.id, 2)
    user.says("/events")
    await fake.wait_for(user.id, 3)
    for step, label in enumerate(["📋 Усі заходи", "1. Мовне кафе", "✅ Забронювати місце",
                                  "1"], start=4):
        labels = [b["text"] for row in user.inbox[-1].buttons for b in row]
        user.taps(next(x for x in labels if x.replace("\u2068", "").replace(
            "\u2069", "") == label))
        await fake.wait_for(user.id, step)
    user.says("Олена")  # the name for the attendee list
    sent = await fake.wait_for(user.id, 9)
    confirmation, document = sent[7], sent[8]
    assert is_language(confirmation.text.split("\n\n")[0], "uk")
    assert document.method == "sendDocument" and document.text.endswith(".ics")
    assert b"BEGIN:VCALENDAR" in document.file and b"SUMMARY:\xd0\x9c" in document.file
