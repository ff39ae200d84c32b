"""Unit tests for lupcore.trends: the worked values of the statistical spec trend vectors, hand-computed cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats as sps

from lupcore.foresight import TrendFit, _outlook as outlook, _trends as trends

NAN = math.nan
# the worked values of the statistical spec: KS2-like series, t = calendar year, gap for 2020–21.
KS2_T = [2016, 2017, 2018, 2019, 2022, 2023]
KS2_Y = [53, 61, 64, 65, 59, 60]


# ---- transforms ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "name"),
    [("percentage", "logit"), ("money", "log"), ("rate", "identity"), ("percentage_change", "identity")],
)
def test_transform_for(value_type: str, name: str) -> None:
    assert trends.transform_for(value_type).name == name


def test_transforms_round_trip_and_clip() -> None:
    logit = trends.get_transform("logit")
    y = np.array([0.5, 12.0, 50.0, 99.0])
    np.testing.assert_allclose(logit.inverse(logit.forward(y)), y)
    assert logit.forward(50.0) == pytest.approx(0.0)
    assert np.isfinite(logit.forward([0.0, 100.0])).all()
    np.testing.assert_allclose(logit.inverse(logit.forward([0.0, 100.0])), [0.01, 99.99])
    log = trends.get_transform("log")
    np.testing.assert_array_equal(np.isnan(log.forward([-1.0, 0.0, 1.0])), [True, True, False])
    with pytest.raises(ValueError, match="unknown transform"):
        trends.get_transform("sqrt")


# ---- fit and prediction: the worked values of the statistical spec vectors --------------------------------------------------------


@pytest.mark.parametrize(
    ("transform", "point", "pi", "ci", "p90", "label", "uninformative"),
    [
        ("identity", 63.6, (37.0, 90.2), (40.4, 86.8), 0.026, "very unlikely", True),
        ("logit", 63.4, (36.4, 84.0), (39.7, 82.0), 0.007, "very unlikely", False),
    ],
)
def test_ks2_projection_vectors(
    transform: str,
    point: float,
    pi: tuple[float, float],
    ci: tuple[float, float],
    p90: float,
    label: str,
    uninformative: bool,
) -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y, transform)
    assert fit is not None and fit.n == 6 and fit.transform == transform
    pred = trends.predict(fit, 2030.0)
    assert pred.point == pytest.approx(point, abs=0.05)
    assert (pred.pi_low, pred.pi_high) == pytest.approx(pi, abs=0.05)
    assert (pred.ci_low, pred.ci_high) == pytest.approx(ci, abs=0.05)
    p = outlook.probability_of_reaching(fit, 2030.0, 90.0, polarity=1)
    assert p == pytest.approx(p90, abs=5e-4)
    assert outlook.likelihood_label(p) == label
    baseline_2019 = 65.0
    assert outlook.not_informative(pred.pi_low, pred.pi_high, 90.0, baseline_2019) is uninformative
    assert trends.extrapolation_ok(fit, 2030.0)


def test_ks2_identity_slope() -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y)
    assert fit is not None
    assert fit.slope == pytest.approx(0.30, abs=0.005)
    assert fit.intercept + fit.slope * 2030 == pytest.approx(63.588, abs=1e-3)


def test_prediction_matches_matrix_formula() -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y)
    assert fit is not None
    x = np.column_stack([np.ones(6), KS2_T]).astype(float)
    beta, rss, *_ = np.linalg.lstsq(x, np.array(KS2_Y, float), rcond=None)
    s = math.sqrt(rss[0] / 4)
    x0 = np.array([1.0, 2030.0])
    h = x0 @ np.linalg.inv(x.T @ x) @ x0
    pred = trends.predict(fit, 2030.0)
    assert fit.s == pytest.approx(s)
    assert pred.se_mean == pytest.approx(s * math.sqrt(h))
    assert pred.se_obs == pytest.approx(s * math.sqrt(1 + h))
    assert pred.point_g == pytest.approx(x0 @ beta)


def test_predict_is_vectorised_and_fans_nest() -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y, "logit")
    assert fit is not None
    grid = np.array([2024.0, 2027.0, 2030.0])
    p95, p80 = trends.predict(fit, grid), trends.predict(fit, grid, level=0.8)
    for i, t0 in enumerate(grid):
        assert p95.pi_low[i] == pytest.approx(trends.predict(fit, t0).pi_low)
    assert (p80.pi_low > p95.pi_low).all() and (p80.pi_high < p95.pi_high).all()
    assert (p95.ci_low > p95.pi_low).all() and (p95.ci_high < p95.pi_high).all()
    assert (np.diff(p95.pi_high - p95.pi_low) > 0).all()  # the fan widens with distance
    assert ((p95.pi_low > 0) & (p95.pi_high < 100)).all()  # logit keeps the fan inside 0–100


def test_fit_refuses_short_or_sparse_series() -> None:
    assert trends.fit_trend([2019, 2020, 2021, 2022], [1, 2, 3, 4]) is None  # 4 points
    assert trends.fit_trend([2019, 2019.5, 2020, 2021, 2022], [1, 2, 3, 4, 5]) is None  # span 3 years
    fit = trends.fit_trend([2016, 2019, 2022], [1, 2, 4], min_points=3)
    assert fit is not None and fit.n == 3
    assert trends.fit_trend([2016, 2019, 2022], [1, 2, 4], min_points=3, min_span=7) is None
    with pytest.raises(ValueError, match="min_points"):
        trends.fit_trend([2016, 2019], [1, 2], min_points=2)


def test_fit_uses_latest_ten_valid_points_in_time_order() -> None:
    t = np.arange(2000.0, 2015.0)
    y = np.where(t < 2005, 100.0, t - 2000)  # an old level shift outside the window
    y[-1] = NAN  # missing value dropped
    shuffled = np.random.default_rng(3).permutation(t.size)
    fit = trends.fit_trend(t[shuffled], y[shuffled])
    assert fit is not None
    assert (fit.n, fit.t_min, fit.t_max) == (10, 2004.0, 2013.0)
    assert fit.slope != pytest.approx(1.0)  # 2004 (100) is the oldest point kept
    fit9 = trends.fit_trend(t, y, max_points=9)
    assert fit9 is not None and fit9.slope == pytest.approx(1.0) and fit9.s == pytest.approx(0.0, abs=1e-9)


def test_log_fit_slope_is_growth_rate() -> None:
    t = np.arange(2010.0, 2020.0)
    fit = trends.fit_trend(t, 1000 * 1.03 ** (t - 2010), trends.transform_for("money"))
    assert fit is not None and math.exp(fit.slope) - 1 == pytest.approx(0.03)


def test_extrapolation_limit() -> None:
    fit = TrendFit(
        slope=1, level_at_mean=0, t_mean=2018, sxx=10, s=1, n=5, transform="identity", t_min=2016, t_max=2020
    )
    assert trends.extrapolation_ok(fit, 2024.0)
    assert not trends.extrapolation_ok(fit, 2024.5)


# ---- probability and labels (methodology §8) ---------------------------------------------------------


def test_probability_polarity() -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y)
    assert fit is not None
    up = outlook.probability_of_reaching(fit, 2030.0, 60.0, 1)
    down = outlook.probability_of_reaching(fit, 2030.0, 60.0, -1)
    assert up + down == pytest.approx(1.0)
    assert up > 0.5  # the projected point (63.6) is above 60
    assert math.isnan(outlook.probability_of_reaching(fit, 2030.0, 60.0, 0))
    many = outlook.probability_of_reaching(fit, np.array([2025.0, 2030.0]), 90.0, 1)
    assert many.shape == (2,) and many[1] == pytest.approx(0.0256, abs=5e-4)


@settings(max_examples=50, deadline=None)
@given(st.floats(40, 95), st.floats(40, 95))
def test_probability_falls_as_target_rises(t1: float, t2: float) -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y, "logit")
    assert fit is not None
    lo, hi = sorted((t1, t2))
    assert outlook.probability_of_reaching(fit, 2030.0, hi, 1) <= outlook.probability_of_reaching(fit, 2030.0, lo, 1)


def test_probability_matches_student_t() -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y)
    assert fit is not None
    pred = trends.predict(fit, 2030.0)
    want = sps.t.sf((90.0 - pred.point) / pred.se_obs, df=4)
    assert outlook.probability_of_reaching(fit, 2030.0, 90.0, 1) == pytest.approx(want)


@pytest.mark.parametrize(
    ("p", "label"),
    [
        (0.95, "very likely"),
        (0.90, "very likely"),
        (0.8999, "likely"),
        (0.66, "likely"),
        (0.5, "uncertain"),
        (0.33, "uncertain"),
        (0.2, "unlikely"),
        (0.10, "unlikely"),
        (0.0999, "very unlikely"),
        (0.0, "very unlikely"),
        (NAN, "cannot be calculated"),
    ],
)
def test_likelihood_label(p: float, label: str) -> None:
    assert outlook.likelihood_label(p) == label


# ---- pace (methodology §8, §6.3.1) ---------------------------------------------------------------


def test_required_pace_vector() -> None:
    pace = outlook.required_pace(60.0, 2023.0, 90.0)
    assert pace.per_year == pytest.approx(4.29, abs=0.005)
    assert pace.compound_rate == pytest.approx(0.0596, abs=5e-5)
    assert pace.per_year_g == pace.per_year and pace.years == 7.0


def test_required_pace_edge_cases() -> None:
    logit = outlook.required_pace(60.0, 2023.0, 90.0, transform="logit")
    assert logit.per_year_g == pytest.approx((math.log(9) - math.log(1.5)) / 7)
    assert math.isnan(outlook.required_pace(60.0, 2030.0, 90.0).per_year)
    assert math.isnan(outlook.required_pace(-2.0, 2023.0, 3.0).compound_rate)
    assert outlook.required_pace(20.0, 2023.0, 10.0).per_year < 0  # a low-is-good target


@pytest.mark.parametrize(
    ("observed", "required", "met", "label"),
    [
        (1.0, 2.0, True, "target met"),
        (2.0, 2.0, False, "on track"),
        (1.9, 2.0, False, "on track"),
        (1.5, 2.0, False, "moderate progress"),
        (1.2, 2.0, False, "moderate progress"),
        (0.3, 4.29, False, "insufficient progress"),
        (0.0, 2.0, False, "insufficient progress"),
        (-0.1, 2.0, False, "moving away"),
        (-1.0, -1.0, False, "on track"),  # low is good: both slopes negative
        (0.5, -1.0, False, "moving away"),
        (1.0, 0.0, False, "cannot be calculated"),
        (NAN, 1.0, False, "cannot be calculated"),
    ],
)
def test_pace_class(observed: float, required: float, met: bool, label: str) -> None:
    assert outlook.pace_class(observed, required, met) == label


def test_ks2_pace_is_insufficient() -> None:
    fit = trends.fit_trend(KS2_T, KS2_Y, "logit")
    assert fit is not None
    pace = outlook.required_pace(60.0, 2023.0, 90.0, transform="logit")
    assert outlook.pace_class(fit.slope, pace.per_year_g, already_met=False) == "insufficient progress"


def test_years_to_target() -> None:
    fit = TrendFit(
        slope=2, level_at_mean=0, t_mean=2018, sxx=10, s=1, n=5, transform="identity", t_min=2016, t_max=2020
    )
    assert outlook.years_to_target(fit, 60.0, 70.0) == pytest.approx(5.0)
    assert outlook.years_to_target(fit, 60.0, 60.0) == 0.0
    assert outlook.years_to_target(fit, 60.0, 50.0) == math.inf


def test_not_informative_vectorised() -> None:
    got = outlook.not_informative([30, 30, 30, NAN], [95, 80, 95, 95], [90, 90, 90, 90], [65, 65, 20, 65])
    np.testing.assert_array_equal(got, [True, False, False, False])


# ---- recent-trend marker (methodology §7) --------------------------------------------------------------


def _ci(y: list[float], se: float) -> tuple[np.ndarray, np.ndarray]:
    half = 1.96 * se  # width 3.92·SE, the width Fingertips turns back into an SE
    return np.array(y) - half, np.array(y) + half


@pytest.mark.parametrize(
    ("se", "marker"),
    # A straight line of slope 1 at t = 1..5 with equal SEs has χ² = 10/SE²; the cut-off 9.5495 sits at SE ≈ 1.0233.
    [(1.0, "increasing"), (1.02, "increasing"), (1.03, "no significant change"), (1.5, "no significant change")],
)
def test_trend_marker_chi_square_threshold(se: float, marker: str) -> None:
    y = [10.0, 11.0, 12.0, 13.0, 14.0]
    assert trends.recent_trend_marker(y, *_ci(y, se)) == marker


def test_trend_marker_uses_latest_five_valid_points() -> None:
    y = [50.0, 40.0, 30.0, NAN, 10.0, 11.0, 12.0, 13.0, 14.0]
    lci, uci = _ci(y, 0.5)
    assert trends.recent_trend_marker(y, lci, uci) == "increasing"
    assert trends.recent_trend_marker(y[:4], lci[:4], uci[:4]) == "cannot be calculated"
    down = [14.0, 13.0, 12.0, 11.0, 10.0]
    assert trends.recent_trend_marker(down, *_ci(down, 0.5)) == "decreasing"


def test_trend_marker_skips_points_without_a_ci() -> None:
    y = [10.0, 11.0, 12.0, 13.0, 99.0, 14.0]
    lci, uci = _ci(y, 0.5)
    lci[4] = uci[4] = NAN
    assert trends.recent_trend_marker(y, lci, uci) == "increasing"
    lci[0] = NAN  # now only four points carry a CI
    assert trends.recent_trend_marker(y, lci, uci) == "cannot be calculated"


def test_trend_marker_rejects_outlier_driven_slope() -> None:
    # Highly significant overall, but dropping the last point reverses the slope.
    y = [1.0, 0.0, 0.0, 0.0, 10.0]
    assert trends.recent_trend_marker(y, *_ci(y, 0.01)) == "no significant change"


def test_trend_marker_for_proportions() -> None:
    n = [1000.0] * 5
    assert trends.recent_trend_marker([10, 20, 30, 40, 50], numerators=[100, 200, 300, 400, 500], denominators=n) == (
        "increasing"
    )
    flat = [300, 302, 299, 301, 300]
    assert trends.recent_trend_marker([30] * 5, numerators=flat, denominators=n) == "no significant change"
    assert trends.recent_trend_marker([0] * 5, numerators=[0, 1, 2, 3, 4], denominators=n) == "cannot be calculated"


def test_proportion_chi_square_matches_cochran_armitage() -> None:
    r = np.array([30.0, 35.0, 41.0, 44.0, 52.0])
    n = np.array([200.0, 210.0, 205.0, 190.0, 215.0])
    t = np.arange(1.0, 6.0)
    p = r.sum() / n.sum()
    # Cochran–Armitage trend statistic (its N/(N−1)-free form), written independently.
    num = (r @ t - p * (n @ t)) ** 2
    den = p * (1 - p) * (n @ t**2 - (n @ t) ** 2 / n.sum())
    assert trends._proportion_chi2(r, n) == pytest.approx(num / den)


def test_trend_marker_without_cis_uses_ols_t_test() -> None:
    assert trends.recent_trend_marker([10.0, 11.0, 12.0, 13.0, 14.0]) == "increasing"
    assert trends.recent_trend_marker([10.0, 11.0, 12.1, 12.9, 14.0]) == "increasing"  # t ≈ 32 > 10.21
    assert trends.recent_trend_marker([10.0, 13.0, 11.0, 14.0, 12.0]) == "no significant change"
    assert trends.recent_trend_marker([10.0, 11.0, 12.0, 13.0], [NAN] * 4, [NAN] * 4) == "cannot be calculated"


@pytest.mark.parametrize(
    ("marker", "polarity", "label"),
    [
        ("increasing", 1, "improving"),
        ("increasing", -1, "worsening"),
        ("decreasing", -1, "improving"),
        ("decreasing", 0, "decreasing"),
        ("no significant change", 1, "no significant change"),
        ("increasing", None, "increasing"),
    ],
)
def test_orient_marker(marker: str, polarity: int | None, label: str) -> None:
    assert trends.orient_marker(marker, polarity) == label
