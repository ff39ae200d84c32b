"""Figures for the locality search (``lupcore.places``): lookup time, the load it adds, the data it adds."""

from __future__ import annotations

import functools
import random
import statistics
import time

from bench.registry import figure, median_in_fresh_processes
from bench.server import ROOT

LOAD_RUNS = 5
LOOKUPS = 2_000
_LOAD_SNIPPET = """
import time
import pandas, pyarrow.parquet  # already imported by the app before any search
from lupcore.places import load_index
start = time.perf_counter()
load_index()
print((time.perf_counter() - start) * 1000)
"""


def _queries() -> list[str]:
    """A mix like real typing: full postcodes in several spellings, sectors, districts, names and fragments."""
    from lupcore.places import place_index

    index = place_index()
    rng = random.Random(15)
    sectors = rng.sample(index.sectors, 200)
    postcodes = [f"{s}{a}{b}" for s in sectors for a, b in [rng.choice([("A", "A"), ("B", "Z"), ("T", "P")])]]
    names = rng.sample(index.keys, 400)
    typed = (postcodes + [p.lower().replace(" ", "") for p in postcodes[:100]] + sectors
             + [s.split()[0] for s in sectors] + names + [n[:4] for n in names[:200]]
             + ["Wals", "Newport", "Bloxwich", "a", "st", "ton", "Allerdale", "E08000030", "zzzz", "x" * 500])
    return [rng.choice(typed) for _ in range(LOOKUPS)]


@functools.cache
def _lookup_times() -> list[float]:
    from lupcore.places import find, place_index

    place_index()
    queries = _queries()
    for q in queries[:100]:  # warm up
        find(q)
    times = []
    for q in queries:
        t = time.perf_counter()
        find(q)
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)


@figure("places_lookup_p50", "ms")
def places_lookup_p50() -> float:
    """Median time of one ``find()`` over 2,000 mixed queries (postcodes, sectors, districts, names, fragments)."""
    return statistics.median(_lookup_times())


@figure("places_lookup_p95", "ms")
def places_lookup_p95() -> float:
    """95th percentile of the same 2,000 lookups (the aim is under 10 ms)."""
    times = _lookup_times()
    return times[int(0.95 * (len(times) - 1))]


@figure("places_load_time", "ms")
def places_load_time() -> float:
    """Median of 5 ``load_index()`` calls in fresh subprocesses: what the lookups add to a cold start."""
    return median_in_fresh_processes(_LOAD_SNIPPET, LOAD_RUNS)


@figure("places_data_size", "MB")
def places_data_size() -> float:
    """Bytes of ``data/places/`` (the issue's budget: about 5 MB)."""
    return sum(p.stat().st_size for p in (ROOT / "data" / "places").iterdir()) / 1e6
