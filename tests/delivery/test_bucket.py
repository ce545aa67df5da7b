"""The token bucket the outbox and the replies share: replies never wait, the outbox does."""

from __future__ import annotations

from bot.delivery.sender import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_the_outbox_keeps_to_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(25, burst=1, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(50):
        await bucket.take()
    assert 49 / 25 - 1e-9 <= clock.now <= 50 / 25  # 50 sends take two seconds


async def test_replies_go_out_at_once_and_the_outbox_waits_for_them() -> None:
    clock = Clock()
    bucket = TokenBucket(25, burst=1, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(10):  # ten people get their answers in the same instant
        bucket.spend()
    assert clock.slept == [] and clock.now == 0.0
    await bucket.take()  # the next notice waits until those ten fit in the rate
    assert abs(clock.now - 10 / 25) < 1e-9
