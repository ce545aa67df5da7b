"""How helpful the FAQ's answers were: the "Did this help?" answers (`faq_feedback`, one row a
tap: topic, language, yes or no, the day) counted per topic and language over a period, and
per topic week by week. Pure: the rows come from `bot.faq.store.rated`.

A share is only a share from `ENOUGH` answers on: "3 of 4 found it helpful" is shown as
counts, never as "75 %", so that a small number is not over-read. Topics are listed worst
first: those with enough answers by their share of "yes", lowest first; then those with too
few, most answers first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

ENOUGH = 10
"""Answers from which a share is shown (below: "too few answers")."""
PERIODS = (1, 4, 8, 13, 26, 52)
"""The periods offered, in weeks."""
DEFAULT_WEEKS = 4


@dataclass(frozen=True)
class Rated:
    """How many "Did this help?" answers said `helpful` for a topic in a language on a day."""

    day: date
    topic: str
    lang: str
    helpful: bool
    count: int


@dataclass(frozen=True)
class Period:
    """Whole weeks, Monday to Sunday, up to and including `end` (today, in the current week)."""

    start: date
    end: date

    @classmethod
    def last_weeks(cls, weeks: int, today: date) -> Period:
        """The current week and the `weeks - 1` before it."""
        if weeks < 1:
            raise ValueError("a period is at least one week")
        return cls(week_of(today) - timedelta(weeks=weeks - 1), today)

    @property
    def weeks(self) -> list[date]:
        """The Monday of every week in the period, in order."""
        count = (week_of(self.end) - self.start).days // 7 + 1
        return [self.start + timedelta(weeks=n) for n in range(count)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass
class Share:
    """Yes and no answers, and the share of yes once there are enough of them."""

    yes: int = 0
    no: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no

    @property
    def enough(self) -> bool:
        return self.total >= ENOUGH

    @property
    def share(self) -> float | None:
        """The share of yes (0..1), None below `ENOUGH` answers."""
        return self.yes / self.total if self.enough else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(100 * share)

    def add(self, helpful: bool, count: int) -> None:
        if helpful:
            self.yes += count
        else:
            self.no += count


@dataclass
class TopicHelpfulness:
    """One topic's answers in the period: in all languages, per language, and per week (every
    week of the period, an empty `Share` where nobody answered)."""

    topic: str
    all: Share = field(default_factory=Share)
    languages: dict[str, Share] = field(default_factory=dict)
    weeks: list[tuple[date, Share]] = field(default_factory=list)


def table(rows: Iterable[Rated], period: Period) -> list[TopicHelpfulness]:
    """Every topic with an answer in `period`, worst first (see the module docstring)."""
    found: dict[str, TopicHelpfulness] = {}
    weekly: dict[str, dict[date, Share]] = {}
    for row in rows:
        if row.day not in period or row.count <= 0:
            continue
        entry = found.setdefault(row.topic, TopicHelpfulness(row.topic))
        entry.all.add(row.helpful, row.count)
        entry.languages.setdefault(row.lang, Share()).add(row.helpful, row.count)
        weekly.setdefault(row.topic, {}).setdefault(week_of(row.day), Share()).add(
            row.helpful, row.count)
    for topic, entry in found.items():
        entry.weeks = [(monday, weekly[topic].get(monday, Share())) for monday in period.weeks]
    return sorted(found.values(), key=_worst_first)


def _worst_first(entry: TopicHelpfulness) -> tuple[int, float, int, str]:
    share = entry.all.share
    if share is None:  # too few to judge: after every topic that has enough
        return (1, 0.0, -entry.all.total, entry.topic)
    return (0, share, -entry.all.total, entry.topic)


def languages_of(entries: Iterable[TopicHelpfulness], order: Iterable[str]) -> list[str]:
    """The languages answered in, in the configured `order` (others after, by code)."""
    seen = {lang for entry in entries for lang in entry.languages}
    known = [lang for lang in order if lang in seen]
    return known + sorted(seen - set(known))


def overall(entries: Iterable[TopicHelpfulness]) -> Share:
    total = Share()
    for entry in entries:
        total.yes += entry.all.yes
        total.no += entry.all.no
    return total
