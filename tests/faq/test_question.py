"""The question inside a long message: its last asking sentence, else its last sentence."""

from __future__ import annotations

from bot.faq.question import LONG, question_in, sentences

STORY = ("We came to Germany two years ago with my wife and our three children, "
         "and we lived in a shelter for a long time. "
         "My parents and my sister are still back home and I worry about them a lot. ")


def test_a_long_message_is_looked_at_through_its_last_question() -> None:
    text = STORY + "Is this normal? How do I register my address? Thank you in advance!"
    assert len(text) >= LONG
    assert question_in(text) == "How do I register my address?"
    assert question_in(STORY + "Привіт. Як зареєструвати адресу після переїзду") == \
        "Як зареєструвати адресу після переїзду"           # no question mark: the last one
    assert question_in(STORY + "\nچطور آدرس جدیدم را ثبت کنم؟") == "چطور آدرس جدیدم را ثبت کنم؟"


def test_short_messages_and_single_sentences_are_looked_at_whole() -> None:
    assert question_in("Hello. How do I register my address?") is None     # short
    assert question_in("and " * 60 + "how do i register my address") is None  # one sentence


def test_sentences_end_at_stops_and_line_breaks() -> None:
    assert sentences("Hi!  I am new here.\nWhere is the office؟ …") == [
        "Hi!", "I am new here.", "Where is the office؟"]
