"""The Fingertips recent-trend marker (methodology §7): increasing, decreasing or no significant change.

:func:`recent_trend_marker` tests the latest five points of a series (χ² on counts, inverse-variance weights
with confidence intervals, or an OLS t-test without them) and :func:`orient_marker` turns its raw direction
into improving or worsening with the indicator's polarity. Pure NumPy/SciPy; re-exported by
:mod:`lupcore.trends`.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from lupcore.stats import CHI2_998, FloatArray, _f

TREND_POINTS = 5  # Fingertips uses exactly the latest five points (methodology §7)


def _dropped_slopes(y: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted slopes (and SEs) on t = 1..k with all points (row 0) and each point dropped (rows 1..k)."""
    k = y.size
    t = np.arange(1.0, k + 1)
    keep = np.vstack([np.ones(k), 1.0 - np.eye(k)])
    s1, s2, s3, s4, s5 = (keep @ (w * v) for v in (np.ones(k), y * t, t, y, t * t))
    denom = s1 * s5 - s3**2
    return (s1 * s2 - s3 * s4) / denom, np.sqrt(s1 / denom)


def _latest(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp] | None:
    idx = np.flatnonzero(mask)[-TREND_POINTS:]
    return idx if idx.size == TREND_POINTS else None


def _test_proportions(y: FloatArray, r: FloatArray, n: FloatArray) -> tuple[FloatArray, bool] | None:
    idx = _latest(np.isfinite(y) & (r > 0) & (r < n))
    if idx is None:
        return None
    slopes, _ = _dropped_slopes(np.log(r[idx] / (n[idx] - r[idx])), np.ones(TREND_POINTS))
    return slopes, _proportion_chi2(r[idx], n[idx]) > CHI2_998


def _proportion_chi2(r: FloatArray, n: FloatArray) -> float:
    t = np.arange(1.0, r.size + 1)
    big_n, big_r = n.sum(), r.sum()
    num = big_n * (big_n * (r @ t) - big_r * (n @ t)) ** 2
    den = big_r * (big_n - big_r) * (big_n * (n @ (t * t)) - (n @ t) ** 2)
    return float(num / den)


def _test_cis(y: FloatArray, lci: FloatArray, uci: FloatArray) -> tuple[FloatArray, bool] | None:
    se = (uci - lci) / 3.92
    idx = _latest(np.isfinite(y) & (se > 0))
    if idx is None:
        return None
    slopes, se_slope = _dropped_slopes(y[idx], 1.0 / se[idx] ** 2)
    return slopes, bool((slopes[0] / se_slope[0]) ** 2 > CHI2_998)


def _test_ols(y: FloatArray, level: float = 0.998) -> tuple[FloatArray, bool] | None:
    idx = _latest(np.isfinite(y))
    if idx is None:
        return None
    yy = y[idx]
    slopes, _ = _dropped_slopes(yy, np.ones(TREND_POINTS))
    dt = np.arange(TREND_POINTS) - (TREND_POINTS - 1) / 2
    resid = yy - yy.mean() - slopes[0] * dt
    se = math.sqrt(float(resid @ resid) / (TREND_POINTS - 2) / float(dt @ dt))
    from scipy import stats as sps  # on use: scipy.stats is the slowest import of a start

    crit = float(sps.t.ppf(0.5 + level / 2.0, TREND_POINTS - 2))
    # A perfect straight line has se = 0: any non-zero slope is then unambiguous.
    return slopes, bool(abs(slopes[0]) > crit * se if se > 0 else slopes[0] != 0)


def recent_trend_marker(
    y: npt.ArrayLike,
    lci: npt.ArrayLike | None = None,
    uci: npt.ArrayLike | None = None,
    *,
    numerators: npt.ArrayLike | None = None,
    denominators: npt.ArrayLike | None = None,
) -> str:
    """Fingertips recent-trend marker on the latest five valid points (methodology §7).

    Points must be in time order (oldest first) and are indexed t = 1..5 by position, as in
    Fingertips. ``'increasing'``/``'decreasing'`` only when the trend is significant at 99.8% and
    the slope keeps its sign when each point is dropped in turn (a zero slope counts as positive, as
    in Fingertips); else ``'no significant change'``; ``'cannot be calculated'`` with fewer than
    five valid points. Values are raw: map to improving/worsening with :func:`orient_marker`.

    * ``numerators``/``denominators`` given (proportions): χ² test for trend on the counts, slope
      signs from OLS of the log-odds; a valid point needs ``0 < r < n``.
    * Else, if any CI is present: inverse-variance weights with ``SE = (uci − lci)/3.92`` and
      χ²₁ > 9.5495; points without a valid CI are skipped.
    * Without CIs (our fallback, not a Fingertips method): unweighted OLS slope t-test at 99.8%,
      two-sided with 3 df, plus the same sign-stability check.
    """
    ya = _f(y)
    if numerators is not None and denominators is not None:
        result = _test_proportions(ya, _f(numerators), _f(denominators))
    elif lci is not None and uci is not None and np.isfinite(_f(lci)).any():
        result = _test_cis(ya, _f(lci), _f(uci))
    else:
        result = _test_ols(ya)
    if result is None:
        return "cannot be calculated"
    slopes, significant = result
    stable = len(set(np.where(slopes < 0, -1, 1).tolist())) == 1
    if not (significant and stable):
        return "no significant change"
    return "increasing" if slopes[0] > 0 else "decreasing"


def orient_marker(marker: str, polarity: int | None) -> str:
    """Map ``'increasing'``/``'decreasing'`` to ``'improving'``/``'worsening'`` with polarity (±1).

    Polarity 0 or ``None`` keeps the neutral wording; other markers pass through unchanged.
    """
    if polarity not in (1, -1) or marker not in ("increasing", "decreasing"):
        return marker
    return "improving" if (marker == "increasing") == (polarity == 1) else "worsening"
