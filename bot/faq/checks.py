"""The FAQ's held-out check as staff run it from the console (/faq/check): the city's file of
labelled questions (FAQ_HELD_OUT, JSON lines {"id", "text", "lang", "topic"}, topic null where
the bot should not answer) answered by the FAQ as it is now, with `evaluation.evaluate` (what
`welcomebot faq eval` runs), kept as a `faq_checks` row so that every console process and a
restart show the history.

    check = await start(db, staff_id, path, now)        # "running"; the caller commits
    results = run(settings, path)                       # seconds to a minute: in a thread
    await finish(db, check.id, results, now)            # or fail(db, check.id, message, now)
    difference = change(previous_results, results)      # what changed since the run before

`run` and `measure` raise `evaluation.BadLine` (`file:line: ...`), `NotText` or `OSError` for
a file they cannot read; the caller marks the run failed with that message. The results keep
numbers and each line's id, language, expected and found topic, never a question's text. The
store functions never commit.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db import locks
from bot.db.tables import FaqCheck, Person
from bot.faq.content import Content
from bot.faq.current import CurrentDesk
from bot.faq.desk import FaqDesk, shared_desk
from bot.faq.edits import Edit
from bot.faq.evaluation import Evaluation, evaluate

STALE = timedelta(minutes=15)
"""A run still "running" after this long was cut off (its console process stopped): it is
shown as interrupted and another may start."""
MAX_ERROR = 500
_ONE_AT_A_TIME = threading.Lock()
"""The desk (and its model) is not shared between threads: one check at a time a process."""


def check_desk(settings: Settings, found: Sequence[Edit] = ()) -> FaqDesk:
    """THE desk a held-out check runs on: the one `welcomebot faq eval` opens
    (`bot.cli.faq_desk`: `shared_desk` on CONTENT_DIR, the languages, the default language
    then English), so that the console measures what the bot answers. The console runs for
    weeks while the city edits its topic files: when they changed since the desk was opened,
    it is opened again (as `welcomebot faq index` would). FAQ content edited in the console
    and kept in the database (bot/faq/edits.py, to come) must be laid over the files here
    too. Raises `bot.errors.StartupError` when the content has problems."""
    key = (settings.content_dir, tuple(settings.languages), (settings.default_language, "en"))
    if found:
        return CurrentDesk(*key).build(found)
    stamp = _stamp(settings.content_dir)
    known = _OPENED.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    # The first time, the process's shared desk; after a change, a new one (the shared one
    # keeps serving whoever else holds it).
    desk = shared_desk(*key) if known is None else shared_desk.__wrapped__(*key)
    _OPENED[key] = (stamp, desk)
    return desk


_OPENED: dict[tuple[Path, tuple[str, ...], tuple[str, str]],
              tuple[tuple[tuple[str, int, int], ...], FaqDesk]] = {}
"""The desk each content folder was last opened as, with the stamp of its files then."""


def _stamp(content_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """What the FAQ's files are now (name, modification time, size): a change shows."""
    files = [*sorted((content_dir / "faq").glob("*.yaml")), content_dir / "smalltalk.yaml",
             content_dir / "contacts.yaml"]
    found = []
    for path in files:
        try:
            status = path.stat()
        except OSError:
            continue
        found.append((path.name, status.st_mtime_ns, status.st_size))
    return tuple(found)


# -- results -------------------------------------------------------------------------------
class Rates:
    """The two rates of a count of lines (a language's, or a whole run's): `right` of the
    `on_topic` lines answered with their topic, `said_dont_know` of the `null` lines (no
    answer expected) where the bot said it did not know."""

    right: int
    on_topic: int
    said_dont_know: int
    null: int

    @property
    def accuracy(self) -> float | None:
        """Lines with a topic answered with that topic."""
        return self.right / self.on_topic if self.on_topic else None

    @property
    def dont_know(self) -> float | None:
        """Lines without a topic where the bot said it did not know (the don't-know rate)."""
        return self.said_dont_know / self.null if self.null else None


@dataclass(frozen=True)
class LanguageScore(Rates):
    """One language's lines: on-topic ones answered with the right topic, and lines without
    an answer where the bot said it did not know."""

    lang: str
    right: int = 0
    on_topic: int = 0
    said_dont_know: int = 0
    null: int = 0


@dataclass(frozen=True)
class Line:
    """One labelled line's outcome (no text): expected None = the bot should not answer."""

    id: str | None
    lang: str
    expected: str | None
    got: str | None

    @property
    def ok(self) -> bool:
        return self.expected == self.got


