"""How well a volunteer fits a newcomer, and who should be proposed to whom. Pure: no
database, no clock; randomness only from the `random.Random` passed in.

A volunteer can be a newcomer's buddy only if
  - they share a language: the better of the two levels counts, so German counts only as
    far as the newcomer speaks it (levels 1 a little, 2 well, 3 fluently; 0 not at all);
  - the volunteer offers at least one thing the newcomer needs;
  - they have a time in common (when both said when they can);
  - the newcomer's wish for a woman or a man as buddy is met (where they gave one);
  - the volunteer has room for one more newcomer.
Among those, the fit (0..1) adds up, by `WEIGHTS`: the shared language's level, the share
of needs covered, the district (same 1, neighbouring 0.5, unknown 0.25, else 0), the share
of the newcomer's times in common, and how much room the volunteer has left. Equal fits
are ordered by the seeded generator, so the same inputs give the same result.

`assign` matches many at once so that the total fit is best (not first come, first served):
first as many newcomers as possible get a proposal, then the fit decides.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.buddies.vocabulary import HELP, LANGUAGES, TIMES

Adjacency = Mapping[str, Collection[str]]
"""District name -> the names of the districts bordering it."""

WEIGHTS = {"language": 0.30, "needs": 0.30, "district": 0.15, "times": 0.10, "room": 0.15}
SAME, NEIGHBOUR, UNKNOWN = 1.0, 0.5, 0.25
JITTER = 1e-6
"""Tie-breaking noise: far below the smallest difference two real fits can have."""


@dataclass(frozen=True)
class Newcomer:
    id: int
    languages: Mapping[str, int]
    """code -> level 0..3 (their German as they said; their own languages 3)."""
    needs: frozenset[str]
    district: str | None = None
    times: frozenset[str] = frozenset()
    wants: str | None = None
    """The buddy's gender they prefer ("woman", "man"), or None."""


@dataclass(frozen=True)
class Volunteer:
    id: int
    languages: Mapping[str, int]
    offers: frozenset[str]
    district: str | None = None
    times: frozenset[str] = frozenset()
    gender: str | None = None
    capacity: int = 1
    load: int = 0
    """Newcomers they accompany now or have a proposal for."""


@dataclass(frozen=True)
class Assignment:
    pairs: list[tuple[int, int, float]] = field(default_factory=list)
    """(newcomer id, volunteer id, fit), best total first."""
    unsuitable: list[int] = field(default_factory=list)
    """Newcomers no volunteer could accompany, even one with time to spare."""


def shared_level(newcomer: Newcomer, volunteer: Volunteer) -> int:
    """The best language both speak, at the lower of their two levels (0: none)."""
    return max((min(level, volunteer.languages.get(code, 0))
                for code, level in newcomer.languages.items()), default=0)


def district_score(a: str | None, b: str | None, adjacency: Adjacency) -> float:
    if not a or not b:
        return UNKNOWN
    if a == b:
        return SAME
    return NEIGHBOUR if b in adjacency.get(a, ()) else 0.0


def fit(newcomer: Newcomer, volunteer: Volunteer, adjacency: Adjacency,
        *, load: int | None = None) -> float | None:
    """The fit of `volunteer` for `newcomer` (0..1), or None when they cannot be matched.
    `load` overrides the volunteer's current load (a second proposal in one round)."""
    load = volunteer.load if load is None else load
    if not _possible(newcomer, volunteer) or load >= volunteer.capacity:
        return None
    covered = len(newcomer.needs & volunteer.offers) / len(newcomer.needs) \
        if newcomer.needs else 1.0
    times = len(newcomer.times & volunteer.times) / len(newcomer.times) \
        if newcomer.times and volunteer.times else 1.0
    return (WEIGHTS["language"] * shared_level(newcomer, volunteer) / 3
            + WEIGHTS["needs"] * covered
            + WEIGHTS["district"] * district_score(newcomer.district, volunteer.district,
                                                   adjacency)
            + WEIGHTS["times"] * times
            + WEIGHTS["room"] * (1 - load / volunteer.capacity))


def _possible(newcomer: Newcomer, volunteer: Volunteer) -> bool:
    """Everything but room: could this volunteer ever be this newcomer's buddy?"""
    if shared_level(newcomer, volunteer) < 1:
        return False
    if newcomer.needs and not newcomer.needs & volunteer.offers:
        return False
    if newcomer.times and volunteer.times and not newcomer.times & volunteer.times:
        return False
    return not (newcomer.wants and volunteer.gender != newcomer.wants)


