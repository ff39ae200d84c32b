"""Rank uncertainty by Monte Carlo (methodology §9): shape, determinism, agreement with a per-run loop.

A synthetic panel (40 English areas × 4 metrics, half with CIs) keeps the runs fast while giving
ranks room to move; the per-run baseline from ``bench`` scores the same draws through
``score_panel`` one run at a time, so the batched arithmetic is checked against the engine itself.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bench.baseline_montecarlo import simulate_loop
from lupcore.data import examples as examples
from lupcore.foresight import (
    EnsembleConfig,
    RankEnsemble,
    RankInterval,
    draw_inputs,
    ensemble_methods,
    format_rank_interval,
    perturb,
    prepare_inputs,
    rank_intervals,
    simulate,
)
from lupcore.scoring import Engine, build_engine
from lupcore.settings import DEFAULT_SETTINGS, Settings

N_AREAS = 40


def synthetic_engine(settings: Settings = DEFAULT_SETTINGS) -> Engine:
    rng = np.random.default_rng(7)
    values = np.column_stack([rng.normal(600, 80, N_AREAS), rng.uniform(55, 85, N_AREAS),
                              rng.uniform(10, 40, N_AREAS), rng.uniform(50, 75, N_AREAS)])
    half = np.array([40.0, 4.0, np.nan, np.nan])  # pay and employment carry CIs
    metas = [replace(m, nations=()) for m in examples.INDICATORS]
    panel = examples.make_panel(values, metas, lci=values - half, uci=values + half)
    return build_engine(panel, settings)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return synthetic_engine()


def test_shapes_and_every_area(engine: Engine) -> None:
    ensemble = simulate(engine, EnsembleConfig(runs=200))
    assert ensemble.ranks.shape == ensemble.overall.shape == (200, N_AREAS)
    intervals = ensemble.intervals()
    assert list(intervals) == list(engine.panel.codes)
    for iv in intervals.values():
        assert iv.of == N_AREAS and 1 <= iv.low <= iv.median <= iv.high <= N_AREAS
        assert 0.0 <= iv.p_top_quintile <= 1.0 and 0.0 <= iv.p_bottom_quintile <= 1.0


def test_fixed_seed_is_deterministic(engine: Engine) -> None:
    config = EnsembleConfig(runs=100)
    a, b = simulate(engine, config), simulate(engine, config)
    assert np.array_equal(a.ranks, b.ranks) and np.array_equal(a.overall, b.overall)
    other = simulate(engine, replace(config, seed=1))
    assert not np.array_equal(a.overall, other.overall)
    # Chunking changes nothing: the noise stream is consumed in the same order.
    assert np.array_equal(simulate(engine, replace(config, chunk=7)).overall, a.overall)


@pytest.mark.parametrize("settings", [Settings(), Settings(aggregation="geometric"),
                                      Settings(normalisation="distance", mission_weights=((5, 2.0),))])
def test_batched_runs_equal_a_per_run_loop(settings: Settings) -> None:
    engine = synthetic_engine(settings)
    config = EnsembleConfig(runs=45, chunk=16)
    ensemble = simulate(engine, config)
    overall, ranks = simulate_loop(engine, config)
    assert np.allclose(ensemble.overall, overall, atol=1e-9, equal_nan=True)
    assert np.array_equal(ensemble.ranks, ranks, equal_nan=True)


def test_without_noise_every_run_is_the_nominal_ranking(engine: Engine) -> None:
    config = EnsembleConfig(runs=20, weight_noise=0.0, data_noise=False, methods=("minmax",))
    ensemble = simulate(engine, config)
    assert np.array_equal(ensemble.ranks, np.broadcast_to(engine.scores.rank, ensemble.ranks.shape))


def test_intervals_mostly_contain_the_nominal_rank(engine: Engine) -> None:
    intervals = rank_intervals(engine, EnsembleConfig(runs=300))
    inside = [iv.low <= iv.nominal <= iv.high for iv in intervals.values()]
    assert np.mean(inside) >= 0.9


def test_weights_are_perturbed_within_25_percent_and_renormalised(engine: Engine) -> None:
    draws = draw_inputs(engine, EnsembleConfig(runs=500))
    scored = [0, 2, 4]  # missions 1, 3 and 5
    w = draws.mission_weights[:, scored]
    assert np.allclose(w.sum(axis=1), 1.0)
    ratio = w[:, 0] / w[:, 1]  # equal base weights: the ratio of two noisy weights stays in [0.75/1.25, 1.25/0.75]
    assert ratio.min() >= 0.75 / 1.25 - 1e-12 and ratio.max() <= 1.25 / 0.75 + 1e-12
    assert set(np.unique(draws.method)) == {0, 1, 2}


def test_the_users_own_method_joins_the_ensemble() -> None:
    assert ensemble_methods(synthetic_engine()) == ("minmax", "zscore", "percentile")
    assert ensemble_methods(synthetic_engine(Settings(normalisation="distance")))[-1] == "distance"


def test_data_noise_is_clipped_to_the_valid_range() -> None:
    values = np.array([[99.5, 20.0], [0.5, 30.0], [50.0, 40.0]])
    metas = [replace(examples.INDICATORS[1], nations=()), replace(examples.INDICATORS[3], nations=(), value_type="rate")]
    panel = examples.make_panel(values, metas, lci=values - [10.0, 30.0], uci=values + [10.0, 30.0])
    inputs = prepare_inputs(build_engine(panel, Settings()))
    draws = perturb(inputs, np.random.default_rng(0), 2000)
    assert draws[..., 0].min() >= 0.0 and draws[..., 0].max() <= 100.0  # a percentage
    assert draws[..., 1].min() >= 0.0  # never negative where the published values never are
    assert draws[..., 0].max() == 100.0 and draws[..., 1].min() == 0.0


def test_a_what_if_copy_moves_the_nominal_rank(engine: Engine) -> None:
    values = engine.panel.values.copy()
    worst = int(np.nanargmax(engine.scores.rank))
    values[worst] = np.nanmax(engine.panel.values, axis=0) * [1, 1, 0, 1]  # best on every metric
    values[worst, 2] = np.nanmin(engine.panel.values[:, 2])  # travel time: lower is better
    interval = rank_intervals(engine, EnsembleConfig(runs=50), values=values)[str(engine.panel.codes[worst])]
    assert interval.nominal == 1 and interval.low == 1


def test_format_rank_interval() -> None:
    iv = RankInterval("E06000001", 87, 71, 102, 88.0, 88.5, 0.0, 0.1, 296)
    assert format_rank_interval(iv) == "87th (71st–102nd)" == iv.text
    assert format_rank_interval(replace(iv, nominal=None, low=None, high=None)) == "not ranked"


def test_unranked_areas_have_no_interval() -> None:
    # Mission 1 weighted 0: Penrhos (Wales) has no other scored mission, so no overall score and no rank.
    engine = build_engine(examples.example_panel(), Settings(mission_weights=((1, 0.0),)))
    intervals = rank_intervals(engine, EnsembleConfig(runs=30))
    assert intervals["W06000001"].nominal is None and intervals["W06000001"].text == "not ranked"
    assert intervals["E06000003"].nominal is not None


def test_districts_showing_one_county_value_share_its_draw() -> None:
    values = np.array([[62.0], [62.0], [62.0], [58.0], [58.0]])
    meta = replace(examples.INDICATORS[1], nations=(), value_type="years")
    panel = examples.make_panel(values, [meta], lci=values - 3, uci=values + 3)
    from_county = np.array([[True], [True], [False], [True], [True]])
    from_county.setflags(write=False)
    inputs = prepare_inputs(build_engine(replace(panel, from_upper_tier=from_county), Settings()))
    x = perturb(inputs, np.random.default_rng(3), 50)[..., 0]
    assert np.array_equal(x[:, 0], x[:, 1]) and np.array_equal(x[:, 3], x[:, 4])  # one county, one draw
    assert not np.array_equal(x[:, 0], x[:, 2]) and not np.array_equal(x[:, 0], x[:, 3])


def test_progress_is_reported_after_each_chunk(engine: Engine) -> None:
    shares: list[float] = []
    rank_intervals(engine, EnsembleConfig(runs=50, chunk=20), on_progress=shares.append)
    assert shares == [0.4, 0.8, 1.0]


def test_peer_rank_interval_counts_only_the_peers() -> None:
    """Three areas and four runs by hand: A's rank among itself and B (C is not a peer)."""
    codes = np.array(["A", "B", "C"])
    overall = np.array([[50.0, 40.0, 90.0],   # A above B: 1st
                        [50.0, 60.0, 90.0],   # B above A: 2nd
                        [50.0, np.nan, 90.0],  # B unscored: 1st
                        [50.0, 45.0, 10.0]])  # 1st
    ensemble = RankEnsemble(codes, np.array([2, 1, 3]), np.array([3, 3, 3]), np.full((4, 3), np.nan), overall)
    interval = ensemble.peer_interval("A", ["B"], nominal=1, of=2)
    assert interval is not None
    assert (interval.nominal, interval.low, interval.high, interval.of) == (1, 1, 2, 2)
    assert interval.mean == pytest.approx(1.25) and interval.text == "1st (1st–2nd)"
    assert ensemble.peer_interval("A", [], nominal=1, of=1) is None
