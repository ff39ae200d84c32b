"""Statistical building blocks for scoring: percentiles, spread, outlier treatment, CIs, comparisons, ranks.

Pure NumPy/SciPy. ``NaN`` always means *missing*: it is ignored by summaries and propagates to
``NaN`` in element-wise results, never read as zero. Comparison outcomes are coded ``-1`` (worse or
lower), ``0`` (similar) and ``+1`` (better or higher), with ``NaN`` for "not compared". Section
numbers refer to ``docs/methodology.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
#: A float for scalar input, an array for array input (0-d results are unwrapped to ``np.float64``).
Floats = float | FloatArray

Z95 = 1.959964  # Φ⁻¹(0.975), as printed in methodology §4
Z998 = 3.090232  # Φ⁻¹(0.999)
CHI2_998 = 9.549536  # χ²₁ at 99.8%, the Fingertips trend constant (methodology §7)
MAD_SCALE = 1.4826
SKEW_LIMIT = 2.0
KURT_LIMIT = 3.5


def _f(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _out(a: FloatArray) -> Floats:
    # ``a[()]`` turns a 0-d array into an np.float64 (a float) and leaves real arrays alone.
    return a[()]


def orient(raw: npt.ArrayLike, polarity: npt.ArrayLike | None) -> Floats:
    """Turn a raw direction (``+1`` higher, ``-1`` lower, ``0`` similar) into better/worse.

    Parameters
    ----------
    raw : array_like
        Raw outcomes; ``NaN`` stays ``NaN``.
    polarity : array_like or None
        ``+1`` high is good, ``-1`` low is good (outcome negated), ``0`` no judgement (outcome kept as
        higher/lower); ``None`` or ``NaN`` means "not applicable", so the result is ``NaN``.
    """
    if polarity is None:
        return _out(np.full(np.shape(raw), np.nan))
    p = _f(polarity)
    r = _f(raw)
    out = np.where(p == -1, -r, r)
    return _out(np.where(np.isin(p, (-1, 0, 1)), out, np.nan) + 0.0)


def percentile(values: npt.ArrayLike, q: npt.ArrayLike) -> Floats:
    """Percentile(s) by linear interpolation, ignoring ``NaN`` (methodology §4).

    This is NumPy's default ``linear`` method, identical to Fingertips' ``h = (N − 1)q + 1`` rule.

    Parameters
    ----------
    values : array_like
        Values in any units; ``NaN`` is ignored.
    q : float or array_like
        Quantile(s) in [0, 1].

    Returns
    -------
    float or ndarray
        Same units as ``values``; ``NaN`` when no value is present.
    """
    x = _f(values).ravel()
    x = x[~np.isnan(x)]
    qa = _f(q)
    if np.any((qa < 0) | (qa > 1)):
        raise ValueError("q must lie in [0, 1]")
    if x.size == 0:
        return _out(np.full(qa.shape, np.nan))
    return _out(_f(np.quantile(x, qa, method="linear")))


def scaled_mad(values: npt.ArrayLike) -> float:
    """Scaled median absolute deviation ``1.4826 · median(|x − median(x)|)`` (methodology §4).

    ``NaN`` is ignored; returns ``NaN`` when no value is present. Same units as ``values``.
    """
    x = _f(values).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan
    return float(MAD_SCALE * np.median(np.abs(x - np.median(x))))


def skew_kurt(values: npt.ArrayLike) -> tuple[float, float]:
    """Sample skewness and excess kurtosis with COINr's formulas (methodology §5).

    ``NaN`` is ignored. Skew needs ≥ 3 values and kurtosis ≥ 4; a constant vector has neither.
    Undefined results are ``NaN`` (and an undefined statistic never fails the outlier test).
    """
    x = _f(values).ravel()
    x = x[~np.isnan(x)]
    n = x.size
    # A spread below the smallest normal float is numerically indistinguishable from a constant.
    if n < 3 or not np.ptp(x) >= np.finfo(np.float64).tiny:
        return math.nan, math.nan
    d = x - x.mean()
    # Both statistics are scale-free; rescaling stops tiny or huge values under/overflowing the powers.
    d = d / np.abs(d).max()
    m2 = float(np.sum(d**2))
    skew = math.sqrt(n) * float(np.sum(d**3)) / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    if n < 4:
        return skew, math.nan
    r = n * float(np.sum(d**4)) / m2**2
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def _fails(values: FloatArray) -> bool:
    # Treatment triggers only when *both* limits are exceeded (COINr default, methodology §5).
    skew, kurt = skew_kurt(values)
    return abs(skew) >= SKEW_LIMIT and kurt >= KURT_LIMIT


@dataclass(frozen=True, slots=True, eq=False)
class OutlierTreatment:
    """A learned outlier treatment (methodology §5) that can be re-applied to new values.

    Attributes
    ----------
    treated : ndarray
        Treated values, aligned with the input; ``NaN`` where the input was missing. Read-only.
    n_winsorised : int
        Number of values changed by winsorisation (0 when the log was used instead).
    log_applied : bool
        Whether the COIN-tool log ``log(x − min + 0.01·(max − min))`` was applied.
    passed : bool
        Whether the treated values pass the skew/kurtosis test.
    lower_cap, upper_cap : float
        Winsorisation caps (``±inf`` when that side was not capped).
    log_min, log_range : float
        ``min`` and ``max − min`` learned for the log (``NaN`` when no log).
    steps : int
        Winsorisation steps taken (COINr's ``winz``), including those tried before falling back to the log.
    """

    treated: FloatArray
    n_winsorised: int
    log_applied: bool
    passed: bool
    lower_cap: float = -math.inf
    upper_cap: float = math.inf
    log_min: float = math.nan
    log_range: float = math.nan
    steps: int = 0

    def apply(self, values: npt.ArrayLike) -> Floats:
        """Treat new values (e.g. a what-if value or another period) with the *same* caps or log.

        Values below the learned minimum are floored at it before the log so the log stays
        defined; in the winsorised case values are clipped to the learned caps. ``NaN`` stays ``NaN``.
        """
        x = _f(values)
        if self.log_applied:
            # Flooring keeps what-if values that fall below the baseline minimum inside the log's domain.
            return _out(np.log(np.maximum(x, self.log_min) - self.log_min + 0.01 * self.log_range))
        return _out(np.clip(x, self.lower_cap, self.upper_cap))


def _winsorise(x: FloatArray, winmax: int) -> tuple[FloatArray, int, float, float]:
    """COINr's loop: cap the current max(es) or min(es) by skew sign, re-test, at most ``winmax`` steps."""
    x = x.copy()
    steps, lo, hi = 0, -math.inf, math.inf
    while steps < winmax and _fails(x):
        # COINr refuses a step that would leave fewer than two distinct values.
        if np.unique(x).size <= 2:
            break
        if skew_kurt(x)[0] >= 0:
            top = x.max()
            hi = float(x[x != top].max())
            x[x == top] = hi
        else:
            bottom = x.min()
            lo = float(x[x != bottom].min())
            x[x == bottom] = lo
        steps += 1
    return x, steps, lo, hi


def treat_outliers(values: npt.ArrayLike, winmax: int = 5) -> OutlierTreatment:
    """Treat outliers as COINr does by default (methodology §5–3.3.3).

    An indicator passes when ``|skew| < 2`` or ``kurtosis < 3.5``. A failing one is winsorised
    step by step (up to ``winmax`` steps, each capping the current maximum value(s) if skew ≥ 0, else
    the minimum value(s)). If it still fails, the COIN-tool log is applied to the *original* values
    (COINr's default; winsorising and logging are not combined).

    Parameters
    ----------
    values : array_like
        One indicator's cross-section, in raw units; direction is irrelevant here. ``NaN`` is
        ignored in the tests and stays ``NaN`` in the output.
    winmax : int
        Maximum number of winsorisation steps (0–5 in the uncertainty analysis).

    Returns
    -------
    OutlierTreatment
        Treated values plus the parameters needed by :meth:`OutlierTreatment.apply`.
    """
    x = _f(values).ravel()
    ok = ~np.isnan(x)
    finite = x[ok]
    if not _fails(finite):
        return OutlierTreatment(treated=_readonly(x.copy()), n_winsorised=0, log_applied=False, passed=True)
    wins, steps, lo, hi = _winsorise(finite, winmax)
    if not _fails(wins):
        out = x.copy()
        out[ok] = wins
        n = int(np.sum(wins != finite))
        return OutlierTreatment(_readonly(out), n, False, True, lo, hi, steps=steps)
    vmin, vrange = float(finite.min()), float(np.ptp(finite))
    out = np.log(x - vmin + 0.01 * vrange)
    return OutlierTreatment(_readonly(out), 0, True, not _fails(out[ok]), log_min=vmin, log_range=vrange, steps=steps)


def _readonly(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a


class Interval(NamedTuple):
    """A (lower, upper) pair of bounds, each a float or an array."""

    lower: Floats
    upper: Floats


def se_from_ci(lci: npt.ArrayLike, uci: npt.ArrayLike, z: float = Z95) -> Floats:
    """Standard error from a symmetric CI: ``(uci − lci) / (2z)`` (95% by default). ``NaN`` propagates."""
    return _out((_f(uci) - _f(lci)) / (2.0 * z))


def significant_change(
    x0: npt.ArrayLike,
    se0: npt.ArrayLike,
    x1: npt.ArrayLike,
    se1: npt.ArrayLike,
    z: float = Z95,
    polarity: npt.ArrayLike | None = 1,
) -> Floats:
    """Direction of a significant change from ``x0`` to ``x1``: ``|Δ| / sqrt(SE₀² + SE₁²) > z`` (methodology §7).

    Returns ``+1``/``-1`` for a significant rise/fall (with the default ``polarity=1``; pass the
    indicator's polarity to get improving/worsening), ``0`` otherwise, ``NaN`` when any input is missing.
    Zero SEs mean no sampling error, so any non-zero change counts as real.
    """
    a, s0, b, s1 = np.broadcast_arrays(_f(x0), _f(se0), _f(x1), _f(se1))
    delta = b - a
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.abs(delta) / np.sqrt(s0**2 + s1**2)
    raw = np.where((stat > z) & (delta != 0), np.sign(delta), 0.0)
    raw = np.where(np.isnan(delta) | np.isnan(s0) | np.isnan(s1), np.nan, raw)
    return orient(raw, polarity)


def rank_min(scores: npt.ArrayLike, higher_is_better: bool = True, axis: int = -1) -> FloatArray:
    """Rank scores (1 = best) with ties sharing the lowest rank, along ``axis``.

    Ties take the *minimum* rank so that tied areas are never pushed below one another (methods
    §3.8.3). ``NaN`` scores are left out of the ranking and get a ``NaN`` rank. Works on 2-D arrays
    (e.g. 1,000 replications × areas with ``axis=-1``).
    """
    s = _f(scores)
    if s.size == 0:
        return s.copy()
    # pandas' rank (the same numbers as scipy's rankdata, NaN kept out) spares every process
    # importing scipy.stats, the slowest import of a replica's start.
    if s.ndim == 1:
        return pd.Series(s).rank(method="min", ascending=not higher_is_better).to_numpy(dtype=np.float64)
    along_rows = axis in (-1, s.ndim - 1)
    if s.ndim != 2 or not (along_rows or axis == 0):
        raise ValueError("rank_min ranks 1-D arrays, or 2-D arrays along an axis")
    frame = pd.DataFrame(s if along_rows else s.T)
    ranks = frame.rank(axis=1, method="min", ascending=not higher_is_better).to_numpy(dtype=np.float64)
    return ranks if along_rows else ranks.T
