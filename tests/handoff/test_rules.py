"""The pure rules: where a case stands, how long an answer usually takes (worded honestly when
there is too little to say), and the office hours from content/office-hours.yaml."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.handoff import rules
from bot.handoff.hours import FILE, HoursError, load_hours
from tests.conftest import ROOT

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_case_waits_for_us_until_we_answer_and_for_them_after() -> None:
    assert rules.after_message("open", "newcomer", answered_before=False) == "open"
    assert rules.after_message("open", "staff", answered_before=False) == "waiting_them"
    assert rules.after_message("waiting_them", "newcomer", answered_before=True) == "waiting_us"
    assert rules.after_message("waiting_us", "note", answered_before=True) == "waiting_us"
    assert rules.after_message("closed", "newcomer", answered_before=True) == "closed"


def test_only_staff_may_read_cases() -> None:
    assert [role for role in ("newcomer", "volunteer", "staff", "admin")
            if rules.may_read(role)] == ["staff", "admin"]


@pytest.mark.parametrize(("hours", "said"), [
    ([], {"msgid": rules.WAIT_UNKNOWN}),
    ([1, 2], {"msgid": rules.WAIT_UNKNOWN}),
    ([0.2, 0.5, 0.7], {"msgid": rules.WAIT, "params": {"wait": {"msgid": rules.UNDER_AN_HOUR}}}),
    ([1, 3, 30], {"msgid": rules.WAIT, "params": {"wait": {
        "msgid": rules.HOURS[0], "plural": rules.HOURS[1], "count": "count",
        "params": {"count": 3}}}}),
    ([40, 50, 70, 100], {"msgid": rules.WAIT, "params": {"wait": {
        "msgid": rules.DAYS[0], "plural": rules.DAYS[1], "count": "count",
        "params": {"count": 2}}}}),
])
def test_an_answer_usually_takes_the_median_of_the_last_cases(
        hours: list[float], said: dict[str, object]) -> None:
    assert rules.usual_wait([timedelta(hours=h) for h in hours]) == said


def test_only_the_newest_cases_count() -> None:
    old_and_slow = [timedelta(days=9)] * 30
    recent = [timedelta(minutes=20)] * rules.RECENT_CASES
    assert rules.usual_wait(recent + old_and_slow)["params"] == {  # type: ignore[index]
        "wait": {"msgid": rules.UNDER_AN_HOUR}}


def test_the_office_hours_say_when_someone_reads_next() -> None:
    hours = load_hours(ROOT / "content" / FILE)
    tuesday_ten = datetime(2026, 12, 8, 10, 0, tzinfo=BERLIN)
    assert hours.is_open(tuesday_ten, BERLIN)
    friday_evening = datetime(2026, 12, 11, 18, 0, tzinfo=BERLIN)
    assert not hours.is_open(friday_evening, BERLIN)
    assert hours.next_opening(friday_evening, BERLIN) == datetime(
        2026, 12, 14, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN)  # a Thursday, but closed
    assert not hours.is_open(christmas_eve, BERLIN)
    assert hours.next_opening(christmas_eve, BERLIN) == datetime(
        2026, 12, 28, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    assert hours.summary("de") == ["Mo.–Di. 09:00–16:00", "Mi. 09:00–12:00",
                                   "Do. 09:00–18:00", "Fr. 09:00–12:00"]


def test_a_mistake_in_the_office_hours_says_where(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("days:\n  mon: \"09:00-16:00\"\n  tues: \"9-12\"\n  wed: \"16:00-09:00\"\n"
                    "closed: [\"2026-13-01\"]\n", encoding="utf-8")
    with pytest.raises(HoursError) as found:
        load_hours(path)
    problems = str(found.value).splitlines()
    assert problems == [
        f"{path}:3: 'tues' is no weekday: use mon, tue, wed, thu, fri, sat, sun",
        f"{path}:4: '16:00-09:00' ends before it starts",
        f"{path}:5: '2026-13-01' is no date: write YYYY-MM-DD"]
    assert not load_hours(tmp_path / "missing.yaml").known
