"""A per-person flood limit: someone who pastes 50 messages, or taps a button 50 times,
gets one "slow down" note, not 50 answers. A tap costs half a message (ticking several
answers of a form is quick, and legitimate).

A token bucket per person: `burst` messages at once, refilled at `per_minute`. While the
bucket is empty, the first message is answered with the note and the rest are dropped,
until a token has come back. Kept in memory: flood state need not survive a restart.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Verdict(Enum):
    ADMIT = "admit"
    WARN = "warn"
    """Over the limit: tell the person once to slow down."""
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    warned: bool = False


class FloodGate:
    MAX_PEOPLE = 100_000
    """Buckets kept; the least recently seen are forgotten beyond this (bounded memory)."""

    def __init__(self, burst: int, per_minute: float) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def admit(self, key: Hashable, now: datetime, cost: float = 1.0) -> Verdict:
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
        self._buckets[key] = bucket
        if len(self._buckets) > self.MAX_PEOPLE:
            self._buckets.popitem(last=False)
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.at = now
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            bucket.warned = False
            return Verdict.ADMIT
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN
