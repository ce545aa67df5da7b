"""Arabic and Persian read right to left, line by line.

A phone lays out each paragraph (each line of a message) in the direction of its first strong
character. By the Unicode rule (UAX #9, P2 and P3), which Android's first-strong heuristic
follows, whatever sits inside an isolate is skipped while looking for it; renderers older than
isolates take the first strong character wherever it is. A line of Arabic that opens with a
Latin word, or that sits wholly inside one isolate, comes out left-aligned, its punctuation on
the wrong side. These scenarios render what readers of Arabic and Persian see, through the
bot's own flows, catalogs and renderer, and check every line of it that holds an Arabic-script
letter, both ways: every FAQ answer, every notice, the event lists and cards, the menus, /help
and every message of the catalog.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import catalogs
from bot.app import App
from bot.channels.console import Console
from bot.channels.render import Rendered, render, text_of
from bot.db.session import transaction
from bot.engine.model import Reply, Text
from bot.events import store as events_store
from bot.events.content import load_series
from bot.i18n import FSI, PDI, RLM, Catalogs, isolate_runs
from bot.notices import store as notices_store
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.service import outbox_sender
from tests.fakes import FakeClock
from tests.talk import Talk

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
RIGHT_TO_LEFT = ("ar", "fa")
MARKS = str.maketrans("", "", f"{FSI}{PDI}{RLM}")

Seen = list[tuple[str, str]]
"""(where it was shown, the text shown)."""


# -- the rule ---------------------------------------------------------------------------------
def direction(paragraph: str, *, skip_isolates: bool = True) -> str | None:
    """The direction a reader's screen gives `paragraph` (UAX #9, P2 and P3): "rtl" or "ltr" by
    its first strong character (R or AL; L), skipping every character between an isolate
    initiator (LRI, RLI, FSI) and its matching PDI, or the end of the paragraph when there is
    none; None when it has no strong character there (the screen then falls back to
    left-to-right). With `skip_isolates=False`: as renderers that predate isolates do, the
    first strong character wherever it is."""
    depth = 0
    for char in paragraph:
        kind = unicodedata.bidirectional(char)
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1 if skip_isolates else 0
        elif kind == "PDI":
            depth = max(depth - 1, 0)  # a PDI without its initiator closes nothing
        elif depth == 0 and kind == "L":
            return "ltr"
        elif depth == 0 and kind in ("R", "AL"):
            return "rtl"
    return None


def arabic_script(paragraph: str) -> bool:
    return any(unicodedata.category(c).startswith("L") and "ARABIC" in unicodedata.name(c, "")
               for c in paragraph)


def reads_right_to_left(line: str) -> bool:
    """By the Unicode rule, and also on a screen that does not skip isolates."""
    return direction(line) == direction(line, skip_isolates=False) == "rtl"


def misread(seen: Seen) -> list[str]:
    """Every line with an Arabic-script letter that a screen would lay out left to right,
    once (an event's title on every page of the list is one line)."""
    return list(dict.fromkeys(f"{where}: {line!r}" for where, text in seen
                              for line in text.split("\n")
                              if arabic_script(line) and not reads_right_to_left(line)))


def lines_of(seen: Seen) -> int:
    """The different lines with an Arabic-script letter."""
    return len({(where, line) for where, text in seen for line in text.split("\n")
                if arabic_script(line)})


def shown(where: str, messages: list[Rendered]) -> Seen:
    """Messages as the reader sees them: each text, and each button's label."""
    return [(where, m.text) for m in messages] + [
        (f"{where} (button)", b.label) for m in messages for b in m.buttons]


def assert_right_to_left(seen: Seen) -> None:
    bad = misread(seen)
    assert not bad, f"{len(bad)} of {lines_of(seen)} lines read left to right:\n" + "\n".join(bad)


def plain(text: str) -> str:
    return text.translate(MARKS)


def test_the_rule_is_the_one_phones_apply() -> None:
    assert direction("مرحبا Welcome") == "rtl"
    assert direction("Sozialamt يدفع") == "ltr"
    assert direction(f"{FSI}Sozialamt{PDI} يدفع") == "rtl"       # the isolate is skipped
    assert direction(f"{FSI}مرحبا") is None                      # unclosed: skipped to the end
    assert direction(f"📢 {FSI}مرحبا{PDI}") is None               # wholly isolated: no direction
    assert direction(f"{RLM}{FSI}/help{PDI} – مساعدة") == "rtl"
    assert direction(f"{PDI}Welcome مرحبا") == "ltr"               # a stray PDI changes nothing
    assert direction(f"{FSI}Sozialamt{PDI} يدفع", skip_isolates=False) == "ltr"
    assert direction(f"{RLM}{FSI}Sozialamt{PDI} يدفع", skip_isolates=False) == "rtl"
    assert direction("1. مقهى") == "rtl"                          # digits are not strong
    isolated, bare = f"{FSI}Café{PDI} مقهى", "Café مقهى"
    assert misread([("x", f"مرحبا\n{RLM}{isolated}\n{isolated}\n{bare}\nWelcome")]) == [
        f"x: {isolated!r}", f"x: {bare!r}"]  # the first: on a screen that keeps isolates


# -- the people ---------------------------------------------------------------------------------
async def newcomer(app: App, user: str, lang: str) -> tuple[Talk, Seen]:
    """Someone whose phone is set to `lang` agrees, takes the notices and skips the district."""
    talk = Talk(app, user, hint=lang)
    seen = shown("first contact", await talk.open())
    seen += shown("consent", await talk.tap("yes"))
    seen += shown("notices offer", await talk.tap("yes"))
    seen += shown("district", await talk.tap("skip"))
    return talk, seen


# -- FAQ answers --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
async def test_every_faq_answer_reads_right_to_left(app: App, clock: FakeClock,
                                                    lang: str) -> None:
    """Each topic is asked in the reader's words until the bot answers with that topic."""
    talk, _ = await newcomer(app, f"faq-{lang}", lang)
    seen: Seen = []
    unanswered = []
    for topic in app.deps.faq.content.topics.values():
        for question in topic.questions[lang]:
            clock.advance(minutes=1)  # a person asking, not a flood
            said = await talk.say(question)
            if plain(said[0].text)[:40] == topic.answer[lang].strip()[:40]:
                seen += shown(f"faq {topic.id}", said)
                if "more" in [b.value for b in said[-1].buttons]:  # the rest of the answer
                    seen += shown(f"faq {topic.id}, more", await talk.tap("more"))
                break
        else:
            unanswered.append(topic.id)
    assert unanswered == []
    assert_right_to_left(seen)


# -- notices ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
async def test_every_notice_reads_right_to_left(app: App, lang: str) -> None:
    """Each notice of content/notices goes out through the outbox to the terminal chat."""
    talk, _ = await newcomer(app, f"notice-{lang}", lang)
    printed = io.StringIO()
    console = Console(app.runtime, app.catalogs, user=talk.user, as_json=True, out=printed)
    paths = sorted((ROOT / "content" / "notices").glob("*.yaml"))
    for path in paths:
        notice = load_notice(path)
        audience = f"topic:{notice.topic}"
        async with transaction(app.sessions) as session:
            await notices_store.queue(session, notice, audience, parse(audience, LANGS),
                                      send_at=app.runtime.clock(), expires_at=None,
                                      now=app.runtime.clock())
        while await outbox_sender(app, console=console).drain():
            pass
    seen: Seen = [("notice", json.loads(line)["text"])
                  for line in printed.getvalue().splitlines()]
    assert len([text for _, text in seen if text.startswith("📢")]) == len(paths) > 0
    assert_right_to_left(seen)


# -- events -------------------------------------------------------------------------------------
async def _seed_events(app: App) -> None:
    async with transaction(app.sessions) as session:
        await events_store.save_series(session, load_series(ROOT / "content" / "events.yaml"),
                                       app.runtime.clock(), ZoneInfo(app.settings.timezone))


@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
async def test_event_lists_cards_and_bookings_read_right_to_left(app: App, lang: str) -> None:
    """Every page of all events, the card of each series, a booking and /bookings."""
    await _seed_events(app)
    talk, _ = await newcomer(app, f"events-{lang}", lang)
    seen = shown("events", await talk.say("/events"))
    page = await talk.tap("all")
    cards: dict[str, Rendered] = {}
    while True:
        seen += shown("event list", page)
        for button in page[-1].buttons:
            series = re.sub(r"^\d+\. ", "", plain(button.label))
            if button.value.startswith("event:") and series not in cards:
                cards[series] = (await talk.tap(button.value))[-1]
                page = await talk.tap("back")
        if "more" not in [b.value for b in page[-1].buttons]:
            break
        page = await talk.tap("more")
    assert len(cards) == len(load_series(ROOT / "content" / "events.yaml"))
    seen += shown("event card", list(cards.values()))

    await talk.say("/events")
    await talk.tap("all")
    await talk.tap("event:1")
    await talk.tap("book")
    said = await talk.tap("1")
    if said[-1].buttons and "newcomer" in [b.value for b in said[-1].buttons]:
        said = await talk.tap("newcomer")  # a dialogue keeps seats for newcomers
    seen += shown("name for the list", said)
    said = await talk.say("أمل" if lang == "ar" else "مریم")
    seen += shown("booked", said)
    seen += shown("bookings", await talk.say("/bookings"))
    assert_right_to_left(seen)


async def test_the_languages_spoken_at_an_event_are_named_in_the_readers_language(
        app: App) -> None:
    await _seed_events(app)
    talk, _ = await newcomer(app, "events-names", "ar")
    await talk.say("/events")
    listing = plain((await talk.tap("all"))[0].text)
    assert "الألمانية" in listing and "Deutsch" not in listing and "Українська" not in listing


async def test_the_picker_names_persian_for_dari_readers_too(app: App) -> None:
    talk, _ = await newcomer(app, "dari", "prs")
    picker = await talk.say("/language")
    assert "فارسی / دری" in [b.label for b in picker[-1].buttons]
    await talk.tap("فارسی / دری")
    assert talk.lang == "fa"


# -- menus, /help and every message of the catalog ----------------------------------------------
@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
async def test_the_menus_and_help_read_right_to_left(app: App, lang: str) -> None:
    talk, seen = await newcomer(app, f"menus-{lang}", lang)
    for command in ("/menu", "/help", "/contact", "/notices", "/mydata", "/privacy", "/buddy",
                    "/volunteer", "/language"):
        seen += shown(command, await talk.say(command))
        seen += shown(f"{command}, then the menu", await talk.say("/menu"))
    seen += shown("the language picker", [render(
        Reply(Text("Please choose your language."), every_language=True), None, app.catalogs)])
    assert_right_to_left(seen)


def _sample(name: str) -> str | int:
    """A parameter as awkward as it gets: a number, or a left-to-right name that may open a
    line of Arabic."""
    return 3 if name in ("n", "count", "minutes", "days", "people", "children") else "Stuttgart"


@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
def test_every_message_of_the_catalog_reads_right_to_left(cats: Catalogs, lang: str) -> None:
    """Every message of the flows and the code, its parameters filled in."""
    tr = cats.translator(lang)
    seen: Seen = []
    for message in catalogs.read(ROOT / "translations" / "messages.pot", "en"):
        if not message.id:
            continue
        singular, plural = (message.id, None) if isinstance(message.id, str) else message.id[:2]
        names = catalogs.placeholders(singular) or set()
        params = {name: _sample(name) for name in sorted(names)}
        count = next((name for name in sorted(names) if isinstance(params[name], int)), None)
        for n in ((1, 2, 3, 11, 100) if plural and count else (None,)):
            if count and n is not None:
                params[count] = n
            text = Text(singular, dict(params), plural=plural, count=count if plural else None)
            seen.append((singular[:50], text_of(text, tr)))
    assert_right_to_left(seen)


# -- the parts ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cats() -> Catalogs:
    return Catalogs(ROOT / "translations", LANGS)


def test_each_line_of_an_arabic_value_keeps_its_own_direction(cats: Catalogs) -> None:
    """An answer is isolated run by run, never as a whole: no isolate spans a line, a line
    that opens with a German word starts with a right-to-left mark, a URL alone on its line
    stays left-to-right."""
    answer = "Sozialamt يدفع الإيجار.\n\nhttps://www.bamf.de/\nاسأل مركز الترحيب."
    shown = text_of(Text("{answer}", {"answer": answer}), cats.translator("ar"))
    assert shown.split("\n") == [f"{RLM}{FSI}Sozialamt{PDI} يدفع الإيجار.", "",
                                  f"{FSI}https://www.bamf.de/{PDI}", "اسأل مركز الترحيب."]


def test_a_url_keeps_its_slash_inside_its_isolate(cats: Catalogs) -> None:
    shown = text_of(Text("{text}", {"text": "اطلاعات بیشتر: https://www.infektionsschutz.de/"}),
                    cats.translator("fa"))
    assert shown == f"اطلاعات بیشتر: {FSI}https://www.infektionsschutz.de/{PDI}"
    assert isolate_runs("انظر https://www.stuttgart.de/welcome/ أو /help") == (
        f"انظر {FSI}https://www.stuttgart.de/welcome/{PDI} أو {FSI}/help{PDI}")
    # A slash between a German and an Arabic word belongs to neither.
    assert isolate_runs("Jobcenter/مركز") == f"{FSI}Jobcenter{PDI}/مركز"


@pytest.mark.parametrize("lang", ("de", "en", "uk", "ru", "tr"))
def test_left_to_right_languages_are_left_alone(cats: Catalogs, lang: str) -> None:
    tr = cats.translator(lang)
    text = text_of(Text("📢 {title}\n\n{text}\n{extra}", {
        "title": "Sozialamt", "text": "Sozialamt: https://www.stuttgart.de/\n\n1. Wohngeld",
        "extra": ""}), tr)
    assert text == "📢 Sozialamt\n\nSozialamt: https://www.stuttgart.de/\n\n1. Wohngeld\n"
