"""Arabic-script words misspelt with a letter of the same sound: "ثبط" for "ثبت".

Arabic and Persian write several sounds with more than one letter (t: ت ط; s: س ث ص; z: ز ذ
ض ظ; h: ه ح; gh/q: غ ق), and keyboards give two forms of others (ی ي, ک ك, ا آ أ إ). People
who learnt the language by ear, or type fast, pick the wrong one, and the embedding model,
which splits an unknown word into unrelated pieces, no longer sees the word they meant. A
word of a message that the content never uses is replaced by the content's most frequent
word that is written with the same letters once these are merged; every other word stays
as it is. Measured by `python -m benchmarks.faq_methods` on the content's questions with one
such typo each (more typos: edits of any letter helped those too, but turned off-topic
questions into on-topic ones).
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


def merged(word: str) -> str:
    return word.translate(_MERGE)


class Speller:
    """`correct(text)`: the text with its Arabic-script words spelt as the content spells
    them; `texts` are all the content's texts (questions, keywords, answers, small talk)."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts = Counter(word for text in texts for word in _WORD.findall(text))
        self._known = frozenset(counts)
        self._spelling: dict[str, str] = {}
        for word, _count in counts.most_common():
            self._spelling.setdefault(merged(word), word)

    def correct(self, text: str) -> str:
        return _WORD.sub(self._word, text)

    def _word(self, found: re.Match[str]) -> str:
        word = found.group()
        if word in self._known or not any("\u0600" <= ch <= "\u06ff" for ch in word):
            return word
        return self._spelling.get(merged(word), word)
