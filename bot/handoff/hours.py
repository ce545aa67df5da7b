"""The Welcome Center's office hours (`content/office-hours.yaml`): when staff read what people
write, and, outside them, when someone will read it. Loading reports every problem as
`file:line: what to fix`; the rest is pure (the time is passed in).

    hours = load_hours(content_dir / FILE)
    hours.is_open(now, tz)           # within the hours now?
    hours.next_opening(now, tz)      # when the office opens next (aware, in UTC)
    hours.summary(lang)              # ["Mo.–Di. 09:00–16:00", ...] in the reader's language
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.engine.yamlsource import YamlFileError, parse_file

FILE = "office-hours.yaml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class HoursError(ValueError):
    """The office hours file cannot be used; the message says where and what to fix."""


Range = tuple[time, time]


@dataclass(frozen=True)
class Hours:
    days: dict[int, tuple[Range, ...]] = field(default_factory=dict)
    """Weekday (Monday 0) -> its opening ranges."""
    closed: frozenset[date] = frozenset()

    @property
    def known(self) -> bool:
        """Any hours at all (without them nothing is said about hours)."""
        return any(self.days.values())

    def _ranges(self, day: date) -> tuple[Range, ...]:
        return () if day in self.closed else self.days.get(day.weekday(), ())

    def is_open(self, now: datetime, tz: ZoneInfo) -> bool:
        if not self.known:
            return True  # nothing said: as if always open
        local = now.astimezone(tz)
        return any(start <= local.time() < end for start, end in self._ranges(local.date()))

    def next_opening(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """The next moment the office opens (now itself if open), in UTC; None without
        hours."""
        if not self.known:
            return None
        local = now.astimezone(tz)
        for offset in range(0, 60):
            day = local.date() + timedelta(days=offset)
            for start, end in self._ranges(day):
                opens = datetime.combine(day, start, tz)
                if offset == 0 and opens <= local < datetime.combine(day, end, tz):
                    return now.astimezone(UTC)
                if opens > local:
                    return opens.astimezone(UTC)
        return None

    def summary(self, lang: str) -> list[str]:
        """One line per run of weekdays with the same hours, in `lang` ("Mo.–Do. 09:00–16:00")."""
        names = _day_names(lang)
        lines: list[str] = []
        run: list[int] = []
        for weekday in [*range(7), 7]:
            ranges = self.days.get(weekday, ()) if weekday < 7 else None
            if run and ranges != self.days.get(run[0]):
                first, last = names[run[0]], names[run[-1]]
                span = first if len(run) == 1 else f"{first}–{last}"
                hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in self.days[run[0]])
                lines.append(f"{span} {hours}")
                run = []
            if ranges:
                run.append(weekday)
        return lines


@functools.cache
def _day_names(lang: str) -> tuple[str, ...]:
    from babel.dates import get_day_names

    found = get_day_names("abbreviated", locale=lang)
    return tuple(str(found[n]) for n in range(7))


def parse_range(text: str) -> Range:
    found = _RANGE.match(text)
    if found is None:
        raise ValueError(f"'{text}' is no time range: write 09:00-16:00")
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(f"'{text}' is no time of day: hours 0-23, minutes 0-59") from None
    if end <= start:
        raise ValueError(f"'{text}' ends before it starts")
    return start, end


def load_hours(path: Path) -> Hours:
    """The office hours in `path`; none (always open, nothing said) when it does not exist."""
    return _load(path, path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=8)
def _load(path: Path, _changed: int) -> Hours:
    if not path.exists():
        return Hours()
    try:
        source, problems = parse_file(path)
    except YamlFileError as exc:
        raise HoursError(str(exc)) from None
    except ValueError as exc:  # PyYAML's own dates: 2026-13-01
        raise HoursError(f"{path}:1: {exc}; write dates as YYYY-MM-DD") from None
    value = source.value or {}
    if not isinstance(value, dict):
        raise HoursError(f"{path}:1: expected `days:` (and `closed:`), see the comment on top")
    days: dict[int, tuple[Range, ...]] = {}
    for key, given in (value.get("days") or {}).items():
        line = source.line(("days", key))
        if key not in DAYS:
            problems.append(f"{path}:{line}: '{key}' is no weekday: use {', '.join(DAYS)}")
            continue
        try:
            days[DAYS.index(key)] = tuple(parse_range(part)
                                          for part in str(given).split(",") if part.strip())
        except ValueError as exc:
            problems.append(f"{path}:{line}: {exc}")
    closed: set[date] = set()
    for n, given in enumerate(value.get("closed") or []):
        try:
            closed.add(given if isinstance(given, date) else date.fromisoformat(str(given)))
        except ValueError:
            problems.append(f"{path}:{source.line(('closed', n))}: '{given}' is no date: "
                            "write YYYY-MM-DD")
    unknown = sorted(set(value) - {"days", "closed"})
    problems += [f"{path}:{source.key_line((key,))}: unknown key '{key}'; expected `days:` "
                 "and `closed:`" for key in unknown]
    if problems:
        raise HoursError("\n".join(problems))
    return Hours(days, frozenset(closed))
