"""Which FAQ topic a message is about, or that it is about none: nearest neighbours and a
classifier.

Every question of every topic (in all languages, with the topic's keywords) and every small
talk example (greetings, thanks, goodbyes, things the FAQ does not cover) is a vector. A
message is scored against each class by

* the mean similarity of its `K` nearest examples of that class,
* plus `ANSWER_WEIGHT` times its similarity to the topic's answers (small talk classes have
  no answers and get the baseline instead),
* plus `CLASSIFIER_WEIGHT` times the log-probability of the class by a classifier trained on
  all the examples (multinomial logistic regression: it weighs what sets a topic apart,
  where the nearest examples only see what is close),
* plus `LETTERS_WEIGHT` times the log-probability of the class by a second such classifier,
  trained on the letters of the examples rather than their vectors (character n-grams,
  letters.py: words the model does not know, German ones written in Arabic script),
* plus a bonus when the message names one of the topic's German keywords, in any script.

The best class wins; if it is small talk, or its score is below `MIN_SCORE`, there is no
topic. The weights are chosen by `python -m benchmarks.faq_methods` (cross-validation on the
content itself), which also measures the other choices (nearest single example, answers
alone, character n-grams, hybrids).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import scipy.sparse as sparse

from bot.faq.letters import BUCKETS, Letters

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


@dataclass(frozen=True)
class Classifier:
    """Multinomial logistic regression on the example vectors, trained by full-batch Adam:
    deterministic, numpy only, a few seconds for the content's examples (so the desk keeps
    what it trained next to the vectors: `VectorCache.array`)."""

    weights: np.ndarray
    """(dimensions + 1) × classes: the last row is the bias."""

    NAME = "classifier"
    L2 = 1e-3
    EPOCHS = 600
    TEMPERATURE = 0.03
    """The scores are divided by it: similarities of these vectors differ by hundredths."""
    RATE = 0.05

    @classmethod
    def key(cls, example_keys: Sequence[str], labels: Sequence[str]) -> str:
        """What the training depends on, as a short hash: the examples (by their vectors'
        cache keys), their labels and the settings above."""
        digest = hashlib.sha256(
            f"{cls.L2} {cls.EPOCHS} {cls.TEMPERATURE} {cls.RATE}".encode())
        for example, label in zip(example_keys, labels, strict=True):
            digest.update(f"\n{example} {label}".encode())
        return f"{cls.NAME}_" + digest.hexdigest()[:24]

    @classmethod
    def train(cls, examples: np.ndarray | sparse.csr_matrix, targets: np.ndarray,
              classes: int) -> Classifier:
        """`targets`: the class number of each example; `examples` one row each, dense or
        sparse."""
        ones = np.ones((examples.shape[0], 1), np.float32)
        x: np.ndarray | sparse.csr_matrix
        if sparse.issparse(examples):
            x = sparse.hstack([examples, ones], format="csr", dtype=np.float32)
        else:
            x = np.hstack([examples, ones]).astype(np.float32)
        rows = x.shape[0]
        truth = np.zeros((rows, classes), np.float32)
        truth[np.arange(rows), targets] = 1.0
        weights = np.zeros((x.shape[1], classes), np.float32)
        mean = np.zeros_like(weights)
        square = np.zeros_like(weights)
        for step in range(1, cls.EPOCHS + 1):
            logits = (x @ weights) / cls.TEMPERATURE
            logits -= logits.max(axis=1, keepdims=True)
            chances = np.exp(logits)
            chances /= chances.sum(axis=1, keepdims=True)
            gradient = np.asarray(x.T @ ((chances - truth) / (rows * cls.TEMPERATURE)),
                                  dtype=np.float32)
            gradient[:-1] += cls.L2 * weights[:-1]
            mean = 0.9 * mean + 0.1 * gradient
            square = 0.999 * square + 0.001 * gradient * gradient
            weights -= cls.RATE * (mean / (1 - 0.9 ** step)) / (
                np.sqrt(square / (1 - 0.999 ** step)) + 1e-8)
        return cls(weights)

    def log_chances(self, vector: np.ndarray) -> np.ndarray:
        return self._log_softmax(vector @ self.weights[:-1] + self.weights[-1])

    def log_chances_sparse(self, row: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """For a sparse vector: its nonzero dimensions and their values (`Letters.row`)."""
        dimensions, values = row
        return self._log_softmax(values @ self.weights[dimensions] + self.weights[-1])

    def _log_softmax(self, logits: np.ndarray) -> np.ndarray:
        logits = logits / self.TEMPERATURE
        logits -= logits.max()
        return np.asarray(logits - np.log(np.exp(logits).sum()), dtype=np.float32)


class LettersClassifier(Classifier):
    """The same on the examples' character n-grams (`Letters`): thousands of sparse
    dimensions, TF-IDF rows of length 1 whose products spread more than the vectors'."""

    NAME = "letters"
    L2 = 1e-4
    EPOCHS = 300
    TEMPERATURE = 0.1