def rank(newcomer: Newcomer, volunteers: Sequence[Volunteer], adjacency: Adjacency,
         rng: random.Random, *, exclude: Collection[int] = ()) -> list[tuple[Volunteer, float]]:
    """The volunteers who fit, best first; equal fits in the generator's order."""
    scored = []
    for volunteer in sorted(volunteers, key=lambda v: v.id):
        tie = rng.random()  # drawn for every volunteer, so the order is the inputs' alone
        found = None if volunteer.id in exclude else fit(newcomer, volunteer, adjacency)
        if found is not None:
            scored.append((-found, tie, volunteer))
    return [(volunteer, -score) for score, _, volunteer in sorted(scored, key=lambda s: s[:2])]


# -- many at once ---------------------------------------------------------------------------
def assign(newcomers: Sequence[Newcomer], volunteers: Sequence[Volunteer],
           adjacency: Adjacency, rng: random.Random, *,
           exclude: Mapping[int, Collection[int]] | None = None) -> Assignment:
    """At most one volunteer for each newcomer, each volunteer within their room, so that
    as many newcomers as possible get one and then the total fit is highest
    (`scipy.optimize.linear_sum_assignment`). `exclude`: newcomer id -> volunteer ids not
    to propose again (they declined or did not answer)."""
    newcomers = sorted(newcomers, key=lambda n: n.id)
    volunteers = sorted(volunteers, key=lambda v: v.id)
    if not newcomers:
        return Assignment()
    possible = _possible_matrix(newcomers, volunteers)
    row_of = {n.id: row for row, n in enumerate(newcomers)}
    column_of = {v.id: column for column, v in enumerate(volunteers)}
    for newcomer_id, tried in (exclude or {}).items():
        for volunteer_id in tried:
            if newcomer_id in row_of and volunteer_id in column_of:
                possible[row_of[newcomer_id], column_of[volunteer_id]] = False
    fits_someone: list[bool] = list(np.asarray(possible.any(axis=1), dtype=bool))
    unsuitable = [n.id for n, any_ in zip(newcomers, fits_someone, strict=True) if not any_]
    base = _base_matrix(newcomers, volunteers, adjacency)
    # One column per free place: a volunteer with room for two more gets two columns, the
    # second scored with the load the first would bring.
    columns: list[tuple[int, int]] = []  # (volunteer index, load in this column)
    for index, volunteer in enumerate(volunteers):
        room = min(volunteer.capacity - volunteer.load, len(newcomers))
        columns += [(index, volunteer.load + k) for k in range(max(room, 0))]
    if not columns:
        return Assignment([], unsuitable)
    which = np.array([index for index, _ in columns])
    capacity = np.array([volunteers[i].capacity for i, _ in columns], dtype=float)
    load = np.array([load for _, load in columns], dtype=float)
    scores = base[:, which] + WEIGHTS["room"] * (1 - load / capacity)[None, :]
    allowed = possible[:, which]
    rows_used = np.flatnonzero(allowed.any(axis=1))
    cols_used = np.flatnonzero(allowed.any(axis=0))
    if not len(rows_used):
        return Assignment([], unsuitable)
    scores = scores[np.ix_(rows_used, cols_used)]
    allowed = allowed[np.ix_(rows_used, cols_used)]
    noise = np.random.default_rng(rng.getrandbits(64)).random(scores.shape)
    # Not allowed costs more than all fits together can bring: the most pairs come first.
    penalty = -2.0 * (len(rows_used) + 1)
    matrix = np.where(allowed, scores + JITTER * noise, penalty)
    # Imported here: scipy.optimize takes over a second to import, and every process that
    # registers the buddies' actions (all of them) would pay it at start; only rounds use it.
    from scipy.optimize import linear_sum_assignment

    chosen_rows, chosen_cols = linear_sum_assignment(matrix, maximize=True)
    pairs = [(newcomers[rows_used[r]].id, volunteers[which[cols_used[c]]].id,
              float(scores[r, c]))
             for r, c in zip(chosen_rows, chosen_cols, strict=True) if allowed[r, c]]
    pairs.sort(key=lambda p: -p[2])
    return Assignment(pairs, unsuitable)


_LANGS = {code: i for i, code in enumerate(LANGUAGES)}
_HELP = {key: 1 << i for i, key in enumerate(HELP)}
_TIMES = {key: 1 << i for i, key in enumerate(TIMES)}
_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << max(len(HELP), len(TIMES)))])


