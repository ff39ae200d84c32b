"""Trends and projections: OLS fits with prediction intervals, on-track probabilities and pace.

Pure NumPy/SciPy (methodology §7, §5.5, §6.3). Time ``t`` is in decimal years (period midpoints,
methodology §7). Values are fitted on a transformed scale ``g(y)`` (logit for percentages, log for
money) and every reported level is back-transformed to the indicator's units. Functions here work
on raw values; polarity enters only through an explicit ``polarity`` argument or through the target.

The Fingertips recent-trend marker lives in :mod:`lupcore.trend_marker` and is re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from lupcore.foresight._trend_marker import TREND_POINTS as TREND_POINTS
from lupcore.foresight._trend_marker import _proportion_chi2 as _proportion_chi2
from lupcore.foresight._trend_marker import orient_marker as orient_marker
from lupcore.foresight._trend_marker import recent_trend_marker as recent_trend_marker
from lupcore.stats import FloatArray, Floats

PCT_CLIP = (0.01, 99.99)  # keeps logit finite for 0% and 100% (methodology §8)


def _f(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _logit_pct(y: npt.ArrayLike) -> FloatArray:
    p = np.clip(_f(y), *PCT_CLIP) / 100.0
    return np.log(p / (1.0 - p))


def _expit_pct(z: npt.ArrayLike) -> FloatArray:
    return 100.0 / (1.0 + np.exp(-_f(z)))


def _log_pos(y: npt.ArrayLike) -> FloatArray:
    # Non-positive money values have no log; NaN drops them from a fit instead of raising.
    y = _f(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(y > 0, np.log(np.where(y > 0, y, 1.0)), np.nan)


def _exp(z: npt.ArrayLike) -> FloatArray:
    # A wide band on the log scale can exceed float range; inf is then the honest bound.
    with np.errstate(over="ignore"):
        return np.exp(_f(z))


@dataclass(frozen=True, slots=True)
class Transform:
    """A fitting scale ``g`` with its inverse; ``forward`` maps indicator units to the fitting scale."""

    name: str
    forward: Callable[[npt.ArrayLike], FloatArray]
    inverse: Callable[[npt.ArrayLike], FloatArray]


TRANSFORMS: dict[str, Transform] = {
    "identity": Transform("identity", _f, _f),
    "logit": Transform("logit", _logit_pct, _expit_pct),
    "log": Transform("log", _log_pos, _exp),
}


def transform_for(value_type: str) -> Transform:
    """Fitting scale for an indicator's ``value_type`` (methodology §8).

    ``'percentage'`` → logit of ``y/100`` (inputs clipped to 0.01–99.99 so 0% and 100% stay finite;
    keeps projections inside 0–100), ``'money'`` → log (slope = constant growth rate; non-positive
    values become missing), anything else → identity.
    """
    return TRANSFORMS[{"percentage": "logit", "money": "log"}.get(value_type, "identity")]


def get_transform(transform: str | Transform) -> Transform:
    """Look a transform up by name (``'identity'``, ``'logit'``, ``'log'``), or pass one through."""
    if isinstance(transform, Transform):
        return transform
    if transform not in TRANSFORMS:
        raise ValueError(f"unknown transform {transform!r}; expected one of {sorted(TRANSFORMS)}")
    return TRANSFORMS[transform]


@dataclass(frozen=True, slots=True)
class TrendFit:
    """An OLS line ``g(y) = level_at_mean + slope·(t − t_mean)`` on the fitting scale.

    The design is centred on ``t_mean``, so ``(XᵀX)⁻¹ = diag(1/n, 1/sxx)`` and the leverage of a
    new time ``t0`` is ``1/n + (t0 − t_mean)²/sxx``. ``slope`` is in ``g``-units per year (pp/year for
    identity, log-odds/year for logit, log growth/year for log); ``s`` is the residual SD with
    ``n − 2`` degrees of freedom.
    """

    slope: float
    level_at_mean: float
    t_mean: float
    sxx: float
    s: float
    n: int
    transform: str
    t_min: float
    t_max: float

    @property
    def intercept(self) -> float:
        """``g(y)`` at ``t = 0`` (uncentred intercept)."""
        return self.level_at_mean - self.slope * self.t_mean

    @property
    def df(self) -> int:
        return self.n - 2

    def leverage(self, t0: npt.ArrayLike) -> FloatArray:
        """``x0ᵀ(XᵀX)⁻¹x0`` for ``x0 = [1, t0]``."""
        return 1.0 / self.n + (_f(t0) - self.t_mean) ** 2 / self.sxx


def fit_trend(
    t: npt.ArrayLike,
    y: npt.ArrayLike,
    transform: str | Transform = "identity",
    max_points: int = 10,
    min_points: int = 5,
    min_span: float = 5.0,
) -> TrendFit | None:
    """Fit an unweighted OLS trend to the latest ``max_points`` valid points (methodology §8).

    Parameters
    ----------
    t, y : array_like
        Period midpoints (decimal years) and values in indicator units. Points with a missing ``t``,
        ``y`` or ``g(y)`` are dropped. The caller removes disrupted periods and points before a
        series break.
    transform : str or Transform
        Fitting scale, usually ``transform_for(meta.value_type)``.
    max_points, min_points : int
        Use at most the latest ``max_points``; need at least ``min_points`` (≥ 3).
    min_span : float
        Minimum years between the first and last point used.

    Returns
    -------
    TrendFit or None
        ``None`` when there are too few points or too short a span ("not enough data to project").
    """
    if min_points < 3:
        raise ValueError("min_points must be at least 3 (a residual variance needs n − 2 ≥ 1)")
    tr = get_transform(transform)
    ta, za = np.broadcast_arrays(_f(t), tr.forward(y))
    ok = np.isfinite(ta) & np.isfinite(za)
    order = np.argsort(ta[ok], kind="stable")[-max_points:]
    tt, zz = ta[ok][order], za[ok][order]
    if tt.size < min_points or tt[-1] - tt[0] < min_span:
        return None
    t_mean = float(tt.mean())
    dt = tt - t_mean
    sxx = float(dt @ dt)
    slope = float(dt @ (zz - zz.mean())) / sxx
    resid = zz - zz.mean() - slope * dt
    s = math.sqrt(float(resid @ resid) / (tt.size - 2))
    return TrendFit(slope, float(zz.mean()), t_mean, sxx, s, int(tt.size), tr.name, float(tt[0]), float(tt[-1]))


@dataclass(frozen=True, slots=True, eq=False)
class Prediction:
    """Projection at ``t0`` in indicator units: point, prediction interval (``pi_*``) and line CI (``ci_*``).

    ``point_g``, ``se_obs`` and ``se_mean`` are on the fitting scale. Fields are floats for a scalar
    ``t0`` and arrays for an array of ``t0``.
    """

    t0: Floats
    level: float
    point: Floats
    pi_low: Floats
    pi_high: Floats
    ci_low: Floats
    ci_high: Floats
    point_g: Floats
    se_obs: Floats
    se_mean: Floats


def predict(fit: TrendFit, t0: npt.ArrayLike, level: float = 0.95) -> Prediction:
    """Project the trend to ``t0`` with Student-t intervals (methodology §8).

    ``se_mean = s·sqrt(h)`` gives the confidence band of the line and ``se_obs = s·sqrt(1 + h)`` the
    prediction band for a newly published value (``h`` = leverage). Both ends are back-transformed,
    so the point is the back-transformed fitted value (a median on the original scale). Vectorised
    over ``t0``: call with 0.8 and 0.95 for the two fans. Check :func:`extrapolation_ok` first.
    """
    tr = get_transform(fit.transform)
    ta = _f(t0)
    h = fit.leverage(ta)
    point_g = fit.level_at_mean + fit.slope * (ta - fit.t_mean)
    q = float(sps.t.ppf(0.5 + level / 2.0, fit.df))
    se_obs, se_mean = fit.s * np.sqrt(1.0 + h), fit.s * np.sqrt(h)
    bands = (point_g, point_g - q * se_obs, point_g + q * se_obs, point_g - q * se_mean, point_g + q * se_mean)
    point, pi_low, pi_high, ci_low, ci_high = (tr.inverse(b)[()] for b in bands)
    return Prediction(ta[()], level, point, pi_low, pi_high, ci_low, ci_high, point_g[()], se_obs[()], se_mean[()])


def extrapolation_ok(fit: TrendFit, t0: float) -> bool:
    """Whether ``t0`` is no further beyond the last point than the fitted span is long (methodology §8)."""
    return t0 - fit.t_max <= fit.t_max - fit.t_min + 1e-9


def probability_of_reaching(fit: TrendFit, t0: npt.ArrayLike, target: float, polarity: int) -> Floats:
    """Probability that the value published for ``t0`` meets ``target`` (methodology §8).

    Uses the prediction distribution ``g(Y0) ~ ŷ0 + se_obs·t_{n−2}``: for ``polarity = +1`` the
    probability that ``Y0 ≥ target``, for ``-1`` that ``Y0 ≤ target``. Any other polarity (0, ``NaN``)
    gives ``NaN`` because "reaching" has no direction. ``target`` is in indicator units (a
    percentage target is clipped to 0.01–99.99 by the logit).
    """
    if polarity not in (1, -1):
        return math.nan
    pred = predict(fit, t0)
    g_target = get_transform(fit.transform).forward(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (g_target - _f(pred.point_g)) / _f(pred.se_obs)
    cdf = sps.t.cdf(stat, fit.df)
    return _f(1.0 - cdf if polarity == 1 else cdf)[()]


LIKELIHOOD_BANDS: tuple[tuple[float, str], ...] = (
    (0.90, "very likely"),
    (0.66, "likely"),
    (0.33, "uncertain"),
    (0.10, "unlikely"),
    (0.0, "very unlikely"),
)


def likelihood_label(p: float) -> str:
    """Verbal band for a probability in [0, 1] (methodology §8); lower band edges are inclusive.

    ``NaN`` gives ``'cannot be calculated'``.
    """
    if math.isnan(p):
        return "cannot be calculated"
    return next(label for edge, label in LIKELIHOOD_BANDS if p >= edge)


class RequiredPace(NamedTuple):
    """Pace needed to reach a target by the horizon (methodology §9, §5.5.4).

    ``per_year`` is in indicator units per year (signed: negative means the value must fall),
    ``compound_rate`` a fraction per year (``NaN`` unless both values are positive),
    ``per_year_g`` the same pace on the fitting scale (compare with ``TrendFit.slope``), ``years``
    the time left.
    """

    per_year: float
    compound_rate: float
    per_year_g: float
    years: float


def required_pace(
    x_now: float, t_now: float, target: float, horizon: float = 2030.0, transform: str | Transform = "identity"
) -> RequiredPace:
    """Change per year needed to go from ``x_now`` at ``t_now`` to ``target`` by ``horizon``.

    Signs follow the raw values, so polarity is implicit in where the target lies. With no time
    left (``horizon ≤ t_now``) every rate is ``NaN``.
    """
    years = horizon - t_now
    if not years > 0:
        return RequiredPace(math.nan, math.nan, math.nan, years)
    g = get_transform(transform).forward
    per_year_g = float((g(target) - g(x_now)) / years)
    compound = (target / x_now) ** (1.0 / years) - 1.0 if x_now > 0 and target > 0 else math.nan
    return RequiredPace((target - x_now) / years, compound, per_year_g, years)


def pace_class(observed_slope: float, required_slope: float, already_met: bool) -> str:
    """Classify observed against required pace, ``ρ = observed/required`` (methodology §8).

    ``'target met'`` when the latest value already meets the target (``ρ`` not computed); else
    ``ρ ≥ 0.95`` ``'on track'``, ``0.6–0.95`` ``'moderate progress'``, ``0–0.6`` ``'insufficient
    progress'``, ``ρ < 0`` ``'moving away'``. Both slopes must be on the same scale (see
    :class:`RequiredPace`); polarity is handled by the ratio's sign. Missing or zero required pace
    gives ``'cannot be calculated'``.
    """
    if already_met:
        return "target met"
    if not (math.isfinite(observed_slope) and math.isfinite(required_slope)) or required_slope == 0:
        return "cannot be calculated"
    rho = observed_slope / required_slope
    if rho >= 0.95:
        return "on track"
    if rho >= 0.6:
        return "moderate progress"
    return "insufficient progress" if rho >= 0 else "moving away"


def years_to_target(fit: TrendFit, x_now: float, target: float) -> float:
    """Years to reach ``target`` from ``x_now`` at the fitted pace (methodology §9), on the fitting scale.

    ``0`` when already there; ``inf`` when the slope is flat or points away from the target.
    """
    g = get_transform(fit.transform).forward
    gap = float(g(target) - g(x_now))
    if gap == 0:
        return 0.0
    if fit.slope == 0 or math.copysign(1.0, gap) != math.copysign(1.0, fit.slope):
        return math.inf
    return gap / fit.slope


def not_informative(
    pi_low: npt.ArrayLike, pi_high: npt.ArrayLike, target: npt.ArrayLike, baseline: npt.ArrayLike
) -> bool | npt.NDArray[np.bool_]:
    """Whether a projection says nothing: its 95% band covers both the target and the baseline (methodology §8).

    Bounds are inclusive. Any missing input gives ``False`` (nothing to flag).
    """
    lo, hi, tg, b = np.broadcast_arrays(_f(pi_low), _f(pi_high), _f(target), _f(baseline))
    flag = (lo <= tg) & (tg <= hi) & (lo <= b) & (b <= hi)
    return bool(flag) if flag.ndim == 0 else flag
