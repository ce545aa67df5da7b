"""Notices and reminders on WhatsApp: free-form inside the 24-hour window, an approved
template outside it (its button shows the whole message), skipped where no template is
approved; status notifications update the tally; rate limits are waited out."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.templates import Template, Templates
from bot.config import Settings
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import OutboxMessage
from bot.delivery.daily import DailyLimit
from bot.delivery.sender import Sender
from bot.i18n import FSI, PDI
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.cli import tally_table
from bot.notices.content import NoticeFile, load_notice
from bot.people.importer import import_rows, read_rows
from bot.service import notice_wanted
from tests.channels.whatsapp.conftest import drain
from tests.channels.whatsapp.fake_cloud import THROUGHPUT, FakeCloud
from tests.conftest import make_settings
from tests.fakes import FakeClock
from tests.scripts import is_language

ROOT = Path(__file__).resolve().parents[3]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
AHA = ROOT / "content" / "notices" / "aha-hygiene.yaml"


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The outbox and its receipts on every database backend."""
    return make_settings(db_url)


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


async def subscribers(app: App, lines: list[str]) -> None:
    rows = read_rows("channel,id,locale,topics\n" + "\n".join(lines) + "\n", "test.csv", LANGS)
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, app.runtime.clock())


async def queue(app: App, notice: NoticeFile) -> int:
    async with transaction(app.sessions) as session:
        return await store.queue(session, notice, "topic:health", parse("topic:health", LANGS),
                                 send_at=app.runtime.clock(), expires_at=None,
                                 now=app.runtime.clock())


async def tally(app: App, notice_id: str) -> dict[str, Counter[str]]:
    async with app.sessions() as session:
        return dict(await store.tally(session, notice_id, "de"))


async def rows(app: App) -> dict[str, OutboxMessage]:
    async with app.sessions() as session:
        found = (await session.scalars(select(OutboxMessage))).all()
    return {message.receipt or f"#{message.id}": message for message in found}


