"""German office words, also when written in another script: "бюргергельд", "بورگرگلد".

People name German offices and benefits in German, and often spell them the way they hear
them, in their own script: Jobcenter as "джобцентр" or "یوب‌سنتر", Anmeldung as "آنملدونگ".
The embedding model knows the Latin spellings but not these. Both sides are reduced to a
consonant skeleton (transliterated to Latin letters, vowels and the letters that Arabic script
uses as vowels dropped, sounds that scripts write differently merged), so that

    Bürgergeld -> brgrgld      бюргергельду -> brgrgld      بورگرگلد -> brgrgld

A topic whose keyword appears in a message this way gets a small bonus in the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from anyascii import anyascii

MIN_SKELETON = 5
"""Shorter skeletons (Kita -> kt) match too many ordinary words."""

# Order matters: longer spellings of one sound before their parts.
_SOUNDS = (("dzh", "j"), ("zh", "j"), ("dj", "j"), ("sch", "sh"), ("ch", "h"),
           ("ts", "s"), ("tz", "s"), ("z", "s"), ("kh", "h"), ("ph", "f"), ("v", "f"),
           ("w", "f"), ("ce", "se"), ("ci", "si"), ("c", "k"), ("q", "k"), ("gh", "g"))
_DROP = re.compile(r"[aeiouyhw'`\W\d_]+")


def skeleton(word: str) -> str:
    latin = anyascii(word).lower()
    # Arabic script writes w and y for the vowels u and i; elsewhere w is a consonant
    # (Wohnung, вон-), so it becomes f except in Arabic script.
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in word)
    for spelled, sound in _SOUNDS:
        if not (arabic and spelled == "w"):
            latin = latin.replace(spelled, sound)
    bare = _DROP.sub("", latin)
    return re.sub(r"(.)\1+", r"\1", bare)


class KeywordIndex:
    """`topics_in(text)`: the topics whose keywords the text names, in any spelling."""

    def __init__(self, keywords: Mapping[str, Iterable[str]]) -> None:
        self._skeletons: list[tuple[str, str]] = []
        for topic, words in keywords.items():
            for word in words:
                bones = skeleton(word)
                if len(bones) >= MIN_SKELETON:
                    self._skeletons.append((bones, topic))

    def topics_in(self, text: str) -> set[str]:
        words = [skeleton(w) for w in re.findall(r"[^\W\d_]+", text)]
        pieces = [w for w in words if w] + [a + b for a, b in zip(words, words[1:], strict=False)]
        found = set()
        for bones, topic in self._skeletons:
            for piece in pieces:
                if bones in piece or (len(piece) >= MIN_SKELETON
                                      and len(piece) >= 0.8 * len(bones) and piece in bones):
                    found.add(topic)
                    break
        return found
