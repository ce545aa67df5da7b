"""Which FAQ topic a message is about, or that it is about none: nearest neighbours.

Every question of every topic (in all languages, with the topic's keywords) and every small
talk example (greetings, thanks, goodbyes, things the FAQ does not cover) is a vector. A
message is scored against each topic by the mean similarity of its `K` nearest examples,
plus `ANSWER_WEIGHT` times its similarity to the topic's answers (small talk classes have no
answers and get the baseline instead), plus a bonus when the message names one of the topic's
German keywords, in any script. The best class wins; if it is small talk, or its score
is below `MIN_SCORE`, there is no topic. Measured against other choices in the closing note
of the FAQ issue (nearest single example, answers alone, character n-grams, hybrids).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, cast

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
    # Chosen by `python -m benchmarks.faq_methods` (cross-validation on the content itself).
    K = 7
    ANSWER_WEIGHT = 0.3
    ANSWER_BASELINE = 0.83
    KEYWORD_BONUS = 0.02
    """For a topic whose German keyword the message names, in any script (keywords.py)."""
    MIN_SCORE = 0.0

    def __init__(self, examples: np.ndarray, labels: Sequence[str], answers: np.ndarray,
                 answer_labels: Sequence[str]) -> None:
        self.examples = examples
        self.answers = answers
        self.classes = sorted(set(labels))
        self._index = {c: n for n, c in enumerate(self.classes)}
        # Rows of each class as one padded matrix (padding points at a -1 appended to the
        # similarities), so that scoring every class is a handful of numpy calls.
        label_array = np.array(labels)
        rows = [np.flatnonzero(label_array == c) for c in self.classes]
        self._sizes = np.array([len(r) for r in rows])
        self._rows = np.full((len(rows), max(map(len, rows))), len(labels))
        for n, r in enumerate(rows):
            self._rows[n, :len(r)] = r
        answer_array = np.array(answer_labels)
        answer_rows = [np.flatnonzero(answer_array == c) for c in self.classes]
        self._answer_rows = np.full((len(rows), max(1, *map(len, answer_rows))), len(answers))
        for n, r in enumerate(answer_rows):
            self._answer_rows[n, :len(r)] = r
        self._has_answer = np.array([len(r) > 0 for r in answer_rows])

    def match(self, vector: np.ndarray, text: str, named: Collection[str] = ()) -> Match:
        """`named`: the topics whose keywords the message names."""
        if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
            return Match("unknown", None, 0.0, ())  # only emoji, punctuation or nothing
        near = np.append(self.examples @ vector, -1.0)
        k = min(self.K, self._rows.shape[1])
        top = -np.partition(-near[self._rows], k - 1, axis=1)[:, :k]
        # Classes with fewer than K examples average what they have (padding is -1, below
        # any real similarity of these vectors).
        nearest = np.where(top > -1.0, top, 0.0).sum(axis=1) / np.minimum(self._sizes, k)
        answered = np.append(self.answers @ vector, -1.0) if len(self.answers) else [-1.0]
        extra = np.where(self._has_answer,
                         np.asarray(answered)[self._answer_rows].max(axis=1),
                         self.ANSWER_BASELINE)
        scores = (nearest + self.ANSWER_WEIGHT * extra).astype(np.float32)
        for topic in named:
            if topic in self._index:
                scores[self._index[topic]] += self.KEYWORD_BONUS
        order = np.argsort(-scores)[:5]
        ranking = tuple((self.classes[i], float(scores[i])) for i in order)
        best, score = ranking[0]
        if best.startswith(SMALLTALK):
            intent = best[len(SMALLTALK):]
            kind: Kind = "unknown"
            if intent in ("greeting", "thanks", "goodbye"):
                kind = cast(Kind, intent)
            return Match(kind, None, score, ranking)
        if score < self.MIN_SCORE:
            return Match("unknown", None, score, ranking)
        return Match("answer", best, score, ranking)
