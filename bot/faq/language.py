"""Which supported language a message is written in (lingua, limited to our languages).

A message counts as "clearly" in another language than the conversation's only when it has
a few words, lingua is sure of it, and it sees almost nothing of the conversation's language
in it: people mix in German words (Jobcenter, Anmeldung) and English ones all the time, and
answering an Arabic speaker in German because they wrote "Ausländerbehörde Termin" is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property

CLEAR = 0.90
"""lingua's confidence for the language a message is said to be clearly written in."""
TRACE = 0.05
"""At most this much confidence may remain for the conversation's own language."""
MIN_WORDS = 3

_WORD = re.compile(r"[^\W\d_]{2,}")


_SCRIPTS = {"ar": "arabic", "fa": "arabic", "uk": "cyrillic", "ru": "cyrillic"}


def _script(lang: str) -> str:
    return _SCRIPTS.get(lang, "latin")


def _script_of(word: str) -> str:
    first = ord(word[0])
    if 0x0600 <= first <= 0x06FF or 0x0750 <= first <= 0x077F or 0xFB50 <= first <= 0xFEFF:
        return "arabic"
    if 0x0400 <= first <= 0x052F:
        return "cyrillic"
    return "latin"


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
        """The language `text` is clearly written in, if it is not `current`."""
        words = [w for w in _WORD.findall(text) if w.casefold() not in self.loanwords]
        if len(words) < MIN_WORDS:
            return None
        confidences = self.confidences(" ".join(words))
        if not confidences:
            return None
        best = max(confidences, key=lambda lang: confidences[lang])
        if best == current or confidences[best] < CLEAR:
            return None
        if current is not None and _script(best) != _script(current) and any(
                _script_of(word) == _script(current) for word in words):
            return None  # "Welcome Center — де він?": names in Latin, the question in Ukrainian
        if current is not None and confidences.get(current, 0.0) > TRACE:
            return None
        return best
