"""A platform's limit on how many different people a business may write to first in 24
hours: WhatsApp's messaging limit (250, 1,000, 10,000 or 100,000 by the number's tier,
`WHATSAPP_DAILY_LIMIT`). Replies, and pushes to people inside their 24-hour window, do not
count; a template to someone outside it opens a conversation, which does, once per person
in any 24 hours, however many templates they get.

The sender asks `when` before it sends a push that would open a conversation: now, or the
moment the oldest conversation in the window is 24 hours old and makes room. Those people
wait until then (their messages are put off, `held`), instead of failing. Pure: the sender
loads the conversations opened in the last 24 hours from the outbox (`opened_at`) and tells
it of every new one.

    limit = DailyLimit(2)
    limit.when(person_id=7, now=t0)        # t0: room
    limit.open(7, t0); limit.open(8, t0)
    limit.when(person_id=9, now=t0)        # t0 + 24 h: full until the first two age out
    limit.when(person_id=7, now=t0)        # t0: already opened today, counts once
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DAY = timedelta(hours=24)


@dataclass
class DailyLimit:
    limit: int
    """Different people a day; 0: no limit."""
    _opened: dict[int, datetime] = field(default_factory=dict, init=False, repr=False)
    """Person id -> when their latest conversation was opened, within the last 24 hours."""
    _order: list[tuple[datetime, int]] = field(default_factory=list, init=False, repr=False)
    """The same as a heap, oldest first (entries a later opening replaced are skipped)."""

    def load(self, opened: Iterable[tuple[int, datetime]]) -> None:
        """What the outbox says was opened in the last 24 hours (person id, when)."""
        self._opened.clear()
        self._order.clear()
        for person_id, at in opened:
            self.open(person_id, at)

    def open(self, person_id: int, at: datetime) -> None:
        if self._opened.get(person_id, at) > at:
            return
        self._opened[person_id] = at
        heapq.heappush(self._order, (at, person_id))

    def forget(self, person_id: int, at: datetime) -> None:
        """An opening counted by `open` that did not happen after all (the send failed)."""
        if self._opened.get(person_id) == at:
            del self._opened[person_id]

    def count(self, now: datetime) -> int:
        """Different people written to first in the 24 hours before `now`."""
        self._age(now)
        return len(self._opened)

    def when(self, person_id: int, now: datetime) -> datetime:
        """When a conversation with this person may be opened: `now` if there is room (or
        they have one open already), else when the oldest one is 24 hours old."""
        self._age(now)
        if not self.limit or person_id in self._opened or len(self._opened) < self.limit:
            return now
        return self._order[0][0] + DAY

    def _age(self, now: datetime) -> None:
        while self._order and (self._order[0][0] + DAY <= now
                               or self._opened.get(self._order[0][1]) != self._order[0][0]):
            at, person_id = heapq.heappop(self._order)
            if self._opened.get(person_id) == at:
                del self._opened[person_id]
