"""German office words, also when written in another script: "бюргергельд", "بورگرگلد".

People name German offices and benefits in German, and often spell them the way they hear
them, in their own script: Jobcenter as "джобцентр" or "یوب‌سنتر", Anmeldung as "آنملدونگ".
The embedding model knows the Latin spellings but not these. Both sides are reduced to a
consonant skeleton (transliterated to Latin letters, vowels and the letters that Arabic script
uses as vowels dropped, sounds that scripts write differently merged), so that

    Bürgergeld -> brgrgld      бюргергельду -> brgrgld      بورگرگلد -> brgrgld

A keyword is named only by whole words, so that a skeleton found by chance across or inside
ordinary words does not count ("на дорослого" holds "ndrslg", most of Kinderzuschlag's
"kndrslg"; "another city" holds Notarzt's "ntrst"):

* a word (or two or three words in a row, for a compound written apart, "جاب سنتر",
  "Blaue Karte") whose skeleton is the keyword's, followed by at most `MAX_ENDING` letters of
  an ending ("джобцентром", "Jobcenter'dan"); Arabic script may put the article before it
  ("الجوبسنتر"); words in a row are only joined for keywords of `MIN_JOINED` letters or more
  words, and each must have two letters at least ("на" cannot be the start of anything);
* a long keyword (`MIN_FUZZY` letters) also with one letter wrong, missing, extra or swapped,
  in a single word that starts as it does ("Ausländerbehörde" heard as "аусландербехёрде").

A topic whose keyword appears in a message this way gets a bonus in the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from anyascii import anyascii

MIN_SKELETON = 5
"""Shorter skeletons (Kita -> kt) match too many ordinary words."""
MAX_ENDING = 2
"""Letters of an ending after a keyword (cases, Turkish suffixes)."""
MIN_JOINED = 6
"""A keyword's skeleton may be spread over words in a row from this length on."""
MIN_FUZZY = 8
"""A keyword's skeleton may have one letter wrong from this length on."""
MAX_WORDS = 3

# Order matters: longer spellings of one sound before their parts.
_SOUNDS = (("dzh", "j"), ("zh", "j"), ("dj", "j"), ("sch", "sh"), ("ch", "h"),
           ("ts", "s"), ("tz", "s"), ("z", "s"), ("kh", "h"), ("ph", "f"), ("v", "f"),
           ("w", "f"), ("ce", "se"), ("ci", "si"), ("c", "k"), ("q", "k"), ("gh", "g"),
           ("p", "b"))
_DROP = re.compile(r"[aeiouyhw'`\W\d_]+")
_WORD = re.compile(r"(?:[^\W\d_]|\u200c)+")
"""Letters; Persian joins the parts of a word with a zero-width non-joiner (U+200C)."""
_ARTICLES = ("fbl", "bl", "fl", "kl", "ll", "l")
"""Arabic's article (al-) with the prepositions written onto it: al-, bi-l-, fa-l-, ka-l-."""


def skeleton(word: str) -> str:
    latin = anyascii(word).lower()
    # Arabic script writes w and y for the vowels u and i; elsewhere w is a consonant
    # (Wohnung, вон-), so it becomes f except in Arabic script.
    arabic = _arabic(word)
    for spelled, sound in _SOUNDS:
        if not (arabic and spelled == "w"):
            latin = latin.replace(spelled, sound)
    bare = _DROP.sub("", latin)
    return re.sub(r"(.)\1+", r"\1", bare)


def _arabic(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def _variants(bones: str) -> set[str]:
    """The skeleton and every one with one letter left out."""
    return {bones} | {bones[:i] + bones[i + 1:] for i in range(len(bones))}


def _one_apart(a: str, b: str) -> bool:
    """One letter wrong, missing, extra, or two neighbours swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1:] == short for i in range(len(long)))


class KeywordIndex:
    """`topics_in(text)`: the topics whose keywords the text names, in any spelling."""

    def __init__(self, keywords: Mapping[str, Iterable[str]]) -> None:
        self._exact: dict[str, set[tuple[str, bool]]] = {}
        """skeleton -> (topic, whether it may be spread over words in a row)"""
        self._fuzzy: dict[str, set[tuple[str, str]]] = {}
        """skeleton with a letter left out -> (the keyword's skeleton, topic)"""
        for topic, words in keywords.items():
            for word in words:
                bones = skeleton(word)
                if len(bones) < MIN_SKELETON:
                    continue
                joined = len(bones) >= MIN_JOINED or len(word.split()) > 1
                self._exact.setdefault(bones, set()).add((topic, joined))
                if len(bones) >= MIN_FUZZY:
                    for variant in _variants(bones):
                        self._fuzzy.setdefault(variant, set()).add((bones, topic))

    def _runs(self, text: str) -> Iterator[tuple[str, int]]:
        """Skeletons of each word and of up to `MAX_WORDS` words in a row, with how many."""
        words = [(bones, _arabic(w)) for w in _WORD.findall(text) if (bones := skeleton(w))]
        for i, (first, arabic) in enumerate(words):
            heads = [first]
            if arabic:
                heads += [first[len(a):] for a in _ARTICLES
                          if first.startswith(a) and len(first) > len(a) + 1]
            for head in heads:
                yield head, 1
                joined = head
                for n in range(2, MAX_WORDS + 1):
                    if len(head) < 2 or i + n > len(words) or len(words[i + n - 1][0]) < 2:
                        break
                    joined += words[i + n - 1][0]
                    yield joined, n

    def topics_in(self, text: str) -> set[str]:
        found: set[str] = set()
        for run, words in self._runs(text):
            for end in range(max(MIN_SKELETON, len(run) - MAX_ENDING), len(run) + 1):
                stem = run[:end]
                found.update(topic for topic, joined in self._exact.get(stem, ())
                             if words == 1 or joined)
                if words == 1 and end >= MIN_FUZZY - 1:
                    for variant in _variants(stem):
                        found.update(topic for bones, topic in self._fuzzy.get(variant, ())
                                     if bones[0] == stem[0] and _one_apart(stem, bones))
        return found
