"""A projection against a target: the chance of reaching it, the pace it needs, and whether the trend says anything.

Built on the fitted trends of ``_trends`` (methodology §8): probabilities come from the prediction interval on
the transformed scale, paces are per year on the original scale, and a projection whose interval spans both
sides of the target as widely as the baseline did is "not informative".
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from lupcore.foresight._trends import Floats, Transform, TrendFit, _f, get_transform, predict


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
    from scipy import stats as sps  # on use: scipy.stats is the slowest import of a start

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
