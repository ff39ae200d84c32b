"""Confidence-interval methods from the statistical spec that the app does not call yet (its sources publish
their own intervals), kept here as tested references: Wilson for proportions, exact and Byar for counts, and the
"clearly better or worse than a benchmark" rule of the ONS Explore Local Statistics app.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from lupcore.stats import Z95, Floats, Interval, _f, _out, orient


def wilson_ci(x: npt.ArrayLike, n: npt.ArrayLike, z: float = Z95, multiplier: float = 1.0) -> Interval:
    """Wilson score interval for a proportion ``x / n`` (methodology §4).

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
    """Exact Poisson interval for an event count, in events (methodology §4).

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

    Bounds are in events (methodology §4); for a rate divide by the population and multiply by
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
    (methodology §4): similar if ``lci ≤ benchmark ≤ uci`` (inclusive, as Fingertips), else the sign
    of ``value − benchmark``. Where both CI bounds are ``NaN`` and ``mad`` is given, the ELS rule
    applies (methodology §4): higher/lower only if ``|value − benchmark| > mad``. Polarity is applied
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
    """Whether the whole 95% CI lies strictly on one side of ``threshold`` (methodology §4 band certainty).

    A CI touching the threshold is not clear (matching the inclusive "similar" rule). A missing
    value, bound or threshold, or an inverted CI, gives ``False``.
    """
    x, lo, hi, t = np.broadcast_arrays(_f(value), _f(lci), _f(uci), _f(threshold))
    clear = ((lo > t) | (hi < t)) & (lo <= hi) & ~np.isnan(x)
    return bool(clear) if clear.ndim == 0 else clear
