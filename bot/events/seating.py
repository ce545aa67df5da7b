"""Who gets a seat and who waits: the rules, without the database.

An event has `capacity` seats; a dialogue may keep some for each group (`reserved`,
{"newcomer": 12, "local": 8}), and the seats no group keeps are open to everyone. A group
that fills its own seats goes on into the open ones.

>>> seats_left(20, {"newcomer": 12, "local": 8}, {"newcomer": 12}, "newcomer")
0
>>> seats_left(20, {"newcomer": 10}, {"newcomer": 10}, "local")
10
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def seats_left(capacity: int, reserved: Mapping[str, int], taken: Mapping[str, int],
               group: str) -> int:
    """Seats a person of `group` can still book."""
    kept = sum(reserved.values())
    beyond_own = sum(max(0, taken.get(g, 0) - reserved.get(g, 0))
                     for g in set(taken) | set(reserved))
    open_left = capacity - kept - beyond_own
    own_left = max(0, reserved.get(group, 0) - taken.get(group, 0))
    return max(0, own_left + open_left)


def free_seats(capacity: int, taken: Mapping[str, int]) -> int:
    """Seats not booked by anyone (what the list of events shows)."""
    return max(0, capacity - sum(taken.values()))


@dataclass(frozen=True)
class Waiting:
    booking_id: int
    group: str
    people: int


def promotions(capacity: int, reserved: Mapping[str, int], taken: Mapping[str, int],
               waiting: Sequence[Waiting]) -> list[int]:
    """The waiting bookings (in the order they came) that now get seats: each in turn if
    all its people fit; one that does not fit yet keeps its place for the next free seats."""
    taken = dict(taken)
    chosen = []
    for entry in waiting:
        if seats_left(capacity, reserved, taken, entry.group) >= entry.people:
            taken[entry.group] = taken.get(entry.group, 0) + entry.people
            chosen.append(entry.booking_id)
    return chosen
