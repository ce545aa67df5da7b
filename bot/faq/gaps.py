"""The unanswered questions grouped for staff: by language, then by wording (pure).

Two questions are in one group when their character trigrams are close (cosine of the
trigram counts at least `CLOSE`): the same question with other spelling, word order or a
word more. That needs no model: the staff console does not load the embedding model
(hundreds of megabytes, seconds to open, ~20 ms a text), and it finds what staff then add
as ways of asking in one go, the same question asked again in other words of one script.
Questions that mean the same in quite other words stay apart; staff see them next to each
other when they are about the same topic and add them one group after another.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CLOSE = 0.5
"""Cosine of the trigram counts from which two questions are one group."""


@dataclass(frozen=True)
class Asked:
    """One unanswered question, as kept (masked)."""

    id: int
    text: str
    lang: str
    day: dt.datetime


@dataclass
class Group:
    """Questions of one language asked in close words."""

    lang: str
    texts: list[tuple[str, int]] = field(default_factory=list)
    """Each wording once, with how often it was asked, the most asked first."""
    ids: list[int] = field(default_factory=list)
    count: int = 0
    last: dt.datetime | None = None
    _grams: Counter[str] = field(default_factory=Counter, repr=False)

    @property
    def text(self) -> str:
        """The wording asked most often: the group's name."""
        return self.texts[0][0]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def trigrams(text: str) -> Counter[str]:
    padded = f"  {_key(text)} "
    return Counter(padded[n:n + 3] for n in range(len(padded) - 2))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b.get(gram, 0) for gram, count in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values()))
                  * math.sqrt(sum(v * v for v in b.values())))


def grouped(asked: Iterable[Asked], close: float = CLOSE) -> list[Group]:
    """`asked` in groups, the most asked first (then the most recent). Each wording joins
    the first group whose most asked wording is close enough, else starts one; wordings
    are taken from the most asked down, so a group is named by its most common form."""
    by_lang: dict[str, dict[str, list[Asked]]] = {}
    for one in asked:
        by_lang.setdefault(one.lang, {}).setdefault(_key(one.text), []).append(one)
    groups: list[Group] = []
    for lang, wordings in by_lang.items():
        mine: list[Group] = []
        for same in sorted(wordings.values(), key=lambda rows: (-len(rows), _key(rows[0].text))):
            grams = trigrams(same[0].text)
            home = next((g for g in mine if cosine(g._grams, grams) >= close), None)
            if home is None:
                home = Group(lang, _grams=grams)
                mine.append(home)
            home.texts.append((same[0].text, len(same)))
            home.ids += [one.id for one in same]
            home.count += len(same)
            last = max(one.day for one in same)
            home.last = last if home.last is None else max(home.last, last)
        groups += mine
    return sorted(groups, key=lambda g: (-g.count, -(g.last or dt.datetime.min.replace(
        tzinfo=dt.UTC)).timestamp(), g.lang, g.text))


def wordings(rows: Sequence[Asked]) -> list[str]:
    """The different wordings of `rows`, the most asked first (as ways of asking)."""
    counts = Counter(_key(row.text) for row in rows)
    first: dict[str, str] = {}
    for row in rows:
        first.setdefault(_key(row.text), row.text)
    return [first[key] for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
