"""Without consent nothing but the language and the place in the conversation is kept; a
feature that must store something says why first; withdrawing consent erases, after a
confirmation; questions without an answer belong to whoever asked."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import App, open_app
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import Booking, FaqGap, Subscription
from bot.events import store as events
from bot.faq import store as faq
from bot.privacy import expire
from tests.conftest import make_settings
from tests.events.test_flow import add_cafe
from tests.fakes import FakeClock
from tests.talk import Talk

UNANSWERABLE = "who wins the lottery next week? my number is 0176 1234567"


@pytest.fixture
async def any_app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """On each database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    async with open_app(make_settings(db_url), clock=clock) as app:
        yield app


async def booked_with_notices(app: App, user: str) -> Talk:
    """Someone who agreed, gets notices, said where they live and booked the café."""
    talk = Talk(app, user, hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    await talk.tap("Yes, please")
    await talk.say("Vaihingen")
    await talk.say("/events")
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    await talk.tap("1")
    await talk.tap("skip")  # no name for the list
    return talk


async def count(app: App, table: type, person_id: int) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(
            select(func.count()).select_from(table).where(table.person_id == person_id)) or 0)


async def test_withdrawing_consent_erases_bookings_topics_and_district(any_app: App) -> None:
    await add_cafe(any_app)
    amal = await booked_with_notices(any_app, "amal")
    async with any_app.sessions() as session:
        person = await people.find(session, "console", "amal")
    assert person is not None and await count(any_app, Booking, person.id) == 1

    await amal.say("/privacy")
    asked = await amal.tap("No")
    assert asked[0].text.startswith("You agreed before. If you withdraw your consent")
    said = await amal.tap("Yes, withdraw and delete")
    assert said[0].text.startswith("Your consent is withdrawn and your data is deleted.")

    assert await count(any_app, Booking, person.id) == 0
    assert await count(any_app, Subscription, person.id) == 0
    async with any_app.sessions() as session:
        kept = await people.find(session, "console", "amal")
        assert kept is not None and (kept.consent, kept.district, kept.locale) == (
            "declined", None, "en")
        assert await events.attendees(session, 1) == []
    [report, _menu] = await amal.say("/mydata")
    assert "Bookings: none" in report.text and "Notices: none" in report.text
    assert "Part of town: not given" in report.text and "Consent: declined on" in report.text


async def test_no_to_the_confirmation_keeps_consent_and_data(app: App) -> None:
    await add_cafe(app)
    amal = await booked_with_notices(app, "amal")
    await amal.say("/privacy")
    await amal.tap("No")
    said = await amal.tap("No, keep my consent")
    assert said[0].text == "Nothing has changed: your consent and your data stay."
    [report, _menu] = await amal.say("/mydata")
    assert "Consent: given on" in report.text and "Language café West" in report.text


async def test_booking_without_consent_says_why_it_must_store_and_asks_first(app: App) -> None:
    await add_cafe(app)
    talk = Talk(app, "later", hint="en")
    await talk.open()
    await talk.tap("No")
    said = await talk.say("/events")
    assert said[0].text == ("To book a seat, I must keep your booking and remind you before "
                            "the event.")
    assert said[1].text.startswith("Your privacy:") and [
        b.value for b in said[1].buttons] == ["yes", "no"]
    async with app.sessions() as session:
        person = await people.find(session, "console", "later")
        assert person is not None and person.consent == "declined"


async def test_an_unanswered_question_of_someone_who_declined_is_not_kept(app: App) -> None:
    talk = Talk(app, "private", hint="en")
    await talk.open()
    await talk.tap("No")
    said = await talk.say(UNANSWERABLE)
    assert said[0].text.startswith("I am sorry, I do not know the answer to that.")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FaqGap)) == 0
        person = await people.find(session, "console", "private")
        assert person is not None and person.conversation is not None
        assert UNANSWERABLE not in str(person.conversation)


async def test_unanswered_questions_are_the_askers_and_go_with_them(any_app: App,
                                                                    clock: FakeClock) -> None:
    talk = Talk(any_app, "asker", hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    await talk.tap("No, thank you")
    await talk.say(UNANSWERABLE)
    async with any_app.sessions() as session:
        person = await people.find(session, "console", "asker")
        assert person is not None
        [gap] = await faq.gaps_of(session, person.id)
        assert "1234567" not in gap.text and "<number>" in gap.text  # staff see it masked
    [report, _menu] = await talk.say("/mydata")
    assert "Questions I could not answer (kept for 90 days" in report.text
    await talk.say("/delete")
    await talk.tap("yes")
    async with any_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FaqGap)) == 0


async def test_unanswered_questions_are_erased_after_faq_gaps_days(app: App,
                                                                   clock: FakeClock) -> None:
    talk = Talk(app, "asker", hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    await talk.tap("No, thank you")
    await talk.say(UNANSWERABLE)
    clock.advance(days=app.settings.faq_gaps_days - 1)
    async with transaction(app.sessions) as session:
        assert (await expire(session, clock(), app.settings))["faq_gaps"] == 0
    clock.advance(days=2)
    async with transaction(app.sessions) as session:
        assert (await expire(session, clock(), app.settings))["faq_gaps"] == 1


async def test_a_staff_conversation_keeps_no_attendee_after_their_erasure(app: App) -> None:
    await add_cafe(app)
    amal = await booked_with_notices(app, "amal")
    async with transaction(app.sessions) as session:
        await people.set_role(session, "console", "sara", "staff", app.runtime.clock())
    sara = Talk(app, "sara", hint="en")
    await sara.open()
    await sara.tap("Yes, I agree")
    await sara.say("/attendees")
    who = await sara.tap("event:1")
    assert "console:amal" in who[0].text
    await sara.say("/help")  # the question after the list is put aside, and asked again
    await amal.say("/delete")
    await amal.tap("yes")
    async with app.sessions() as session:
        staff = await people.find(session, "console", "sara")
        assert staff is not None and "amal" not in str(staff.conversation)
    again = await sara.open()
    assert all("amal" not in message.text for message in again)
    shown = await sara.tap("again")
    assert shown[0].text.endswith("nobody has booked yet.")

