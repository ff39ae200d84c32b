"""Unit tests for lupcore.stats: the worked values of the statistical spec vectors, hand-computed cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as sps

from lupcore import stats
from tests.core import ci_methods

NAN = math.nan
finite_floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
maybe_nan = st.one_of(finite_floats, st.just(NAN))


# ---- constants (methodology §4, §9) ---------------------------------------------------------------


def test_constants_match_scipy() -> None:
    assert stats.Z95 == pytest.approx(sps.norm.ppf(0.975), abs=1e-6)
    assert stats.Z998 == pytest.approx(sps.norm.ppf(0.999), abs=1e-6)
    assert stats.CHI2_998 == pytest.approx(sps.chi2.ppf(0.998, 1), abs=1e-6)
    assert stats.CHI2_998 == pytest.approx(9.549536, abs=1e-6)


# ---- confidence intervals (methodology §4, §9) ------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "lower", "upper"),
    [(stats.Z95, 50.20, 69.06), (stats.Z998, 44.64, 73.62)],
)
def test_wilson_vectors(z: float, lower: float, upper: float) -> None:
    ci = ci_methods.wilson_ci(60, 100, z=z, multiplier=100)
    assert ci.lower == pytest.approx(lower, abs=0.005)
    assert ci.upper == pytest.approx(upper, abs=0.005)


def test_wilson_invalid_and_vectorised() -> None:
    lo, hi = ci_methods.wilson_ci([0, 100, 5, NAN, 3], [100, 100, 0, 10, 2])
    assert lo[0] == 0.0 and 0 < hi[0] < 0.05
    assert 0.95 < lo[1] < 1 and hi[1] == pytest.approx(1.0)
    assert np.isnan(lo[2:]).all() and np.isnan(hi[2:]).all()


def test_byar_vector() -> None:
    ci = ci_methods.byar_ci(50)
    assert ci.lower == pytest.approx(37.11, abs=0.005)
    assert ci.upper == pytest.approx(65.92, abs=0.005)


def test_exact_poisson_vector() -> None:
    ci = ci_methods.exact_poisson_ci(5)
    assert ci.lower == pytest.approx(1.623, abs=5e-4)
    assert ci.upper == pytest.approx(11.668, abs=5e-4)


def test_byar_switches_to_exact_below_ten() -> None:
    counts = np.array([0.0, 5.0, 9.0, 10.0, NAN, -1.0])
    byar, exact = ci_methods.byar_ci(counts), ci_methods.exact_poisson_ci(counts)
    np.testing.assert_allclose(byar.lower[:3], exact.lower[:3])
    np.testing.assert_allclose(byar.upper[:3], exact.upper[:3])
    assert byar.lower[0] == 0.0
    assert byar.lower[3] != pytest.approx(exact.lower[3], abs=1e-9)
    assert np.isnan(byar.lower[4:]).all() and np.isnan(byar.upper[4:]).all()


def test_se_from_ci() -> None:
    assert stats.se_from_ci(50.0, 50.0 + 2 * stats.Z95) == pytest.approx(1.0)
    np.testing.assert_array_equal(np.isnan(stats.se_from_ci([1.0, NAN], [2.0, 3.0])), [False, True])


# ---- percentile and MAD (methodology §4, §2.4.1, §9) ----------------------------------------------


def _fingertips_percentile(values: np.ndarray, q: float) -> float:
    """Fingertips' rule written out: h = (N − 1)q + 1 on the 1-based sorted list."""
    x = np.sort(values)
    h = (x.size - 1) * q + 1
    lo = math.floor(h)
    if lo >= x.size:
        return float(x[-1])
    return float(x[lo - 1] + (h - lo) * (x[lo] - x[lo - 1]))


