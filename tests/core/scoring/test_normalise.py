"""Normalise, weight, aggregate and rank (methodology §5), checked by hand on ``lupcore.examples``.

Default scores (min–max on the comparison sets; no outlier treatment triggers on these few values):
pay (x − 500)/400; employment (x − 60)/12; travel time (40 − x)/30 (lower is better); KS2 (x − 56)/12,
all × 100 and clipped to 0–100, so the City of London's 1500 is 100, not 250.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from bench.baseline_scoring import rescore_loop
from lupcore import stats
from lupcore.data._panel import Panel
from lupcore.data.examples import INDICATORS, example_panel, make_panel
from lupcore.model import IndicatorMeta, Polarity, Role
from lupcore.scoring import (
    RED,
    Engine,
    WeightsError,
    build_engine,
    classify_scores,
    fit_normaliser,
    indicator_weights,
    mission_weights,
    rank_within_nations,
    score_panel,
)
from lupcore.settings import DEFAULT_SETTINGS, NORMALISATIONS, Settings

NAN = np.nan
M1, M3, M5 = 0, 2, 4  # mission columns
ROWS = {"ashby": 0, "brindle": 1, "carlow": 2, "dunmore": 3, "city": 4, "penrhos": 5}


def _engine(settings: Settings = DEFAULT_SETTINGS, panel: Panel | None = None) -> Engine:
    return build_engine(example_panel() if panel is None else panel, settings)


def _pct(x: float, lo: float, hi: float) -> float:
    return 100 * (x - lo) / (hi - lo)


# ---- normalisation ----------------------------------------------------------------------------


def test_min_max_by_hand() -> None:
    s = _engine().scores
    expected = [
        [0, 0, _pct(-30, -40, -10), 0],
        [_pct(600, 500, 900), _pct(64, 60, 72), _pct(-20, -40, -10), _pct(60, 56, 68)],
        [50, NAN, 100, _pct(64, 56, 68)],
        [100, 100, 0, 100],
        [100, 100, 100, 100],  # City of London beyond every post: clipped
        [_pct(550, 500, 900), _pct(68, 60, 72), NAN, NAN],
    ]
    np.testing.assert_allclose(s.metric, expected)


def test_z_score_by_hand() -> None:
    """Pay: mean 650 and sample SD √25000 on the comparison set; shown as 50 ± 10 per SD, within 0–100."""
    y = _engine(Settings(normalisation="zscore")).scores.metric
    sd = np.sqrt(25_000)
    np.testing.assert_allclose(y[:4, 0], [50 + 10 * (x - 650) / sd for x in (500, 600, 700, 900)])
    assert y[ROWS["city"], 0] == 100  # 5.4 SD above: clipped


def test_percentile_rank_by_hand_with_ties_at_the_minimum_rank() -> None:
    y = _engine(Settings(normalisation="percentile")).scores.metric
    np.testing.assert_allclose(y[:, 0], [0, 50, 75, 100, 100, 25])  # pay: (rank − 1)/(5 − 1)
    np.testing.assert_allclose(y[:4, 2], [100 / 3, 200 / 3, 100, 0])  # travel time, lower is better
    tied = build_engine(make_panel([[1.0], [1.0], [2.0], [3.0]], [INDICATORS[0]]), Settings(normalisation="percentile"))
    np.testing.assert_allclose(tied.scores.metric[:, 0], [0, 0, 200 / 3, 100])


def test_distance_to_target_maps_minimum_to_0_and_target_to_100() -> None:
    """Minimums 640, 67, 22, 61; targets 700, 69, 17.5, 65."""
    engine = _engine(Settings(normalisation="distance"))
    what_if = np.array([[670.0, 68.0, 20.0, 64.0], [640.0, 67.0, 22.0, 61.0], [700.0, 69.0, 17.5, 65.0]])
    y = engine.normaliser.transform(what_if)
    np.testing.assert_allclose(y, [[50, 50, 100 * 2 / 4.5, 75], [0, 0, 0, 0], [100, 100, 100, 100]])
    # Past the goalposts: KS2 56 and 60 sit below the minimum 61, 69 beyond the target 65 (limits −100 and 200).
    np.testing.assert_allclose(engine.scores.metric[:4, 3], [-100, -25, 75, 175])


def test_outlier_rule_applies_before_min_max() -> None:
    """1…19 and 1000 fails |skew| < 2 and kurtosis < 3.5; one winsorising step caps 1000 at 19."""
    x = np.r_[np.arange(1.0, 20.0), 1000.0][:, None]
    treatment = stats.treat_outliers(x[:, 0])
    assert (treatment.n_winsorised, treatment.log_applied) == (1, False)
    y = build_engine(make_panel(x, [INDICATORS[0]]), Settings()).scores.metric[:, 0]
    assert (y[0], y[9], y[18], y[19]) == (0, 50, 100, 100)


def test_min_max_lands_on_0_and_100_and_polarity_reverses_order() -> None:
    y = _engine().scores.metric
    for j, ref_rows in ((0, [0, 1, 2, 3, 5]), (2, [0, 1, 2, 3])):
        assert (np.nanmin(y[ref_rows, j]), np.nanmax(y[ref_rows, j])) == (0, 100)
    x = example_panel().values
    assert list(np.argsort(y[:4, 2])) == list(np.argsort(-x[:4, 2]))  # travel time: less is more


# ---- aggregation, availability and coverage ---------------------------------------------------


def test_mission_overall_rank_and_coverage_by_hand() -> None:
    s = _engine().scores
    b_m1 = (25 + 100 / 3) / 2
    np.testing.assert_allclose(s.mission[:, [M1, M3, M5]], [
        [0, 100 / 3, 0], [b_m1, 200 / 3, 100 / 3], [NAN, 100, 200 / 3], [100, 0, 100], [100, 100, 100],
        [(12.5 + 200 / 3) / 2, NAN, NAN]])
    np.testing.assert_allclose(s.overall, [100 / 9, (b_m1 + 100) / 3, 250 / 3, 200 / 3, 100, (12.5 + 200 / 3) / 2])
    np.testing.assert_array_equal(s.rank, [5, 4, 2, 3, 1, 1])  # England and Wales ranked apart
    np.testing.assert_array_equal(s.rank_of, [5, 5, 5, 5, 5, 1])
    assert (s.mission_present[2, M1], s.mission_applicable[2, M1]) == (1, 2)  # Carlow: 1 of 2 < 2/3, no score
    assert s.mission_applicable[5, M3] == 0  # travel time is not published for Wales


def test_capitals_and_benchmark_scores() -> None:
    s = _engine().scores
    np.testing.assert_allclose(s.capital[:3, 1], [0, 100 / 3, NAN])  # human: employment and KS2
    np.testing.assert_allclose(s.mission_at_minimum[0, [M1, M3, M5]], [(35 + 700 / 12) / 2, 60, 500 / 12])
    np.testing.assert_allclose(s.mission_at_target[0, [M1, M3, M5]], [(50 + 75) / 2, 75, 75])
    rag = classify_scores(s.mission[0], s.mission_at_minimum[0], s.mission_at_target[0])
    assert list(rag[[M1, M3, M5]]) == [RED, RED, RED]


def test_geometric_mean_on_1_to_100() -> None:
    s = _engine(Settings(aggregation="geometric")).scores
    assert np.nanmin(s.metric) == 1 and np.nanmax(s.metric) == 100
    pay, emp = 1 + 0.99 * 25, 1 + 0.99 * 100 / 3
    assert s.mission[1, M1] == pytest.approx(np.sqrt(pay * emp))
    assert s.overall[0] == pytest.approx(np.cbrt(1 * (1 + 0.99 * 100 / 3) * 1))


def _meta(id_: str, mission: int, polarity: Polarity = Polarity.HIGHER_IS_BETTER, **extra: object) -> IndicatorMeta:
    return replace(INDICATORS[0], id=id_, mission=mission, polarity=polarity, nations=(), **extra)  # type: ignore[arg-type]


def test_weights_renormalise_over_present_metrics_and_the_two_thirds_rule() -> None:
    metas = [_meta("a", 1), _meta("b", 1), _meta("c", 1), _meta("d", 3), _meta("e", 5)]
    x = [[0, 0, 0, 0, 0], [10, 10, NAN, 10, 10], [10, NAN, NAN, 10, NAN], [20, 20, 20, 20, 20]]
    s = build_engine(make_panel(x, metas), Settings(indicator_weights=(("a", 3.0),))).scores
    assert s.mission[1, M1] == pytest.approx((3 * 50 + 50) / 4)  # 2 of 3 present: weights 3 and 1 renormalised
    assert np.isnan(s.mission[2, M1])  # 1 of 3 present
    assert np.isnan(s.overall[2]) and np.isnan(s.rank[2])  # 1 of 3 missions scored
    assert s.rank_of[2] == 3


# ---- weights ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("settings", "expected"), [
    (Settings(), [1, 1, 1, 1]),
    (Settings(weight_preset="headline"), [1, 0, 1, 1]),  # employment is supporting
    (Settings(weight_preset="killer", killer=("pay", "ks2")), [1, 0, 0, 1]),
    (Settings(weight_preset="local_control"), [0.25, 0.5, 1, 0.5]),
    (Settings(indicator_weights=(("pay", 3.0),), excluded=frozenset({"ks2"})), [3, 1, 1, 0]),
])
def test_indicator_weight_presets(settings: Settings, expected: list[float]) -> None:
    np.testing.assert_array_equal(indicator_weights(example_panel(), settings), expected)


def test_contextual_and_context_metrics_are_never_weighted() -> None:
    metas = [_meta("a", 1, Polarity.CONTEXTUAL), replace(_meta("b", 1), role=Role.CONTEXT), _meta("c", 1)]
    assert list(indicator_weights(make_panel([[1, 2, 3]], metas), Settings())) == [0, 0, 1]


def test_weights_move_scores_by_hand() -> None:
    s = _engine(Settings(indicator_weights=(("pay", 3.0),), mission_weights=((3, 2.0),))).scores
    assert s.mission[1, M1] == pytest.approx((3 * 25 + 100 / 3) / 4)
    assert s.overall[0] == pytest.approx((0 + 2 * 100 / 3 + 0) / 4)
    assert mission_weights(Settings(mission_weights=((3, 2.0),)))[2] == 2


@pytest.mark.parametrize("settings", [
    Settings(indicator_weights=tuple((i, 0.0) for i in ("pay", "employment", "travel_time", "ks2"))),
    Settings(weight_preset="killer"),  # no killer metrics chosen
    Settings(indicator_weights=(("pay", float("nan")),)),
    Settings(indicator_weights=(("pay", float("inf")),)),
    Settings(mission_weights=tuple((m, 0.0) for m in range(1, 13))),
    Settings(mission_weights=((1, 0.0), (3, 0.0), (5, 0.0))),  # missions without metrics keep 1: still nothing
    Settings(mission_weights=((1, float("nan")),)),
    Settings(weight_preset="killer", killer=("pay",), mission_weights=((1, 0.0),)),
])
def test_unusable_weights_are_a_clear_error(settings: Settings) -> None:
    with pytest.raises(WeightsError, match="weight"):
        _engine(settings)


# ---- ranks and small comparison sets ----------------------------------------------------------


def test_ties_share_the_better_rank() -> None:
    panel = make_panel([[1.0], [3.0], [3.0], [2.0]], [INDICATORS[0]])
    s = build_engine(panel, Settings()).scores
    np.testing.assert_array_equal(s.rank, [4, 1, 1, 3])


@pytest.mark.parametrize("normalisation", list(NORMALISATIONS))
def test_a_comparison_set_of_one_scores_without_error(normalisation: str) -> None:
    s = build_engine(make_panel([[42.0]], [INDICATORS[2]]), Settings(normalisation=normalisation)).scores
    assert np.isfinite(s.overall[0]) and 0 <= s.overall[0] <= 100
    assert (s.rank[0], s.rank_of[0]) == (1, 1)


def test_distance_to_target_mission_below_every_minimum_is_red() -> None:
    s = _engine(Settings(normalisation="distance")).scores  # Ashby: every metric below its minimum
    assert classify_scores(s.mission[0], s.mission_at_minimum[0], s.mission_at_target[0])[M1] == RED


# ---- properties -------------------------------------------------------------------------------

values_grid = arrays(float, st.tuples(st.integers(2, 7), st.integers(1, 4)),
                     elements=st.one_of(st.integers(0, 400).map(lambda v: v / 4), st.just(NAN)))


@st.composite
def panels(draw: st.DrawFn) -> Panel:
    x = draw(values_grid)
    k = x.shape[1]
    pols = draw(st.lists(st.sampled_from([Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER]), min_size=k, max_size=k))
    missions = draw(st.lists(st.sampled_from([1, 3, 5]), min_size=k, max_size=k))
    metas = [_meta(f"m{j}", missions[j], pols[j]) for j in range(k)]
    return make_panel(x, metas, national=[{"E92000001": float(np.nanmedian(x[:, j]))} if not np.isnan(x[:, j]).all()
                                          else {} for j in range(k)])


_weights_by_mission = st.lists(st.tuples(st.sampled_from([1, 3, 5]), st.integers(0, 3).map(float)), max_size=3).map(
    lambda pairs: tuple(sorted(dict(pairs).items())))
method_settings = st.builds(Settings, normalisation=st.sampled_from(list(NORMALISATIONS)),
                            aggregation=st.sampled_from(["arithmetic", "geometric"]))


@settings(max_examples=60, deadline=None)
@given(panels(), method_settings, st.data())
def test_improving_one_metric_never_lowers_that_areas_scores(panel: Panel, s: Settings, data: st.DataObject) -> None:
    """The what-if route: benchmarks and normaliser fixed, one value moved in its better direction."""
    i, j = data.draw(st.tuples(st.integers(0, len(panel.codes) - 1), st.integers(0, len(panel.ids) - 1)))
    assume(not np.isnan(panel.values[i, j]))
    engine = build_engine(panel, s)
    better = panel.values.copy()
    better[i, j] += float(panel.indicators[j].polarity) * data.draw(st.integers(1, 200)) / 4
    after = score_panel(panel, engine.benchmarks, engine.normaliser, s, values=better)
    for old, new in ((engine.scores.mission[i], after.mission[i]), (engine.scores.overall[i:i + 1], after.overall[i:i + 1]),
                     (engine.scores.capital[i], after.capital[i])):
        np.testing.assert_array_equal(np.isnan(old), np.isnan(new))
        assert np.all(new[~np.isnan(new)] >= old[~np.isnan(old)] - 1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("EEEWS"), st.one_of(st.integers(0, 6).map(float), st.just(NAN))),
                min_size=1, max_size=25))
def test_ranks_are_a_min_rank_permutation_within_each_nation(rows: list[tuple[str, float]]) -> None:
    codes = [f"{nation}07{i:06d}" for i, (nation, _) in enumerate(rows)]
    overall = np.array([v for _, v in rows])
    rank, rank_of = rank_within_nations(make_panel(np.zeros((len(rows), 1)), [INDICATORS[0]], codes), overall)
    for nation in set(n for n, _ in rows):
        here = np.array([n == nation for n, _ in rows]) & ~np.isnan(overall)
        r, v = rank[here], overall[here]
        assert all(r[a] == 1 + np.sum(v > v[a]) for a in range(len(v)))  # ties share the better (min) rank
        assert sorted(r) == sorted(stats.rank_min(v)) and (len(v) == 0 or sorted(set(r))[0] == 1)
        if len(set(v)) == len(v):
            assert sorted(r) == list(range(1, len(v) + 1))
        assert np.all(rank_of[np.array([n == nation for n, _ in rows])] == len(v))
    assert np.isnan(rank[np.isnan(overall)]).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=4, max_size=4), st.lists(st.integers(0, 20), min_size=12, max_size=12),
       st.sampled_from([0.01, 0.5, 3.0, 100.0]), method_settings)
def test_scaling_every_weight_changes_nothing(w_ind: list[int], w_mis: list[int], factor: float, s: Settings) -> None:
    ids = example_panel().ids
    assume(sum(w_ind) > 0 and any(w_mis[m - 1] > 0 for m, w in zip((1, 1, 3, 5), w_ind, strict=True) if w > 0))

    def scored(c: float) -> Engine:
        return _engine(replace(s, indicator_weights=tuple((i, c * w) for i, w in zip(ids, w_ind, strict=True)),
                               mission_weights=tuple((m + 1, c * w) for m, w in enumerate(w_mis))))

    a, b = scored(1.0), scored(factor)
    for field in ("metric", "mission", "capital", "overall", "mission_at_minimum", "mission_at_target"):
        np.testing.assert_allclose(getattr(a.scores, field), getattr(b.scores, field), rtol=1e-9, atol=1e-9)
    # Ranks agree wherever scores are not tied: two exactly equal scores may differ in the last binary digit after
    # scaling (found by hypothesis: w_ind=[0,1,1,1], factor 0.01), so only a tie can come out in either order.
    tied = np.isclose(a.scores.overall[:, None], a.scores.overall[None, :], rtol=0, atol=1e-9).sum(axis=1) > 1
    np.testing.assert_array_equal(a.scores.rank[~tied], b.scores.rank[~tied])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 4000).map(lambda v: v / 4), min_size=6, max_size=6))
def test_a_zero_weight_metric_cannot_change_anything(pay: list[float]) -> None:
    s = Settings(indicator_weights=(("pay", 0.0),))
    x = example_panel().values.copy()
    x[:, 0] = pay
    a, b = _engine(s), _engine(s, example_panel(values=x))
    np.testing.assert_allclose(a.scores.overall, b.scores.overall)
    np.testing.assert_array_equal(a.scores.rank, b.scores.rank)


def test_normaliser_is_reusable_for_what_ifs() -> None:
    engine = _engine()
    refit = fit_normaliser(engine.panel, engine.benchmarks, engine.settings)
    np.testing.assert_array_equal(refit.transform(engine.panel.values), engine.scores.metric)


@settings(max_examples=20, deadline=None)
@given(panels(), st.builds(Settings, mission_weights=_weights_by_mission))
def test_engine_agrees_with_the_area_by_area_baseline(panel: Panel, s: Settings) -> None:
    """A second oracle: ``bench/baseline_scoring.py`` aggregates and ranks one area at a time in pandas."""
    try:
        engine = build_engine(panel, s)
    except WeightsError:
        return
    slow = rescore_loop(panel, engine.normaliser, s)
    np.testing.assert_allclose(engine.scores.overall, slow["overall"], equal_nan=True)
    np.testing.assert_array_equal(engine.scores.rank, slow["rank"].to_numpy())
