"""Events as staff write them: `content/events.yaml`, `welcomebot events add|import`.

```yaml
- id: cafe-west                      # stable; a changed file updates the same events
  kind: language_cafe                # or: dialogue
  title: {de: "Sprachcafé West", en: "Language café West", ar: "...", ...}
  description: {de: "...", en: "..."}          # optional, per language
  place: "Stadtteilbibliothek West"
  address: "Musterstraße 1, 70176 Stuttgart"
  district: West
  languages: [de, ar, uk]            # spoken or interpreted there
  audience: everyone                 # everyone | women | families | youth
  features: [childcare]              # childcare | interpreter | wheelchair
  starts: 2026-12-01 18:00           # Europe/Berlin wall time
  minutes: 90
  capacity: 20
  seats: {newcomer: 12, local: 8}    # optional: seats kept for each group
  repeat: FREQ=WEEKLY;BYDAY=TU       # optional RFC 5545 RRULE
  skip: [2026-12-22]                 # dates of the series that do not take place
  reviews:                           # optional: translations a person checked (the console's
    ar: {based_on: 3f2a9c1e, by: "telegram:1", at: 2026-12-07 10:00}   # review pages)
```
A series is stored as its occurrences for the coming weeks (`HORIZON`), each an event of its
own that people book, staff cancel or move; the housekeeping job adds the next ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

HORIZON = dt.timedelta(days=56)
"""How far ahead the occurrences of a repeating event are stored (and bookable)."""

Kind = Literal["dialogue", "language_cafe"]
Audience = Literal["everyone", "women", "families", "youth"]
Feature = Literal["childcare", "interpreter", "wheelchair"]
Group = Literal["newcomer", "local"]
GROUPS: tuple[Group, ...] = ("newcomer", "local")


class Review(BaseModel):
    """A translation of the title and description checked by a person against the source
    whose fingerprint is `based_on` (`Series.fingerprint`): stale when the source changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    based_on: str
    by: str | None = None
    at: dt.datetime | None = None


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    kind: Kind
    title: dict[str, str] = Field(min_length=1)
    description: dict[str, str] = {}
    place: str = Field(min_length=1)
    address: str = Field(min_length=1)
    district: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    audience: Audience = "everyone"
    features: list[Feature] = []
    starts: dt.datetime
    minutes: int = Field(gt=0, le=24 * 60)
    capacity: int = Field(gt=0, le=10_000)
    seats: dict[Group, int] = {}
    repeat: str | None = None
    skip: list[dt.date] = []
    reviews: dict[str, Review] = {}

    @field_validator("starts")
    @classmethod
    def _wall_time(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is not None:
            raise ValueError("write the local time without a zone, e.g. 2026-12-01 18:00")
        return value

    @field_validator("repeat")
    @classmethod
    def _rrule(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            rrulestr(value, dtstart=dt.datetime(2026, 1, 1))  # noqa: DTZ001 (wall time)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not an RFC 5545 RRULE ({exc}); e.g. FREQ=WEEKLY;BYDAY=TU") from None
        return value

    @model_validator(mode="after")
    def _seats_fit(self) -> Series:
        if sum(self.seats.values()) > self.capacity:
            raise ValueError(f"seats for groups ({sum(self.seats.values())}) exceed the "
                             f"capacity ({self.capacity})")
        return self

    @property
    def source(self) -> str:
        """The language the others are translated from: German where there is a German
        title, else the first title's."""
        return "de" if "de" in self.title else next(iter(self.title))

    def fingerprint(self) -> str:
        """Of the source's title and description: what a review is stamped with."""
        text = f"{self.title[self.source]}\n{self.description.get(self.source, '')}"
        return hashlib.sha256(text.encode()).hexdigest()[:8]

    def state(self, lang: str) -> Literal["source", "reviewed", "unreviewed", "stale",
                                          "missing"]:
        """How far the title and description in `lang` can be trusted."""
        if lang == self.source:
            return "source"
        if lang not in self.title:
            return "missing"
        review = self.reviews.get(lang)
        if review is None:
            return "unreviewed"
        return "reviewed" if review.based_on == self.fingerprint() else "stale"

    def occurrences(self, tz: ZoneInfo, after: dt.datetime,
                    until: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """(start, end) in UTC of each occurrence that starts in [after, until), skipping
        `skip` dates. Wall times stay put across daylight saving changes."""
        if self.repeat is None:
            starts: Iterator[dt.datetime] = iter([self.starts])
        else:
            rule = rrulestr(self.repeat, dtstart=self.starts)
            starts = iter(rule.between(after.astimezone(tz).replace(tzinfo=None)
                                       - dt.timedelta(days=1),
                                       until.astimezone(tz).replace(tzinfo=None), inc=True))
        for wall in starts:
            if wall.date() in self.skip:
                continue
            start = wall.replace(tzinfo=tz).astimezone(dt.UTC)
            if after <= start < until:
                yield start, start + dt.timedelta(minutes=self.minutes)