def test_percentile_equals_fingertips_rule_on_random_vectors() -> None:
    rng = np.random.default_rng(20240601)
    qs = np.linspace(0.1, 0.9, 9)
    for _ in range(1000):
        x = rng.normal(50, 15, size=rng.integers(5, 400))
        got = stats.percentile(x, qs)
        want = [_fingertips_percentile(x, q) for q in qs]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_percentile_ignores_nan_and_handles_edges() -> None:
    assert stats.percentile([1.0, NAN, 3.0, 2.0], 0.5) == 2.0
    assert stats.percentile([4.0, 1.0, 2.0, 3.0], 0.75) == pytest.approx(3.25)
    assert math.isnan(stats.percentile([NAN, NAN], 0.5))
    assert np.isnan(stats.percentile([], [0.2, 0.8])).all()
    with pytest.raises(ValueError, match="q must lie"):
        stats.percentile([1.0, 2.0], 1.5)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 40), elements=maybe_nan), st.floats(0, 1), st.floats(0, 1))
def test_percentile_monotone_in_q(x: np.ndarray, q1: float, q2: float) -> None:
    lo, hi = sorted((q1, q2))
    a, b = stats.percentile(x, lo), stats.percentile(x, hi)
    if np.isnan(x).all():
        assert math.isnan(a) and math.isnan(b)
    else:
        assert a <= b + 1e-9 * max(1.0, abs(b))


def test_scaled_mad_vector() -> None:
    x = [1.0, 2.0, 3.0, 4.0, 100.0]
    assert np.median(x) == 3.0
    assert stats.scaled_mad(x) == pytest.approx(1.4826)
    assert stats.scaled_mad([*x, NAN, NAN]) == pytest.approx(1.4826)
    assert math.isnan(stats.scaled_mad([NAN]))


# ---- skew, kurtosis and outlier treatment (methodology §5) --------------------------------------------


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(4, 60), elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_skew_kurt_match_bias_corrected_scipy(x: np.ndarray) -> None:
    if np.ptp(x) < 1e-6 * max(1.0, np.abs(x).max()):
        return  # near-constant data: moments are numerically meaningless
    skew, kurt = stats.skew_kurt(x)
    assert skew == pytest.approx(sps.skew(x, bias=False), rel=1e-6, abs=1e-6)
    assert kurt == pytest.approx(sps.kurtosis(x, fisher=True, bias=False), rel=1e-6, abs=1e-6)


def test_skew_kurt_undefined_cases() -> None:
    assert all(math.isnan(v) for v in stats.skew_kurt([5.0, 5.0, 5.0, 5.0]))
    skew, kurt = stats.skew_kurt([1.0, 2.0, 10.0, NAN])
    assert not math.isnan(skew) and math.isnan(kurt)


def test_passing_indicator_is_untouched() -> None:
    x = np.array([1.0, 2.0, NAN, 4.0, 7.0, 3.0])
    t = stats.treat_outliers(x)
    assert t.passed and not t.log_applied and t.n_winsorised == 0
    np.testing.assert_array_equal(t.treated, x)


def test_single_high_outlier_is_winsorised_once() -> None:
    # 1..20 plus 100: skew 3.99, kurt 17.3 fails; capping 100 at 20 leaves a mild distribution.
    x = np.r_[np.arange(1.0, 21.0), 100.0, NAN]
    t = stats.treat_outliers(x)
    assert (t.passed, t.log_applied, t.n_winsorised, t.steps) == (True, False, 1, 1)
    assert t.upper_cap == 20.0 and t.lower_cap == -math.inf
    np.testing.assert_array_equal(t.treated, np.r_[np.arange(1.0, 21.0), 20.0, NAN])


def test_low_outlier_is_winsorised_from_below() -> None:
    x = -np.r_[np.arange(1.0, 21.0), 100.0]
    t = stats.treat_outliers(x)
    assert t.n_winsorised == 1 and t.lower_cap == -20.0 and t.upper_cap == math.inf
    assert t.treated[-1] == -20.0


def test_tied_maxima_are_capped_together() -> None:
    x = np.r_[np.arange(1.0, 31.0), 200.0, 200.0]
    t = stats.treat_outliers(x)
    assert t.steps == 1 and t.n_winsorised == 2
    assert (t.treated[-2:] == 30.0).all()


def _lognormal_quantiles(n: int = 100, sigma: float = 2.0) -> np.ndarray:
    return np.exp(sigma * sps.norm.ppf((np.arange(1, n + 1) - 0.5) / n))


