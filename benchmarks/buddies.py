"""Welcome Buddies: many newcomers and volunteers assigned in one batch.

    .venv/bin/python benchmarks/buddies.py [--newcomers 1000] [--volunteers 500] [--seed 1]
        [--repeat 5]

Makes a plausible city (Stuttgart's districts; newcomers speaking mostly Arabic, Persian,
Ukrainian, Turkish or Russian, some English, little German; volunteers speaking German and
often a second language; one to three newcomers each), runs `matching.assign` and prints
the time of the fastest and slowest run, how many got a proposal, how many nobody fits, and
the mean fit of the proposals. The goal: 1,000 newcomers and 500 volunteers under a second.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.buddies.matching import Newcomer, Volunteer, assign  # noqa: E402
from bot.buddies.vocabulary import HELP, TIMES  # noqa: E402
from bot.districts import load_districts  # noqa: E402

NEWCOMER_LANGUAGES = {"ar": 30, "fa": 20, "uk": 20, "tr": 10, "ru": 8, "ku": 5, "ti": 4,
                      "ps": 3}
SECOND_LANGUAGES = {"en": 40, "fr": 10, "ru": 10, "tr": 10, "ar": 10, "uk": 8, "es": 7,
                    "fa": 5}


def city(newcomers: int, volunteers: int, rng: random.Random, districts: list[str]
         ) -> tuple[list[Newcomer], list[Volunteer]]:
    def weighted(table: dict[str, int]) -> str:
        return rng.choices(list(table), weights=list(table.values()))[0]

    def some(keys: list[str], low: int, high: int) -> frozenset[str]:
        return frozenset(rng.sample(keys, rng.randint(low, high)))

    help_, times = list(HELP), list(TIMES)
    waiting = []
    for i in range(newcomers):
        spoken = {weighted(NEWCOMER_LANGUAGES): 3, "de": rng.choice([0, 0, 1, 1, 2])}
        if rng.random() < 0.3:
            spoken["en"] = 3
        waiting.append(Newcomer(i, spoken, some(help_, 1, 3), rng.choice(districts),
                                some(times, 1, 3), rng.choice([None] * 4 + ["woman"])))
    helpers = []
    for i in range(volunteers):
        spoken = {"de": 3}
        if rng.random() < 0.7:
            spoken[weighted(SECOND_LANGUAGES)] = rng.randint(1, 3)
        helpers.append(Volunteer(10_000 + i, spoken, some(help_, 2, 5), rng.choice(districts),
                                 some(times, 1, 4), rng.choice(["woman", "woman", "man", None]),
                                 capacity=rng.randint(1, 3)))
    return waiting, helpers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newcomers", type=int, default=1000)
    parser.add_argument("--volunteers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stuttgart = load_districts(ROOT / "content" / "districts.yaml")
    newcomers, volunteers = city(args.newcomers, args.volunteers, random.Random(args.seed),
                                 list(stuttgart.names))
    adjacency = stuttgart.adjacency()
    seconds = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = assign(newcomers, volunteers, adjacency, random.Random(args.seed))
        seconds.append(time.perf_counter() - started)
    fits = [fit for _, _, fit in found.pairs]
    places = sum(v.capacity for v in volunteers)
    print(f"{args.newcomers} newcomers, {args.volunteers} volunteers ({places} places)")
    print(f"assigned in {min(seconds):.3f} s (slowest of {args.repeat}: {max(seconds):.3f} s)")
    left = args.newcomers - len(found.pairs) - len(found.unsuitable)
    print(f"proposals: {len(found.pairs)}, nobody fits: {len(found.unsuitable)}, "
          f"waiting for a free volunteer: {left}")
    print(f"mean fit: {statistics.fmean(fits):.3f} (median {statistics.median(fits):.3f}, "
          f"lowest {min(fits):.3f})" if fits else "mean fit: no proposals")
    if max(seconds) >= 1.0:
        print("SLOWER THAN THE GOAL OF ONE SECOND")


if __name__ == "__main__":
    main()