class Matcher:
    # Chosen by `python -m benchmarks.faq_methods` (cross-validation on the content itself).
    K = 3
    ANSWER_WEIGHT = 0.3
    ANSWER_BASELINE = 0.83
    CLASSIFIER_WEIGHT = 0.0075
    LETTERS_WEIGHT = 0.0075
    KEYWORD_BONUS = 0.02
    """For a topic whose German keyword the message names, in any script (keywords.py)."""
    MIN_SCORE = 0.0

    def __init__(self, examples: np.ndarray, labels: Sequence[str], answers: np.ndarray,
                 answer_labels: Sequence[str], classifier: Classifier | None = None,
                 letters: Letters | None = None, texts: Sequence[str] = (),
                 letters_classifier: Classifier | None = None) -> None:
        """Without a `classifier` (one trained on these examples and labels, kept from
        before), one is trained (`Classifier.train`, seconds). `letters`: the n-grams of the
        examples, whose `texts` (as the model reads them) train the letters' classifier
        unless `letters_classifier` is given; without them, letters count for nothing."""
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
        if classifier is None or classifier.weights.shape != (examples.shape[1] + 1,
                                                              len(self.classes)):
            classifier = Classifier.train(
                examples, np.array([self._index[label] for label in labels]), len(self.classes))
        self.classifier = classifier
        self.letters = letters
        if letters is not None and (letters_classifier is None
                                    or letters_classifier.weights.shape != (
                                        BUCKETS + 1, len(self.classes))):
            letters_classifier = LettersClassifier.train(
                letters.matrix(texts), np.array([self._index[label] for label in labels]),
                len(self.classes))
        self.letters_classifier = letters_classifier if letters is not None else None

    def scores(self, vector: np.ndarray, named: Collection[str] = (),
               text: str | None = None) -> np.ndarray:
        """The score of each class (in the order of `classes`) for a message's vector;
        `named`: the topics whose keywords the message names; `text`: the message as the
        model read it (for its letters)."""
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
        scores = np.asarray(nearest + self.ANSWER_WEIGHT * extra
                            + self.CLASSIFIER_WEIGHT * self.classifier.log_chances(vector),
                            dtype=np.float32)
        if (text is not None and self.letters is not None
                and self.letters_classifier is not None):
            scores += self.LETTERS_WEIGHT * self.letters_classifier.log_chances_sparse(
                self.letters.row(text))
        for topic in named:
            if topic in self._index:
                scores[self._index[topic]] += self.KEYWORD_BONUS
        return scores

    def decide(self, scores: np.ndarray, text: str) -> Match:
        """The match for a message's `scores` (`scores`, or several combined)."""
        if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
            return Match("unknown", None, 0.0, ())  # only emoji, punctuation or nothing
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

    def match(self, vector: np.ndarray, text: str, named: Collection[str] = (),
              read: str | None = None) -> Match:
        """`named`: the topics whose keywords the message names; `read`: the text as the
        model read it (for its letters)."""
        return self.decide(self.scores(vector, named, read), text)
