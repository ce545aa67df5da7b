"""The token bucket the outbox and the replies share: replies never wait, the outbox does."""

from __future__ import annotations

from bot.delivery.bucket import TokenBucket
from bot.delivery.pace import ChatPace


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
    # 50 sends take two seconds, and a little more: the pace keeps a margin below the rate
    assert 50 / 25 <= clock.now <= 50 / (25 * 0.97)


async def test_replies_go_out_at_once_and_the_outbox_waits_for_them() -> None:
    clock = Clock()
    bucket = TokenBucket(25, burst=1, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(10):  # ten people get their answers in the same instant
        bucket.spend()
    assert clock.slept == [] and clock.now == 0.0
    await bucket.take()  # the next notice waits until those ten fit in the rate
    assert 10 / 25 <= clock.now <= 10 / (25 * 0.97)


async def test_a_send_woken_late_does_not_leave_right_behind_the_one_before() -> None:
    class BusyClock(Clock):
        async def sleep(self, seconds: float) -> None:
            late = 0.03 if len(self.slept) == 3 else 0.0  # the event loop was busy once
            await super().sleep(seconds + late)

    clock = BusyClock()
    bucket = TokenBucket(30, burst=1, monotonic=clock.monotonic, sleep=clock.sleep)
    times = []
    for _ in range(8):
        await bucket.take()
        times.append(clock.now)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1 / 30 * 0.99  # never two arrivals closer than the rate allows
    assert max(gaps) > 1 / 30 * 1.5  # the late one (its time was lost, not made up)


async def test_after_a_429_the_waiting_sends_leave_one_by_one_not_in_a_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(30, burst=1, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(5):
        await bucket.take()
    bucket.hold(1.0)  # Telegram answered "retry after 1"
    start = clock.now
    times = []
    for _ in range(8):  # the eight calls that were in flight try again
        await bucket.take()
        times.append(clock.now - start)
    assert times[0] >= 1.0  # nothing before the pause is over
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1 / 30  # then at the rate, not all at once


async def test_one_chat_gets_pushes_a_second_apart_after_a_short_burst() -> None:
    clock = Clock()
    pace = ChatPace(gap=1.0, burst=3, monotonic=clock.monotonic, sleep=clock.sleep)
    times = []
    for _ in range(5):  # a notice, a reminder, a promotion... all for the same person
        await pace.wait("42")
        times.append(clock.now)
    assert times == [0.0, 0.0, 0.0, 1.0, 2.0]
    await pace.wait("43")  # another person is not held back by the first
    assert clock.now == 2.0
    pace.spend("42")  # a reply to 42 goes at once, and the next push to 42 waits for it
    assert clock.now == 2.0
    await pace.wait("42")
    assert clock.now == 4.0


def test_only_chats_that_still_owe_time_are_remembered() -> None:
    clock = Clock()
    pace = ChatPace(gap=1.0, burst=1, keep=100, monotonic=clock.monotonic, sleep=clock.sleep)
    for n in range(100):
        pace.spend(str(n))
    clock.now = 5.0
    pace.spend("new")  # the 101st: the others' buckets are full again, they are forgotten
    assert len(pace) == 1


async def test_a_429_slows_the_pace_a_little_and_a_calm_minute_brings_it_back() -> None:
    clock = Clock()
    bucket = TokenBucket(30, burst=1, monotonic=clock.monotonic, sleep=clock.sleep)
    start = bucket.rate
    bucket.hold(1.0)
    bucket.hold(1.0)
    slower = bucket.rate
    assert start * 0.97 < slower < start * 0.99  # two 429s: about 2% slower
    for _ in range(100):
        bucket.hold(1.0)
    assert bucket.rate >= 0.85 * 30 - 1e-9  # never below 85%
    sent = 0
    while clock.now < 60 * 20 and sent < 100_000:  # twenty calm minutes, bounded
        await bucket.take()
        sent += 1
    assert abs(bucket.rate - start) < 1e-9  # back to the full pace, and no faster