def _bits(values: Collection[str], table: Mapping[str, int]) -> int:
    return sum(table.get(v, 0) for v in set(values))


def _shared_levels(newcomers: Sequence[Newcomer], volunteers: Sequence[Volunteer]
                   ) -> np.ndarray:
    everyone: list[Newcomer | Volunteer] = [*newcomers, *volunteers]
    codes = set(_LANGS) | {c for p in everyone for c in p.languages}
    merged = {**_LANGS, **{c: len(_LANGS) + i for i, c in enumerate(sorted(codes - set(_LANGS)))}}
    width = len(merged)
    ours = np.zeros((len(newcomers), width), dtype=np.int8)
    theirs = np.zeros((len(volunteers), width), dtype=np.int8)
    groups: tuple[tuple[np.ndarray, Sequence[Newcomer | Volunteer]], ...] = (
        (ours, newcomers), (theirs, volunteers))
    for table, people in groups:
        for row, person in enumerate(people):
            for code, level in person.languages.items():
                table[row, merged[code]] = level
    shared: np.ndarray = np.minimum(ours[:, None, :], theirs[None, :, :]).max(axis=2, initial=0)
    return shared


def _masks(newcomers: Sequence[Newcomer], volunteers: Sequence[Volunteer]
           ) -> tuple[np.ndarray, ...]:
    needs = np.array([_bits(n.needs, _HELP) for n in newcomers], dtype=np.int64)
    offers = np.array([_bits(v.offers, _HELP) for v in volunteers], dtype=np.int64)
    times_n = np.array([_bits(n.times, _TIMES) for n in newcomers], dtype=np.int64)
    times_v = np.array([_bits(v.times, _TIMES) for v in volunteers], dtype=np.int64)
    return needs, offers, times_n, times_v


def _possible_matrix(newcomers: Sequence[Newcomer], volunteers: Sequence[Volunteer]
                     ) -> np.ndarray:
    """`_possible` for every pair at once."""
    shared = _shared_levels(newcomers, volunteers)
    needs, offers, times_n, times_v = _masks(newcomers, volunteers)
    covered = (needs[:, None] & offers[None, :]) != 0
    some_time = ((times_n[:, None] & times_v[None, :]) != 0) \
        | (times_n[:, None] == 0) | (times_v[None, :] == 0)
    wants = np.array([n.wants or "" for n in newcomers])
    gender = np.array([v.gender or "" for v in volunteers])
    gender_ok = (wants[:, None] == "") | (wants[:, None] == gender[None, :])
    possible: np.ndarray = (shared >= 1) & (covered | (needs[:, None] == 0)) & some_time \
        & gender_ok
    return possible


def _base_matrix(newcomers: Sequence[Newcomer], volunteers: Sequence[Volunteer],
                 adjacency: Adjacency) -> np.ndarray:
    """`fit` for every pair, without the room part."""
    shared = _shared_levels(newcomers, volunteers)
    needs, offers, times_n, times_v = _masks(newcomers, volunteers)
    need_count = _POPCOUNT[needs]
    covered = np.where(need_count[:, None] > 0,
                       _POPCOUNT[needs[:, None] & offers[None, :]]
                       / np.maximum(need_count, 1)[:, None], 1.0)
    time_count = _POPCOUNT[times_n]
    common = np.where((time_count[:, None] > 0) & (times_v[None, :] != 0),
                      _POPCOUNT[times_n[:, None] & times_v[None, :]]
                      / np.maximum(time_count, 1)[:, None], 1.0)
    everyone: list[Newcomer | Volunteer] = [*newcomers, *volunteers]
    names = sorted({p.district for p in everyone if p.district})
    index = {name: i + 1 for i, name in enumerate(names)}  # 0: unknown
    table = np.zeros((len(names) + 1, len(names) + 1))
    table[0, :] = table[:, 0] = UNKNOWN
    for a in names:
        for b in names:
            table[index[a], index[b]] = district_score(a, b, adjacency)
    where_n = np.array([index.get(n.district or "", 0) for n in newcomers], dtype=np.int64)
    where_v = np.array([index.get(v.district or "", 0) for v in volunteers], dtype=np.int64)
    return (WEIGHTS["language"] * shared / 3 + WEIGHTS["needs"] * covered
            + WEIGHTS["district"] * table[where_n[:, None], where_v[None, :]]
            + WEIGHTS["times"] * common)
