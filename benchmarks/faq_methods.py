"""Which way of finding the FAQ topic works best: the measurement behind bot/faq/match.py.

    .venv/bin/python -m benchmarks.faq_methods [--dev DEV.jsonl] [--folds 5] [--typos] [--long]

Measurements, for each method:

* cross-validation on our own content: the questions and small talk examples are split into
  `--folds` parts (seeded); each part is classified by a matcher built from the others (its
  classifier trained on them too). An off-topic example must come out as "no topic". This
  does not look at any evaluation set, so choosing by it cannot overfit one. Per language for
  the method the bot uses.
* the dev set, if given (on-topic accuracy and correct "don't know"), as a check.
* `--typos`: the same cross-validation with one typo in each held-out question (seeded: an
  Arabic-script letter written with another of the same sound, ط for ت; a letter dropped,
  doubled, swapped or a vowel changed), as the bot reads it (bot/faq/spelling.py) and
  without the spelling correction.
* `--long`: held-out questions (of the first fold) after four to ten sentences of a story and
  with a closing line after them (benchmarks/faq_stories.yaml), looked at whole and as the
  bot does (bot/faq/question.py).

The texts these make are embedded once and kept in the system's temporary folder
(faq-benchmark-vectors.npz): the first run with --typos and --long takes a while.

Methods: the nearest single example; the mean of the K nearest; that plus the similarity to
the topic's answers; with a threshold for small talk ("base"); with a bonus for German keywords
named in any script (bot/faq/keywords.py); with the classifier's log-probabilities
(bot/faq/match.py: `Classifier`); with those of the letters' classifier too (character
2-4-grams, bot/faq/letters.py: `LettersClassifier`); character 2-4-gram TF-IDF nearest
example (needs scikit-learn, which the bot does not: `pip install scikit-learn` to include it).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from threadpoolctl import threadpool_limits

from bot.engine.normalize import ascii_digits
from bot.faq.content import load_content
from bot.faq.desk import VECTORS_FILE, _corpus
from bot.faq.keywords import KeywordIndex
from bot.faq.letters import Letters
from bot.faq.match import SMALLTALK, Classifier, LettersClassifier, Match, Matcher
from bot.faq.question import question_in
from bot.faq.spelling import Speller, standard
from bot.faq.vectors import E5, VectorCache

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
STORIES = Path(__file__).with_name("faq_stories.yaml")
CACHE = Path(tempfile.gettempdir()) / "faq-benchmark-vectors.npz"


@dataclass(frozen=True)
class Method:
    k: int
    weight: float = 0.0
    baseline: float = 0.80
    bonus: float = 0.0
    classifier: float = 0.0
    letters: float = 0.0


def build(method: Method, examples: np.ndarray, labels: Sequence[str], answers: np.ndarray,
          answer_labels: Sequence[str], classifier: Classifier,
          letters: tuple[Letters, Classifier] | None = None) -> Matcher:
    matcher = Matcher(examples, labels, answers, answer_labels, classifier,
                      *((letters[0], (), letters[1]) if letters else ()))
    matcher.K, matcher.ANSWER_WEIGHT, matcher.ANSWER_BASELINE = (
        method.k, method.weight, method.baseline)
    matcher.KEYWORD_BONUS, matcher.CLASSIFIER_WEIGHT = method.bonus, method.classifier
    matcher.LETTERS_WEIGHT = method.letters
    # log-probabilities alone are below the bot's minimum score
    if max(method.classifier, method.letters) >= 1:
        matcher.MIN_SCORE = float("-inf")
    return matcher


BOT = Method(Matcher.K, Matcher.ANSWER_WEIGHT, Matcher.ANSWER_BASELINE, Matcher.KEYWORD_BONUS,
             Matcher.CLASSIFIER_WEIGHT, Matcher.LETTERS_WEIGHT)
METHODS = {
    "nearest example": Method(1),
    "mean of 3 nearest": Method(3),
    "mean of 7 nearest": Method(7),
    "3 nearest + 0.3 answer": Method(3, 0.3),
    "7 nearest + 0.3 answer": Method(7, 0.3),
    "7 nearest + 0.15, base .86": Method(7, 0.15, 0.86),
    "7 nearest + 0.3, base .83": Method(7, 0.3, 0.83),
    "10 nearest + 0.3, base .83": Method(10, 0.3, 0.83),
    "7/0.3/.83 + keywords .02": Method(7, 0.3, 0.83, 0.02),
    "7/0.3/.83 + keywords .04": Method(7, 0.3, 0.83, 0.04),
    "7/.3/.83/kw .02 + clf .005": Method(7, 0.3, 0.83, 0.02, 0.005),
    "7/.3/.83/kw .02 + clf .0075": Method(7, 0.3, 0.83, 0.02, 0.0075),
    "7/.3/.83/kw .02 + clf .01": Method(7, 0.3, 0.83, 0.02, 0.01),
    "7/.3/.83/kw .02 + clf .02": Method(7, 0.3, 0.83, 0.02, 0.02),
    "7/.3/.83/kw .03 + clf .01": Method(7, 0.3, 0.83, 0.03, 0.01),
    "3/.3/.83/kw .02 + clf .005": Method(3, 0.3, 0.83, 0.02, 0.005),
    "3/.3/.83/kw .02 + clf .0075": Method(3, 0.3, 0.83, 0.02, 0.0075),
    "3/.3/.83/kw .02 + clf .01": Method(3, 0.3, 0.83, 0.02, 0.01),
    "5/.3/.83/kw .02 + clf .0075": Method(5, 0.3, 0.83, 0.02, 0.0075),
    "3/.3/.83/kw/clf + let .003": Method(3, 0.3, 0.83, 0.02, 0.0075, 0.003),
    "3/.3/.83/kw/clf + let .005": Method(3, 0.3, 0.83, 0.02, 0.0075, 0.005),
    "3/.3/.83/kw/clf + let .0075": Method(3, 0.3, 0.83, 0.02, 0.0075, 0.0075),
    "3/.3/.83/kw/clf + let .01": Method(3, 0.3, 0.83, 0.02, 0.0075, 0.01),
    "3/.3/.83/kw/clf .01 + let .005": Method(3, 0.3, 0.83, 0.02, 0.01, 0.005),
    "5/.3/.83/kw/clf + let .005": Method(5, 0.3, 0.83, 0.02, 0.0075, 0.005),
    "classifier alone": Method(7, 0.0, 0.0, 0.0, 100.0),  # the rest only breaks ties
    "letters' classifier alone": Method(7, 0.0, 0.0, 0.0, 0.0, 100.0),
}


def expected(label: str) -> str | None:
    return None if label.startswith(SMALLTALK) else label


def score(predictions: Sequence[str | None], truth: Sequence[str | None]) -> tuple[float, float]:
    on = [(p, t) for p, t in zip(predictions, truth, strict=True) if t is not None]
    off = [p for p, t in zip(predictions, truth, strict=True) if t is None]
    return (sum(p == t for p, t in on) / max(len(on), 1),
            sum(p is None for p in off) / max(len(off), 1))


def per_language(predictions: Sequence[str | None], truth: Sequence[str | None],
                 langs: Sequence[str]) -> str:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p, t, lang in zip(predictions, truth, langs, strict=True):
        if t is not None and lang in LANGS:
            tally[lang][0] += p == t
            tally[lang][1] += 1
    return ", ".join(f"{lang} {tally[lang][0] / tally[lang][1]:.3f}" for lang in LANGS
                     if tally[lang][1])


class Embeddings:
    """The embedding model behind a cache of everything this benchmark made up."""

    def __init__(self, content_cache: VectorCache) -> None:
        self.content = content_cache
        self.made = VectorCache(CACHE, content_cache.embedder)

    def of(self, texts: Sequence[str]) -> np.ndarray:
        texts = [ascii_digits(t) for t in texts]
        known = [self.content.known(t, "query") for t in texts]
        rows = np.zeros((len(texts), 384), dtype=np.float32)
        if any(known):
            rows[np.flatnonzero(known)] = self.content.vectors(
                [t for t, k in zip(texts, known, strict=True) if k], "query")
        if not all(known):
            rows[np.flatnonzero(np.logical_not(known))] = self.made.vectors(
                [t for t, k in zip(texts, known, strict=True) if not k], "query")
            self.made.save()
        return rows


@dataclass
class Setup:
    texts: list[str]
    labels: list[str]
    langs: list[str]
    vectors: np.ndarray
    answers: np.ndarray
    answer_labels: list[str]
    answer_texts: list[str]
    keywords: KeywordIndex
    fold_of: np.ndarray
    folds: int
    classifiers: dict[int, Classifier]
    letters: dict[int, tuple[Letters, Classifier]]
    """Of each fold: the n-grams of its training examples and their classifier."""

    def train(self, fold: int) -> np.ndarray:
        return np.flatnonzero(self.fold_of != fold)

    def matcher(self, method: Method, fold: int) -> Matcher:
        train = self.train(fold)
        return build(method, self.vectors[train], [self.labels[i] for i in train],
                     self.answers, self.answer_labels, self.classifiers[fold],
                     self.letters[fold])


def setup(folds: int) -> tuple[Setup, Embeddings]:
    content = load_content(ROOT / "content", LANGS)
    cache = VectorCache(ROOT / "content" / VECTORS_FILE, E5())
    texts, labels, answer_texts, answer_labels = _corpus(content)
    langs: list[str] = []
    for topic in content.topics.values():
        for lang, questions in topic.questions.items():
            langs += [lang] * len(questions)
        langs += ["keyword"] * len(topic.keywords)
    for by_lang in content.smalltalk.values():
        for lang, examples in by_lang.items():
            langs += [lang] * len(examples)
    order = list(range(len(texts)))
    random.Random(7).shuffle(order)
    fold_of = np.empty(len(texts), dtype=int)
    for n, row in enumerate(order):
        fold_of[row] = n % folds
    read = [standard(text) for text in texts]  # as the desk does
    vectors = cache.vectors(read, "query")
    classes = sorted(set(labels))
    classifiers = {}
    letters = {}
    for fold in range(folds):
        train = np.flatnonzero(fold_of != fold)
        targets = np.array([classes.index(labels[i]) for i in train])
        classifiers[fold] = Classifier.train(vectors[train], targets, len(classes))
        grams = Letters([read[i] for i in train])
        letters[fold] = (grams, LettersClassifier.train(
            grams.matrix([read[i] for i in train]), targets, len(classes)))
    keywords = KeywordIndex({t.id: t.keywords for t in content.topics.values()})
    return Setup(texts, labels, langs, vectors, cache.vectors(answer_texts, "passage"),
                 answer_labels, answer_texts, keywords, fold_of, folds,
                 classifiers, letters), Embeddings(cache)


def cross_validate(s: Setup, method: Method, texts: Sequence[str] | None = None,
                   vectors: np.ndarray | None = None) -> list[str | None]:
    """Each held-out example classified by a matcher of the other folds; `texts` and
    `vectors` replace the held-out examples (typos)."""
    texts = texts if texts is not None else s.texts
    vectors = vectors if vectors is not None else s.vectors
    predictions: list[str | None] = [None] * len(s.texts)
    for fold in range(s.folds):
        matcher = s.matcher(method, fold)
        for row in np.flatnonzero(s.fold_of == fold).tolist():
            predictions[row] = matcher.match(vectors[row], texts[row],
                                             s.keywords.topics_in(texts[row]),
                                             standard(texts[row])).topic
    return predictions


# -- typos ----------------------------------------------------------------------------------

_SAME_SOUND = {
    "ت": "ط", "ط": "ت", "س": "ثص", "ث": "س", "ص": "س", "ز": "ذضظ", "ذ": "ز", "ض": "ز",
    "ظ": "ز", "ه": "ح", "ح": "ه", "ی": "ي", "ي": "ی", "ک": "ك", "ك": "ک", "ا": "آأ", "آ": "ا",
    "أ": "ا", "ق": "غ", "غ": "ق", "ة": "ه",
}
_VOWEL = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o", "ı": "i", "ü": "u", "ö": "o",
          "и": "і", "і": "и", "е": "и", "о": "а", "а": "о", "ы": "и", "є": "е"}
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def typo(text: str, rng: random.Random) -> str:
    """One typo in one word of four letters or more."""
    words = list(_LONG_WORD.finditer(text))
    if not words:
        return text
    found = rng.choice(words)
    word = found.group()
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in word)
    kinds = ["drop", "double", "swap"]
    if arabic and any(ch in _SAME_SOUND for ch in word):
        kinds += ["sound"] * 4
    if not arabic and any(ch.lower() in _VOWEL for ch in word):
        kinds += ["vowel"] * 2
    kind = rng.choice(kinds)
    at = rng.randrange(1, len(word))
    if kind == "drop":
        new = word[:at] + word[at + 1:]
    elif kind == "double":
        new = word[:at] + word[at] + word[at:]
    elif kind == "swap":
        at = min(at, len(word) - 2)
        new = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    else:
        table = _SAME_SOUND if kind == "sound" else _VOWEL
        spots = [i for i, ch in enumerate(word) if (ch if arabic else ch.lower()) in table]
        at = rng.choice(spots)
        new = word[:at] + rng.choice(table[word[at] if arabic else word[at].lower()]) + \
            word[at + 1:]
    return text[:found.start()] + new + text[found.end():]


def typos(s: Setup, embeddings: Embeddings, methods: dict[str, Method]) -> None:
    rng = random.Random(11)
    wrong = [typo(text, rng) if lang != "keyword" else text
             for text, lang in zip(s.texts, s.langs, strict=True)]
    corrected = list(wrong)
    for fold in range(s.folds):
        train = s.train(fold)
        speller = Speller([*(s.texts[i] for i in train), *s.answer_texts])
        for row in np.flatnonzero(s.fold_of == fold):
            corrected[row] = speller.correct(wrong[row])
    truth = [expected(label) for label in s.labels]
    changed = sum(w != t for w, t in zip(wrong, s.texts, strict=True))
    print(f"\none typo in each held-out question ({changed} changed), cross-validation:")
    for reading, texts in (("as written", wrong), ("spelling corrected", corrected)):
        vectors = embeddings.of([standard(text) for text in texts])
        for name, method in methods.items():
            found = cross_validate(s, method, texts, vectors)
            on, off = score(found, truth)
            print(f"  {name:<28} {reading:<19} on-topic {on:.3f}  dont-know {off:.3f} | "
                  + per_language(found, truth, s.langs), flush=True)


# -- long messages ----------------------------------------------------------------------------

def long_messages(s: Setup, embeddings: Embeddings, method: Method) -> None:
    stories = yaml.safe_load(STORIES.read_text(encoding="utf-8"))
    rng = random.Random(5)
    rows = [row for row in np.flatnonzero(s.fold_of == 0)
            if s.langs[row] in LANGS and not s.labels[row].startswith(SMALLTALK)]
    made = {
        "story, then the question": [
            " ".join([*rng.sample(stories[s.langs[r]]["before"], rng.randint(4, 10)),
                      s.texts[r]]) for r in rows],
        "story, question, closing line": [
            " ".join([*rng.sample(stories[s.langs[r]]["before"], rng.randint(4, 10)),
                      s.texts[r], rng.choice(stories[s.langs[r]]["after"])]) for r in rows],
    }
    matcher = s.matcher(method, 0)
    speller = Speller([*(s.texts[i] for i in s.train(0)), *s.answer_texts])
    truth = [s.labels[r] for r in rows]
    langs = [s.langs[r] for r in rows]
    alone = [matcher.match(s.vectors[r], s.texts[r], s.keywords.topics_in(s.texts[r]),
                           standard(s.texts[r])).topic for r in rows]
    print(f"\nlong messages: {len(rows)} held-out questions of fold 1")
    print(f"  {'the question alone':<30} {'':<20} {score(alone, truth)[0]:.3f} | "
          + per_language(alone, truth, langs))

    def whole(text: str) -> Match:
        text = ascii_digits(text)
        read = speller.correct(text)
        return matcher.match(embeddings.of([read])[0], text, s.keywords.topics_in(text), read)

    def as_the_bot(text: str) -> Match:  # FaqDesk.classify
        text = ascii_digits(text)
        asked = question_in(text)
        if asked is not None:
            read = speller.correct(asked)
            match = matcher.match(embeddings.of([read])[0], asked, s.keywords.topics_in(asked),
                                  read)
            if match.kind == "answer":
                return match
        return whole(text)

    for name, texts in made.items():
        embeddings.of([speller.correct(t) for t in texts]  # all at once
                      + [speller.correct(q) for t in texts if (q := question_in(t))])
        for reading, classify in (("looked at whole", whole), ("as the bot does", as_the_bot)):
            found = [classify(text).topic for text in texts]
            print(f"  {name:<30} {reading:<20} {score(found, truth)[0]:.3f} | "
                  + per_language(found, truth, langs), flush=True)


# -- the table ---------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--typos", action="store_true")
    parser.add_argument("--long", action="store_true")
    args = parser.parse_args()
    threadpool_limits(limits=1, user_api="blas")  # as the bot does (desk.py)

    s, embeddings = setup(args.folds)
    dev: list[dict[str, str]] = []
    dev_vectors = np.zeros((0, s.vectors.shape[1]), dtype=np.float32)
    full = Classifier(np.zeros((s.vectors.shape[1] + 1, len(set(s.labels))), np.float32))
    full_letters: tuple[Letters, Classifier] | None = None
    dev_read: list[str] = []
    if args.dev:
        dev = [json.loads(line) for line in args.dev.read_text().splitlines() if line.strip()]
        speller = Speller([*s.texts, *s.answer_texts])
        dev_read = [speller.correct(item["text"]) for item in dev]
        dev_vectors = embeddings.of(dev_read)
        read = [standard(text) for text in s.texts]
        whole = Matcher(s.vectors, s.labels, s.answers, s.answer_labels, None, Letters(read),
                        read)
        assert whole.letters is not None and whole.letters_classifier is not None
        full, full_letters = whole.classifier, (whole.letters, whole.letters_classifier)
    truth = [expected(label) for label in s.labels]
    print(f"{len(s.texts)} examples, {len(s.answer_labels)} answers, {args.folds} folds")
    print(f"{'method':<28} {'cv on-topic':>12} {'cv dont-know':>13} {'dev on-topic':>13} "
          f"{'dev dont-know':>14}")
    for name, method in METHODS.items():
        found = cross_validate(s, method)
        cv = score(found, truth)
        line = f"{name:<28} {cv[0]:>12.3f} {cv[1]:>13.3f}"
        if dev:
            matcher = build(method, s.vectors, s.labels, s.answers, s.answer_labels, full,
                            full_letters)
            picked = [matcher.match(v, item["text"], s.keywords.topics_in(item["text"]),
                                    said).topic
                      for v, item, said in zip(dev_vectors, dev, dev_read, strict=True)]
            on, off = score(picked, [item.get("topic") for item in dev])
            line += f" {on:>13.3f} {off:>14.3f}"
        print(line, flush=True)
    found = cross_validate(s, BOT)
    print("the bot's method, cross-validation on-topic per language: "
          + per_language(found, truth, s.langs))
    tfidf(s.texts, s.labels, s.fold_of, args.folds, dev)
    before = Method(7, 0.3, 0.83, 0.02)
    if args.typos:
        typos(s, embeddings, {"7/0.3/.83 + keywords .02": before, "the bot's method": BOT})
    if args.long:
        long_messages(s, embeddings, BOT)


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
    line = f"{'char 2-4-gram TF-IDF':<28} {cv[0]:>12.3f} {cv[1]:>13.3f}"
    if dev:
        found = nearest(np.arange(len(texts)), [item["text"] for item in dev])
        on, off = score(found, [item.get("topic") for item in dev])
        line += f" {on:>13.3f} {off:>14.3f}"
    print(line)


if __name__ == "__main__":
    main()
