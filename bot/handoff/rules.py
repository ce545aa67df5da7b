"""Pure rules of a conversation with the Welcome Center's staff: who may read a case, where a
case stands after a message, and how long an answer usually takes, worded for people.

A case is  open (nobody answered yet) -> waiting_them (staff answered) <-> waiting_us (the
person wrote again) -> closed;  or erased, when the person deleted their data.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from bot.engine.messages import N_, NP_
from bot.engine.model import JSON

Status = Literal["open", "waiting_us", "waiting_them", "closed", "erased"]
LIVE: tuple[str, ...] = ("open", "waiting_us", "waiting_them")
"""Cases not closed: the person's messages go there."""
STAFF_ROLES = ("staff", "admin")
OUTCOMES: tuple[str, ...] = ("answered", "referred", "interpreter", "no_reply", "other")
MAX_TEXT = 2000
"""Characters of one message, either way (what a chat message holds, comfortably)."""

RECENT_CASES = 20
"""How many of the last answered cases the usual waiting time is the median of."""
ENOUGH_CASES = 3
"""Below this, there is too little to say how long an answer usually takes."""

WAIT = N_("⏱ An answer usually takes {wait}.")
WAIT_UNKNOWN = N_("⏱ We answer as soon as we can. It is too early to say how long an answer "
                  "usually takes.")
UNDER_AN_HOUR = N_("less than an hour")
HOURS = NP_("about {count} hour", "about {count} hours")
DAYS = NP_("about {count} day", "about {count} days")


def may_read(role: str) -> bool:
    """Only staff read cases (a person sees their own in /mydata, never through this)."""
    return role in STAFF_ROLES


def after_message(status: str, author: str, answered_before: bool) -> str:
    """Where a live case stands after a message by `author` (newcomer | staff); a note or an
    attached answer is staff's too. A closed or erased case does not move."""
    if status not in LIVE:
        return status
    if author == "newcomer":
        return "waiting_us" if answered_before else "open"
    if author == "note":
        return status
    return "waiting_them"


def _plural(pair: tuple[str, str], count: int) -> JSON:
    return {"msgid": pair[0], "plural": pair[1], "count": "count", "params": {"count": count}}


def usual_wait(first_answers: Sequence[timedelta]) -> JSON:
    """"An answer usually takes about 3 hours": the median of how long the last cases waited
    for their first answer (the newest `RECENT_CASES`), rounded the way people say it; with
    fewer than `ENOUGH_CASES`, an honest "too early to say". A message for the reader."""
    recent = list(first_answers)[:RECENT_CASES]
    if len(recent) < ENOUGH_CASES:
        return {"msgid": WAIT_UNKNOWN}
    median = statistics.median(d.total_seconds() for d in recent)
    hours = median / 3600
    if hours < 1:
        wait: JSON = {"msgid": UNDER_AN_HOUR}
    elif hours < 36:
        wait = _plural(HOURS, max(1, round(hours)))
    else:
        wait = _plural(DAYS, max(2, round(hours / 24)))
    return {"msgid": WAIT, "params": {"wait": wait}}
