"""How well a volunteer fits a newcomer, as tables of cases; and many at once: the best total,
the same result for the same inputs."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from bot.buddies.matching import (
    Newcomer,
    Volunteer,
    assign,
    fit,
    rank,
)
from bot.districts import load_districts

ROOT = Path(__file__).resolve().parents[2]
STUTTGART = load_districts(ROOT / "content" / "districts.yaml").adjacency()

OLENA = Newcomer(1, {"uk": 3, "en": 3, "de": 0}, frozenset({"documents", "authorities"}),
                 "Bad Cannstatt", frozenset({"evenings", "weekends"}))
HELPER = Volunteer(10, {"uk": 3, "de": 3}, frozenset({"documents", "authorities"}),
                   "Bad Cannstatt", frozenset({"evenings"}), "woman", capacity=2)


# -- who can be matched at all --------------------------------------------------------------
@pytest.mark.parametrize(("newcomer", "volunteer", "possible", "why"), [
    ({}, {}, True, "Ukrainian in common, needs and times overlap"),
    ({}, {"languages": {"de": 3, "en": 2}}, True, "English in common"),
    ({}, {"languages": {"de": 3}}, False, "German only, and the newcomer speaks none"),
    ({"languages": {"uk": 3, "de": 1}}, {"languages": {"de": 3}}, True,
     "German counts as far as the newcomer speaks it: a little"),
    ({}, {"languages": {"uk": 0, "de": 3}}, False, "level 0 is no language"),
    ({}, {"offers": frozenset({"housing"})}, False, "nothing the newcomer needs"),
    ({}, {"offers": frozenset({"documents", "housing"})}, True, "one need is enough"),
    ({}, {"times": frozenset({"mornings"})}, False, "no time in common"),
    ({}, {"times": frozenset()}, True, "a volunteer who gave no times is not ruled out"),
    ({"wants": "woman"}, {}, True, "the wish for a woman is met"),
    ({"wants": "man"}, {}, False, "the wish for a man is not"),
    ({"wants": "woman"}, {"gender": None}, False, "a wish needs a volunteer who said"),
    ({}, {"load": 2}, False, "no room left"),
    ({}, {"load": 1}, True, "room for one more"),
])
def test_who_can_be_a_newcomers_buddy(newcomer: dict, volunteer: dict, possible: bool,
                                      why: str) -> None:
    found = fit(replace(OLENA, **newcomer), replace(HELPER, **volunteer), STUTTGART)
    assert (found is not None) == possible, why


# -- how well they fit ----------------------------------------------------------------------
def score(newcomer: dict, volunteer: dict) -> float:
    found = fit(replace(OLENA, **newcomer), replace(HELPER, **volunteer), STUTTGART)
    assert found is not None
    return found


@pytest.mark.parametrize(("better", "worse", "why"), [
    ({}, {"languages": {"en": 2, "de": 3}}, "fluent Ukrainian beats English spoken well"),
    ({"languages": {"en": 3}}, {"languages": {"en": 1}}, "a better shared level counts"),
    ({}, {"district": "Nord"}, "the same district beats a neighbouring one"),
    ({"district": "Nord"}, {"district": "Vaihingen"}, "a neighbour beats the other side of town"),
    ({"district": "Vaihingen"}, {"district": "Plieningen"}, "far is far: both score 0"),
    ({}, {"offers": frozenset({"documents"})}, "all needs covered beats half"),
    ({"times": frozenset({"evenings", "weekends"})}, {}, "both times beat one"),
    ({}, {"load": 1}, "a volunteer with more room left"),
])
def test_what_makes_a_better_fit(better: dict, worse: dict, why: str) -> None:
    if "far is far" in why:
        assert score({}, better) == score({}, worse), why
    else:
        assert score({}, better) > score({}, worse), why


@pytest.mark.parametrize(("german", "level"), [(0, None), (1, 1), (2, 2), (3, 3)])
def test_german_counts_only_as_far_as_the_newcomer_speaks_it(german: int,
                                                               level: int | None) -> None:
    newcomer = replace(OLENA, languages={"fa": 3, "de": german})
    german_only = replace(HELPER, languages={"de": 3})
    found = fit(newcomer, german_only, STUTTGART)
    if level is None:
        assert found is None
    else:
        fluent = fit(replace(newcomer, languages={"de": 3}), german_only, STUTTGART)
        assert found is not None and fluent is not None
        assert fluent - found == pytest.approx(0.30 * (3 - level) / 3)


def test_a_perfect_fit_is_one_and_an_unknown_district_costs_a_little() -> None:
    perfect = fit(OLENA, replace(HELPER, times=frozenset({"evenings", "weekends"})), STUTTGART)
    assert perfect == pytest.approx(1.0)
    unknown = fit(replace(OLENA, district=None), HELPER, STUTTGART)
    assert unknown == pytest.approx(score({}, {}) - 0.15 * 0.75)


def test_the_district_table_is_symmetric_and_knows_stuttgart() -> None:
    assert len(STUTTGART) == 23
    assert all(a in STUTTGART[b] for a in STUTTGART for b in STUTTGART[a])
    assert "Bad Cannstatt" in STUTTGART["Nord"] and "Vaihingen" not in STUTTGART["Ost"]


# -- ranking and ties -----------------------------------------------------------------------
def test_equal_fits_are_ordered_by_the_seed_alone() -> None:
    twins = [replace(HELPER, id=i) for i in range(10, 20)]
    first = [v.id for v, _ in rank(OLENA, twins, STUTTGART, random.Random(3))]
    again = [v.id for v, _ in rank(OLENA, list(reversed(twins)), STUTTGART, random.Random(3))]
    other = [v.id for v, _ in rank(OLENA, twins, STUTTGART, random.Random(4))]
    assert first == again and sorted(first) == list(range(10, 20))
    assert first != other


def test_ranking_puts_the_best_first_and_leaves_out_who_cannot() -> None:
    volunteers = [replace(HELPER, id=1, district="Vaihingen"), replace(HELPER, id=2),
                  replace(HELPER, id=3, languages={"de": 3}), replace(HELPER, id=4)]
    ranked = rank(OLENA, volunteers, STUTTGART, random.Random(1), exclude={4})
    assert [v.id for v, _ in ranked] == [2, 1]


# -- many at once ---------------------------------------------------------------------------
def test_the_batch_serves_everyone_it_can_instead_of_first_come() -> None:
    """The first newcomer would take the only Ukrainian speaker first-come-first-served,
    leaving the second (Ukrainian only) with nobody; together both get a buddy."""
    flexible = replace(OLENA, id=1, languages={"uk": 3, "en": 3})
    only_uk = replace(OLENA, id=2, languages={"uk": 3})
    ukrainian = replace(HELPER, id=10, capacity=1)
    english = replace(HELPER, id=11, languages={"en": 2, "de": 3}, capacity=1)
    found = assign([flexible, only_uk], [ukrainian, english], STUTTGART, random.Random(1))
    assert sorted((n, v) for n, v, _ in found.pairs) == [(1, 11), (2, 10)]
    assert found.unsuitable == []


def test_room_for_two_means_up_to_two_proposals_and_tried_ones_are_skipped() -> None:
    newcomers = [replace(OLENA, id=i) for i in (1, 2, 3)]
    roomy = replace(HELPER, id=10, capacity=2)
    found = assign(newcomers, [roomy], STUTTGART, random.Random(1), exclude={3: {10}})
    assert sorted(n for n, _, _ in found.pairs) == [1, 2]
    assert found.unsuitable == [3]  # the only one who fits already said no


def test_nobody_suitable_is_told_apart_from_nobody_free() -> None:
    busy = replace(HELPER, id=10, load=2)
    found = assign([OLENA, replace(OLENA, id=2, languages={"ti": 3})], [busy], STUTTGART,
                   random.Random(1))
    assert found.pairs == [] and found.unsuitable == [2]  # Olena waits for Helper's room


def test_the_batch_agrees_with_the_pairwise_fit() -> None:
    rng = random.Random(5)
    codes = ["uk", "ar", "fa", "en", "de", "tr"]
    needs = ["documents", "authorities", "german", "job", "housing", "leisure"]
    times = ["mornings", "afternoons", "evenings", "weekends"]
    places = list(STUTTGART) + [None]
    newcomers = [Newcomer(i, {rng.choice(codes): 3, "de": rng.randint(0, 3)},
                          frozenset(rng.sample(needs, 2)), rng.choice(places),
                          frozenset(rng.sample(times, 2)), rng.choice([None, "woman"]))
                 for i in range(40)]
    volunteers = [Volunteer(100 + i, {"de": 3, rng.choice(codes): rng.randint(1, 3)},
                            frozenset(rng.sample(needs, 3)), rng.choice(places),
                            frozenset(rng.sample(times, 2)), rng.choice(["woman", "man"]),
                            capacity=rng.randint(1, 2)) for i in range(30)]
    found = assign(newcomers, volunteers, STUTTGART, random.Random(1))
    by_id = {v.id: v for v in volunteers}
    given: dict[int, int] = {}
    for newcomer_id, volunteer_id, value in found.pairs:
        volunteer = by_id[volunteer_id]
        # Each of a volunteer's places is scored with the load it brings: one of them.
        expected = {fit(newcomers[newcomer_id], volunteer, STUTTGART, load=load)
                    for load in range(volunteer.capacity)}
        assert any(e is not None and abs(e - value) < 1e-9 for e in expected)
        given[volunteer_id] = given.get(volunteer_id, 0) + 1
    assert all(given[v] <= by_id[v].capacity for v in given)
    assert len(found.pairs) == min(len(newcomers), sum(v.capacity for v in volunteers)) or \
        found.unsuitable
    assert found == assign(newcomers, volunteers, STUTTGART, random.Random(1))
