"""Foresight figures: the 1,000-run rank Monte Carlo for every area, and a what-if after one change.

The Monte Carlo runs on the real lower-tier panel (361 areas × every scored metric) with the
default settings; its baseline (``bench.baseline_montecarlo``) scores the same draws one run at a
time through ``score_panel``, and the two must agree before any ratio is reported. The what-if
figure is one metric changed for one area, scored against fixed benchmarks with every other area
held constant, as the What-if page does on each edit.
"""

from __future__ import annotations

import functools
import statistics
import time

import numpy as np

from bench.baseline_montecarlo import simulate_loop
from bench.registry import figure
from lupcore.data._dataset import Dataset, load_dataset
from lupcore.data._panel import build_panel
from lupcore.foresight import (
    DEFAULT_CONFIG,
    Scenario,
    apply_scenario,
    area_progress,
    project_metric,
    rank_intervals,
    required_for_rank,
    simulate,
)
from lupcore.scoring import Engine, build_engine
from lupcore.settings import Settings

AREA = "E08000030"  # Walsall
CHANGES = (("level3_plus", "+5"), ("employment_rate", "+2%"), ("ks2_expected", "target"), ("claimant_rate", "-1"))


@functools.cache
def _dataset() -> Dataset:
    return load_dataset()


@functools.cache
def _engine() -> Engine:
    return build_engine(build_panel(_dataset(), "ltla"), Settings())


def _ms(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


@functools.cache
def _montecarlo() -> tuple[float, float]:
    """(vectorised ms, loop ms) for 1,000 runs; median of 3 vectorised runs around one loop, checked equal."""
    engine = _engine()
    fast = [_ms(lambda: rank_intervals(engine))]
    start = time.perf_counter()
    loop_overall, loop_ranks = simulate_loop(engine, DEFAULT_CONFIG)
    slow = (time.perf_counter() - start) * 1000
    fast += [_ms(lambda: rank_intervals(engine)) for _ in range(2)]
    ensemble = simulate(engine)
    if not (np.allclose(ensemble.overall, loop_overall, equal_nan=True, atol=1e-9)
            and np.array_equal(ensemble.ranks, loop_ranks, equal_nan=True)):
        raise RuntimeError("the vectorised Monte Carlo and the per-run loop disagree")
    return statistics.median(fast), slow


@figure("montecarlo_1000_runs_all_areas", "ms")
def montecarlo_ms() -> float:
    """Median time for 1,000 uncertainty runs and every area's 5–95% rank interval (aim < 1,000 ms)."""
    return _montecarlo()[0]


@figure("montecarlo_per_run_loop_baseline", "ms")
def montecarlo_loop_ms() -> float:
    """The same 1,000 runs scored one at a time with score_panel (bench/baseline_montecarlo.py)."""
    return _montecarlo()[1]


@figure("montecarlo_speedup_vs_loop", "x")
def montecarlo_ratio() -> float:
    """How many times faster the batched Monte Carlo is than the per-run loop over the same draws."""
    fast, slow = _montecarlo()
    return slow / fast


@figure("whatif_after_one_change", "ms")
def whatif_ms() -> float:
    """Median time to apply one change to one area: RAG, mission scores, overall, both ranks (aim < 50 ms)."""
    engine = _engine()
    peers = tuple(engine.panel.codes[:15])
    times = [_ms(lambda c=c: apply_scenario(engine, AREA, Scenario("one", (c,)), peers)) for c in CHANGES * 10]
    return statistics.median(times)


@figure("whatif_what_would_it_take", "ms")
def what_would_it_take_ms() -> float:
    """Median time to find the smallest change in one metric that moves the area up 3 places."""
    engine = _engine()
    return statistics.median(_ms(lambda i=i: required_for_rank(engine, AREA, i, 3)) for i, _ in CHANGES * 3)


@figure("progress_all_metrics_one_area", "ms")
def progress_ms() -> float:
    """Median time for one area's progress on every metric (history, baseline, gaps, trend, missions)."""
    engine, dataset = _engine(), _dataset()
    area_progress(dataset, engine, AREA)  # warm the series index
    return statistics.median(_ms(lambda: area_progress(dataset, engine, AREA)) for _ in range(5))


@figure("projection_one_metric", "ms")
def projection_ms() -> float:
    """Median time to project one metric for one area to 2030 with its bands and target odds."""
    engine, dataset = _engine(), _dataset()
    ids = ("ks2_expected", "gross_weekly_pay", "employment_rate", "claimant_rate", "hle_female")
    return statistics.median(_ms(lambda i=i: project_metric(dataset, engine, AREA, i)) for i in ids * 4)
