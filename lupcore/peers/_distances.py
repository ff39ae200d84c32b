"""Distances between areas on context variables, and each area's nearest neighbours (methodology §6).

Our method (methodology §6): latest values of context variables (area characteristics, never the
outcomes being benchmarked), log-transformed where positive and right-skewed, z-scored over the
candidate set, then a weighted Euclidean or a Ledoit–Wolf Mahalanobis distance. Missing values are
never filled: a pair of areas is compared on the variables both have (see ``distance_matrix``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from lupcore.data import Dataset, borrowed_indicators
from lupcore.model import Role

PeerKind = Literal["ons-global", "ons-economic", "ons-demographic", "nearest", "custom"]
Method = Literal["euclidean", "mahalanobis"]
PEER_KINDS: tuple[str, ...] = get_args(PeerKind)
METHODS: tuple[str, ...] = get_args(Method)
ONS_MODELS: tuple[str, ...] = ("global", "economic", "demographic")
DEFAULT_K = 15  # CIPFA's published list size (methodology §6)
ONS_K = 20  # ONS publishes 20 neighbours per lower-tier area and county (5 per combined authority)
MAX_CUSTOM = 10
DEFAULT_VARIABLES: tuple[str, ...] = ("population", "population_density", "median_age", "pct_age_0_15",
                                       "pct_age_65_plus", "population_change_5y", "gdp_per_head", "house_price")
# Positive and right-skewed: on a log scale a doubling counts the same anywhere in the range.
LOG_VARIABLES: frozenset[str] = frozenset({"population", "population_density", "gdp_per_head", "house_price"})
# A pair sharing less than this share of the total variable weight is "not comparable" (NaN).
MIN_SHARED_WEIGHT = 0.5
# Distances equal to this many decimals are ties, broken by area code, so float noise cannot reorder.
TIE_DECIMALS = 12


class PeerError(ValueError):
    """A peer request the user can fix; the message is one plain-English line."""


@dataclass(frozen=True, slots=True)
class PeerGroup:
    """The areas an area is compared with; ``codes`` feed the peer median and peer best benchmarks.

    ``distances`` line up with ``codes`` for ``nearest`` groups and are None for ONS and custom sets.
    """

    kind: PeerKind
    codes: tuple[str, ...]
    label: str
    distances: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in PEER_KINDS:
            raise ValueError(f"kind must be one of {PEER_KINDS}, got {self.kind!r}")
        if self.distances is not None and len(self.distances) != len(self.codes):
            raise ValueError("distances must line up with codes")


def available_variables(dataset: Dataset) -> tuple[str, ...]:
    """Context indicators in registry order: the only variables a peer model may use (CIPFA principle).

    A metric that some councils show a wider area's value for (regional R&D, police-force homicide)
    describes the wider area, not the council, so it is left out.
    """
    borrowed = borrowed_indicators(dataset)
    return tuple(iid for iid, meta in dataset.indicators.items() if meta.role == Role.CONTEXT and iid not in borrowed)


def default_variables(dataset: Dataset) -> tuple[str, ...]:
    """The "Structural" preset plus GDP per head and house price, less any the registry lacks."""
    return tuple(v for v in DEFAULT_VARIABLES if v in available_variables(dataset))


def check_variables(dataset: Dataset, variables: Iterable[str]) -> tuple[str, ...]:
    """Cleaned, de-duplicated variable ids; raises ``PeerError`` naming unknown or outcome variables."""
    chosen = tuple(dict.fromkeys(v.strip() for v in variables if v.strip()))
    allowed = available_variables(dataset)
    unknown = [v for v in chosen if v not in dataset.indicators]
    outcomes = [v for v in chosen if v in dataset.indicators and v not in allowed]
    what = [f"Unknown variable: {', '.join(unknown)}"] if unknown else []
    what += [f"outcomes cannot define peers: {', '.join(outcomes)}"] if outcomes else []
    if what or not chosen:
        raise PeerError(f"{'; '.join(what) or 'No peer variables given'}. Choose from: {', '.join(allowed)}")
    return chosen


def candidate_codes(dataset: Dataset, area_code: str, same_nation: bool = False) -> list[str]:
    """Current areas of the area's tier; lower-tier areas default to all UK LTLAs, as ONS does.

    Counties (E10) are compared with every upper-tier unit, as in ONS's county lists.
    """
    if not dataset.has_area(area_code) or not bool(dataset.areas.at[area_code, "current"]):
        raise PeerError(f"{area_code} is not a current area, so it has no peer group.")
    tier = str(dataset.areas.at[area_code, "tier"])
    if tier not in ("ltla", "utla", "cauth"):
        raise PeerError(f"Peer groups are for councils and combined authorities, not a {tier}.")
    return dataset.comparison_codes(tier, (area_code[0],) if same_nation else None)


def context_matrix(dataset: Dataset, codes: Sequence[str], variables: Sequence[str] = DEFAULT_VARIABLES,
                   transform: bool = True) -> pd.DataFrame:
    """Areas × variables of each area's latest value (``Dataset.latest``), NaN where unpublished.

    With ``transform`` the ``LOG_VARIABLES`` hold natural logs (non-positive values become NaN);
    column names stay the variable ids so weights and the raw matrix line up. Areas' latest
    periods can differ (e.g. GDP a year older for a few areas); the latest value is used as is.
    """
    latest = dataset.latest
    rows = latest[latest["indicator_id"].isin(variables) & latest["area_code"].isin(codes)]
    wide = rows.pivot_table(index="area_code", columns="indicator_id", values="value", aggfunc="first")
    raw = wide.reindex(index=list(codes), columns=list(variables)).astype(float)
    raw.index.name, raw.columns.name = "area_code", None
    return transform_context(raw) if transform else raw


def transform_context(raw: pd.DataFrame) -> pd.DataFrame:
    logged = [c for c in raw.columns if c in LOG_VARIABLES]
    return raw.astype(float).assign(**{c: np.log(raw[c].where(raw[c] > 0)) for c in logged})


def _standardise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z-scores (population SD) over observed values; drops columns with < 2 values or no spread."""
    observed = ~np.isnan(values)
    count = observed.sum(axis=0)
    mean = np.where(observed, values, 0.0).sum(axis=0) / np.maximum(count, 1)
    sd = np.sqrt(np.where(observed, (values - mean) ** 2, 0.0).sum(axis=0) / np.maximum(count, 1))
    keep = (count >= 2) & (sd > 0)
    z = (values[:, keep] - mean[keep]) / sd[keep]
    return z, observed[:, keep], keep


