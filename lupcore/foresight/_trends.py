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

import numpy as np
import numpy.typing as npt

from lupcore.foresight._trend_marker import (
    TREND_POINTS as TREND_POINTS,
    _proportion_chi2 as _proportion_chi2,
    orient_marker as orient_marker,
    recent_trend_marker as recent_trend_marker,
)
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
    from scipy import stats as sps  # on use: scipy.stats is the slowest import of a start

    q = float(sps.t.ppf(0.5 + level / 2.0, fit.df))
    se_obs, se_mean = fit.s * np.sqrt(1.0 + h), fit.s * np.sqrt(h)
    bands = (point_g, point_g - q * se_obs, point_g + q * se_obs, point_g - q * se_mean, point_g + q * se_mean)
    point, pi_low, pi_high, ci_low, ci_high = (tr.inverse(b)[()] for b in bands)
    return Prediction(ta[()], level, point, pi_low, pi_high, ci_low, ci_high, point_g[()], se_obs[()], se_mean[()])


def extrapolation_ok(fit: TrendFit, t0: float) -> bool:
    """Whether ``t0`` is no further beyond the last point than the fitted span is long (methodology §8)."""
    return t0 - fit.t_max <= fit.t_max - fit.t_min + 1e-9
