"""The shape of every answer (issue 15): the first lines answer the question, short enough for
one phone screen, the details follow after a blank line; the sources are official pages
(https), never newspapers; no answer promises contact details "below" it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bot.faq.content import SHORT_ANSWER, Content, load_content
from tests.faq.conftest import LANGS, ROOT

OFFICIAL = {
    # Laws, ministries, federal and state offices, the city
    "gesetze-im-internet.de", "bund.de", "bamf.de", "bmas.de", "bundesregierung.de",
    "bundesgesundheitsministerium.de", "bundesfinanzministerium.de", "bundesnetzagentur.de",
    "bzst.de", "elster.de", "bafin.de", "umweltbundesamt.de", "rki.de", "infektionsschutz.de",
    "masernschutz.de", "integrationsbeauftragte.de", "antidiskriminierungsstelle.de",
    "hilfetelefon.de", "familienportal.de", "germany4ukraine.de", "returningfromgermany.de",
    "arbeitsagentur.de", "sgb2.info", "make-it-in-germany.com", "anerkennung-in-deutschland.de",
    "europa.eu", "justiz-bw.de", "l-bank.de", "fluechtlingsdialoge.de", "stuttgart.de",
    # Public-law bodies and publicly funded services, cited for their own numbers and offers
    "116117.de", "rundfunkbeitrag.de", "daad.de", "telefonseelsorge.de", "verbraucherzentrale.de",
    "vvs.de", "ssb-ag.de", "tafel.de",
}
"""Sites an answer may cite: a new one is added here on purpose, after checking who runs it."""
NEWSPAPERS = {
    "esslinger-zeitung.de", "stuttgarter-zeitung.de", "stuttgarter-nachrichten.de",
    "cannstatter-zeitung.de", "swr.de", "taz.de", "spiegel.de", "zeit.de", "faz.net",
    "sueddeutsche.de", "welt.de", "bild.de", "focus.de", "t-online.de", "merkur.de",
}
BELOW = {  # "see below": the contact cards are shown only where the city entered them
    "en": ("below",), "de": ("unten",), "ar": ("أدناه", "في الأسفل"),
    "fa": ("در پایین", "زیر همین"), "uk": ("нижче",), "ru": ("ниже",), "tr": ("aşağıda",),
}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(ROOT / "content", LANGS)


def _site(url: str, sites: set[str]) -> str | None:
    host = urlsplit(url).hostname or ""
    return next((s for s in sites if host == s or host.endswith("." + s)), None)


def test_every_answer_starts_with_a_short_part_and_then_the_details(content: Content) -> None:
    too_long, no_details = [], []
    for topic in content.topics.values():
        for lang in LANGS:
            short, rest = topic.parts(lang)
            if len(short) > SHORT_ANSWER:
                too_long.append(f"{topic.id} [{lang}]: {len(short)}")
            if not short or not rest:
                no_details.append(f"{topic.id} [{lang}]")
    assert not too_long, f"first part over {SHORT_ANSWER} characters: {too_long}"
    assert not no_details, f"no blank line after the first part: {no_details}"


def test_every_source_is_an_official_https_page(content: Content) -> None:
    wrong = []
    for topic in content.topics.values():
        for url in topic.sources:
            if urlsplit(url).scheme != "https":
                wrong.append(f"{topic.id}: not https: {url}")
            elif _site(url, NEWSPAPERS):
                wrong.append(f"{topic.id}: a newspaper: {url}")
            elif not _site(url, OFFICIAL):
                wrong.append(f"{topic.id}: not a known official site: {url}")
    assert not wrong, "\n".join(wrong)


def test_no_answer_promises_contact_details_below_it(content: Content) -> None:
    found = [f"{topic.id} [{lang}]: {word!r}" for topic in content.topics.values()
             for lang in LANGS for word in BELOW[lang] if word in topic.answer[lang].lower()]
    assert not found


def test_the_rename_of_buergergeld_is_told_the_same_way_everywhere(content: Content) -> None:
    """Grundsicherung replaced Bürgergeld on 1 July 2026: "Bürgergeld" only as the former
    name, next to Grundsicherung (in a question people still say Bürgergeld)."""
    stale = [f"{topic.id} [{lang}]" for topic in content.topics.values() for lang in LANGS
             if "Bürgergeld" in topic.answer[lang] and "Grundsicherung" not in topic.answer[lang]]
    assert not stale


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_persian_answers_use_western_digits(content: Content, lang: str) -> None:
    eastern = [topic.id for topic in content.topics.values()
               if any("\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9"
                      for ch in topic.answer[lang])]
    assert not eastern
