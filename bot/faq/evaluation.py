"""`welcomebot faq eval` and `faq ask --batch`: the interface evaluation tools use.

Batch lines are `{"id": ..., "text": ..., "lang": ...}` (lang optional); each gives
`{"id": ..., "topic": <id or null>, "score": <float>, "lang": <detected language>}`.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.engine.textfile import read_text
from bot.faq.desk import FaqDesk


def classify_line(desk: FaqDesk, line: str, number: int, settings: Settings) -> dict[str, Any]:
    try:
        item = json.loads(line)
        text = str(item["text"])
    except (ValueError, KeyError, TypeError):
        return {"id": None, "error": f"line {number}: not a JSON object with a text"}
    match = desk.classify(text)
    detected = desk.guesser.guess(text) or item.get("lang") or settings.default_language
    return {"id": item.get("id"), "topic": match.topic, "score": round(match.score, 4),
            "lang": detected}


@dataclass(frozen=True)
class Outcome:
    """One labelled line's result: its id and language as labelled, the topic expected
    (None: the bot should not answer) and the one found (None: it said it did not know)."""

    id: str | None
    lang: str
    expected: str | None
    got: str | None
    score: float

    @property
    def ok(self) -> bool:
        return self.got == self.expected


@dataclass
class Evaluation:
    on_topic: int = 0
    right: int = 0
    null: int = 0
    said_dont_know: int = 0
    per_language: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    latencies: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    """Every line's result, in the file's order."""


class BadLine(ValueError):
    """A line of a labelled file that is not a JSON object with a text: `file:line: what`."""


def evaluate(desk: FaqDesk, path: Path) -> Evaluation:
    result = Evaluation()
    desk.classify("warm-up")  # the first call pays for lazy loading; it is not a question
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            str(item["text"])
        except (ValueError, KeyError, TypeError):
            raise BadLine(f"{path}:{number}: not a JSON object with a text") from None
        started = time.perf_counter()
        match = desk.classify(item["text"])
        desk.guesser.guess(item["text"])
        result.latencies.append(time.perf_counter() - started)
        expected = item.get("topic")
        lang = item.get("lang", "?")
        if expected:
            result.on_topic += 1
            ok = match.topic == expected
            result.right += ok
            result.per_language[lang][0] += ok
            result.per_language[lang][1] += 1
        else:
            result.null += 1
            ok = match.topic is None
            result.said_dont_know += ok
        result.outcomes.append(Outcome(None if item.get("id") is None else str(item["id"]),
                                       str(lang), expected or None, match.topic,
                                       round(match.score, 4)))
        if not ok:
            result.misses.append(f"{item.get('id')} [{lang}] expected {expected}, got "
                                 f"{match.topic} ({match.score:.3f})")
    return result


def report(result: Evaluation, load_seconds: float) -> str:
    quantiles = statistics.quantiles(result.latencies, n=100, method="inclusive")
    lines = [
        f"on-topic accuracy: {result.right}/{result.on_topic} = "
        f"{result.right / max(result.on_topic, 1):.3f}",
        f"correct don't-know: {result.said_dont_know}/{result.null} = "
        f"{result.said_dont_know / max(result.null, 1):.3f}",
        "per language (on-topic): " + ", ".join(
            f"{lang} {ok}/{n}" for lang, (ok, n) in sorted(result.per_language.items())),
        f"latency per question: p50 {quantiles[49] * 1000:.1f} ms, "
        f"p95 {quantiles[94] * 1000:.1f} ms (model and vectors loaded once, in "
        f"{load_seconds:.1f} s)",
    ]
    if result.misses:
        lines.append("misses:")
        lines += [f"  {miss}" for miss in result.misses]
    return "\n".join(lines)