def shrunk_covariance(x: np.ndarray) -> tuple[np.ndarray, float]:
    """Ledoit–Wolf covariance of complete rows ``x`` (n × p) and its shrinkage intensity.

    Ledoit, O. and Wolf, M. (2004) "A well-conditioned estimator for large-dimensional covariance
    matrices", J. Multivariate Analysis 88(2), 365–411, Lemmas 3.2–3.4: with S = XᵀX/n of the
    centred data and the norm ‖A‖² = tr(AAᵀ)/p, m = tr(S)/p, d² = ‖S − mI‖²,
    b̄² = Σₖ‖xₖxₖᵀ − S‖²/n², b² = min(b̄², d²); Σ* = (b²/d²)·mI + (1 − b²/d²)·S.
    """
    n, p = x.shape
    if n < 2:
        raise PeerError("At least two areas with every variable are needed for Mahalanobis distances.")
    xc = x - x.mean(axis=0)
    s = xc.T @ xc / n
    m = np.trace(s) / p
    d2 = float(((s - m * np.eye(p)) ** 2).sum() / p)
    if d2 == 0.0:  # already a multiple of the identity: nothing to shrink towards
        return s, 0.0
    outer = xc[:, :, None] * xc[:, None, :]
    b2_bar = float(((outer - s) ** 2).sum() / p / n**2)
    shrinkage = min(b2_bar, d2) / d2
    return shrinkage * m * np.eye(p) + (1.0 - shrinkage) * s, shrinkage


def _euclidean(z: np.ndarray, observed: np.ndarray, w: np.ndarray) -> np.ndarray:
    """d(a,b) = sqrt(Σ ω (z_a − z_b)² / Σ ω) over the variables both areas have (methodology §6)."""
    shared = observed[:, None, :] & observed[None, :, :]
    diff = z[:, None, :] - z[None, :, :]
    num = np.where(shared, diff * diff, 0.0) @ w
    den = shared.astype(float) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.sqrt(num / den)
    dist[den < MIN_SHARED_WEIGHT * w.sum()] = np.nan
    return dist


