"""Statistical building blocks for scoring: percentiles, spread, outlier treatment, CIs, comparisons, ranks.

Pure NumPy/SciPy. ``NaN`` always means *missing*: it is ignored by summaries and propagates to
``NaN`` in element-wise results, never read as zero. Comparison outcomes are coded ``-1`` (worse or
lower), ``0`` (similar) and ``+1`` (better or higher), with ``NaN`` for "not compared". Section
numbers refer to ``docs/methods.md``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

FloatArray = npt.NDArray[np.float64]
#: A float for scalar input, an array for array input (0-d results are unwrapped to ``np.float64``).
Floats = float | FloatArray

Z95 = 1.959964  # Φ⁻¹(0.975), as printed in methods §2.2.1
Z998 = 3.090232  # Φ⁻¹(0.999)
CHI2_998 = 9.549536  # χ²₁ at 99.8%, the Fingertips trend constant (methods §5.3)
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
    """Percentile(s) by linear interpolation, ignoring ``NaN`` (methods §2.3.5).

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
    """Scaled median absolute deviation ``1.4826 · median(|x − median(x)|)`` (methods §2.4.1).

    ``NaN`` is ignored; returns ``NaN`` when no value is present. Same units as ``values``.
    """
    x = _f(values).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan
    return float(MAD_SCALE * np.median(np.abs(x - np.median(x))))


