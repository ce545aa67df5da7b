"""Every metric the bot exports, in Prometheus' text format on the HTTP server's `/metrics`.

docs/metrics.md says what each one means and when to worry. Counters count in the process
that saw the event (sum them over processes); the outbox gauges are read from the database
at scrape time, so every process reports the same numbers (take their max, not their sum).

    welcomebot_updates_total{channel}              messages, taps and commands people sent
                                                   (each a turn of `Runtime.handle`, or a tap
                                                   on a held WhatsApp message)
    welcomebot_turn_seconds{channel}               a turn from arrival to commit (histogram;
                                                   sending the replies is not included)
    welcomebot_turns_failed_total{channel}         turns that failed and were rolled back: the
                                                   person got the apology
    welcomebot_outbox_sends_total{channel,outcome} outbox messages (pushes) the sender finished
                                                   with: sent, retried (comes again later),
                                                   failed, unreachable, no-template, skipped
    welcomebot_rate_limited_total{channel}         the platform said "too many" (Telegram's
                                                   429; WhatsApp's 130429, 80007, 4, 131056)
    welcomebot_faq_questions_total{lang,outcome}   questions the FAQ took: answered,
                                                   dont_know, smalltalk (hello, thanks, bye)
    welcomebot_webhook_refusals_total{channel,reason}  webhook calls refused: bad_secret,
                                                   bad_signature, bad_verify_token, bad_shape
    welcomebot_database_errors_total{where}        turn (a turn met the database out or
                                                   failing: held, or the apology), sender (an
                                                   outbox batch failed), metrics (the outbox
                                                   query of a scrape failed)
    welcomebot_database_outage_apologies_total     people told "sorry" because the database
                                                   stayed out longer than the bot can hold
                                                   their messages
    welcomebot_outbox_pending_messages{channel}    messages waiting in the outbox, due now or
                                                   later (people who can be reached)
    welcomebot_outbox_due_messages{channel}        of those, due now: what the senders have
                                                   yet to send
    welcomebot_outbox_oldest_due_age_seconds{channel}  how long the oldest due message has
                                                   waited past its due time (0: none waits)
    process_*                                      CPU seconds, memory, open files, start time

A `Metrics` holds its own registry: each app (`bot.app.open_app`) builds one and hands it
down (`Deps.metrics`, `Runtime.metrics`), so every test counts for itself, with no global
state to reset. This module imports nothing of bot: every layer may use it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)

disable_created_metrics()  # type: ignore[no-untyped-call]  # no `*_created` series: noise

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus' text format, which `Metrics.render` writes."""

TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds. Most turns take a few milliseconds; a second is slow; 30 s is a held turn."""

BACKLOG_MAX_AGE = 5.0
"""Seconds a reading of the outbox serves scrapes before the database is asked again (two
Prometheus servers, or someone reloading /metrics, cost one query per this time)."""

FAQ_OUTCOMES = {"answer": "answered", "unknown": "dont_know"}
"""`FaqDesk.answer`'s kind -> the outcome counted; the other kinds (greeting, thanks,
goodbye) count as "smalltalk"."""


@dataclass(frozen=True)
class Backlog:
    """The outbox of one channel, as the database says at scrape time."""

    channel: str
    pending: int
    """Messages waiting, due now or later."""
    due: int
    """Of those, due now."""
    oldest_due_age: float
    """Seconds the oldest due message has waited past its due time; 0 when none is due."""


BacklogQuery = Callable[[], Awaitable[Iterable[Backlog]]]


class OutboxGauges:
    """The outbox gauges: read with one query when scraped (`refresh`), at most once every
    `BACKLOG_MAX_AGE` seconds; `collect` then yields the reading. When the query failed,
    the gauges are left out of the scrape (an absent series, not a wrong number)."""

    def __init__(self, errors: Counter, *, max_age: float = BACKLOG_MAX_AGE,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.readings: list[Backlog] | None = None
        self.channels: set[str] = set()
        """Channels reported even with nothing waiting (0, not an absent series): those
        `expect`ed and those that had messages waiting before."""
        self._errors = errors
        self.max_age = max_age
        """Seconds a reading serves scrapes (0: every scrape asks the database)."""
        self._monotonic = monotonic
        self._read_at = -float("inf")
        self._lock = asyncio.Lock()

    async def refresh(self, query: BacklogQuery) -> None:
        async with self._lock:  # scrapes at the same moment share one query
            if self._monotonic() - self._read_at < self.max_age:
                return
            try:
                readings = {reading.channel: reading for reading in await query()}
                self.channels |= set(readings)
                self.readings = [readings.get(channel, Backlog(channel, 0, 0, 0.0))
                                 for channel in sorted(self.channels)]
            except Exception as exc:
                self.readings = None
                self._errors.labels("metrics").inc()
                log.warning("metrics_outbox_query_failed error=%s", type(exc).__name__)
            self._read_at = self._monotonic()

    def expect(self, channels: Iterable[str]) -> None:
        """Report these channels' gauges from the first scrape on, as 0 while nothing waits."""
        self.channels |= set(channels)

    def collect(self) -> Iterator[Metric]:
        readings = self.readings
        if readings is None:
            return
        families = (
            ("welcomebot_outbox_pending_messages",
             "Messages waiting in the outbox (due now or later), by channel.", "pending"),
            ("welcomebot_outbox_due_messages",
             "Outbox messages due now and not yet sent, by channel.", "due"),
            ("welcomebot_outbox_oldest_due_age_seconds",
             "Seconds the oldest due outbox message has waited past its due time.",
             "oldest_due_age"),
        )
        for name, documentation, attribute in families:
            family = GaugeMetricFamily(name, documentation, labels=["channel"])
            for reading in readings:
                family.add_metric([reading.channel], getattr(reading, attribute))
            yield family


