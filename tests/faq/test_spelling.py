"""What the model reads: Arabic-script words written with a letter of the same sound spelt as
the content does, and dialect words in their standard form."""

from __future__ import annotations

import pytest

from bot.faq.spelling import Speller, standard

SPELLER = Speller(["چطوری آدرس ثبت کنم؟", "ثبت نام مدرسه", "كيف أسجل عنواني", "صفر", "سفر",
                   "hello world"])


@pytest.mark.parametrize(("text", "spelt"), [
    ("چطوری ادرس ثبط کنم", "چطوری آدرس ثبت کنم"),      # ط for ت, ا for آ
    ("كيف اسجل عنوانی", "كيف أسجل عنواني"),            # ا for أ, ی for ي
    ("ثبت نام مدرصه", "ثبت نام مدرسه"),                # ص for س
])
def test_a_word_the_content_does_not_use_is_spelt_as_it_does(text: str, spelt: str) -> None:
    assert SPELLER.correct(text) == spelt


@pytest.mark.parametrize("text", [
    "صفر", "سفر",                    # both are words: each stays as written
    "hello wrold",                  # other scripts are left alone
    "تیگرینیا",                      # a word nobody in the content wrote, with no twin
    "ثبت 112؟",
])
def test_known_words_and_other_scripts_stay_as_they_are(text: str) -> None:
    assert SPELLER.correct(text) == text


@pytest.mark.parametrize(("text", "read"), [
    ("شلون اسجل عنواني", "كيف اسجل عنواني"),                         # Iraqi
    ("عايز اتعلم الماني فين", "أريد اتعلم الماني أين"),               # Egyptian
    ("مه نمی‌فامم چی نوشته", "من نمی‌فهمم چی نوشته"),                 # Dari
    ("ده الورق اللي محتاجه", "ده الورق اللي محتاجه"),                 # Egyptian "this" stays
])
def test_dialect_words_are_read_in_their_standard_form(text: str, read: str) -> None:
    assert standard(text) == read
