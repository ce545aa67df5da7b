"""A staff member writes a notice in the chat, narrows who gets it, sends it, and gets the
tally when it has gone out; through the real outbox and the fake Bot API."""

from __future__ import annotations

import random
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, open_app
from bot.channels.render import Rendered
from bot.channels.telegram.channel import TelegramChannel
from bot.db import people
from bot.db.session import transaction
from bot.delivery.sender import Sender
from bot.notices import drafts
from bot.notices.composer import new_id
from bot.notices.content import NoticeFile
from bot.people.importer import import_rows, read_rows
from bot.service import notice_wanted
from tests.conftest import ROOT, make_settings
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fakes import FakeClock
from tests.talk import Talk

LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
STAFF = "900"


@pytest.fixture
def models_setting(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """TRANSLATION_MODELS_DIR: none installed, unless the test asks for `models`."""
    if "models" in request.fixturenames:
        return Path(request.getfixturevalue("models"))
    return tmp_path / "no-models"


@pytest.fixture
async def app(sqlite_url: str, clock: FakeClock, tmp_path: Path,
              models_setting: Path) -> AsyncIterator[App]:
    """The bot with a content folder of its own, to show that the composer writes nothing
    there (its drafts are in the database)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    async with open_app(make_settings(sqlite_url, content_dir=content,
                                      translation_models_dir=models_setting),
                        clock=clock) as wired:
        yield wired


@pytest.fixture
async def channel(app: App, fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                               api_base=fake.base)
    yield telegram
    await telegram.close()


async def drain(app: App, channel: TelegramChannel) -> None:
    for _ in range(20):  # bounded: each pass sends a batch
        sender = Sender(app.sessions, app.runtime, {"telegram": channel},
                        rng=random.Random(5), wanted={"notices": notice_wanted})
        if not await sender.drain():
            return


async def staff_member(app: App) -> Talk:
    async with transaction(app.sessions) as session:
        await people.arrive(session, "telegram", STAFF, app.runtime.clock())
        await people.set_role(session, "telegram", STAFF, "staff", app.runtime.clock())
    talk = Talk(app, STAFF, channel="telegram", hint="de")
    await talk.open()
    await talk.tap("yes")
    return talk


async def stored(app: App, notice_id: str) -> NoticeFile:
    """The notice as the composer keeps it, in the database."""
    async with app.sessions() as session:
        found = await drafts.get(session, notice_id)
    assert found is not None, notice_id
    return found


async def subscribers(app: App, lines: str) -> None:
    """People who asked for notices ("telegram,5000,de,health" a line)."""
    rows = read_rows("channel,id,locale,topics\n" + lines, "test.csv", LANGS)
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, app.runtime.clock())


async def write(sara: Talk, title: str, text: str) -> list[Rendered]:
    """A health notice in German, up to its preview."""
    await sara.say("/compose")
    await sara.tap("de")
    await sara.tap("health")
    await sara.say(title)
    return await sara.say(text)


async def test_a_staff_member_writes_a_notice_in_german_and_sends_it_to_two_languages(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    await subscribers(app, "".join(f"telegram,{5000 + n},{LANGS[n % 7]},health\n"
                                   for n in range(14)) + "telegram,5100,ar,events\n")
    sara = await staff_member(app)

    text = "Am Montag impft das Gesundheitsamt im Rathaus.\n\nBitte bringen Sie Ihren Ausweis mit."
    shown = await write(sara, "Grippeimpfung im Rathaus", text)
    notice_id = new_id("Grippeimpfung im Rathaus", clock())
    assert notice_id in shown[0].text  # its id, for `notice status|review|translate`
    saved = await stored(app, notice_id)
    assert sorted(p.name for p in (app.settings.content_dir / "notices").iterdir()) == sorted(
        p.name for p in (ROOT / "content" / "notices").iterdir())  # the checkout untouched
    assert saved.source == "de" and saved.topic == "health"
    assert saved.texts["de"].text == text  # the paragraphs stay as she wrote them
    preview = shown[-1].text
    assert "Grippeimpfung im Rathaus" in preview and "Bitte bringen Sie" in preview
    assert "14 Personen" not in preview  # two per language, by language
    assert preview.count(": 2 Personen") == 7

    await sara.tap("languages")
    await sara.tap("ar")
    picked = await sara.tap("fa")
    assert [b.label for b in picked[-1].buttons][:4] == ["⬜ Deutsch", "⬜ English",
                                                         "✅ العربية", "✅ فارسی / دری"]
    preview = (await sara.tap("done"))[-1].text
    assert preview.count(": 2 Personen") == 2
    done = await sara.tap("send")
    assert "4 Personen" in done[0].text

    await drain(app, channel)
    got = sorted(chat for chat, sent in fake.sent.items() if chat != int(STAFF) and sent)
    assert got == [5002, 5003, 5009, 5010]  # ar and fa, each once; 5100 chose events only
    assert not fake.sent.get(int(STAFF))  # the tally waits until sending is over

    clock.advance(minutes=2)
    await drain(app, channel)
    [tally] = [m for m in fake.sent[int(STAFF)] if m.method == "sendMessage"]
    assert "📊" in tally.text and "✅ gesendet 4" in tally.text.replace("\u2068", "").replace(
        "\u2069", "")
    clock.advance(minutes=10)
    await drain(app, channel)
    assert len(fake.sent[int(STAFF)]) == 1  # told once


async def test_cancelling_sends_nothing_and_a_newcomer_cannot_compose(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    sara = await staff_member(app)
    await sara.say("/compose")
    await sara.tap("en")
    await sara.tap("general")
    await sara.say("Library closed")
    await sara.say("The city library is closed on Friday.")
    await sara.tap("cancel")
    assert sara.texts[0] == "Es wurde nichts gesendet."
    await drain(app, channel)
    assert not any(fake.sent.values())

    newcomer = Talk(app, "5200", channel="telegram", hint="en")
    await newcomer.open()
    await newcomer.tap("yes")
    refused = await newcomer.say("/compose")
    assert refused[0].text.startswith("I don't know the command /compose")
    kept = await stored(app, new_id("Library closed", clock()))
    assert kept.texts["en"].text == "The city library is closed on Friday."  # kept, unsent
    assert not (app.settings.content_dir / "notices" / f"{kept.id}.yaml").exists()


async def test_machine_drafts_are_shown_and_go_out_with_a_note_when_staff_allow_them(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel,
        models: Path) -> None:
    await subscribers(app, "telegram,6001,ar,health\ntelegram,6002,uk,health\n")
    sara = await staff_member(app)
    asked = await write(sara, "Impfung",
                        "Die Impfung ist kostenlos. Bringen Sie Ihren Ausweis mit.")
    question = asked[-1].text
    # the models reach English, Arabic and Persian; no model reaches uk, ru or tr
    assert "de→uk, de→ru, de→tr" in question and "de→ar" not in question

    drafts = await sara.tap("show")
    saved = await stored(app, new_id("Impfung", clock()))
    assert sorted(lang for lang, text in saved.texts.items() if text.machine) == ["ar", "en", "fa"]
    assert saved.texts["ar"].text in drafts[0].text  # shown as the machine wrote it
    await sara.tap("yes")
    preview = sara.shown[-1].text
    assert "العربية: 1 Person, maschineller Entwurf" in preview.replace("\u2068", "").replace(
        "\u2069", "")
    assert "Українська: 1 Person, keine Übersetzung" in preview.replace("\u2068", "").replace(
        "\u2069", "")
    await sara.tap("send")
    await drain(app, channel)
    [arabic] = fake.sent[6001]
    assert saved.texts["ar"].title in arabic.text
    [ukrainian] = fake.sent[6002]
    assert "Impfung" in ukrainian.text  # the German original, with a note in Ukrainian


async def test_the_tally_names_whatsapp_users_without_a_template_and_what_whatsapp_confirmed(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    from sqlalchemy import update

    from bot.db.tables import OutboxMessage, Person

    await subscribers(app, "".join(f"telegram,{6000 + n},de,health\n" for n in range(3)))
    sara = await staff_member(app)
    await write(sara, "Hitzewarnung", "Bitte trinken Sie heute viel Wasser.")
    await sara.tap("send")
    await drain(app, channel)
    async with transaction(app.sessions) as session:  # as WhatsApp's webhooks would leave them
        people_ids = (await session.scalars(
            select(Person.id).where(Person.external_id.in_(["6000", "6001"]))
            .order_by(Person.external_id))).all()
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.person_id == people_ids[0], OutboxMessage.push == "notices:show")
            .values(status="no-template"))
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.person_id == people_ids[1], OutboxMessage.push == "notices:show")
            .values(delivery="read"))
    clock.advance(minutes=2)
    await drain(app, channel)
    [tally] = [m for m in fake.sent[int(STAFF)] if m.method == "sendMessage"]
    text = tally.text.replace("\u2068", "").replace("\u2069", "")
    assert "✅ gesendet 2" in text
    assert "📵 1 Person auf WhatsApp hat sie nicht bekommen" in text
    assert "zugestellt 1 · gelesen 1" in text


async def test_a_staff_member_demoted_in_the_middle_cannot_send(
        app: App, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel) -> None:
    await subscribers(app, "telegram,5000,de,health\n")
    sara = await staff_member(app)
    await write(sara, "Grippeimpfung im Rathaus", "Am Montag impft das Gesundheitsamt.")
    async with transaction(app.sessions) as session:  # an admin takes her role away
        await people.set_role(session, "telegram", STAFF, "newcomer", clock())
    refused = await sara.tap("send")
    assert refused[0].text.startswith("Das ist leider nur für die Mitarbeitenden")
    await drain(app, channel)
    assert not fake.sent.get(5000)
