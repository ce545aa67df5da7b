"""What a channel offers the outbox, and what it answers: the interface between the drain
loop (`bot.delivery.sender`) and the platforms (`bot.channels`).

A channel implements `Transport.transmit`: send one person's replies (each platform message
after `await bucket.take()` on the channel's own `bucket.TokenBucket`) and say how it went,
as a `Result`. The drain loop records the result on the outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from datetime import datetime

    from bot.runtime import Outbound


class Transmitted(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    """The person blocked the bot: nothing more is sent to them."""
    RETRY = "retry"
    """The platform failed for now (timeouts, 5xx): try again later."""
    FAILED = "failed"
    """The platform refused the message for good (a 400): trying again cannot help."""
    NO_TEMPLATE = "no-template"
    """Not sent: WhatsApp allows only an approved template outside its 24-hour window, and
    there is none in the person's language (the tally says so)."""


@dataclass(frozen=True)
class Sent:
    """Sent, with the platform's id of the (last) message: kept on the outbox row as its
    `receipt`, so that a delivery status webhook (WhatsApp's "failed") can find the row."""

    receipt: str


Result = Transmitted | Sent
"""What a transport answers for one person's messages."""


class Transport(Protocol):
    """What a channel offers the outbox: send one person's replies, each platform message
    after `await bucket.take()` on the channel's own bucket (its platform's limit)."""

    async def transmit(self, outbound: Outbound) -> Result: ...


@runtime_checkable
class Opening(Protocol):
    """A transport whose platform limits how many different people a day the business may
    write to first (WhatsApp's messaging limit, `bot.delivery.daily`)."""

    def opens(self, external_id: str, seen_at: datetime | None) -> bool:
        """Whether a push to this person (who last wrote at `seen_at`) would open such a
        conversation (WhatsApp: they are outside the 24-hour window; a template goes)."""
        ...
