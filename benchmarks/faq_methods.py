"""Which way of finding the FAQ topic works best: the measurement behind bot/faq/match.py.

    .venv/bin/python -m benchmarks.faq_methods [--dev DEV.jsonl] [--folds 5]

Two measurements, for each method:

* cross-validation on our own content: the questions and small talk examples are split into
  `--folds` parts (seeded); each part is classified by a matcher built from the others. An
  off-topic example must come out as "no topic". This does not look at any evaluation set,
  so choosing by it cannot overfit one.
* the dev set, if given (on-topic accuracy and correct "don't know"), as a check.

Methods: the nearest single example; the mean of the K nearest; that plus the similarity to
the topic's answers; with a threshold for small talk ("base"); with a bonus for German keywords
named in any script (bot/faq/keywords.py); character 2-4-gram TF-IDF (needs scikit-learn,
which the bot does not: `pip install scikit-learn` to include it).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bot.engine.normalize import ascii_digits
from bot.faq.content import load_content
from bot.faq.desk import VECTORS_FILE, _corpus
from bot.faq.keywords import KeywordIndex
from bot.faq.match import SMALLTALK, Matcher
from bot.faq.vectors import E5, VectorCache

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
Classify = Callable[[int], str | None]
"""Row of the query matrix -> topic or None."""


def knn(k: int, weight: float, baseline: float = 0.80, bonus: float = 0.0
        ) -> Callable[..., Matcher]:
    def build(examples: np.ndarray, labels: Sequence[str], answers: np.ndarray,
              answer_labels: Sequence[str]) -> Matcher:
        matcher = Matcher(examples, labels, answers, answer_labels)
        matcher.K, matcher.ANSWER_WEIGHT, matcher.ANSWER_BASELINE = k, weight, baseline
        matcher.KEYWORD_BONUS = bonus
        return matcher
    return build


def expected(label: str) -> str | None:
    return None if label.startswith(SMALLTALK) else label


def score(predictions: list[str | None], truth: list[str | None]) -> tuple[float, float]:
    on = [(p, t) for p, t in zip(predictions, truth, strict=True) if t is not None]
    off = [p for p, t in zip(predictions, truth, strict=True) if t is None]
    return (sum(p == t for p, t in on) / max(len(on), 1),
            sum(p is None for p in off) / max(len(off), 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    content = load_content(ROOT / "content", LANGS)
    embedder = E5()
    cache = VectorCache(ROOT / "content" / VECTORS_FILE, embedder)
    texts, labels, answers, answer_labels = _corpus(content)
    vectors = cache.vectors(texts, "query")
    answer_vectors = cache.vectors(answers, "passage")
    keywords = KeywordIndex({t.id: t.keywords for t in content.topics.values()})
    named = [keywords.topics_in(text) for text in texts]
    folds = list(range(len(texts)))
    random.Random(7).shuffle(folds)
    fold_of = np.empty(len(texts), dtype=int)
    for n, row in enumerate(folds):
        fold_of[row] = n % args.folds

    dev: list[dict[str, str]] = []
    dev_vectors = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    if args.dev:
        dev = [json.loads(line) for line in args.dev.read_text().splitlines() if line.strip()]
        dev_vectors = np.stack([embedder.embed(ascii_digits(item["text"]), "query")
                                for item in dev])

    methods = {
        "nearest example": knn(1, 0.0),
        "mean of 3 nearest": knn(3, 0.0),
        "mean of 7 nearest": knn(7, 0.0),
        "3 nearest + 0.3 answer": knn(3, 0.3, 0.80),
        "7 nearest + 0.3 answer": knn(7, 0.3, 0.80),
        "7 nearest + 0.15, base .86": knn(7, 0.15, 0.86),
        "7 nearest + 0.3, base .83": knn(7, 0.3, 0.83),
        "10 nearest + 0.3, base .83": knn(10, 0.3, 0.83),
        "7/0.3/.83 + keywords .01": knn(7, 0.3, 0.83, 0.01),
        "7/0.3/.83 + keywords .02": knn(7, 0.3, 0.83, 0.02),
        "7/0.3/.83 + keywords .04": knn(7, 0.3, 0.83, 0.04),
    }
    print(f"{len(texts)} examples, {len(answers)} answers, {args.folds} folds")
    print(f"{'method':<26} {'cv on-topic':>12} {'cv dont-know':>13} {'dev on-topic':>13} "
          f"{'dev dont-know':>14}")
    for name, build in methods.items():
        predictions: list[str | None] = [None] * len(texts)
        for fold in range(args.folds):
            train = np.flatnonzero(fold_of != fold)
            matcher = build(vectors[train], [labels[i] for i in train], answer_vectors,
                            answer_labels)
            for row in np.flatnonzero(fold_of == fold):
                predictions[row] = matcher.match(vectors[row], texts[row], named[row]).topic
        cv = score(predictions, [expected(label) for label in labels])
        line = f"{name:<26} {cv[0]:>12.3f} {cv[1]:>13.3f}"
        if dev:
            matcher = build(vectors, labels, answer_vectors, answer_labels)
            found = [matcher.match(v, item["text"], keywords.topics_in(item["text"])).topic
                     for v, item in zip(dev_vectors, dev, strict=True)]
            on, off = score(found, [item.get("topic") for item in dev])
            line += f" {on:>13.3f} {off:>14.3f}"
        print(line, flush=True)
    tfidf(texts, labels, fold_of, args.folds, dev)


def tfidf(texts: list[str], labels: list[str], fold_of: np.ndarray, folds: int,
          dev: list[dict[str, str]]) -> None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        print("char 2-4-gram TF-IDF: skipped (pip install scikit-learn)")
        return

    def nearest(train: np.ndarray, queries: list[str]) -> list[str | None]:
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        matrix = vectorizer.fit_transform([texts[i] for i in train])
        best = (vectorizer.transform(queries) @ matrix.T).toarray().argmax(axis=1)
        return [expected(labels[train[b]]) for b in best]

    predictions: list[str | None] = [None] * len(texts)
    for fold in range(folds):
        held = np.flatnonzero(fold_of == fold)
        for row, found in zip(held, nearest(np.flatnonzero(fold_of != fold),
                                            [texts[i] for i in held]), strict=True):
            predictions[row] = found
    cv = score(predictions, [expected(label) for label in labels])
    line = f"{'char 2-4-gram TF-IDF':<26} {cv[0]:>12.3f} {cv[1]:>13.3f}"
    if dev:
        found = nearest(np.arange(len(texts)), [item["text"] for item in dev])
        on, off = score(found, [item.get("topic") for item in dev])
        line += f" {on:>13.3f} {off:>14.3f}"
    print(line)


if __name__ == "__main__":
    main()
