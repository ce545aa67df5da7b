"""The send plan of a notice: how many people get it in each language, which text each of
them gets, and how long sending takes. `welcomebot notice send` prints it (bot/notices/cli.py);
staff see it in the chat before they confirm (bot/notices/composer.py).

Pure: the counts come in (from `bot.notices.store.count`); no database, no clock, no I/O.

    plan = send_plan(notice, Counter(ar=120, fa=30), fallback="de", rate=25)
    plan.shares[0]        Share(lang="ar", count=120, state="reviewed", shown_in="ar", how="own")
    plan.total, plan.seconds, plan.minutes            150, 6, 1
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.notices.content import NoticeFile

State = Literal["source", "reviewed", "unreviewed", "stale", "machine", "missing"]
"""How far the text in a language can be trusted (`NoticeFile.state`)."""
Kind = Literal["source", "reviewed", "unreviewed", "stale", "machine", "machine_off",
               "missing"]
"""What the people of a language get: a `State`, except that a machine draft that is not
sent is `machine_off` (they get the fallback, with a note), and `missing` is any fallback."""


@dataclass(frozen=True)
class Share:
    """The people whose language is `lang`, and the text they get."""

    lang: str
    count: int
    state: State
    """The state of the text in `lang`."""
    shown_in: str
    """The language of the text they get (`NoticeFile.outgoing`)."""
    how: Literal["own", "machine", "fallback"]
    """Their own text; a machine draft, with a note; or `shown_in`'s text, with a note."""

    @property
    def kind(self) -> Kind:
        if self.how == "fallback":
            return "machine_off" if self.state == "machine" else "missing"
        return self.state


@dataclass(frozen=True)
class SendPlan:
    shares: tuple[Share, ...]
    """One per language with people in it, most people first (ties: in the counts' order)."""
    total: int
    """Everyone who would get it."""
    seconds: int
    """How long sending takes at the outbox rate, rounded up (`sending_seconds`)."""
    minutes: int
    """The same in whole minutes, rounded up, at least 1."""


def sending_seconds(count: int, rate: float) -> int:
    """How many seconds `count` messages take at `rate` messages a second, rounded up."""
    return math.ceil(count / rate)


def channel_seconds(channels: Mapping[str, int], rates: Mapping[str, float],
                    default_rate: float) -> int:
    """How many seconds sending takes when each channel sends its people at its own rate
    (`rates`, messages a second; others at `default_rate`), all channels at once: the
    slowest channel's time, rounded up."""
    return max((sending_seconds(count, rates.get(channel, default_rate))
                for channel, count in channels.items() if count), default=0)


def send_plan(notice: NoticeFile, counts: Mapping[str, int], fallback: str, rate: float
              ) -> SendPlan:
    """The plan for sending `notice` to `counts` people per language (their language as the
    bot speaks to them), where `fallback` is the default language (`NoticeFile.outgoing`) and
    `rate` the outbox's messages a second."""
    shares = []
    for lang in sorted(counts, key=lambda code: -counts[code]):
        state = notice.state(lang)
        shown_in, how = notice.outgoing(lang, fallback)
        shares.append(Share(lang, counts[lang], state, shown_in, how))
    total = sum(counts.values())
    return SendPlan(tuple(shares), total, sending_seconds(total, rate),
                    max(1, math.ceil(total / rate / 60)))


def daily_waves(opening: int, opened: int, limit: int) -> tuple[int, ...]:
    """How many of `opening` people (on WhatsApp, silent for 24 hours: a template opens a
    conversation with each) go at once, and in each 24 hours after, when the number may
    write first to `limit` people a day and did so to `opened` in the last 24 hours (the
    room comes back as those age, so "a day later" is at the latest). `limit` 0: no limit.

    >>> daily_waves(2500, 400, 1000)
    (600, 1000, 900)
    """
    if not limit or opening <= 0:
        return (opening,) if opening > 0 else ()
    waves = [min(opening, max(0, limit - opened))]
    while sum(waves) < opening:
        waves.append(min(limit, opening - sum(waves)))
    return tuple(waves)


PAID_STARS = 0.1
"""Telegram Stars a message of a paid broadcast costs (Bot API, sendMessage:
`allow_paid_broadcast`), taken from the bot's balance."""


def paid_cost(messages: int) -> float:
    """Telegram Stars a paid broadcast of `messages` messages costs."""
    return round(messages * PAID_STARS, 1)