def test_heavy_tail_falls_back_to_coin_log_of_original_values() -> None:
    x = _lognormal_quantiles()
    t = stats.treat_outliers(x, winmax=5)
    assert t.log_applied and t.n_winsorised == 0 and t.steps == 5
    expected = np.log(x - x.min() + 0.01 * (x.max() - x.min()))
    np.testing.assert_allclose(t.treated, expected)
    assert t.passed
    assert t.treated.min() == pytest.approx(math.log(0.01 * (x.max() - x.min())))


def test_winmax_zero_goes_straight_to_log() -> None:
    t = stats.treat_outliers(np.r_[np.arange(1.0, 21.0), 100.0], winmax=0)
    assert t.log_applied and t.steps == 0


def test_apply_reuses_caps_and_log_parameters() -> None:
    win = stats.treat_outliers(np.r_[np.arange(1.0, 21.0), 100.0])
    np.testing.assert_array_equal(win.apply([25.0, 10.0, NAN]), [20.0, 10.0, NAN])
    x = _lognormal_quantiles()
    log = stats.treat_outliers(x)
    np.testing.assert_allclose(log.apply(x), log.treated)
    # A what-if value below the baseline minimum is floored there, keeping the log defined.
    assert log.apply(x.min() - 1.0) == pytest.approx(log.treated.min())
    assert log.apply(x.max() * 2) > log.treated.max()


def test_treated_array_is_read_only() -> None:
    t = stats.treat_outliers([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError):
        t.treated[0] = 9.0


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(0, 50), elements=st.floats(0, 1e4, allow_nan=False)), st.integers(0, 5))
def test_apply_reproduces_treated_values(x: np.ndarray, winmax: int) -> None:
    t = stats.treat_outliers(x, winmax=winmax)
    np.testing.assert_allclose(t.apply(x), t.treated, rtol=1e-12)
    assert t.n_winsorised == 0 or not t.log_applied


# ---- comparisons (methodology §4, §2.4.1, §2.7, §5.2.1) -------------------------------------------


def test_single_ci_vector_is_similar() -> None:
    assert ci_methods.compare_to_benchmark(60, 50.20, 69.06, 65, polarity=1) == 0


@pytest.mark.parametrize(
    ("value", "lci", "uci", "bench", "polarity", "expected"),
    [
        (60, 55, 65, 70, 1, -1),  # below, high is good → worse
        (60, 55, 65, 70, -1, 1),  # below, low is good → better
        (60, 55, 65, 70, 0, -1),  # no judgement → lower
        (60, 55, 65, 50, 1, 1),
        (60, 55, 65, 65, 1, 0),  # benchmark on the bound → similar (inclusive)
        (60, 55, 65, 70, None, NAN),  # polarity not applicable
        (60, 65, 55, 70, 1, NAN),  # inverted CI is invalid
        (60, 55, NAN, 70, 1, NAN),  # half a CI is invalid
        (NAN, 55, 65, 70, 1, NAN),
        (60, 55, 65, NAN, 1, NAN),
        (60, NAN, NAN, 70, 1, NAN),  # no CI and no MAD → not compared
    ],
)
def test_compare_to_benchmark_cases(
    value: float, lci: float, uci: float, bench: float, polarity: int | None, expected: float
) -> None:
    got = ci_methods.compare_to_benchmark(value, lci, uci, bench, polarity)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_compare_uses_mad_rule_only_without_ci() -> None:
    value = np.array([60.0, 60.0, 60.0, 60.0, 60.0])
    lci = np.array([NAN, NAN, NAN, 59.0, NAN])
    uci = np.array([NAN, NAN, NAN, 61.0, NAN])
    bench = np.array([65.0, 62.0, 57.0, 62.0, 64.0])
    got = ci_methods.compare_to_benchmark(value, lci, uci, bench, polarity=1, mad=np.array([3, 3, 3, 3, 4.0]))
    # gap 5 > 3 → worse; gap 2 → similar; gap 3 = MAD → similar (strict rule); CI row uses the CI; gap 4 = MAD.
    np.testing.assert_array_equal(got, [-1, 0, 0, -1, 0])
    assert ci_methods.compare_to_benchmark(60, NAN, NAN, 65, -1, mad=3.0) == 1


