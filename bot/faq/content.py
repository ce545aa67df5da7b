"""FAQ content: one file per topic, `content/faq/<id>.yaml`, and `content/smalltalk.yaml`.

```yaml
id: housing
reviewed: 2026-12-07          # the day a person last checked the facts against the sources
sources: [https://...]        # official pages (https), shown under the answer by their domain
related: [social-benefits, address-registration]
contacts: [housing_office, welcome_center]     # ids of content/contacts.yaml
keywords: [Wohnberechtigungsschein, WBS, Mietvertrag]
answer: {de: "...", en: "...", ...}             # one per supported language
questions: {de: ["wohnung finden", ...], ...}   # how people ask, in each language
```
An answer starts with two or three lines that answer the question (a phone screen's worth,
`SHORT_ANSWER` characters at most); a blank line, then the details, shown on "More"
(`Topic.parts`). Answers never promise contact details "below": the contact cards of
`contacts` are added after the details only where the city has filled them in.
Loading reports every problem with its file, as the flow checks do.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from bot.engine.textfile import NotText, read_text
from bot.engine.yamlsource import Source, parse
from bot.errors import StartupError
from bot.faq.titles import TOPIC_IDS

MIN_QUESTIONS = 6
SHORT_ANSWER = 350
"""Characters the first part of an answer may have (tests/faq/test_answer_shape.py)."""
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
SMALLTALK_INTENTS = ("greeting", "thanks", "goodbye", "offtopic")


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    reviewed: datetime.date
    sources: list[str] = Field(min_length=1)
    related: list[str] = []
    contacts: list[str] = []
    keywords: list[str] = []
    answer: dict[str, str]
    questions: dict[str, list[str]]

    def parts(self, lang: str) -> tuple[str, str]:
        """The answer in `lang` as (the short part, the rest): split at the first blank
        line; the rest is "" when there is none."""
        return split_answer(self.answer.get(lang, ""))

    def source_domains(self) -> list[str]:
        """The sources' sites, each once, in order and without "www.": a short footer."""
        domains: list[str] = []
        for url in self.sources:
            host = urlsplit(url).hostname or url
            host = host.removeprefix("www.")
            if host not in domains:
                domains.append(host)
        return domains


def split_answer(text: str) -> tuple[str, str]:
    """`text` split at its first blank line: the short part and the rest (or "")."""
    short, _, rest = _BLANK_LINE.sub("\n\n", text.strip(), count=1).partition("\n\n")
    return short.strip(), rest.strip()


@dataclass(frozen=True)
class Content:
    topics: dict[str, Topic]
    smalltalk: dict[str, dict[str, list[str]]]
    """intent -> language -> examples (greeting, thanks, goodbye, offtopic)."""


class ContentError(StartupError):
    """The FAQ content has problems; the message lists each as `file:line: what`."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("The FAQ content has problems:\n" + "\n".join(problems))
        self.problems = list(problems)


def load_content(folder: Path, languages: Sequence[str],
                 contact_ids: set[str] | None = None) -> Content:
    problems: list[str] = []
    topics: dict[str, Topic] = {}
    for topic_id in TOPIC_IDS:
        path = folder / "faq" / f"{topic_id}.yaml"
        if not path.exists():
            problems.append(f"{path}:1: missing; every topic of the fixed list (bot/faq/titles.py) "
                            "needs its file")
            continue
        source = _parse(path, problems)
        if source is None:
            continue
        try:
            topic = Topic.model_validate(source.value)
        except ValidationError as exc:
            problems += source.explain(exc)
            continue
        problems += _check(path, source, topic, languages, contact_ids)
        topics[topic_id] = topic
    for extra in sorted((folder / "faq").glob("*.yaml")):
        if extra.stem not in TOPIC_IDS:
            problems.append(f"{extra}:1: '{extra.stem}' is not one of the fixed topic ids "
                            "(bot/faq/titles.py); rename or remove the file")
    smalltalk = _load_smalltalk(folder / "smalltalk.yaml", problems)
    if problems:
        raise ContentError(problems)
    return Content(topics, smalltalk)


def _parse(path: Path, problems: list[str]) -> Source | None:
    """The YAML of `path` with its lines; None (and the problem noted) when unreadable."""
    try:
        source = parse(read_text(path), str(path))
    except NotText as exc:
        problems.append(str(exc))
        return None
    if source.error is not None:
        problems.append(f"{path}:{source.error[0]}: not valid YAML: {source.error[1]}")
        return None
    problems += [f"{path}:{line}: '{loc[-1]}' is given twice; keep one"
                 for loc, line in source.duplicates]
    return source


def _check(path: Path, source: Source, topic: Topic, languages: Sequence[str],
           contact_ids: set[str] | None) -> list[str]:
    found = []
    if topic.id != path.stem:
        found.append(f"{path}:{source.line(('id',))}: id '{topic.id}' must be the file name "
                     f"'{path.stem}'")
    for lang in languages:
        if not topic.answer.get(lang, "").strip():
            found.append(f"{path}:{source.line(('answer', lang))}: no answer in '{lang}'; "
                         "add it")
        if len(set(topic.questions.get(lang, []))) < MIN_QUESTIONS:
            found.append(f"{path}:{source.line(('questions', lang))}: '{lang}' needs at least "
                         f"{MIN_QUESTIONS} different questions")
    for n, other in enumerate(topic.related):
        if other not in TOPIC_IDS or other == topic.id:
            close = difflib.get_close_matches(other, TOPIC_IDS, 1)
            found.append(f"{path}:{source.line(('related', n))}: related '{other}' is not "
                         "another topic id"
                         + (f" (did you mean '{close[0]}'?)" if close else ""))
    for n, contact in enumerate(topic.contacts):
        if contact_ids is not None and contact not in contact_ids:
            found.append(f"{path}:{source.line(('contacts', n))}: contact '{contact}' is not "
                         "in contacts.yaml")
    return found


def _load_smalltalk(path: Path, problems: list[str]) -> dict[str, dict[str, list[str]]]:
    """intent -> language -> examples; every problem noted with its line."""
    if not path.exists():
        return {}
    source = _parse(path, problems)
    if source is None:
        return {}
    try:
        raw = _SMALLTALK.validate_python(source.value if source.value is not None else {})
    except ValidationError as exc:
        problems += source.explain(exc)
        return {}
    for intent in raw:
        if intent not in SMALLTALK_INTENTS:
            problems.append(f"{path}:{source.key_line((intent,))}: '{intent}' is not one of "
                            f"{', '.join(SMALLTALK_INTENTS)}")
    return {intent: by_lang for intent, by_lang in raw.items() if intent in SMALLTALK_INTENTS}


_SMALLTALK = TypeAdapter(dict[str, dict[str, list[str]]])
