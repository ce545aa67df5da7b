"""German office words written the way people hear them, in their own script."""

from __future__ import annotations

import pytest

from bot.faq.keywords import KeywordIndex, skeleton

INDEX = KeywordIndex({"social-benefits": ["Bürgergeld", "Jobcenter"],
                      "address-registration": ["Anmeldung", "Kita"],
                      "residence-permit": ["Ausländerbehörde", "Aufenthaltstitel"]})


@pytest.mark.parametrize(("text", "topic"), [
    ("скільки грошей дають на бюргергельді", "social-benefits"),       # Ukrainian, with an ending
    ("برای بورگرگلد چی لازمه", "social-benefits"),                     # Persian, no vowels
    ("мне нужно в джобцентр", "social-benefits"),
    ("وقت آنملدونگ ندارم", "address-registration"),
    ("موعد في الأوسلندر بيهورده", "residence-permit"),                # two words for one
    ("ауфентхальтстітель продовжити", "residence-permit"),
    ("BÜRGERGELD antrag", "social-benefits"),                          # the German spelling
])
def test_a_keyword_is_found_in_any_script(text: str, topic: str) -> None:
    assert INDEX.topics_in(text) == {topic}


@pytest.mark.parametrize("text", [
    "where can i learn german",          # no keyword
    "كيف حالك اليوم",
    "kita",                              # too short to tell apart from ordinary words
    "я працюю на будівництві",
])
def test_ordinary_words_name_no_keyword(text: str) -> None:
    assert INDEX.topics_in(text) == set()


def test_skeletons_of_one_word_in_three_scripts_agree() -> None:
    assert skeleton("Bürgergeld") == skeleton("бюргергельд") == skeleton("بورگرگلد") == "brgrgld"
