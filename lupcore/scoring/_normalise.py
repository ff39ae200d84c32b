"""Normalise, weight and aggregate metrics into mission, capital and overall scores, and rank.

Follows methodology §5: orient by polarity, normalise on the comparison set (default min–max
after the COINr outlier rule), weight (renormalised over the metrics an area has), aggregate
(arithmetic default, geometric option) with the 2/3 data-availability rule, and rank within
the tier and nation (ties share the better rank). Everything is vectorised over all areas, so
a weight change re-scores the whole country in a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupcore import stats
from lupcore.data import Panel
from lupcore.model import CAPITALS, LOCAL_CONTROL_WEIGHT, LocalControl, Role
from lupcore.scoring._thresholds import Benchmarks
from lupcore.settings import AVAILABILITY_THRESHOLD, Settings

MISSIONS = tuple(range(1, 13))


class WeightsError(ValueError):
    """Weights that cannot produce a score (all zero, negative or not numbers)."""


# Distance to target may go past its goalposts, so a mission can fall below the score its minimums
# give (and show red) and an area can exceed its targets; every other method lives on 0–100.
DISTANCE_RANGE = (-100.0, 200.0)
SMALL_SET = 4  # fewer comparison values than this cannot support min–max, z-scores or ranks


@dataclass(frozen=True, eq=False)
class Normaliser:
    """Per-indicator parameters learned on the comparison set; ``transform`` applies them to any values.

    ``methods`` is per indicator: the chosen method, except that a local metric with fewer than
    ``SMALL_SET`` comparison values (typically one council's own measure) is scored by distance
    between the minimum and target the user set.
    """

    methods: tuple[str, ...]
    polarity: np.ndarray  # (n_ind,) with 0 mapped to 1
    treatments: tuple[stats.OutlierTreatment | None, ...]
    low: np.ndarray
    high: np.ndarray
    reference_sorted: tuple[np.ndarray, ...]  # oriented, for percentile ranks
    geometric: bool

    @property
    def method(self) -> str:
        return self.methods[0] if self.methods else "minmax"

    def transform(self, values: np.ndarray) -> np.ndarray:
        """(n, n_ind) raw values → scores (0–100; distance to target −100–200; 1–100 when geometric)."""
        x = np.asarray(values, dtype=float) * self.polarity
        out = np.full(x.shape, np.nan)
        for j in range(x.shape[-1]):
            column = self._column(x[..., j], j)
            if self.geometric:  # geometric means need strictly positive inputs: map the range onto 1–100
                lo, hi = DISTANCE_RANGE if self.methods[j] == "distance" else (0.0, 100.0)
                column = 1.0 + 99.0 * (column - lo) / (hi - lo)
            out[..., j] = column
        return out

    def _column(self, x: np.ndarray, j: int) -> np.ndarray:
        lo, hi, method = self.low[j], self.high[j], self.methods[j]
        if method == "minmax":
            treatment = self.treatments[j]
            x = treatment.apply(x) if treatment is not None else x
            return _scaled(x, lo, hi)
        if method == "zscore":
            return np.clip(50.0 + 10.0 * (x - lo) / hi, 0.0, 100.0) if hi > 0 else np.where(np.isnan(x), np.nan, 50.0)
        if method == "percentile":
            ref = self.reference_sorted[j]
            if len(ref) < 2:
                return np.where(np.isnan(x), np.nan, 50.0)
            below = np.searchsorted(ref, x, side="left").astype(float)  # ties share the lower rank
            return np.where(np.isnan(x), np.nan, np.clip(100.0 * below / (len(ref) - 1), 0.0, 100.0))
        return _scaled(x, lo, hi, DISTANCE_RANGE)  # distance to target: minimum → 0, target → 100


def _scaled(x: np.ndarray, lo: float, hi: float, limits: tuple[float, float] = (0.0, 100.0)) -> np.ndarray:
    if not np.isfinite(lo) or not np.isfinite(hi):
        return np.full(x.shape, np.nan)
    if hi <= lo:  # no spread (or target not above minimum): at/above the top is full marks
        return np.where(np.isnan(x), np.nan, np.where(x >= hi, 100.0, 0.0))
    return np.clip(100.0 * (x - lo) / (hi - lo), *limits)


def fit_normaliser(panel: Panel, bench: Benchmarks, settings: Settings) -> Normaliser:
    """Learn the normalisation on each indicator's comparison set (oriented by polarity)."""
    pol = np.array([float(m.polarity) or 1.0 for m in panel.indicators])
    n = len(panel.indicators)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    treatments: list[stats.OutlierTreatment | None] = []
    refs, methods = [], []
    for j, ref in enumerate(panel.reference):
        oriented = ref * pol[j]
        refs.append(np.sort(oriented))
        method, treatment = settings.normalisation, None
        meta = panel.indicators[j]
        if meta.local and len(oriented) < SMALL_SET and np.isfinite(bench.minimum[j]) and np.isfinite(bench.target[j]):
            method = "distance"
        if method == "minmax" and len(oriented) >= SMALL_SET:
            treatment = stats.treat_outliers(oriented)
            low[j], high[j] = float(np.min(treatment.treated)), float(np.max(treatment.treated))
        elif method == "minmax" and len(oriented):
            low[j], high[j] = float(oriented.min()), float(oriented.max())
        elif method == "zscore" and len(oriented) >= 2:
            low[j], high[j] = float(oriented.mean()), float(oriented.std(ddof=1))
        elif method == "distance":
            low[j], high[j] = bench.minimum[j] * pol[j], bench.target[j] * pol[j]
        treatments.append(treatment)
        methods.append(method)
    return Normaliser(tuple(methods), pol, tuple(treatments), low, high, tuple(refs),
                      settings.aggregation == "geometric")


def indicator_weights(panel: Panel, settings: Settings) -> np.ndarray:
    """Weight of each panel indicator within its mission (0 = not scored)."""
    overrides = dict(settings.indicator_weights)
    control = dict(settings.control)
    weights = np.zeros(len(panel.indicators))
    for j, meta in enumerate(panel.indicators):
        if not meta.scorable or meta.id in settings.excluded:
            continue
        if settings.weight_preset == "headline":
            w = 1.0 if meta.role == Role.HEADLINE else 0.0
        elif settings.weight_preset == "killer":
            w = 1.0 if meta.id in settings.killer else 0.0
        elif settings.weight_preset == "local_control":
            w = LOCAL_CONTROL_WEIGHT[LocalControl(control[meta.id]) if meta.id in control else meta.local_control]
        else:
            w = 1.0
        weights[j] = float(overrides.get(meta.id, w))
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise WeightsError("Metric weights must be numbers of zero or more.")
    return weights


def mission_weights(settings: Settings) -> np.ndarray:
    """Weight of each mission 1–12 in the overall score (index 0 = mission 1)."""
    weights = np.ones(len(MISSIONS))
    for mission, w in settings.mission_weights:
        if 1 <= int(mission) <= 12:
            weights[int(mission) - 1] = float(w)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise WeightsError("Mission weights must be numbers of zero or more.")
    return weights


@dataclass(frozen=True, eq=False)
class Scores:
    """Every area's scores under one set of settings; rows align with ``panel.codes``."""

    metric: np.ndarray  # (n_areas, n_ind) normalised scores
    weights: np.ndarray  # (n_ind,)
    mission: np.ndarray  # (n_areas, 12)
    mission_present: np.ndarray  # (n_areas, 12) metrics with a value
    mission_applicable: np.ndarray  # (n_areas, 12) metrics that count for the area
    capital: np.ndarray  # (n_areas, 6)
    overall: np.ndarray  # (n_areas,)
    rank: np.ndarray  # (n_areas,) within tier and nation; NaN without an overall score
    rank_of: np.ndarray  # (n_areas,) how many areas were ranked in the area's group
    mission_at_minimum: np.ndarray  # (n_areas, 12) score if every metric sat at its minimum
    mission_at_target: np.ndarray
    overall_at_minimum: np.ndarray
    overall_at_target: np.ndarray


def _groups(panel: Panel, key: str) -> np.ndarray:
    """(n_ind, n_groups) 0/1 membership of indicators in missions or capitals."""
    labels = MISSIONS if key == "mission" else CAPITALS
    member = np.zeros((len(panel.indicators), len(labels)))
    for j, meta in enumerate(panel.indicators):
        value = getattr(meta, key)
        if value in labels:
            member[j, labels.index(value)] = 1.0
    return member


def _aggregate(y: np.ndarray, weights: np.ndarray, present: np.ndarray, applicable: np.ndarray,
               member: np.ndarray, geometric: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean of present metrics per group, with the 2/3 availability rule."""
    w_present = present * weights  # (n, n_ind)
    wm = w_present @ member  # total weight present per group
    if geometric:
        num = (np.where(present, np.log(np.where(present, y, 1.0)), 0.0) * weights) @ member
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.exp(num / wm)
    else:
        num = (np.where(present, y, 0.0) * weights) @ member
        with np.errstate(invalid="ignore", divide="ignore"):
            score = num / wm
    n_present = (present & (weights > 0)) @ member
    n_applicable = (applicable & (weights > 0)) @ member
    enough = (n_applicable > 0) & (n_present >= AVAILABILITY_THRESHOLD * n_applicable - 1e-9) & (wm > 0)
    return np.where(enough, score, np.nan), n_present, n_applicable


def score_panel(panel: Panel, bench: Benchmarks, normaliser: Normaliser, settings: Settings,
                values: np.ndarray | None = None) -> Scores:
    """Score every area; pass ``values`` to score a what-if copy of ``panel.values``."""
    x = panel.values if values is None else values
    weights = indicator_weights(panel, settings)
    w_mission = mission_weights(settings)
    if weights.sum() <= 0:
        raise WeightsError("Every metric has a weight of zero, so no score can be calculated. Give at least one metric a weight above zero.")
    # Only missions holding a weighted metric count: zeroing every scored mission (while unscored
    # missions keep their default 1) must be the same clear error, not an overall of NaN everywhere.
    scored = (weights @ _groups(panel, "mission")) > 0
    if w_mission[scored].sum() <= 0:
        raise WeightsError("Every mission has a weight of zero, so no overall score can be calculated.")
    y = normaliser.transform(x)
    applicable = panel.covers()
    present = applicable & ~np.isnan(y)
    geometric = settings.aggregation == "geometric"
    missions = _groups(panel, "mission")
    mission, n_present, n_applicable = _aggregate(y, weights, present, applicable, missions, geometric)
    capital, _, _ = _aggregate(y, weights, present, applicable, _groups(panel, "capital"), geometric)
    overall = _overall(mission, n_applicable, w_mission, geometric)
    y_min = np.broadcast_to(normaliser.transform(bench.minimum[None, :]), y.shape)
    y_tar = np.broadcast_to(normaliser.transform(bench.target[None, :]), y.shape)
    m_min, _, _ = _aggregate(y_min, weights, present, applicable, missions, geometric)
    m_tar, _, _ = _aggregate(y_tar, weights, present, applicable, missions, geometric)
    rank, rank_of = rank_within_nations(panel, overall)
    return Scores(
        metric=y, weights=weights, mission=mission, mission_present=n_present, mission_applicable=n_applicable,
        capital=capital, overall=overall, rank=rank, rank_of=rank_of,
        mission_at_minimum=m_min, mission_at_target=m_tar,
        overall_at_minimum=_overall(np.where(np.isnan(mission), np.nan, m_min), n_applicable, w_mission, geometric),
        overall_at_target=_overall(np.where(np.isnan(mission), np.nan, m_tar), n_applicable, w_mission, geometric),
    )


def _overall(mission: np.ndarray, n_applicable: np.ndarray, w_mission: np.ndarray, geometric: bool) -> np.ndarray:
    """Missions with a score, weighted; needs 2/3 of the missions that apply to the area."""
    scorable = (n_applicable > 0) & (w_mission > 0)
    present = scorable & ~np.isnan(mission)
    everything = np.ones((len(w_mission), 1))
    score, _, _ = _aggregate(np.nan_to_num(mission, nan=1.0), w_mission, present, scorable, everything, geometric)
    return score[:, 0]


def rank_within_nations(panel: Panel, overall: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1 = best within the same nation (the comparable set, methodology §5); ties share the better rank."""
    rank = np.full(overall.shape, np.nan)
    rank_of = np.zeros(overall.shape)
    for nation in np.unique(panel.nations):
        rows = np.flatnonzero((panel.nations == nation) & ~np.isnan(overall))
        if not len(rows):
            continue
        rank[rows] = stats.rank_min(overall[rows], higher_is_better=True)
        rank_of[panel.nations == nation] = len(rows)
    return rank, rank_of
