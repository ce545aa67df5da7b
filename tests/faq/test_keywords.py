"""German office words written the way people hear them, in their own script."""

from __future__ import annotations

import pytest

from bot.faq.keywords import KeywordIndex, skeleton

INDEX = KeywordIndex({"social-benefits": ["Bürgergeld", "Jobcenter"],
                      "address-registration": ["Anmeldung", "Kita", "Ummeldung"],
                      "residence-permit": ["Ausländerbehörde", "Aufenthaltstitel"],
                      "family-benefits": ["Kinderzuschlag"],
                      "german-courses": ["Kostenbefreiung"],
                      "emergency": ["Notarzt"], "return-counselling": ["Reintegration"]})


@pytest.mark.parametrize(("text", "topic"), [
    ("скільки грошей дають на бюргергельді", "social-benefits"),       # Ukrainian, with an ending
    ("برای بورگرگلد چی لازمه", "social-benefits"),                     # Persian, no vowels
    ("мне нужно в джобцентр", "social-benefits"),
    ("وقت آنملدونگ ندارم", "address-registration"),
    ("موعد في الأوسلندر بيهورده", "residence-permit"),                # two words for one
    ("ауфентхальтстітель продовжити", "residence-permit"),
    ("BÜRGERGELD antrag", "social-benefits"),                          # the German spelling
    ("мені відмовили в джобцентрі", "social-benefits"),                # a case ending
    ("jobcenter'dan mektup geldi", "social-benefits"),
    ("الجوبسنتر ما دفع الايجار", "social-benefits"),                   # with the article
    ("جاب سنتر پول نداد", "social-benefits"),                          # written apart
    ("کوستن‌بفرایونگ چیه", "german-courses"),                          # parts joined by ZWNJ
    ("кіндерцушлаг на двох дітей", "family-benefits"),
    ("termin bei der auslanderbehorde", "residence-permit"),          # without umlauts
    ("ауслендербехорде не відповідає", "residence-permit"),           # a letter heard otherwise
])
def test_a_keyword_is_found_in_any_script(text: str, topic: str) -> None:
    assert INDEX.topics_in(text) == {topic}


@pytest.mark.parametrize("text", [
    "where can i learn german",          # no keyword
    "كيف حالك اليوم",
    "kita",                              # too short to tell apart from ordinary words
    "я працюю на будівництві",
    "допомога на дорослого",             # "ndrslg" is most of Kinderzuschlag's "kndrslg"
    "moving to another city",            # "ntrst", Notarzt, across two words
    "чем заняться если мало денег",      # "ml" + "dng", Ummeldung
    "unterstützung beim neustart",       # Notarzt inside a longer word
    "integration course",                # Reintegration's "rntgrtn" holds "ntgrtn"
])
def test_ordinary_words_name_no_keyword(text: str) -> None:
    assert INDEX.topics_in(text) == set()


def test_skeletons_of_one_word_in_three_scripts_agree() -> None:
    assert skeleton("Bürgergeld") == skeleton("бюргергельд") == skeleton("بورگرگلد") == "brgrgld"
