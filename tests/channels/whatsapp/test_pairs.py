"""The pair rate: about one message every 6 seconds to the same person after a short burst;
others are not held up; WhatsApp's 131056 holds that person only."""

from __future__ import annotations

from bot.channels.whatsapp.pairs import PairPace


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_at_once_then_one_every_interval() -> None:
    clock = Clock()
    pace = PairPace(interval=6.0, burst=3, monotonic=clock)
    assert [pace.reserve("a") for _ in range(5)] == [0.0, 0.0, 0.0, 6.0, 12.0]
    assert pace.reserve("b") == 0.0  # another person is not held up
    clock.now += 30  # paid back
    assert pace.ahead("a") == 0.0


def test_a_hold_after_131056_delays_that_person_only() -> None:
    clock = Clock()
    pace = PairPace(interval=6.0, burst=3, monotonic=clock)
    pace.hold("a", 10.0)
    assert pace.held("a") == 10.0 and pace.ahead("a") == 10.0
    assert pace.ahead("b") == 0.0
    clock.now += 4
    assert pace.reserve("a") == 6.0
    clock.now += 6
    assert pace.held("a") == 0.0
