"""Reminders and "you got a seat" through the outbox, to the fake Bot API, on a clock the
test moves: at the right times, once, also after a restart; none for cancelled bookings."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.db.session import transaction
from bot.db.tables import OutboxMessage, Person
from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.delivery.transport import Sent
from bot.engine.model import Inbound
from bot.events import store
from bot.events.series import Series
from bot.runtime import Identity, Outbound
from tests.fake_telegram import FakeTelegram
from tests.fakes import FakeClock
from tests.scripts import is_language
from tests.talk import Talk

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


def sender_for(app: App, channel: TelegramChannel) -> Sender:
    """A new sender, as after a restart: it knows nothing but the database."""
    return Sender(app.sessions, app.runtime, {"telegram": channel}, rng=random.Random(1))


async def add_cafe(app: App, capacity: int) -> None:
    """A language café on 24 November, 18:00 in Berlin (START)."""
    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate({
            "id": "cafe", "kind": "language_cafe", "title": {"en": "Language café"},
            "place": "Library", "address": "Mailänder Platz 1, 70173 Stuttgart",
            "district": "Mitte", "languages": ["de"], "starts": "2026-11-24 18:00",
            "minutes": 90, "capacity": capacity})], app.runtime.clock(), BERLIN)


async def book(app: App, user: str, lang: str) -> Talk:
    talk = Talk(app, user, channel="telegram", hint=lang)
    await talk.open()
    await talk.tap("yes")
    await talk.say("/events")
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    await talk.tap("1")
    await talk.tap("skip")  # no name for the list
    return talk


async def test_reminders_come_once_at_their_times_and_no_frees_the_seat(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    await add_cafe(app, capacity=1)
    await book(app, "501", "en")
    await book(app, "502", "uk")  # full: waits

    assert await sender_for(app, channel).drain() == 0  # nothing is due yet
    clock.current = START.replace(day=23, minute=1)     # 24 hours before, and a minute
    assert await sender_for(app, channel).drain() == 1
    [ask] = fake.sent[501]
    assert "Are you still coming?" in ask.text
    assert [b["text"] for row in ask.buttons for b in row] == [
        "✅ Yes, I am coming", "❌ No, free my seat"]
    assert await sender_for(app, channel).drain() == 0  # after a "restart": not again

    no = next(b for row in ask.buttons for b in row if b["text"].startswith("❌"))
    prompt, value = no["callback_data"].split("|", 1)
    out = await app.runtime.handle(Identity("telegram", "501"),
                                   Inbound.button(value, int(prompt)))
    assert out.replies[0].text.msgid.startswith("Thank you for telling us")

    assert await sender_for(app, channel).drain() == 1  # the person waiting gets the seat
    got, document = fake.sent[502]
    assert document.method == "sendDocument" and document.text.endswith(".ics")
    assert b"DTSTART:20261124T170000Z" in document.file and got.text  # in Ukrainian
    clock.current = START.replace(hour=15, minute=1)    # two hours before
    assert await sender_for(app, channel).drain() == 1
    assert len(fake.sent[501]) == 1 and len(fake.sent[502]) == 3  # only 502 is reminded

    async with app.sessions() as session:
        tally = sorted((await session.execute(
            select(Person.external_id, OutboxMessage.push, OutboxMessage.status)
            .join(Person, Person.id == OutboxMessage.person_id))).all())
    assert tally == [("501", "events:reminder", "skipped"),
                     ("501", "events:still_coming", "sent"),
                     ("502", "events:promoted", "sent"),
                     ("502", "events:reminder", "sent")]


async def test_a_person_who_blocked_the_bot_is_marked_and_not_tried_again(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    await add_cafe(app, capacity=5)
    await book(app, "601", "de")
    fake.blocked.add(601)
    clock.current = START.replace(day=23, minute=1)
    assert await sender_for(app, channel).drain() == 1
    clock.current = START.replace(hour=15, minute=1)
    assert await sender_for(app, channel).drain() == 0  # the later reminder is not tried
    async with app.sessions() as session:
        person = await session.scalar(select(Person).where(Person.external_id == "601"))
        statuses = (await session.scalars(select(OutboxMessage.status)
                                          .order_by(OutboxMessage.due_at))).all()
    assert person is not None and person.unreachable_at is not None
    assert statuses == ["unreachable", "pending"]


async def test_a_sender_that_died_mid_send_leaves_its_messages_to_the_next(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    await add_cafe(app, capacity=5)
    await book(app, "701", "en")
    clock.current = START.replace(day=23, minute=1)
    dead = sender_for(app, channel)
    async with transaction(app.sessions) as session:  # it claimed the reminder, then died
        [claimed] = await outbox.claim(session, clock(), ["telegram"], limit=10,
                                       lease=dead.lease)
    assert await sender_for(app, channel).drain() == 0  # another sender leaves it alone...
    clock.advance(minutes=3)                            # ...until the lease has run out
    assert await sender_for(app, channel).drain() == 1
    assert len(fake.sent[701]) == 1 and "still coming" in fake.sent[701][0].text


async def test_people_booked_for_a_cancelled_date_are_told_in_their_language(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate({
            "id": "dialogue", "kind": "dialogue",
            "title": {"de": "Flüchtlingsdialog", "ar": "حوار اللاجئين", "en": "Dialogue"},
            "place": "Rathaus", "address": "Marktplatz 1, 70173 Stuttgart",
            "district": "Mitte", "languages": ["de", "ar"], "starts": "2026-11-24 18:00",
            "minutes": 120, "capacity": 1})], clock(), BERLIN)
    await book(app, "801", "ar")
    await book(app, "802", "de")  # waiting
    async with transaction(app.sessions) as session:
        assert await store.cancel_event(session, 1, clock()) == 2
    assert await sender_for(app, channel).drain() == 2
    [arabic], [german] = fake.sent[801], fake.sent[802]
    assert "حوار اللاجئين" in arabic.text and is_language(arabic.text.split("\n\n")[0], "ar")
    assert "Flüchtlingsdialog" in german.text and "abgesagt" in german.text


class ReceiptPlatform:
    """A platform that answers every message with its own id (as WhatsApp does)."""

    def __init__(self) -> None:
        self.got: list[str] = []

    async def transmit(self, outbound: Outbound) -> Sent:
        self.got.append(outbound.identity.external_id)
        return Sent(f"wamid.{len(self.got)}")


async def test_the_platforms_message_id_is_kept_on_the_row_for_status_receipts(
        app: App, clock: FakeClock) -> None:
    await add_cafe(app, capacity=5)
    await book(app, "801", "ar")
    clock.current = START.replace(day=23, minute=1)
    platform = ReceiptPlatform()
    sender = Sender(app.sessions, app.runtime, {"telegram": platform}, rng=random.Random(1))
    assert await sender.drain() == 1
    async with app.sessions() as session:
        rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.receipt)
                                      .where(OutboxMessage.push == "events:still_coming"))).all()
    assert platform.got == ["801"] and rows == [("sent", "wamid.1")]
