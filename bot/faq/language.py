"""Which supported language a message is written in (lingua, limited to our languages).

The rule the FAQ follows (README, "Questions in people's own words"):

    The answer comes in the language the question is clearly written in, else in the
    conversation's language. When that is another language than the conversation's, the bot
    offers to switch to it, once: a No (or a new question typed instead of an answer) is
    remembered for that person, and later questions in that language are answered in it
    without asking again.

"Clearly written in" another language (`clearly_other`) means:

* at least `MIN_WORDS` words of the person's own: the German terms of the content
  (Jobcenter, Anmeldung, Ausländerbehörde: `loanwords`) say nothing about the language a
  person writes in and are not counted; "Jobcenter Termin?" is answered in the
  conversation's language;
* the language is one of those written in the script most of these words are in (Latin: de,
  en, tr; Cyrillic: uk, ru; Arabic: ar, fa); a tie between scripts says nothing;
* in another script than the conversation's (an Arabic-speaking person writing English): the
  message is surely not in the conversation's language, so its language needs only to be
  recognisable among those of its script: by its small words and letters ("how", "the",
  "ich", "nasıl"; і and ї are Ukrainian, ы Russian: `_evidence`), else lingua at least
  `CROSS_SCRIPT` sure;
* in the conversation's own script (a German-speaking person writing English, a Ukrainian one
  writing Russian): people mix in words of neighbouring languages all the time, so lingua
  must be at least `CLEAR` sure and see almost nothing (`TRACE`) of the conversation's
  language.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property

CLEAR = 0.90
"""lingua's confidence, among the languages of the message's script, for a language in the
same script as the conversation's."""
TRACE = 0.05
"""At most this much confidence may remain for the conversation's own language."""
CROSS_SCRIPT = 0.80
"""lingua's confidence, among the languages of the message's script, for a language in
another script than the conversation's."""
EVIDENCE = 2
"""Small words and letters of one language, more than of any other by at least this, decide
among the languages of a script."""
MIN_WORDS = 3

_WORD = re.compile(r"[^\W\d_]{2,}")

_SCRIPTS = {"ar": "arabic", "fa": "arabic", "uk": "cyrillic", "ru": "cyrillic"}

# Words short questions are made of, and letters only one language of a script has: what
# tells "how do i pay the dog tax" from German when lingua, seeing "tax" and "dog", is not sure.
_SMALL_WORDS = {
    "de": "ich mein meine mich mir du dein wir uns ist sind bin war der die das den dem des ein "
          "eine einen einem und oder wie was wo wann wer warum welche welcher kann können muss "
          "müssen habe hast hat haben nicht kein keine mit für auf bei von zum zur im ins gibt "
          "noch auch schon aber man darf soll",
    "en": "my me you your we our it is are am was do does did can could how what where when who "
          "why which the an to for of on with and or have has get need this that there if not no "
          "should will would much many any some from about at",
    "tr": "ben benim sen sizin biz bu şu ve veya ne nasıl nerede nereden neden hangi kim kaç için "
          "mi mı mu mü var yok ile da de ki çok bir gibi gerekiyor lazım",
    "uk": "я ми ви він вона вони мені мене мій моя моє мої як де що чи коли хто чому який яка які "
          "це є та і й з до від для на у в не але теж можна треба потрібно",
    "ru": "я мы вы он она они мне меня мой моя моё мои как где что ли когда кто почему какой какая "
          "какие это есть и с до от для на у в не но тоже можно нужно надо",
    "ar": "انا أنا شو ايش وين فين كيف شلون ليش لماذا هل ماذا متى في على عن مع إلى الى بدي عايز "
          "اريد أريد ممكن لازم هاد هذا هذه هاي شي حدا مين",
    "fa": "من شما چطور چطوری چگونه کجا چرا چی چه چند آیا را از به با برای در که این اون آن هست "
          "است نیست میخوام میخواهم میتونم باید کنم",
}
_SMALL = {lang: frozenset(words.split()) for lang, words in _SMALL_WORDS.items()}
_LETTERS = {"de": "ßä", "tr": "ışğ", "uk": "іїєґ", "ru": "ыэъё", "ar": "ةى", "fa": "پچژگ"}


def _script(lang: str) -> str:
    return _SCRIPTS.get(lang, "latin")


def _script_of(word: str) -> str:
    first = ord(word[0])
    if 0x0600 <= first <= 0x06FF or 0x0750 <= first <= 0x077F or 0xFB50 <= first <= 0xFEFF:
        return "arabic"
    if 0x0400 <= first <= 0x052F:
        return "cyrillic"
    return "latin"


def _evidence(words: Sequence[str], languages: Iterable[str]) -> str | None:
    """The language whose small words and letters the words show clearly more than any
    other's (a letter of one language only counts twice), if there is one."""
    folded = [word.casefold() for word in words]
    found = Counter({lang: sum(w in _SMALL.get(lang, ()) for w in folded)
                     + 2 * sum(any(ch in _LETTERS.get(lang, "") for ch in w) for w in folded)
                     for lang in languages})
    ranked = found.most_common(2) + [("", 0)]
    best, score = ranked[0]
    return best if score >= EVIDENCE and score - ranked[1][1] >= EVIDENCE else None


class LanguageGuesser:
    """`loanwords` are the German terms of the content (Jobcenter, Sozialamt, Anmeldung):
    they say nothing about the language a person writes in, so they are left out."""

    def __init__(self, languages: Sequence[str], loanwords: Iterable[str] = ()) -> None:
        self.languages = tuple(languages)
        self.loanwords = frozenset(word.casefold() for term in loanwords
                                   for word in _WORD.findall(term))

    @cached_property
    def _detector(self):  # type: ignore[no-untyped-def]
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        known = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                 for code in self.languages]
        return LanguageDetectorBuilder.from_languages(*known).build()

    def confidences(self, text: str) -> dict[str, float]:
        values = self._detector.compute_language_confidence_values(text)
        return {v.language.iso_code_639_1.name.lower(): v.value for v in values}

    def guess(self, text: str) -> str | None:
        found = self._detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None

    def clearly_other(self, text: str, current: str | None) -> str | None:
        """The language `text` is clearly written in, if it is not `current` (the rule in
        this module's docstring)."""
        words = [w for w in _WORD.findall(text) if w.casefold() not in self.loanwords]
        if len(words) < MIN_WORDS:
            return None
        scripts = Counter(_script_of(word) for word in words).most_common(2)
        if len(scripts) > 1 and scripts[0][1] == scripts[1][1]:
            return None
        script = scripts[0][0]
        own = [w for w in words if _script_of(w) == script]
        candidates = [lang for lang in self.languages if _script(lang) == script]
        confidences = {lang: value for lang, value in self.confidences(" ".join(own)).items()
                       if lang in candidates}
        total = sum(confidences.values())
        if not total:
            return None
        share = {lang: value / total for lang, value in confidences.items()}
        best = max(share, key=lambda lang: share[lang])
        if current is not None and script != _script(current):
            return _evidence(own, candidates) or (best if share[best] >= CROSS_SCRIPT else None)
        if best == current or share[best] < CLEAR or share.get(current or "", 0.0) > TRACE:
            return None
        return best