@settings(max_examples=60, deadline=None)
@given(maybe_nan, maybe_nan, maybe_nan, maybe_nan)
def test_low_is_good_mirrors_high_is_good(value: float, lci: float, uci: float, bench: float) -> None:
    hi = ci_methods.compare_to_benchmark(value, lci, uci, bench, 1, mad=1.0)
    lo = ci_methods.compare_to_benchmark(value, lci, uci, bench, -1, mad=1.0)
    assert (math.isnan(hi) and math.isnan(lo)) or hi == -lo
    assert math.isnan(hi) or hi in (-1, 0, 1)


def test_orient() -> None:
    np.testing.assert_array_equal(stats.orient([1, 0, -1, NAN], -1), [-1, 0, 1, NAN])
    np.testing.assert_array_equal(stats.orient([1, -1], [1, 0]), [1, -1])
    assert np.isnan(stats.orient([1, -1], [NAN, 2])).all()


@pytest.mark.parametrize(
    ("lci", "uci", "threshold", "expected"),
    [(50, 60, 45, True), (50, 60, 65, True), (50, 60, 55, False), (50, 60, 50, False), (NAN, 60, 70, False)],
)
def test_ci_clear(lci: float, uci: float, threshold: float, expected: bool) -> None:
    assert ci_methods.ci_clear(55, lci, uci, threshold) is expected


def test_ci_clear_vectorised() -> None:
    got = ci_methods.ci_clear([55, 55, NAN], [50, 50, 50], [60, 60, 60], [40, 55, 40])
    np.testing.assert_array_equal(got, [True, False, False])


def test_significant_change() -> None:
    # |Δ| = 3, sqrt(1² + 1²) = 1.414 → z = 2.12 > 1.96.
    assert stats.significant_change(60, 1, 63, 1) == 1
    assert stats.significant_change(60, 1, 57, 1) == -1
    assert stats.significant_change(60, 1, 62, 1) == 0
    assert stats.significant_change(60, 1, 63, 1, z=stats.Z998) == 0
    assert stats.significant_change(60, 1, 57, 1, polarity=-1) == 1
    got = stats.significant_change([60, 60, 60], [0, NAN, 0], [60, 61, 61], [0, 1, 0])
    np.testing.assert_array_equal(got, [0, NAN, 1])


# ---- ranks (methodology §9) ---------------------------------------------------------------------------


def test_rank_min_ties_and_nan() -> None:
    np.testing.assert_array_equal(stats.rank_min([70, 80, NAN, 80, 60]), [3, 1, NAN, 1, 4])
    np.testing.assert_array_equal(stats.rank_min([70, 80, NAN, 80, 60], higher_is_better=False), [2, 3, NAN, 3, 1])
    assert np.isnan(stats.rank_min([NAN, NAN])).all()


def test_rank_min_along_rows_of_a_monte_carlo_array() -> None:
    rng = np.random.default_rng(1)
    draws = rng.integers(0, 50, size=(1000, 361)).astype(float)
    draws[rng.random(draws.shape) < 0.02] = NAN
    ranks = stats.rank_min(draws)
    assert ranks.shape == draws.shape
    for row in (0, 500, 999):
        np.testing.assert_array_equal(ranks[row], stats.rank_min(draws[row]))
    np.testing.assert_array_equal(stats.rank_min(draws.T, axis=0), ranks.T)


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.integers(0, 30), elements=st.one_of(st.integers(-5, 5).map(float), st.just(NAN))))
def test_rank_min_is_a_valid_min_rank(scores: np.ndarray) -> None:
    ranks = stats.rank_min(scores)
    valid = scores[~np.isnan(scores)]
    for s, r in zip(scores, ranks, strict=True):
        if math.isnan(s):
            assert math.isnan(r)
        else:
            assert r == 1 + np.sum(valid > s)
