"""What the embedding model reads of a message: misspelt Arabic-script words spelt as the
content spells them, and common dialect words in their standard form.

* Arabic and Persian write several sounds with more than one letter (t: ت ط; s: س ث ص; z: ز
  ذ ض ظ; h: ه ح; gh/q: غ ق), and keyboards give two forms of others (ی ي, ک ك, ا آ أ إ). People
  who learnt the language by ear, or type fast, pick the wrong one ("ثبط" for "ثبت"), and the
  model, which splits an unknown word into unrelated pieces, no longer sees the word they
  meant. A word of a message that the content never uses is replaced by the content's most
  frequent word written with the same letters once these are merged (`Speller`); every other
  word stays as it is.
* The model knows Modern Standard Arabic and written Persian far better than spoken Iraqi,
  Levantine, Egyptian or Maghrebi Arabic and colloquial Dari: "شلون", "وين", "بدي", "عايز",
  "كيفاش" are "كيف", "أين", "أريد"; "میخایم", "نمی‌فامم", "پیسه", "کتی" are "میخواهم",
  "نمی‌فهمم", "پول", "با". `standard` writes such everyday words (question words, "I want",
  "now", "there is", "money", "with") in their standard form, for the content's questions as
  for people's messages, so that both are read alike: the Persian words in a text with letters
  only Persian has (پ چ ژ گ ی ک), the Arabic ones in the others (Egyptian "ده" is "this",
  Persian "ده" in Dari speech "in").

Measured by `python -m benchmarks.faq_methods`: one such typo in each held-out question
(`--typos`), and the cross-validation (Arabic +2 points with `standard`). Edits of any letter
(a dropped or swapped one) helped misspelt questions too, but turned off-topic questions into
on-topic ones, so they are not made.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_MERGE = str.maketrans({
    "ط": "ت", "ث": "س", "ص": "س", "ذ": "ز", "ض": "ز", "ظ": "ز", "ح": "ه", "ة": "ه", "غ": "ق",
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و",
})
_WORD = re.compile(r"[^\W\d_]+")

_ARABIC = {  # Arabic dialects (Iraqi, Levantine, Egyptian, Maghrebi, Gulf) -> Standard Arabic
    "شلون": "كيف", "ازاي": "كيف", "إزاي": "كيف", "كيفاش": "كيف",
    "وين": "أين", "فين": "أين", "منين": "من أين",
    "شو": "ماذا", "ايش": "ماذا", "إيش": "ماذا", "شنو": "ماذا", "مين": "من",
    "ليش": "لماذا", "علاش": "لماذا",
    "امتى": "متى", "إمتى": "متى", "وقتاش": "متى", "شوكت": "متى",
    "قديش": "كم", "شكد": "كم", "شحال": "كم", "بكام": "بكم",
    "بدي": "أريد", "بدنا": "نريد", "عايز": "أريد", "عايزة": "أريد", "عاوز": "أريد",
    "بغيت": "أريد", "ابغى": "أريد",
    "هلق": "الآن", "هسه": "الآن", "دلوقتي": "الآن", "دابا": "الآن",
    "اكو": "يوجد", "ماكو": "لا يوجد", "كاين": "يوجد", "مو": "ليس", "مش": "ليس", "واش": "هل",
    "مصاري": "مال", "فلوس": "مال", "مرتي": "زوجتي", "مراتي": "زوجتي", "ولادي": "أولادي",
    "هيك": "هكذا", "كتير": "كثير", "منيح": "جيد", "حدا": "أحد",
}
_PERSIAN = {  # colloquial Dari and Persian -> written Persian
    "چطو": "چطور", "چیکار": "چه کار", "چکار": "چه کار",
    "میخایم": "میخواهم", "میخایه": "میخواهد",
    "نمیفامم": "نمی‌فهمم", "نمی‌فامم": "نمی‌فهمم", "میفامم": "می‌فهمم",
    "میتانم": "می‌توانم", "نمیتانم": "نمی‌توانم", "میتانه": "می‌تواند",
    "بتم": "بدهم", "بتیم": "بدهیم", "میتن": "می‌دهند", "میته": "می‌دهد", "کده": "کرده",
    "پیسه": "پول", "کتی": "با", "همرای": "با", "مه": "من", "ده": "در", "اس": "است",
}
_DIALECT = re.compile(r"(?:[^\W\d_]|\u200c)+")
_PERSIAN_LETTERS = frozenset("پچژگیک")


def merged(word: str) -> str:
    return word.translate(_MERGE)


def standard(text: str) -> str:
    """`text` with common dialect words in their standard form ("شلون" -> "كيف"): the
    Persian ones in a text with letters only Persian has, the Arabic ones in any other."""
    words = _PERSIAN if _PERSIAN_LETTERS.intersection(text) else _ARABIC
    return _DIALECT.sub(lambda found: words.get(found.group(), found.group()), text)


class Speller:
    """`correct(text)`: what the model reads of a message: its Arabic-script words spelt as
    the content spells them, then `standard`. `texts` are all the content's texts
    (questions, keywords, answers, small talk)."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts = Counter(word for text in texts for word in _WORD.findall(text))
        self._known = frozenset(counts)
        self._spelling: dict[str, str] = {}
        for word, _count in counts.most_common():
            self._spelling.setdefault(merged(word), word)

    def correct(self, text: str) -> str:
        return standard(_WORD.sub(self._word, text))

    def _word(self, found: re.Match[str]) -> str:
        word = found.group()
        if word in self._known or not any("\u0600" <= ch <= "\u06ff" for ch in word):
            return word
        return self._spelling.get(merged(word), word)