class Metrics:
    """The bot's metrics, in a registry of their own (see the module's docstring)."""

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.updates = Counter(
            "welcomebot_updates", "Messages, taps and commands people sent, by channel.",
            ["channel"], registry=registry)
        self.turn_seconds = Histogram(
            "welcomebot_turn_seconds",
            "Seconds from a message's arrival to its turn's commit (replies not sent yet).",
            ["channel"], buckets=TURN_BUCKETS, registry=registry)
        self.turns_failed = Counter(
            "welcomebot_turns_failed", "Turns that failed and were rolled back (the person "
            "got an apology), by channel.", ["channel"], registry=registry)
        self.outbox_sends = Counter(
            "welcomebot_outbox_sends", "Outbox messages the sender finished with, by channel "
            "and outcome (sent, retried, failed, unreachable, no-template, skipped).",
            ["channel", "outcome"], registry=registry)
        self.rate_limited = Counter(
            "welcomebot_rate_limited", "Answers of a platform that the bot sends too fast "
            "(Telegram 429, WhatsApp 130429/80007/4/131056), by channel.",
            ["channel"], registry=registry)
        self.faq_questions = Counter(
            "welcomebot_faq_questions", "Questions the FAQ took, by answer language and "
            "outcome (answered, dont_know, smalltalk).", ["lang", "outcome"], registry=registry)
        self.webhook_refusals = Counter(
            "welcomebot_webhook_refusals", "Webhook calls refused, by channel and reason "
            "(bad_secret, bad_signature, bad_verify_token, bad_shape).",
            ["channel", "reason"], registry=registry)
        self.database_errors = Counter(
            "welcomebot_database_errors", "Database errors, by where they struck: turn (a "
            "turn met the database out or failing), sender (an outbox batch failed), metrics "
            "(the outbox query of a scrape failed).", ["where"], registry=registry)
        self.database_outage_apologies = Counter(
            "welcomebot_database_outage_apologies", "People told sorry because the database "
            "stayed out longer than the bot holds their messages.", registry=registry)
        self.outbox = OutboxGauges(self.database_errors)
        registry.register(self.outbox)
        self._faq_unsaved: dict[tuple[str, str], int] = {}
        """FAQ questions by (lang, outcome) since `take_faq_counts`: the daily numbers the
        staff console shows are kept in the database (`bot/faq/tally.py`)."""
        if process:  # CPU, memory, open files, start time (Linux; nothing elsewhere)
            ProcessCollector(registry=registry)

    def faq_answer(self, lang: str, kind: str) -> None:
        """Count one question `FaqDesk.answer` took (its result's `lang` and `kind`)."""
        outcome = FAQ_OUTCOMES.get(kind, "smalltalk")
        self.faq_questions.labels(lang, outcome).inc()
        self._faq_unsaved[lang, outcome] = self._faq_unsaved.get((lang, outcome), 0) + 1

    def take_faq_counts(self) -> dict[tuple[str, str], int]:
        """The FAQ questions counted since the last call, by (lang, outcome), and start
        again from none."""
        taken, self._faq_unsaved = self._faq_unsaved, {}
        return taken

    def refused(self, channel: str, reason: str) -> None:
        """Count one webhook call refused."""
        self.webhook_refusals.labels(channel, reason).inc()

    def render(self) -> bytes:
        """Every metric in Prometheus' text format (`CONTENT_TYPE`)."""
        return generate_latest(self.registry)
