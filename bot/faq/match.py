"""Which FAQ topic a message is about, or that it is about none: nearest neighbours.

Every question of every topic (in all languages, with the topic's keywords) and every small
talk example (greetings, thanks, goodbyes, things the FAQ does not cover) is a vector. A
message is scored against each topic by the mean similarity of its `K` nearest examples,
plus `ANSWER_WEIGHT` times its similarity to the topic's answers; small talk classes have no
answers and get the baseline instead. The best class wins; if it is small talk, or its score
is below `MIN_SCORE`, there is no topic. Measured against other choices in the closing note
of the FAQ issue (nearest single example, answers alone, character n-grams, hybrids).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["answer", "greeting", "thanks", "goodbye", "unknown"]
SMALLTALK = "_"
"""Labels of small talk classes start with this: "_greeting", "_offtopic"."""


@dataclass(frozen=True)
class Match:
    kind: Kind
    topic: str | None
    score: float
    ranking: tuple[tuple[str, float], ...]
    """The best classes, best first (for diagnostics and related topics)."""


class Matcher:
    K = 3
    ANSWER_WEIGHT = 0.3
    ANSWER_BASELINE = 0.80
    MIN_SCORE = 0.0

    def __init__(self, examples: np.ndarray, labels: Sequence[str], answers: np.ndarray,
                 answer_labels: Sequence[str]) -> None:
        self.examples = examples
        self.answers = answers
        self.classes = sorted(set(labels))
        label_array = np.array(labels)
        answer_array = np.array(answer_labels)
        self._rows = [np.flatnonzero(label_array == c) for c in self.classes]
        self._answer_rows = [np.flatnonzero(answer_array == c) for c in self.classes]

    def match(self, vector: np.ndarray, text: str) -> Match:
        if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
            return Match("unknown", None, 0.0, ())  # only emoji, punctuation or nothing
        near = self.examples @ vector
        answered = self.answers @ vector if len(self.answers) else np.zeros(0)
        scores = np.empty(len(self.classes), dtype=np.float32)
        for n, (rows, answer_rows) in enumerate(zip(self._rows, self._answer_rows,
                                                    strict=True)):
            k = min(self.K, len(rows))
            top = np.partition(near[rows], len(rows) - k)[-k:]
            extra = answered[answer_rows].max() if len(answer_rows) else self.ANSWER_BASELINE
            scores[n] = top.mean() + self.ANSWER_WEIGHT * extra
        order = np.argsort(-scores)[:5]
        ranking = tuple((self.classes[i], float(scores[i])) for i in order)
        best, score = ranking[0]
        if best.startswith(SMALLTALK):
            intent = best[len(SMALLTALK):]
            kind: Kind = intent if intent in ("greeting", "thanks", "goodbye") else "unknown"  # type: ignore[assignment]
            return Match(kind, None, score, ranking)
        if score < self.MIN_SCORE:
            return Match("unknown", None, score, ranking)
        return Match("answer", best, score, ranking)
