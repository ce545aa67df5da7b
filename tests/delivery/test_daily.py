"""WhatsApp's daily limit on new conversations, as the sender keeps it: different people
in any 24 hours, each counted once, room coming back as the oldest age out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.daily import DAY, DailyLimit

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_a_full_day_makes_room_when_its_oldest_conversation_is_24_hours_old() -> None:
    limit = DailyLimit(2)
    limit.open(1, T0)
    limit.open(2, T0 + timedelta(hours=5))
    assert limit.when(3, T0 + timedelta(hours=6)) == T0 + DAY
    assert limit.when(1, T0 + timedelta(hours=6)) == T0 + timedelta(hours=6)  # counted once
    assert limit.when(3, T0 + DAY) == T0 + DAY  # the first aged out: room now
    limit.open(3, T0 + DAY)
    assert limit.when(4, T0 + DAY) == T0 + timedelta(hours=29)
    assert limit.count(T0 + timedelta(hours=30)) == 1


def test_an_opening_that_did_not_happen_gives_its_place_back() -> None:
    limit = DailyLimit(1)
    limit.open(1, T0)
    limit.forget(1, T0)
    assert limit.when(2, T0) == T0


def test_what_the_outbox_says_was_opened_is_loaded_and_no_limit_means_none() -> None:
    limit = DailyLimit(2)
    limit.load([(1, T0 - timedelta(hours=30)), (2, T0 - timedelta(hours=2)),
                (3, T0 - timedelta(hours=1))])
    assert limit.count(T0) == 2 and limit.when(4, T0) == T0 + timedelta(hours=22)
    unlimited = DailyLimit(0)
    unlimited.load([(n, T0) for n in range(5)])
    assert unlimited.when(99, T0) == T0
