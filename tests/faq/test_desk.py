"""Answering: the right topic from people's own words in seven languages, an honest "I don't
know" for everything else, and the language a question was asked in."""

from __future__ import annotations

import pytest

from bot.faq.desk import FaqDesk

ON_TOPIC = [  # written for these tests; not copied from content or evaluation sets
    ("en", "where can i take german lessons in the evening", "german-courses"),
    ("de", "wo muss ich mich nach dem umzug anmelden", "address-registration"),
    ("ar", "انتهت صلاحية إقامتي الشهر القادم، ماذا أفعل؟", "residence-permit"),
    ("fa", "بیمه ندارم، اگه دکتر برم پولشو کی میده", "health-insurance"),
    ("uk", "як визнати мій український диплом медсестри", "recognition-qualifications"),
    ("ru", "куда звонить если пожар", "emergency"),
    ("tr", "çocuğumu okula nasıl kaydettiririm", "children-school"),
]
NOT_ON_TOPIC = [
    "what is the capital of peru", "asdfgh jkl", "🙂🙂", "wer hat gestern das spiel gewonnen",
]


@pytest.mark.parametrize(("lang", "text", "topic"), ON_TOPIC)
def test_questions_find_their_topic(desk: FaqDesk, lang: str, text: str, topic: str) -> None:
    answer = desk.answer(text, lang)
    assert (answer["kind"], answer["topic"], answer["lang"]) == ("answer", topic, lang)
    assert answer["answer"] == desk.content.topics[topic].answer[lang].strip()  # no cards yet
    assert 1 <= len(answer["related"]) <= 3


@pytest.mark.parametrize("text", NOT_ON_TOPIC)
def test_what_the_faq_does_not_cover_gets_dont_know(desk: FaqDesk, text: str) -> None:
    assert desk.answer(text, "en")["kind"] == "unknown"


@pytest.mark.parametrize(("text", "kind"), [
    ("hallo", "greeting"), ("guten morgen", "greeting"), ("سلام", "greeting"),
    ("thank you so much", "thanks"), ("дякую", "thanks"),
])
def test_greetings_and_thanks_are_small_talk(desk: FaqDesk, text: str, kind: str) -> None:
    assert desk.answer(text, "de")["kind"] == kind


def test_a_question_clearly_in_another_language_is_answered_in_it(desk: FaqDesk) -> None:
    answer = desk.answer("أين يمكنني تعلم اللغة الألمانية مجانا", "de")
    assert (answer["lang"], answer["switch"], answer["language_name"]) == ("ar", True, "العربية")
    assert answer["answer"] == desk.content.topics["german-courses"].answer["ar"].strip()


@pytest.mark.parametrize(("text", "lang"), [
    ("Ausländerbehörde Termin", "ar"),          # German office names in an Arabic chat
    ("jobcenter or sozialamt who pays my rent", "en"),
    ("Welcome Center Stuttgart — де він?", "uk"),
])
def test_mixed_in_words_do_not_switch_the_language(desk: FaqDesk, text: str,
                                                   lang: str) -> None:
    answer = desk.answer(text, lang)
    assert (answer["lang"], answer["switch"]) == (lang, False)


def test_dont_know_carries_the_welcome_centers_card_when_the_city_entered_it(
        desk: FaqDesk) -> None:
    assert desk.answer("qwerty qwerty", "en")["card"] == ""  # not entered in the demo city