def skew_kurt(values: npt.ArrayLike) -> tuple[float, float]:
    """Sample skewness and excess kurtosis with COINr's formulas (methods §3.3.1).

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
    # Treatment triggers only when *both* limits are exceeded (COINr default, methods §3.3.1).
    skew, kurt = skew_kurt(values)
    return abs(skew) >= SKEW_LIMIT and kurt >= KURT_LIMIT


@dataclass(frozen=True, slots=True, eq=False)
class OutlierTreatment:
    """A learned outlier treatment (methods §3.3) that can be re-applied to new values.

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
    """Treat outliers as COINr does by default (methods §3.3.1–3.3.3).

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


def wilson_ci(x: npt.ArrayLike, n: npt.ArrayLike, z: float = Z95, multiplier: float = 1.0) -> Interval:
    """Wilson score interval for a proportion ``x / n`` (methods §2.2.1).

    Bounds are proportions times ``multiplier`` (use 100 for percentages). Invalid input
    (``n ≤ 0``, ``x < 0``, ``x > n`` or ``NaN``) gives ``NaN`` bounds.
    """
    xa, na = np.broadcast_arrays(_f(x), _f(n))
    bad = ~((na > 0) & (xa >= 0) & (xa <= na))
    with np.errstate(invalid="ignore", divide="ignore"):
        root = z * np.sqrt(z**2 + 4 * xa * (1 - xa / na))
        lower = (2 * xa + z**2 - root) / (2 * (na + z**2)) * multiplier
        upper = (2 * xa + z**2 + root) / (2 * (na + z**2)) * multiplier
    return Interval(_out(np.where(bad, np.nan, lower)), _out(np.where(bad, np.nan, upper)))


def _alpha(z: float) -> float:
    return 2.0 * float(sps.norm.sf(z))


def exact_poisson_ci(count: npt.ArrayLike, z: float = Z95) -> Interval:
    """Exact Poisson interval for an event count, in events (methods §2.2.2).

    ``lower = χ²_{α/2}(2x)/2`` (0 when ``x = 0``), ``upper = χ²_{1−α/2}(2x + 2)/2`` with
    ``α = 2(1 − Φ(z))``. Negative or ``NaN`` counts give ``NaN``.
    """
    x = _f(count)
    a = _alpha(z)
    bad = ~(x >= 0)
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, sps.chi2.ppf(a / 2, 2 * np.fmax(x, 1e-300)) / 2, 0.0)
        upper = sps.chi2.ppf(1 - a / 2, 2 * x + 2) / 2
    return Interval(_out(np.where(bad, np.nan, lower)), _out(np.where(bad, np.nan, upper)))


def byar_ci(count: npt.ArrayLike, z: float = Z95) -> Interval:
    """Byar's interval for an event count, switching to the exact Poisson interval below 10 events.

    Bounds are in events (methods §2.2.2); for a rate divide by the population and multiply by
    the rate's multiplier. Negative or ``NaN`` counts give ``NaN``.
    """
    x = _f(count)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        x1 = x + 1
        upper = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    exact = exact_poisson_ci(x, z)
    small = x < 10
    bad = ~(x >= 0)
    lower = np.where(bad, np.nan, np.where(small, exact.lower, lower))
    upper = np.where(bad, np.nan, np.where(small, exact.upper, upper))
    return Interval(_out(lower), _out(upper))


def compare_to_benchmark(
    value: npt.ArrayLike,
    lci: npt.ArrayLike,
    uci: npt.ArrayLike,
    benchmark: npt.ArrayLike,
    polarity: npt.ArrayLike | None = 1,
    *,
    mad: npt.ArrayLike | None = None,
) -> Floats:
    """Compare values with a benchmark: ``+1`` better/higher, ``0`` similar, ``-1`` worse/lower, ``NaN`` not compared.

    Where a valid CI exists (``lci ≤ uci``, both present) the Fingertips single-CI rule applies
    (methods §2.3.1): similar if ``lci ≤ benchmark ≤ uci`` (inclusive, as Fingertips), else the sign
    of ``value − benchmark``. Where both CI bounds are ``NaN`` and ``mad`` is given, the ELS rule
    applies (methods §2.4.1): higher/lower only if ``|value − benchmark| > mad``. Polarity is applied
    last (see :func:`orient`). Missing values, half-missing or inverted CIs give ``NaN``.

    Parameters
    ----------
    value, lci, uci, benchmark : array_like
        Same units, broadcast together.
    polarity : array_like or None
        ``+1``, ``-1``, ``0`` or ``None``/``NaN`` (not compared).
    mad : array_like, optional
        Scaled MAD (:func:`scaled_mad`) of the indicator across areas, for values without a CI.
    """
    x, lo, hi, b = np.broadcast_arrays(_f(value), _f(lci), _f(uci), _f(benchmark))
    raw = np.where(x < b, -1.0, 1.0)
    ci_raw = np.where((lo <= b) & (b <= hi), 0.0, raw)
    ci_raw = np.where((lo <= hi) & ~np.isnan(x) & ~np.isnan(b), ci_raw, np.nan)
    if mad is not None:
        m = _f(mad)
        with np.errstate(invalid="ignore"):
            mad_raw = np.where(np.abs(x - b) > m, raw, 0.0)
        mad_raw = np.where(np.isnan(x) | np.isnan(b) | np.isnan(m), np.nan, mad_raw)
        ci_raw = np.where(np.isnan(lo) & np.isnan(hi), mad_raw, ci_raw)
    return orient(ci_raw, polarity)


def ci_clear(
    value: npt.ArrayLike, lci: npt.ArrayLike, uci: npt.ArrayLike, threshold: npt.ArrayLike
) -> bool | npt.NDArray[np.bool_]:
    """Whether the whole 95% CI lies strictly on one side of ``threshold`` (methods §2.7 band certainty).

    A CI touching the threshold is not clear (matching the inclusive "similar" rule). A missing
    value, bound or threshold, or an inverted CI, gives ``False``.
    """
    x, lo, hi, t = np.broadcast_arrays(_f(value), _f(lci), _f(uci), _f(threshold))
    clear = ((lo > t) | (hi < t)) & (lo <= hi) & ~np.isnan(x)
    return bool(clear) if clear.ndim == 0 else clear


def significant_change(
    x0: npt.ArrayLike,
    se0: npt.ArrayLike,
    x1: npt.ArrayLike,
    se1: npt.ArrayLike,
    z: float = Z95,
    polarity: npt.ArrayLike | None = 1,
) -> Floats:
    """Direction of a significant change from ``x0`` to ``x1``: ``|Δ| / sqrt(SE₀² + SE₁²) > z`` (methods §5.2.1).

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
    with warnings.catch_warnings():
        # All-NaN rows are legitimate (no data) and should quietly give NaN ranks.
        warnings.simplefilter("ignore", RuntimeWarning)
        ranks = sps.rankdata(-s if higher_is_better else s, method="min", nan_policy="omit", axis=axis)
    return _f(ranks)