def _mahalanobis(z: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """sqrt(Δᵀ Σ*⁻¹ Δ / q) on the q shared variables, Σ* from areas with every variable.

    Dividing by q puts it on the Euclidean scale (equal when Σ* = I) and keeps pairs comparable when
    some share fewer variables. Pairs are handled per block of missing-value patterns.
    """
    n, p = z.shape
    cov, _ = shrunk_covariance(z[observed.all(axis=1)])
    patterns, group = np.unique(observed, axis=0, return_inverse=True)
    group = group.ravel()
    dist = np.full((n, n), np.nan)
    for i in range(len(patterns)):
        for j in range(i, len(patterns)):
            shared = patterns[i] & patterns[j]
            q = int(shared.sum())
            if q < MIN_SHARED_WEIGHT * p:
                continue
            vals, vecs = np.linalg.eigh(cov[np.ix_(shared, shared)])
            whiten = vecs / np.sqrt(np.maximum(vals, 1e-12))  # ‖Δ·whiten‖² = ΔᵀΣ⁻¹Δ
            ya, yb = z[group == i][:, shared] @ whiten, z[group == j][:, shared] @ whiten
            block = np.sqrt(((ya[:, None, :] - yb[None, :, :]) ** 2).sum(axis=-1) / q)
            dist[np.ix_(group == i, group == j)] = block
            dist[np.ix_(group == j, group == i)] = block.T
    return dist


def _weight_vector(columns: Sequence[str], weights: Mapping[str, float] | None) -> np.ndarray:
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(columns))
    if unknown:
        raise PeerError(f"Weights name variables not in the model: {', '.join(unknown)}")
    w = np.array([float(weights.get(c, 1.0)) for c in columns])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise PeerError("Variable weights must be finite, non-negative and not all zero.")
    return w


def distance_matrix(matrix: pd.DataFrame, method: Method = "euclidean",
                    weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Symmetric areas × areas distances with a zero diagonal, standardised over ``matrix``'s rows.

    Parameters
    ----------
    matrix : areas × variables, already transformed (``context_matrix``); index = area codes.
    method : "euclidean" (weighted, equal weights by default) or "mahalanobis" (Ledoit–Wolf; no weights).
    weights : variable id → weight ≥ 0; unnamed variables weigh 1.

    Missing values: each pair is compared on the variables both areas have, rescaled by their weight
    (so the distance stays a per-variable average); pairs sharing under ``MIN_SHARED_WEIGHT`` of the
    weight are NaN (not comparable). Constant or near-empty variables are dropped; the used ones are
    in ``.attrs["variables"]``.
    """
    if method not in METHODS:
        raise PeerError(f"Unknown distance method {method!r}; choose from {', '.join(METHODS)}")
    if method == "mahalanobis" and weights:
        raise PeerError("Weights apply to the Euclidean distance only; Mahalanobis sets its own scale.")
    if not matrix.index.is_unique:
        raise PeerError("Each area may appear only once in the matrix.")
    w_all = _weight_vector(list(matrix.columns), weights)
    z, observed, keep = _standardise(matrix.to_numpy(dtype=float))
    if not keep.any():
        raise PeerError("None of the chosen variables varies across the candidate areas.")
    if method == "euclidean":
        dist = _euclidean(z, observed, w_all[keep])
    else:
        dist = _mahalanobis(z, observed)
    dist = 0.5 * (dist + dist.T)  # exact symmetry whatever the float summation order
    np.fill_diagonal(dist, 0.0)
    out = pd.DataFrame(dist, index=matrix.index, columns=matrix.index)
    out.attrs["variables"] = [c for c, k in zip(matrix.columns, keep, strict=True) if k]
    return out


def rank_row(codes: np.ndarray, row: np.ndarray, self_pos: int, k: int) -> pd.DataFrame:
    """Nearest ``k`` of one distance row: self and NaN dropped, ties by code, CIPFA 0–1 rebasing."""
    mask = ~np.isnan(row)
    mask[self_pos] = False
    frame = pd.DataFrame({"code": codes[mask], "distance": row[mask]})
    frame["_key"] = frame["distance"].round(TIE_DECIMALS)
    max_d = float(frame["distance"].max()) if len(frame) else 0.0
    frame = frame.sort_values(["_key", "code"], kind="mergesort").head(max(1, min(k, len(codes) - 1)))
    frame = frame.drop(columns="_key").reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    frame["similarity"] = 1.0 - frame["distance"] / max_d if max_d > 0 else 1.0
    return frame


def nearest_neighbours(matrix: pd.DataFrame, area_code: str, k: int = DEFAULT_K, method: Method = "euclidean",
                       weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The ``k`` candidates nearest ``area_code``: columns code, distance, rank, similarity.

    ``matrix`` rows are the candidate set (including the area); z-scores are taken over them.
    ``k`` is clipped to 1..n−1; similarity = 1 − d / max d over all candidates (CIPFA's 0–1 scale).
    Raises ``PeerError`` when the area is not a row or shares too few variables with every candidate.
    """
    if area_code not in matrix.index:
        raise PeerError(f"{area_code} is not in the candidate set.")
    dist = distance_matrix(matrix, method, weights)
    pos = matrix.index.get_loc(area_code)
    out = rank_row(np.asarray(matrix.index, dtype=object), dist.to_numpy()[pos], int(pos), k)
    if out.empty:
        raise PeerError(f"{area_code} has values for too few of the chosen variables to find peers.")
    out.attrs["variables"] = dist.attrs["variables"]
    return out
