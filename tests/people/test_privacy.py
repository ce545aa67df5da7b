"""What a person can see and erase, and what happens when they say no."""

from __future__ import annotations

from bot.buddies import store as buddies
from bot.db import people
from bot.db.session import transaction
from bot.engine.model import ConversationState
from tests.fakes import FakeClock
from tests.scripts import is_language
from tests.talk import Talk


async def test_mydata_shows_everything_stored(app, clock: FakeClock) -> None:
    talk = Talk(app, "amina", hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    clock.advance(days=2)
    [report, _menu] = await talk.say("/mydata")
    assert "Chat: Terminal, ID amina" in report.text
    assert "Language: English" in report.text and "Role: newcomer" in report.text
    assert "Consent: given on November 23, 2026" in report.text
    assert "Last message: November 25, 2026" in report.text


async def test_mydata_shows_the_topics_the_district_and_the_welcome_buddy_request(
        app, clock: FakeClock) -> None:
    talk = Talk(app, "yara", hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    await talk.tap("Yes, please")  # notices about health and news
    await talk.say("Vaihingen")  # where she lives
    async with transaction(app.sessions) as session:
        person = await people.find(session, "console", "yara")
        assert person is not None
        await buddies.ask(session, person.id, {
            "first_name": "Yara", "contact": {"kind": "email", "value": "yara@example.org"},
            "needs": ["documents"], "languages": {"ar": 3}, "times": ["evenings"],
            "wants": None}, clock())
    [report, _menu] = await talk.say("/mydata")
    assert "Part of town: Vaihingen" in report.text
    assert "Notices about: 🩺 Health and hygiene, 📢 General news from the city" in report.text
    assert "Welcome Buddies, what you asked for on November 23, 2026:" in report.text
    assert "yara@example.org" in report.text and "📄 Letters and documents" in report.text


async def test_help_in_the_middle_of_the_delete_question_asks_it_again(app) -> None:
    talk = Talk(app, "mid", hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    await talk.say("/delete")
    said = await talk.say("/help")
    assert said[0].text.startswith("How to use this bot")
    assert said[-1].text.startswith("Do you really want to delete all your data?")


async def test_delete_asks_first_then_erases_everything(app) -> None:
    talk = Talk(app, "leaving", hint="uk")
    await talk.open()
    await talk.tap("Так, погоджуюся")
    await talk.say("/delete")
    said = await talk.tap("yes")
    assert said[-1].buttons and said[-1].buttons[0].value == "restart"
    async with app.sessions() as session:
        assert await people.find(session, "console", "leaving") is None
    said = await talk.tap("restart")  # a new first contact: welcome, then consent again
    assert is_language(said[0].text, "uk") and [b.value for b in said[1].buttons] == ["yes", "no"]


async def test_after_erasure_the_next_message_is_a_first_contact(app) -> None:
    talk = Talk(app, "again")
    await talk.open()
    await talk.tap("English")
    await talk.tap("Yes, I agree")
    await talk.say("/delete")
    await talk.tap("yes")
    [picker] = await talk.say("hello?")
    assert len(picker.buttons) == 7 and len(picker.text.splitlines()) == 7


async def test_declining_keeps_only_what_is_needed_and_the_menu_works(app) -> None:
    talk = Talk(app, "no-thanks", hint="en")
    await talk.open()
    said = await talk.tap("No")
    assert said[0].text.startswith("That is fine.")
    assert said[-1].text.startswith("What would you like to do?")
    async with app.sessions() as session:
        person = await people.find(session, "console", "no-thanks")
        assert person is not None and person.consent == "declined"
        assert person.conversation is not None
        assert ConversationState.from_json(person.conversation).vars == {}


async def test_consent_can_be_given_later(app) -> None:
    talk = Talk(app, "later", hint="en")
    await talk.open()
    await talk.tap("No")
    await talk.say("/privacy")
    said = await talk.tap("Yes, I agree")
    assert said[0].text == "Thank you!"
    async with app.sessions() as session:
        person = await people.find(session, "console", "later")
        assert person is not None and person.consent == "given"
