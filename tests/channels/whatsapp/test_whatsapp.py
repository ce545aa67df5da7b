"""The whole bot on WhatsApp: people post signed notifications to the bot's real webhook,
the real client answers through the fake Cloud API, which refuses what Meta would."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.channels.whatsapp.render import ELLIPSIS
from bot.db.session import transaction
from bot.events import store
from bot.events.series import Series
from bot.i18n import FSI, PDI
from tests.channels.whatsapp.fake_cloud import PAIR_RATE, FakeCloud, Sent
from tests.fakes import FakeClock
from tests.scripts import is_language


@pytest.fixture(autouse=True)
def nothing_refused(cloud: FakeCloud):  # type: ignore[no-untyped-def]
    """Every test: Meta would have taken every message the bot sent."""
    yield
    assert cloud.refused == [] and cloud.outside_window == []


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


async def test_an_arabic_speaker_onboards_and_asks_a_question_by_buttons_and_lists(
        server: str, cloud: FakeCloud) -> None:
    amal = cloud.user("963944000111")  # a Syrian number: Arabic from the first message
    [welcome] = await amal.says("مرحبا")
    assert welcome.kind == "button" and welcome.titles == ["نعم، أوافق", "لا"]
    assert is_language(welcome.text, "ar")

    [offer] = await amal.taps("نعم، أوافق")
    assert offer.kind == "button" and offer.titles == ["نعم، من فضلك", "دعني أختار", "لا، شكرًا"]

    [menu] = await amal.taps("لا، شكرًا")
    assert menu.kind == "list" and is_language(menu.text, "ar")
    label = "📅 الفعاليات ومقاهي اللغة"
    events_row = next(c for c in menu.choices if c.get("description") == label)
    assert events_row["title"] == "📅 الفعاليات ومقاهي" + ELLIPSIS  # whole words, then "…"

    [question] = await amal.taps("💬 اطرح سؤالًا")
    assert is_language(question.text, "ar") and question.kind == "text"
    replies = await amal.says("بدي اتعلم اللغة الالمانية من وين ابلش")
    answer = replies[-1]
    assert answer.titles[:3] == ["➕ المزيد", "👍 نعم", "👎 لا"] and len(answer.titles) >= 4
    assert answer.kind == "list"  # more than three choices
    assert all(is_language(plain(m.text).split("\n\n")[0], "ar") for m in replies)

    [thanks] = await amal.taps("👍 نعم")
    assert is_language(thanks.text, "ar") and thanks.choices  # thanks, and the menu again

    [events] = await amal.taps("📅 الفعاليات ومقاهي اللغة")  # the shortened row works too
    assert events.kind == "list" and len(events.choices) == 4


async def test_someone_whose_language_is_unknown_picks_it_from_a_list(
        server: str, cloud: FakeCloud) -> None:
    kim = cloud.user("4917612345678")  # a German number says nothing about what Kim reads
    [picker] = await kim.says("hello")
    assert picker.kind == "list" and len(picker.text.splitlines()) == 7
    assert picker.titles == ["Deutsch", "English", "العربية", "فارسی / دری", "Українська",
                             "Русский", "Türkçe"]
    assert picker.raw["interactive"]["action"]["button"] == "🌐"
    [consent] = await kim.taps("Українська")
    assert is_language(plain(consent.text), "uk") and consent.kind == "button"


async def test_images_stickers_locations_and_reactions_get_a_kind_answer_and_the_question(
        server: str, cloud: FakeCloud) -> None:
    olena = cloud.user("380501112233")
    [first] = await olena.says("Привіт")
    question = first.text.split("\n\n")[-1]
    answers = [
        *await olena.sends("image", {"mime_type": "image/jpeg", "sha256": "x", "id": "1",
                                     "caption": "моя посвідка"}),
        *await olena.sends("sticker", {"mime_type": "image/webp", "id": "2", "animated": False}),
        *await olena.sends("location", {"latitude": 48.77, "longitude": 9.18}),
        *await olena.sends("reaction", {"message_id": first.id, "emoji": "👍"}),
        *await olena.sends("audio", {"mime_type": "audio/ogg", "id": "3", "voice": True}),
    ]
    assert len(answers) == 5
    for answer in answers:
        assert is_language(answer.text, "uk") and answer.text.endswith(question)
        assert answer.titles == first.titles


async def test_a_long_list_of_places_is_shown_nine_at_a_time_with_more(
        server: str, cloud: FakeCloud, app: App) -> None:
    districts = ["Bad Cannstatt", "Botnang", "Degerloch", "Feuerbach", "Hedelfingen",
                 "Möhringen", "Mühlhausen", "Münster", "Obertürkheim", "Plieningen",
                 "Vaihingen", "Zuffenhausen"]
    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate({
            "id": f"cafe-{n}", "kind": "language_cafe", "title": {"en": f"Café {name}"},
            "place": "Library", "address": "Main Street 1", "district": name,
            "languages": ["de", "en"], "starts": f"2026-11-{24 + n % 5} 18:00",
            "minutes": 90, "capacity": 8}) for n, name in enumerate(districts)],
            app.runtime.clock(), ZoneInfo("Europe/Berlin"))
    sam = cloud.user("447700900123")  # a British number: English
    await sam.says("hi")
    await sam.taps("Yes, I agree")
    await sam.taps("No, thank you")
    await sam.taps("📅 Events and language cafés")
    await sam.taps("📋 All events")
    [places] = await sam.taps("📍 Choose a part of the city")
    assert len(places.choices) == 10 and places.titles[:9] == districts[:9]
    assert places.titles[9] == "More choices"
    [rest] = await sam.taps("More choices")
    assert rest.titles == [*districts[9:], "📍 All parts of the city"]
    [listing] = await sam.taps("Zuffenhausen")
    assert "Café Zuffenhausen" in listing.text and "Café Botnang" not in listing.text


async def test_a_pair_rate_error_holds_only_that_person_then_the_reply_goes_once(
        server: str, cloud: FakeCloud) -> None:
    cloud.fail(PAIR_RATE)
    ali = cloud.user("905321112233")
    [welcome] = await ali.says("merhaba")
    assert is_language(welcome.text, "tr")
    (_, _, refused), (_, _, delivered) = cloud.calls[:2]
    assert delivered - refused >= 0.2 and len(cloud.calls) == 2


async def test_a_booking_sends_the_calendar_file_as_a_document(
        server: str, cloud: FakeCloud, app: App, clock: FakeClock) -> None:
    async with transaction(app.sessions) as session:
        await store.save_series(session, [Series.model_validate({
            "id": "cafe", "kind": "language_cafe", "title": {"en": "Language café"},
            "place": "Library", "address": "Mailänder Platz 1, 70173 Stuttgart",
            "district": "Mitte", "languages": ["de", "en"], "starts": "2026-11-24 18:00",
            "minutes": 90, "capacity": 8})], clock(), ZoneInfo("Europe/Berlin"))
    sam = cloud.user("447700900124")
    await sam.says("hi")
    await sam.taps("Yes, I agree")
    await sam.taps("No, thank you")
    await sam.says("/events")
    await sam.taps("📋 All events")
    picked: list[Sent] = await sam.taps(next(t for t in sam.inbox[-1].titles
                                             if "Language café" in t))
    await sam.taps("✅ Book a seat")
    await sam.taps("1")
    done = await sam.says("Sam")  # the name for the attendee list
    document = done[-1]
    assert document.kind == "document" and document.text.endswith(".ics")
    [(name, media_type, content)] = cloud.uploads.values()
    assert b"BEGIN:VCALENDAR" in content and media_type == "text/plain" and picked