async def test_inside_the_window_the_notice_outside_it_a_template_that_opens_it(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    await subscribers(app, ["whatsapp,963944000201,ar,health", "whatsapp,963944000202,ar,health"])
    clock.advance(hours=30)  # imported a while ago; since then only Rana has written
    rana, samir = cloud.user("963944000201"), cloud.user("963944000202")
    await rana.says("مرحبا")
    rana.inbox.clear()
    notice = load_notice(AHA)
    assert await queue(app, notice) == 2

    await drain(app, whatsapp)

    full = rana.inbox[0]  # the notice, then the menu
    assert notice.texts["ar"].title in plain(full.text) and is_language(full.text, "ar")
    [teaser] = samir.inbox
    assert (teaser.kind, teaser.text) == ("template", "welcome_notice:ar")
    assert cloud.outside_window == []
    assert await tally(app, "aha-hygiene") == {"sent": Counter({"ar": 2})}

    held = (await rows(app))[teaser.id]
    payload = teaser.raw["template"]["components"][0]["parameters"][0]["payload"]
    assert payload == f"open:{held.id}"  # the button names the message it stands for
    tap = samir.message("button", {"payload": payload, "text": "Show me"},
                        context={"from": "4971121600", "id": teaser.id})
    assert await samir.send(tap) == 200  # the tap opens the window: now the notice itself
    shown = samir.inbox[1:]
    assert notice.texts["ar"].title in plain(shown[0].text)
    assert is_language(shown[0].text, "ar")
    assert await samir.send(tap) == 200  # the same tap delivered again: shown once
    assert len(samir.inbox) == 1 + len(shown)


async def test_a_tap_the_moment_the_template_arrives_shows_the_notice(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    """Tapped at once: the tap reaches the bot before Meta has even answered the send, so
    the outbox has not noted the template's receipt yet; the button's payload finds it."""
    await subscribers(app, ["whatsapp,963944000203,ar,health"])
    clock.advance(hours=30)
    samir = cloud.user("963944000203")
    cloud.tap_at_once.add(samir.wa_id)
    notice = load_notice(AHA)
    await queue(app, notice)

    await drain(app, whatsapp)

    teaser, *shown = samir.inbox
    assert (teaser.kind, teaser.text) == ("template", "welcome_notice:ar")
    assert shown and notice.texts["ar"].title in plain(shown[0].text)  # not the menu
    assert is_language(shown[0].text, "ar")
    held = (await rows(app))[teaser.id]  # the receipt, noted after the tap
    assert (held.status, held.push) == ("sent", "notices:show")


async def test_a_button_without_the_message_id_is_matched_by_the_receipt(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    """A template sent before buttons named their message ("open"): found by its receipt;
    one naming a message of someone else's shows them nothing of it."""
    await subscribers(app, ["whatsapp,963944000204,ar,health", "whatsapp,963944000205,ar,health"])
    clock.advance(hours=30)
    samir, rami = cloud.user("963944000204"), cloud.user("963944000205")
    notice = load_notice(AHA)
    await queue(app, notice)
    await drain(app, whatsapp)
    [teaser] = samir.inbox
    [other] = rami.inbox

    old = samir.message("button", {"payload": "open", "text": "Show me"},
                        context={"from": "4971121600", "id": teaser.id})
    assert await samir.send(old) == 200
    assert notice.texts["ar"].title in plain(samir.inbox[1].text)

    rami_id = (await rows(app))[other.id].id
    samirs = (await rows(app))[teaser.id].id
    forged = rami.message("button", {"payload": f"open:{samirs}", "text": "Show me"},
                          context={"from": "4971121600", "id": "wamid.UNKNOWN"})
    assert rami_id != samirs and await rami.send(forged) == 200
    assert all(notice.texts["ar"].title not in plain(m.text) for m in rami.inbox[1:])


async def test_without_an_approved_template_in_the_language_it_is_skipped_and_tallied(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    whatsapp.templates = Templates({"notices:show": Template(
        name="welcome_notice", languages=("de", "ar", "uk"))})
    await subscribers(app, ["whatsapp,93700111301,fa,health", "whatsapp,380501113302,uk,health"])
    clock.advance(days=3)
    await queue(app, load_notice(AHA))
    await drain(app, whatsapp)
    assert not cloud.sent["93700111301"]
    assert [m.text for m in cloud.sent["380501113302"]] == ["welcome_notice:uk"]
    counted = await tally(app, "aha-hygiene")
    assert counted == {"no-template": Counter({"fa": 1}), "sent": Counter({"uk": 1})}
    table = tally_table(counted).splitlines()  # what `welcomebot notice status` prints
    assert table[0].split() == ["sent", "no-template"]
    assert table[1].split() == ["fa", "0", "1"] and table[-1].split() == ["all", "1", "1"]


async def test_status_notifications_update_the_tally_and_mark_who_cannot_be_reached(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    numbers = ["380501114401", "380501114402", "380501114403", "380501114404"]
    await subscribers(app, [f"whatsapp,{n},uk,health" for n in numbers])
    clock.advance(days=2)
    await queue(app, load_notice(AHA))
    await drain(app, whatsapp)
    read, delivered, gone, failed = (cloud.sent[n][0] for n in numbers)

    assert await cloud.report(numbers[0], read.id, "delivered") == 200
    assert await cloud.report(numbers[0], read.id, "read") == 200
    assert await cloud.report(numbers[0], read.id, "delivered") == 200  # late, and ignored
    await cloud.report(numbers[1], delivered.id, "sent")
    await cloud.report(numbers[1], delivered.id, "delivered")
    await cloud.report(numbers[2], gone.id, "failed", code=131026)  # not on WhatsApp (now)
    await cloud.report(numbers[3], failed.id, "failed", code=131049)  # Meta chose not to

    found = await rows(app)
    assert found[read.id].delivery == "read" and found[read.id].status == "sent"
    assert found[delivered.id].delivery == "delivered"
    assert (found[gone.id].status, found[gone.id].error) == ("unreachable", "131026")
    assert (found[failed.id].status, found[failed.id].error) == ("failed", "131049")
    assert await tally(app, "aha-hygiene") == {
        "sent": Counter({"uk": 2}), "delivered": Counter({"uk": 2}), "read": Counter({"uk": 1}),
        "unreachable": Counter({"uk": 1}), "failed": Counter({"uk": 1})}
    async with app.sessions() as session:
        person = await people.find(session, "whatsapp", numbers[2])
        assert person is not None and person.unreachable_at is not None

    await cloud.user(numbers[2]).says("Привіт")  # writing again: reachable again
    async with app.sessions() as session:
        person = await people.find(session, "whatsapp", numbers[2])
        assert person is not None and person.unreachable_at is None


async def test_a_throughput_error_is_waited_out_and_the_notice_goes_exactly_once(
        server: str, cloud: FakeCloud, app: App, whatsapp: WhatsAppChannel) -> None:
    await subscribers(app, ["whatsapp,905321115501,tr,health"])
    aylin = cloud.user("905321115501")
    await aylin.says("merhaba")
    aylin.inbox.clear()
    cloud.calls.clear()
    cloud.fail(THROUGHPUT)
    await queue(app, load_notice(AHA))
    await drain(app, whatsapp)
    title = load_notice(AHA).texts["tr"].title
    assert [title in plain(m.text) for m in aylin.inbox] == [True, False]  # then the menu
    (_, _, refused), (_, _, delivered) = cloud.calls[:2]
    assert delivered - refused >= 0.2  # the pause after 130429, for every send of the number
    assert await tally(app, "aha-hygiene") == {"sent": Counter({"tr": 1})}


async def test_when_whatsapp_says_the_window_had_closed_the_template_goes_instead(
        server: str, cloud: FakeCloud, app: App, whatsapp: WhatsAppChannel) -> None:
    # Imported just now, so our clock thinks the window is open; but they never wrote.
    await subscribers(app, ["whatsapp,380501116601,uk,health"])
    await queue(app, load_notice(AHA))
    await drain(app, whatsapp)
    oksana = cloud.sent["380501116601"]
    assert [m.kind for m in oksana][:2] == ["text", "list"]  # the notice and the menu...
    assert cloud.outside_window  # ...which Meta reports failed with 131047

    async def template_noted() -> bool:  # sent, and the row now waits on the template
        return [m.kind for m in oksana] == ["text", "list", "template"] and (
            oksana[2].id in await rows(app))

    await _until(template_noted)
    assert (await rows(app))[oksana[2].id].status == "sent"
    cloud.outside_window.clear()
    shown = await cloud.user("380501116601").opens(oksana[2])
    assert is_language(shown[0].text, "uk")
    assert load_notice(AHA).texts["uk"].title in plain(shown[0].text)


@pytest.mark.parametrize("answer", ["✅ Так, я прийду"])
async def test_a_reminder_outside_the_window_asks_still_coming_after_the_tap(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel, answer: str) -> None:
    from zoneinfo import ZoneInfo

    from bot.events import store as events
    from bot.events.series import Series

    async with transaction(app.sessions) as session:
        await events.save_series(session, [Series.model_validate({
            "id": "cafe", "kind": "language_cafe", "title": {"uk": "Мовне кафе"},
            "place": "Bibliothek", "address": "Mailänder Platz 1", "district": "Mitte",
            "languages": ["de", "uk"], "starts": "2026-11-27 18:00", "minutes": 90,
            "capacity": 8})], clock(), ZoneInfo("Europe/Berlin"))
    olha = cloud.user("380501117701")
    await olha.says("Привіт")
    await olha.taps("Так, погоджуюся")
    await olha.taps("Ні, дякую")
    await olha.says("/events")
    await olha.taps("📋 Усі заходи")
    await olha.taps(next(t for t in olha.inbox[-1].titles if "Мовне кафе" in plain(t)))
    await olha.taps("✅ Забронювати місце")
    await olha.taps("1")
    await olha.says("Ольга")  # the name for the attendee list
    clock.advance(days=3, hours=9)  # 26 November, 18:00: a day before; she has not written
    olha.inbox.clear()
    await drain(app, whatsapp)
    [teaser] = olha.inbox
    assert teaser.text == "welcome_event_reminder:uk"
    [reminder] = await olha.opens(teaser)
    assert "Мовне кафе" in plain(reminder.text) and answer in reminder.titles
    [see_you] = await olha.taps(answer)
    assert is_language(see_you.text, "uk")


async def _until(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_refused_at_once_for_the_window_a_template_goes_for_undeliverable_none(
        server: str, cloud: FakeCloud, app: App, whatsapp: WhatsAppChannel) -> None:
    from tests.channels.whatsapp.fake_cloud import graph_error

    await subscribers(app, ["whatsapp,380501119901,uk,health"])
    cloud.fail(graph_error(131047, "Re-engagement message"))  # said at once, not later
    await queue(app, load_notice(AHA))
    await drain(app, whatsapp)
    assert [m.kind for m in cloud.sent["380501119901"]] == ["template"]

    await subscribers(app, ["whatsapp,380501119902,uk,health"])
    cloud.fail(graph_error(131026, "Message undeliverable"))
    await queue(app, load_notice(AHA))
    await drain(app, whatsapp)
    assert cloud.sent["380501119902"] == []
    assert await tally(app, "aha-hygiene") == {"sent": Counter({"uk": 1}),
                                               "unreachable": Counter({"uk": 1})}
    async with app.sessions() as session:
        person = await people.find(session, "whatsapp", "380501119902")
        assert person is not None and person.unreachable_at is not None


async def test_beyond_the_daily_limit_on_new_conversations_people_wait_for_the_next_day(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock,
        whatsapp: WhatsAppChannel) -> None:
    # A number in its first tier may write first to so many people in 24 hours; here 2.
    # Four have been silent for days (a template opens a conversation with each); Olena
    # wrote a minute ago, so hers is no new conversation and does not count.
    silent = ["380501116601", "380501116602", "380501116603", "380501116604"]
    await subscribers(app, [f"whatsapp,{n},uk,health" for n in [*silent, "380501116605"]])
    clock.advance(days=3)
    olena = cloud.user("380501116605")
    await olena.says("Привіт")
    olena.inbox.clear()
    await queue(app, load_notice(AHA))

    async def send_what_is_due() -> None:  # a sender as `welcomebot deliver` makes one
        for _ in range(5):  # bounded: each pass sends a batch
            sender = Sender(app.sessions, app.runtime, {"whatsapp": whatsapp},
                            rng=random.Random(3), wanted={"notices": notice_wanted},
                            daily={"whatsapp": DailyLimit(2)})
            if not await sender.drain():
                return

    started = clock.current
    await send_what_is_due()
    templated = [n for n in silent if cloud.sent[n]]
    assert len(templated) == 2 and all(cloud.sent[n][0].kind == "template" for n in templated)
    assert load_notice(AHA).texts["uk"].title in plain(olena.inbox[0].text)
    async with app.sessions() as session:
        waits = await store.waiting(session, "aha-hygiene")
    assert waits.count == 2 and waits.first == waits.last == started + timedelta(hours=24)
    assert (await tally(app, "aha-hygiene"))["pending"] == Counter({"uk": 2})

    clock.advance(hours=23)  # a new sender (a restart) still knows whom it wrote to today
    await send_what_is_due()
    assert len([n for n in silent if cloud.sent[n]]) == 2

    clock.advance(hours=1, minutes=1)
    await send_what_is_due()
    assert all(len(cloud.sent[n]) == 1 for n in silent)  # everyone once, nobody dropped
    assert await tally(app, "aha-hygiene") == {"sent": Counter({"uk": 5})}
    async with app.sessions() as session:
        assert (await store.waiting(session, "aha-hygiene")).count == 0
