"""Scoring figures: re-scoring every area on every metric after a weight change, against a pandas loop.

A weight change leaves the benchmarks, the learned normalisation and the RAG statuses as they
were, so the re-score is ``score_panel`` with the cached benchmarks and normaliser, over the real
lower-tier panel (361 areas × every metric). The baseline (``bench.baseline_scoring``) computes the
same overall scores and ranks one area at a time, and every round checks that the two agree. The
two are interleaved (A B A B, one round per weight change) and the figures are medians.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from bench.baseline_scoring import rescore_loop
from bench.registry import figure
from lupcore.data._dataset import load_dataset
from lupcore.data._panel import build_panel
from lupcore.scoring import Engine, Scores, build_engine, score_panel
from lupcore.settings import Settings

INNER = 20  # engine runs per weight change; the median is kept (the baseline runs once, a few seconds)
T = TypeVar("T")
WEIGHT_CHANGES = (Settings(mission_weights=((1, 3.0), (7, 2.0))), Settings(mission_weights=((5, 0.5),)),
                  Settings(indicator_weights=(("gross_weekly_pay", 4.0),)))


@functools.cache
def _engine() -> Engine:
    return build_engine(build_panel(load_dataset(), "ltla"), Settings())


def rescore(engine: Engine, settings: Settings) -> Scores:
    """Every area's scores under new weights, reusing what a weight change cannot alter."""
    return score_panel(engine.panel, engine.benchmarks, engine.normaliser, settings)


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, (time.perf_counter() - start) * 1000


def check_agreement(fast: np.ndarray, fast_rank: np.ndarray, slow: pd.DataFrame, settings: Settings) -> None:
    """The baseline must compute the same numbers, or the ratio would compare different work."""
    if not (np.allclose(fast, slow["overall"], equal_nan=True)
            and np.array_equal(fast_rank, slow["rank"].to_numpy(), equal_nan=True)):
        raise RuntimeError(f"baseline and engine disagree under {settings}")


@functools.cache
def _interleaved() -> tuple[float, float]:
    """(engine ms, baseline ms): medians of interleaved rounds, each checked for agreement."""
    engine = _engine()
    fast_ms, slow_ms = [], []
    for settings in WEIGHT_CHANGES:
        runs = [_timed(lambda s=settings: rescore(engine, s)) for _ in range(INNER)]
        slow, ms = _timed(lambda s=settings: rescore_loop(engine.panel, engine.normaliser, s))
        check_agreement(runs[-1][0].overall, runs[-1][0].rank, slow, settings)
        fast_ms.append(statistics.median(t for _, t in runs))
        slow_ms.append(ms)
    return statistics.median(fast_ms), statistics.median(slow_ms)


@figure("rescore_all_areas", "ms")
def rescore_ms() -> float:
    """Median time to re-score all 361 lower-tier areas on every metric after a weight change."""
    return _interleaved()[0]


@figure("rescore_pandas_loop_baseline", "ms")
def baseline_ms() -> float:
    """Median time for the same re-score written as a per-area pandas loop (bench/baseline_scoring.py)."""
    return _interleaved()[1]


@figure("rescore_speedup_vs_pandas_loop", "x")
def rescore_ratio() -> float:
    """How many times faster the vectorised re-score is than the per-area pandas loop (aim ≥ 50)."""
    fast, slow = _interleaved()
    return slow / fast


@figure("engine_rebuild_all_areas", "ms")
def engine_rebuild_ms() -> float:
    """Median time for a full ``build_engine`` (benchmarks, normaliser, scores, RAG) on the same panel."""
    panel = _engine().panel
    return statistics.median(_timed(lambda s=s: build_engine(panel, s))[1] for s in WEIGHT_CHANGES * 5)

