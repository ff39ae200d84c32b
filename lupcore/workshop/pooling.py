"""Pooling what a room says: weights from 100-point budgets, spread, agreement (Kendall's W), votes.

Notation: n participants, m missions (12); ``points`` is an n × m array whose rows sum to 100
(participant i's points for mission j). Everything is vectorised over the whole array.

- **Mean** per mission: the Budget Allocation Process of the OECD/JRC *Handbook on Constructing
  Composite Indicators* (2008, §6.5). Sums to 100 by construction.
- **Median** per mission, rescaled to sum to 100 (robust to one person's extreme budget).
- **10% trimmed mean** per mission (``scipy.stats.trim_mean(points, 0.1, axis=0)``: 10% cut from
  each end, rounded down, so nothing is cut below 10 people), rescaled to 100.
- **Spread**: the interquartile range of each mission's points (linear interpolation, NumPy's
  default); the *most contested* missions are those with the widest IQR.
- **Kendall's W** over the missions: each person's points ranked (most points = rank 1, average
  ranks for ties), R_j the rank sums, S = Σ (R_j − n(m+1)/2)², T_i = Σ over person i's tie groups
  of (t³ − t), W = 12 S / (n² (m³ − m) − n Σ T_i). The test statistic χ² = n (m − 1) W has m − 1
  degrees of freedom. W is missing (NaN) with fewer than two people or when everyone gives every
  mission the same points (no ranking to agree on).

Missing is missing: a median budget that is zero everywhere cannot be rescaled and is NaN.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

MISSIONS: tuple[int, ...] = tuple(range(1, 13))
TRIM = 0.1
RAG_COLOURS: tuple[str, ...] = ("red", "amber", "green")
CONTROL_LEVELS: tuple[str, ...] = ("high", "medium", "low", "dont_know")


@dataclass(frozen=True)
class Agreement:
    """Kendall's W with its chi-squared test."""

    w: float
    chi2: float
    p: float
    n: int
    m: int


@dataclass(frozen=True)
class PooledPriorities:
    """The room's pooled mission weights (each array has one value per mission, in ``missions`` order)."""

    missions: tuple[int, ...]
    responses: int
    mean: np.ndarray
    median: np.ndarray
    trimmed_mean: np.ndarray
    q1: np.ndarray
    q3: np.ndarray
    iqr: np.ndarray
    agreement: Agreement
    contested: tuple[int, ...]  # missions by IQR, widest first (ties: lower mission number first)

    def weights(self, method: str) -> dict[int, float]:
        """``{mission: weight}`` for ``method`` in ``mean``, ``median``, ``trimmed_mean``."""
        if method not in POOLING_METHODS:
            raise ValueError(f"unknown pooling method {method!r}; use one of {', '.join(POOLING_METHODS)}")
        values = getattr(self, method)
        return dict(zip(self.missions, (float(v) for v in values), strict=True))


POOLING_METHODS: dict[str, str] = {
    "mean": "Mean (OECD/JRC budget allocation)",
    "median": "Median, rescaled to 100",
    "trimmed_mean": "10% trimmed mean, rescaled to 100",
}


def points_matrix(budgets: Iterable[Mapping[int, float]], missions: Sequence[int] = MISSIONS) -> np.ndarray:
    """Stack budgets (``{mission: points}``, missing missions = 0 points given) into an n × m array."""
    index = {m: j for j, m in enumerate(missions)}
    rows = list(budgets)
    out = np.zeros((len(rows), len(missions)), dtype=float)
    for i, budget in enumerate(rows):
        for mission, pts in budget.items():
            out[i, index[int(mission)]] = float(pts)
    return out


def rescale_to_100(values: np.ndarray) -> np.ndarray:
    """``values`` scaled to sum to 100; all NaN when they sum to zero (nothing to share out)."""
    total = float(np.sum(values))
    if not np.isfinite(total) or total <= 0:
        return np.full(values.shape, np.nan)
    return values * (100.0 / total)


