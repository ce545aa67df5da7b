"""The FAQ desk: the answer for a message, in the right language, with where to go next.

Built once at start-up (`FaqDesk.open`): it loads the content, the embedding model and the
vectors, and then answers without any I/O.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bot.contacts import Contacts
from bot.engine.messages import N_
from bot.engine.normalize import ascii_digits
from bot.faq.content import Content, load_content
from bot.faq.keywords import KeywordIndex
from bot.faq.language import LanguageGuesser
from bot.faq.letters import Letters
from bot.faq.match import Classifier, LettersClassifier, Match, Matcher
from bot.faq.question import question_in
from bot.faq.spelling import Speller, standard
from bot.faq.titles import TITLES
from bot.faq.vectors import E5, Embedder, VectorCache

log = logging.getLogger(__name__)

MAX_QUESTION = 1000
"""Characters of a message that are looked at: its end, where the question usually is (the
model reads 512 tokens at a time, and a long text costs time)."""
RELATED = 3
VECTORS_FILE = "faq-vectors.npz"
SOURCES = N_("Sources: {sources} · reviewed {date}")
"""The footer of an answer: the sites it is based on and the day a person checked it."""


@dataclass
class FaqDesk:
    content: Content
    matcher: Matcher
    embedder: Embedder
    guesser: LanguageGuesser
    keywords: KeywordIndex
    contacts: Contacts
    languages: tuple[str, ...]
    fallback: tuple[str, ...]
    endonyms: Mapping[str, str]
    speller: Speller
    load_seconds: float = 0.0
    cache: VectorCache | None = None
    """The vectors it was built from, kept so that a desk built again with staff's edits
    (`bot.faq.current`) embeds only the texts that are new."""

    @classmethod
    def open(cls, content_dir: Path, languages: Sequence[str], contacts: Contacts,
             fallback: Sequence[str], endonyms: Mapping[str, str],
             embedder: Embedder | None = None) -> FaqDesk:
        """The desk of the content files, with the vectors of `content_dir`'s file (what is
        missing from it is embedded and the file written again)."""
        content = load_content(content_dir, languages, set(contacts.entries))
        cache = VectorCache(content_dir / VECTORS_FILE, embedder or E5())
        return cls.build(content, cache, contacts, languages, fallback, endonyms, save=True)

    @classmethod
    def build(cls, content: Content, cache: VectorCache, contacts: Contacts,
              languages: Sequence[str], fallback: Sequence[str], endonyms: Mapping[str, str],
              *, save: bool, previous: Matcher | None = None) -> FaqDesk:
        """The desk of `content` (checked already). Texts `cache` does not know are embedded
        (about 20 ms each). `save`: write what was added to the cache's file (never for
        content with staff's edits: the file is the content files' own, shipped with them).

        The classifier of the vectors is trained again when the examples changed (tens of
        seconds on a busy core) unless `previous`, a matcher of the same topics, gives its
        own: then new ways of asking count through their nearest neighbours at once, and that
        classifier, a small share of the score, is trained on them when the files next change
        (`faq index`). The classifier of the letters is always trained on the examples (about
        six seconds on a busy core): kept from before, it would hold a question staff just
        added to a topic to what its letters said before (tests/console/test_faq.py)."""
        started = time.perf_counter()
        # Scoring is a 3000×384 matrix times a vector: well under a millisecond on one
        # core. OpenBLAS's own threads keep spinning after each product and take the cores
        # the embedding model's OpenMP threads need (measured: p95 120 ms a question with
        # them, 25 ms without).
        threadpool_limits(limits=1, user_api="blas")
        embedder = cache.embedder
        texts, labels, answers, answer_labels = _corpus(content)
        loanwords = [term for topic in content.topics.values() for term in topic.keywords]
        read = [standard(text) for text in texts]  # as messages are read (spelling.py)
        # The classifiers are trained on all the examples (seconds): kept in the file under
        # a key naming what they were trained on, so they are trained again only after a
        # change.
        trained = Classifier.key([cache.key(t, "query") for t in read], labels)
        stored = cache.array(trained)
        trained_letters = LettersClassifier.key(read, labels)
        stored_letters = cache.array(trained_letters)
        stored_idf = cache.array(f"{trained_letters}_idf")
        letters = Letters(read, stored_idf)
        if stored_idf is None:
            cache.put_array(f"{trained_letters}_idf", letters.idf)
        if previous is not None and previous.classes != sorted(set(labels)):
            previous = None
        kept = previous.classifier if previous is not None else None
        # The letters' weights (16385 × classes) are kept in half precision: half the file.
        given = (LettersClassifier(stored_letters.astype(np.float32))
                 if stored_letters is not None else None)
        matcher = Matcher(cache.vectors(read, "query"), labels,
                          cache.vectors(answers, "passage"), answer_labels,
                          Classifier(stored) if stored is not None else kept,
                          letters, read, given)
        if matcher.classifier is not kept and (stored is None
                                               or matcher.classifier.weights is not stored):
            cache.put_array(trained, matcher.classifier.weights)
        made = matcher.letters_classifier
        if made is not None and made is not given:
            cache.put_array(trained_letters, made.weights.astype(np.float16))
        if save:
            cache.save(keep={cache.key(t, "query") for t in read}
                       | {cache.key(a, "passage") for a in answers})
        desk = cls(content, matcher, embedder, LanguageGuesser(languages, loanwords),
                   KeywordIndex({t.id: t.keywords for t in content.topics.values()}), contacts,
                   tuple(languages), tuple(fallback), endonyms,
                   Speller([*texts, *answers]), cache=cache)
        desk.load_seconds = time.perf_counter() - started
        log.info("faq_ready topics=%d examples=%d seconds=%.1f", len(content.topics),
                 len(texts), desk.load_seconds)
        return desk

    def classify(self, text: str) -> Match:
        """The topic of a message, or small talk. A long message is looked at through its
        question, and as a whole if that is small talk by itself (question.py)."""
        # "۱۱۲" and "112" are the same number; the model only knows the second well.
        text = ascii_digits(text[-MAX_QUESTION:])
        asked = question_in(text)
        if asked is not None:
            match = self.matcher.decide(self._scores(asked), asked)
            if match.kind == "answer":
                return match
        return self.matcher.decide(self._scores(text), text)

    def _scores(self, text: str) -> np.ndarray:
        read = self.speller.correct(text)
        vector = self.embedder.embed(read, "query")
        return self.matcher.scores(vector, self.keywords.topics_in(text), read)

    def answer(self, text: str, lang: str, declined: Collection[str] = ()) -> dict[str, Any]:
        """What the FAQ flow shows for a message (JSON, kept in the conversation), by the
        rule of `bot/faq/language.py`:

        kind      answer | greeting | thanks | goodbye | unknown
        lang      the language to answer in: the message's, when it is clearly another
        switch    true when that is not the conversation's language and not one of the
                  `declined` ones (offer to switch)
        topic, answer, more, footer, related   for kind answer (see `topic`)
        card      for kind unknown: how to reach the Welcome Center ("" if not entered)
        """
        other = self.guesser.clearly_other(text, lang)
        answer_lang = other or lang
        match = self.classify(text)
        result: dict[str, Any] = {
            "kind": match.kind, "lang": answer_lang,
            "switch": other is not None and other not in declined,
            "language_name": self.endonyms.get(answer_lang, answer_lang),
            "score": round(match.score, 4),
        }
        if match.kind == "answer" and match.topic is not None:
            result.update(self.topic(match.topic, answer_lang))
        elif match.kind == "unknown":
            result["card"] = self.contacts.card_text("welcome_center", answer_lang) or ""
        return result

    def topic(self, topic_id: str, lang: str) -> dict[str, Any]:
        """A topic's answer in `lang` (or the first language of the fallback chain that has
        one, with `fallback` saying which), in two parts, and up to three related topics as
        buttons:

        answer    the first lines, which answer the question (shown at once)
        more      the details, then the contact cards of its offices that the city has
                  filled in ("" when there is nothing more: no "More" button then)
        footer    "Sources: bamf.de, ... · reviewed <date>", a message for the reader's
                  locale (see `bot.engine.cursor.as_param`), shown after the last part
        """
        topic = self.content.topics[topic_id]
        shown = next((code for code in (lang, *self.fallback) if topic.answer.get(code)), lang)
        short, rest = topic.parts(shown)
        cards = [card for contact in topic.contacts
                 if (card := self.contacts.card_text(contact, shown))]
        return {
            "kind": "answer", "topic": topic_id, "answer": short,
            "more": "\n\n".join(part for part in (rest, *cards) if part),
            "footer": {"msgid": SOURCES, "params": {
                "sources": {"verbatim": ", ".join(topic.source_domains())},
                "date": {"date": topic.reviewed.isoformat()}}},
            "fallback": shown if shown != lang else None,
            "related": [{"label": TITLES[r], "value": f"faq:{r}"}
                        for r in topic.related[:RELATED] if r in TITLES],
        }


def _corpus(content: Content) -> tuple[list[str], list[str], list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    answers: list[str] = []
    answer_labels: list[str] = []
    for topic in content.topics.values():
        for questions in topic.questions.values():
            texts += [ascii_digits(q) for q in questions]
            labels += [topic.id] * len(questions)
        texts += topic.keywords
        labels += [topic.id] * len(topic.keywords)
        for text in topic.answer.values():
            answers.append(text)
            answer_labels.append(topic.id)
    for intent, by_lang in content.smalltalk.items():
        for examples in by_lang.values():
            texts += examples
            labels += [f"_{intent}"] * len(examples)
    return texts, labels, answers, answer_labels


@functools.lru_cache(maxsize=4)
def shared_desk(content_dir: Path, languages: tuple[str, ...],
                fallback: tuple[str, ...]) -> FaqDesk:
    """One desk per content folder and process (tests open the app many times; the model
    and the vectors need loading once)."""
    from bot.contacts import load_contacts
    from bot.i18n import endonyms

    contacts = load_contacts(content_dir / "contacts.yaml", fallback)
    return FaqDesk.open(content_dir, languages, contacts, fallback, endonyms(languages))