@dataclass(frozen=True)
class Results(Rates):
    """What a finished run found; `to_json` / `from_json` for the `faq_checks.results` column."""

    right: int
    on_topic: int
    said_dont_know: int
    null: int
    languages: list[LanguageScore]
    lines: list[Line]
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    file_digest: str = ""
    """What the held-out file was (sha256 of its bytes, shortened): a change is named."""
    content_digest: str = ""
    """What the FAQ content was (its topics, ways of asking, answers, small talk)."""
    ways_of_asking: int = 0
    topics: int = 0

    @property
    def misses(self) -> list[Line]:
        return [line for line in self.lines if not line.ok]

    def language(self, lang: str) -> LanguageScore | None:
        return next((score for score in self.languages if score.lang == lang), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Results:
        values = dict(data)
        values["languages"] = [LanguageScore(**item) for item in data.get("languages", [])]
        values["lines"] = [Line(**item) for item in data.get("lines", [])]
        return cls(**values)


def results_of(evaluation: Evaluation, *, file_digest: str = "", content: Content | None = None,
               languages: Sequence[str] = ()) -> Results:
    """`evaluation`'s numbers as kept: the totals as `welcomebot faq eval` reports them, per
    language (in the order of `languages`, others after), each line's outcome, latency."""
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for outcome in evaluation.outcomes:
        counts = per[outcome.lang]
        if outcome.expected:
            counts["on_topic"] += 1
            counts["right"] += outcome.ok
        else:
            counts["null"] += 1
            counts["said_dont_know"] += outcome.ok
    order = {lang: i for i, lang in enumerate(languages)}
    scores = [LanguageScore(lang, **counts) for lang, counts in
              sorted(per.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]
    p50 = p95 = 0.0
    if len(evaluation.latencies) >= 2:
        quantiles = statistics.quantiles(evaluation.latencies, n=100, method="inclusive")
        p50, p95 = quantiles[49] * 1000, quantiles[94] * 1000
    elif evaluation.latencies:
        p50 = p95 = evaluation.latencies[0] * 1000
    topics = list(content.topics.values()) if content is not None else []
    return Results(
        right=evaluation.right, on_topic=evaluation.on_topic,
        said_dont_know=evaluation.said_dont_know, null=evaluation.null, languages=scores,
        lines=[Line(o.id, o.lang, o.expected, o.got) for o in evaluation.outcomes],
        p50_ms=round(p50, 1), p95_ms=round(p95, 1), file_digest=file_digest,
        content_digest=content_digest(content) if content is not None else "",
        ways_of_asking=sum(len(asked) for topic in topics for asked in topic.questions.values()),
        topics=len(topics))


def content_digest(content: Content) -> str:
    """A short fingerprint of what the FAQ answers from: two runs on the same content have
    the same one."""
    shape = {"topics": {key: topic.model_dump(mode="json")
                        for key, topic in sorted(content.topics.items())},
             "smalltalk": content.smalltalk}
    return hashlib.sha256(json.dumps(shape, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()[:16]


def measure(desk: FaqDesk, path: Path, languages: Sequence[str] = ()) -> Results:
    """Run the held-out file through `desk` (blocking: seconds to a minute; call it in a
    thread). Raises BadLine, NotText or OSError for a file it cannot read."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    evaluation = evaluate(desk, path)
    return results_of(evaluation, file_digest=digest, content=desk.content,
                      languages=languages)


def run(settings: Settings, path: Path, found: Sequence[Edit] = ()) -> Results:
    """The check as the console runs it: `measure` on `check_desk` with the console's edits
    `found` laid over the files, blocking (call it in a thread), one at a time in this
    process."""
    with _ONE_AT_A_TIME:
        return measure(check_desk(settings, found), path, settings.languages)


# -- what changed --------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """A run compared with the one before it: differences are in points (0..1 scale: 0.05 is
    five percentage points), None where either side had no such lines."""

    accuracy: float | None
    dont_know: float | None
    languages: dict[str, float | None] = field(default_factory=dict)
    fixed: list[str] = field(default_factory=list)
    """Ids of lines right now that were wrong before."""
    broken: list[str] = field(default_factory=list)
    """Ids of lines wrong now that were right before."""
    added: int = 0
    removed: int = 0
    file_changed: bool = False
    content_changed: bool = False


def _difference(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def change(before: Results, after: Results) -> Change:
    """What changed from `before` to `after`: the accuracy and don't-know rate, per language,
    the lines that went right or wrong (by id), and whether the file or the FAQ changed."""
    languages = {score.lang: _difference(
        prior.accuracy if (prior := before.language(score.lang)) else None, score.accuracy)
        for score in after.languages if score.on_topic}
    earlier = {line.id: line for line in before.lines if line.id is not None}
    later = {line.id: line for line in after.lines if line.id is not None}
    fixed = [key for key, line in later.items() if line.ok and key in earlier
             and not earlier[key].ok]
    broken = [key for key, line in later.items() if not line.ok and key in earlier
              and earlier[key].ok]
    return Change(
        accuracy=_difference(before.accuracy, after.accuracy),
        dont_know=_difference(before.dont_know, after.dont_know), languages=languages,
        fixed=fixed, broken=broken, added=len(later.keys() - earlier.keys()),
        removed=len(earlier.keys() - later.keys()),
        file_changed=before.file_digest != after.file_digest,
        content_changed=before.content_digest != after.content_digest)


# -- the runs, kept ------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """A run as the page shows it: `state` is running, done, failed or interrupted (a run
    "running" past `STALE`); `change` compares it with the previous finished run."""

    check: FaqCheck
    who: str | None
    """The chat id of who started it ("telegram:123"), None once they were erased."""
    state: str
    results: Results | None
    change: Change | None


def state_of(check: FaqCheck, now: datetime) -> str:
    if check.status == "running" and now - check.started_at > STALE:
        return "interrupted"
    return check.status


async def start(db: AsyncSession, staff_id: int | None, path: Path, now: datetime) -> FaqCheck:
    """A new run, "running" (flushed: it has its id)."""
    check = FaqCheck(started_at=now, staff_id=staff_id, status="running", file=str(path)[:500])
    db.add(check)
    await db.flush()
    return check


async def begin(db: AsyncSession, staff_id: int | None, path: Path, now: datetime
                ) -> tuple[FaqCheck, bool]:
    """A new run (`start`) unless one is under way (`running`): (the run, whether it is new).
    The look and the start hold a lock till the transaction ends, so that two console
    processes asked at the same moment start one run, not two (PostgreSQL; SQLite has one
    writer at a time)."""
    await locks.lock(db, locks.FAQ_CHECK)
    busy = await running(db, now)
    if busy is not None:
        return busy, False
    return await start(db, staff_id, path, now), True


async def finish(db: AsyncSession, check_id: int, results: Results, now: datetime) -> None:
    await db.execute(update(FaqCheck).where(FaqCheck.id == check_id).values(
        status="done", finished_at=now, results=results.to_json()))


async def fail(db: AsyncSession, check_id: int, message: str, now: datetime) -> None:
    """The run failed; `message` says why (a file:line, not a question's text)."""
    await db.execute(update(FaqCheck).where(FaqCheck.id == check_id).values(
        status="failed", finished_at=now, error=message[:MAX_ERROR]))


async def running(db: AsyncSession, now: datetime) -> FaqCheck | None:
    """The run under way (started less than `STALE` ago), if any."""
    return await db.scalar(select(FaqCheck).where(
        FaqCheck.status == "running", FaqCheck.started_at > now - STALE)
        .order_by(FaqCheck.id.desc()).limit(1))


async def history(db: AsyncSession, now: datetime, limit: int = 50) -> list[Run]:
    """The last `limit` runs, newest first, each compared with the finished run before it."""
    rows = (await db.execute(
        select(FaqCheck, Person.channel, Person.external_id)
        .outerjoin(Person, Person.id == FaqCheck.staff_id)
        .order_by(FaqCheck.id.desc()).limit(limit))).all()
    parsed = [(check, f"{channel}:{external}" if channel is not None else None,
               _results(check)) for check, channel, external in rows]
    earlier = None
    if parsed:  # the finished run before the oldest one shown, to compare that one with
        earlier = _results(await db.scalar(
            select(FaqCheck).where(FaqCheck.id < parsed[-1][0].id, FaqCheck.status == "done")
            .order_by(FaqCheck.id.desc()).limit(1)))
    runs: list[Run] = []
    for index, (check, who, results) in enumerate(parsed):
        previous = next((found for _, _, found in parsed[index + 1:] if found is not None),
                        earlier)
        runs.append(Run(check, who, state_of(check, now), results,
                        change(previous, results) if previous and results else None))
    return runs


def _results(check: FaqCheck | None) -> Results | None:
    if check is None or check.status != "done" or not check.results:
        return None
    return Results.from_json(check.results)
