"""The in-flight window: outcomes are recorded many at a time, and never more than
`in_flight` messages are sent and not yet recorded (all a crash could send twice)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator

import pytest

from bot.app import App, open_app
from bot.delivery.sender import Sender, batch_for, window_for
from bot.delivery.transport import Sent
from bot.runtime import Outbound
from tests.conftest import make_settings
from tests.delivery.test_election import queue_notice, statuses
from tests.fakes import FakeClock

PEOPLE, WINDOW = 60, 10


@pytest.fixture
async def app_on(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    async with open_app(make_settings(db_url), clock=clock) as wired:
        yield wired


class Counting:
    """A fast platform that notes, at each send, how many it was sent that the sender has
    not yet recorded (`welcomebot_outbox_sends_total` counts them as each transaction
    commits, before the window lets the next ones go)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.got: list[str] = []
        self.unrecorded: list[int] = []

    async def transmit(self, outbound: Outbound) -> Sent:
        self.got.append(outbound.identity.external_id)
        recorded = self.app.runtime.metrics.registry.get_sample_value(
            "welcomebot_outbox_sends_total", {"channel": "telegram", "outcome": "sent"})
        self.unrecorded.append(len(self.got) - int(recorded or 0))
        await asyncio.sleep(0.001)  # a round trip: the others go meanwhile
        return Sent(f"m{len(self.got)}")


async def test_a_fast_platform_is_recorded_a_half_window_at_a_time_within_the_window(
        app_on: App, caplog: pytest.LogCaptureFixture) -> None:
    app = app_on
    await queue_notice(app, PEOPLE)
    platform = Counting(app)
    sender = Sender(app.sessions, app.runtime, {"telegram": platform}, batch=30,
                    in_flight=WINDOW, rng=random.Random(1))
    with caplog.at_level(logging.INFO, logger="bot.delivery.sender"):
        await asyncio.wait_for(sender.run(asyncio.Event(), until_empty=True), 60)
    assert sorted(platform.got) == sorted(str(7000 + n) for n in range(PEOPLE))
    assert await statuses(app) == ["sent"] * PEOPLE
    assert max(platform.unrecorded) <= WINDOW  # what a crash could repeat
    transactions = [r for r in caplog.records if r.getMessage().startswith("outbox_batch")]
    # A half window (5) a transaction, and the end of each batch of 30 in one: not one each.
    assert len(transactions) <= PEOPLE // (WINDOW // 2) + 2


def test_the_window_follows_the_platform_rate() -> None:
    assert window_for(25) == window_for(30) == 8  # Telegram: the bucket sets the pace
    assert window_for(1000) == 100  # a tenth of a second at WhatsApp's fastest
    assert batch_for(8) == 50 and batch_for(100) == 200