def kendall_w(points: np.ndarray) -> Agreement:
    """Kendall's W (tie-corrected) over the columns of ``points`` (n raters × m items).

    Parameters
    ----------
    points
        n × m array; higher points = higher priority = rank 1.

    Returns
    -------
    Agreement
        ``w`` in [0, 1], ``chi2 = n (m − 1) W`` and its upper-tail p-value with m − 1 degrees of
        freedom; all NaN for n < 2, m < 2 or when no one ranks anything above anything else.
    """
    x = np.asarray(points, dtype=float)
    n, m = x.shape if x.ndim == 2 else (0, 0)
    if n < 2 or m < 2:
        return Agreement(np.nan, np.nan, np.nan, n, m)
    from scipy import stats  # on use: scipy.stats is the slowest import of a start

    ranks = stats.rankdata(-x, method="average", axis=1)  # most points = rank 1
    rank_sums = ranks.sum(axis=0)
    s = float(np.sum((rank_sums - n * (m + 1) / 2.0) ** 2))
    # Tie groups per person: sort each row, count runs of equal values, sum t³ − t.
    srt = np.sort(x, axis=1)
    ties = 0.0
    for row in srt:  # n ≤ a few hundred: one np.unique per person
        _, counts = np.unique(row, return_counts=True)
        ties += float(np.sum(counts.astype(float) ** 3 - counts))
    denominator = n**2 * (m**3 - m) - n * ties
    if denominator <= 0:
        return Agreement(np.nan, np.nan, np.nan, n, m)
    w = 12.0 * s / denominator
    chi2 = n * (m - 1) * w
    from scipy import stats  # on use: scipy.stats is the slowest import of a start

    p = float(stats.chi2.sf(chi2, m - 1))
    return Agreement(float(w), float(chi2), p, n, m)


def pool_priorities(points: np.ndarray, missions: Sequence[int] = MISSIONS) -> PooledPriorities:
    """Pool n 100-point budgets (n × m) into mean, median and trimmed-mean weights, spread and W.

    With no responses every weight is NaN (missing, not zero).
    """
    x = np.asarray(points, dtype=float).reshape(-1, len(missions))
    n = x.shape[0]
    if n == 0:
        nan = np.full(len(missions), np.nan)
        return PooledPriorities(tuple(missions), 0, nan, nan, nan, nan, nan, nan, kendall_w(x), ())
    mean = x.mean(axis=0)
    median = rescale_to_100(np.median(x, axis=0))
    from scipy import stats  # on use: scipy.stats is the slowest import of a start

    trimmed = rescale_to_100(stats.trim_mean(x, TRIM, axis=0))
    q1, q3 = np.percentile(x, [25, 75], axis=0)
    iqr = q3 - q1
    order = np.lexsort((np.asarray(missions), -iqr))
    contested = tuple(int(missions[j]) for j in order if iqr[j] > 0)
    return PooledPriorities(tuple(missions), n, mean, median, trimmed, q1, q3, iqr, kendall_w(x), contested)


@dataclass(frozen=True)
class Convergence:
    """Round 1 against round 2 of the same activity (Delphi)."""

    w_before: float
    w_after: float
    iqr_before: float  # mean IQR over the missions
    iqr_after: float
    responses_before: int
    responses_after: int

    @property
    def converged(self) -> bool | None:
        """True when agreement rose and the spread narrowed; None when either round lacks W."""
        if np.isnan(self.w_before) or np.isnan(self.w_after):
            return None
        return self.w_after > self.w_before and self.iqr_after <= self.iqr_before


def convergence(before: np.ndarray, after: np.ndarray) -> Convergence:
    """How far the room converged between two rounds of the priorities activity."""
    a, b = pool_priorities(before), pool_priorities(after)
    mean_iqr = lambda p: float(np.mean(p.iqr)) if p.responses else np.nan  # noqa: E731
    return Convergence(a.agreement.w, b.agreement.w, mean_iqr(a), mean_iqr(b), a.responses, b.responses)


def tally_votes(picks: Iterable[Sequence[str]]) -> list[tuple[str, int]]:
    """Votes per item (each person's picks counted once), most votes first, ties by id."""
    counts = Counter(item for chosen in picks for item in dict.fromkeys(chosen))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def tally_levels(answers: Iterable[Mapping[str, str]], levels: Sequence[str]) -> dict[str, dict[str, int]]:
    """``{key: {level: count}}`` over answers of the form ``{key: level}`` (every level present, zeros kept)."""
    out: dict[str, dict[str, int]] = {}
    for answer in answers:
        for key, level in answer.items():
            out.setdefault(str(key), dict.fromkeys(levels, 0))[level] += 1
    return out


def room_view(counts: Mapping[str, int]) -> str | None:
    """The colour most people chose; ``"split"`` for a tie at the top; None with no answers."""
    if not counts or max(counts.values()) == 0:
        return None
    top = max(counts.values())
    winners = [c for c, k in counts.items() if k == top]
    return winners[0] if len(winners) == 1 else "split"
