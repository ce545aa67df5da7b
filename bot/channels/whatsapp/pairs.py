"""WhatsApp's pair rate: a business number may send the same person about one message every
6 seconds; a short burst is allowed and paid back afterwards (error 131056 when exceeded).

It is `bot.delivery.pace.ChatPace` (which paces Telegram's chats too) with WhatsApp's
numbers. WhatsApp uses two of its parts more: a look `ahead`, so that a push to someone who
has just had many messages goes back to the outbox instead of holding a sender's slot past
its lease, and `hold` after 131056.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.delivery.pace import ChatPace

INTERVAL = 6.0
"""Seconds per message to the same person, in the long run."""
BURST = 6
"""Messages to one person at once: a turn's answer in a few pieces, and a push."""
KEEP = 10_000
"""People remembered before those whose pace is back to normal are forgotten."""


def PairPace(interval: float = INTERVAL, burst: int = BURST, *,  # noqa: N802 (a factory)
             monotonic: Callable[[], float] = time.monotonic) -> ChatPace:
    """WhatsApp's pair pace: `ChatPace` with WhatsApp's interval and burst."""
    return ChatPace(interval, burst, keep=KEEP, monotonic=monotonic)
