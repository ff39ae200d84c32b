"""Minimum and target benchmarks per indicator (methodology §4), with polarity respected.

All presets are computed within the comparison set the panel holds for each indicator (same
tier, the nations the indicator covers, the scoring period, City of London and Isles of Scilly
left out). For lower-is-better metrics "upper quartile" is the 25th percentile of values and
"best" is the lowest. Percentiles interpolate linearly (NumPy's default, = Fingertips' rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lupcore.data import Panel
from lupcore.model import BENCHMARK_EXCLUDED, IndicatorMeta, Polarity
from lupcore.settings import MINIMUM_PRESETS, TARGET_PRESETS, Settings

# Published national value to use, by the set of nations an indicator covers.
_NATIONAL_BY_COVERAGE = {
    ("E",): ("E92000001", "England"),
    ("W",): ("W92000004", "Wales"),
    ("S",): ("S92000003", "Scotland"),
    ("N",): ("N92000002", "Northern Ireland"),
    ("E", "W"): ("K04000001", "England and Wales"),
    ("E", "W", "S"): ("K03000001", "Great Britain"),
    ("E", "W", "S", "N"): ("K02000001", "United Kingdom"),
}


@dataclass(frozen=True, eq=False)
class Benchmarks:
    """Per indicator (aligned with ``panel.indicators``): values and the label of how each was set."""

    minimum: np.ndarray
    target: np.ndarray
    minimum_label: tuple[str, ...]
    target_label: tuple[str, ...]
    mad: np.ndarray  # scaled MAD of the comparison set, for the no-CI evidence rule

    def for_indicator(self, j: int) -> tuple[float, float, str, str]:
        return float(self.minimum[j]), float(self.target[j]), self.minimum_label[j], self.target_label[j]


def national_value(panel: Panel, j: int) -> tuple[float, str] | None:
    """The published value for the indicator's coverage (England, GB, UK…), if there is one."""
    meta = panel.indicators[j]
    key = tuple(n for n in "EWSN" if n in meta.nations)
    code, label = _NATIONAL_BY_COVERAGE.get(key, ("K02000001", "United Kingdom"))
    value = panel.national[j].get(code)
    return (value, label) if value is not None else None


def _oriented_quantile(ref: np.ndarray, q: float, polarity: Polarity) -> float:
    """The q-th quantile counted from the bad end, so q=0.75 is 'upper quartile' for either polarity."""
    if not len(ref):
        return float("nan")
    return float(np.quantile(ref, q if polarity >= 0 else 1 - q))


def _top_decile_mean(ref: np.ndarray, polarity: Polarity) -> float:
    if len(ref) < 3:
        return float("nan")
    n = max(3, int(np.ceil(0.1 * len(ref))))
    ordered = np.sort(ref)
    best = ordered[-n:] if polarity >= 0 else ordered[:n]
    return float(best.mean())


def _best(values: np.ndarray, polarity: Polarity) -> float:
    values = values[~np.isnan(values)]
    if not len(values):
        return float("nan")
    return float(values.max() if polarity >= 0 else values.min())


def _minimum(panel: Panel, j: int, preset: str, peers: np.ndarray, custom: dict[str, float]) -> tuple[float, str]:
    meta, ref = panel.indicators[j], panel.reference[j]
    if preset == "national":
        found = national_value(panel, j)
        if found is not None:
            return found[0], f"{found[1]} value"
        return float(np.median(ref)) if len(ref) else float("nan"), "Median of areas (no national value published)"
    if preset == "lower_quartile":
        return _oriented_quantile(ref, 0.25, meta.polarity), "Lower quartile"
    if preset == "peer_median":
        peer = peers[~np.isnan(peers)]
        if len(peer):
            return float(np.median(peer)), "Peer median"
        return float(np.median(ref)) if len(ref) else float("nan"), "Median of areas (no peer values)"
    if preset == "custom" and meta.id in custom:
        return float(custom[meta.id]), "Custom value"
    return float(np.median(ref)) if len(ref) else float("nan"), "Median of areas"


def _target(panel: Panel, j: int, preset: str, peers: np.ndarray, custom: dict[str, float]) -> tuple[float, str]:
    meta, ref = panel.indicators[j], panel.reference[j]
    if preset == "top_decile":
        mean = _top_decile_mean(ref, meta.polarity)
        if not np.isnan(mean):  # needs 3 areas; below that fall back like the other presets, not to NaN
            return mean, "Mean of the top 10%"
    if preset == "best":
        return _best(ref.copy(), meta.polarity), "Best performer"
    if preset == "peer_best":
        best = _best(peers.copy(), meta.polarity)
        if not np.isnan(best):
            return best, "Best of peers"
    if preset == "mission" and meta.mission_target is not None:
        return float(meta.mission_target), "Mission target"
    if preset == "custom" and meta.id in custom:
        return float(custom[meta.id]), "Custom value"
    label = "Upper quartile" if preset == "upper_quartile" else f"Upper quartile ({TARGET_PRESETS[preset].lower()} not available)"
    return _oriented_quantile(ref, 0.75, meta.polarity), label


def compute_benchmarks(panel: Panel, settings: Settings, peer_codes: Sequence[str] = ()) -> Benchmarks:
    """Minimum and target for every panel indicator under ``settings`` (peers feed the peer presets)."""
    # Peer presets are benchmarks too, so the City of London and Isles of Scilly stay out of them
    # (ONS lists them as peers, e.g. City of London among Westminster's economic neighbours).
    peer_codes = [c for c in peer_codes if c not in BENCHMARK_EXCLUDED]
    peer_rows = np.flatnonzero(np.isin(panel.codes, peer_codes)) if peer_codes else np.array([], dtype=int)
    custom_min, custom_tar = dict(settings.custom_minimum), dict(settings.custom_target)
    n = len(panel.indicators)
    minimum, target, mad = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    min_labels, tar_labels = [], []
    for j, meta in enumerate(panel.indicators):
        peers = panel.values[peer_rows, j]
        m_preset = settings.minimum_for(meta.id)
        t_preset = settings.target_for(meta.id)
        minimum[j], m_label = _minimum(panel, j, m_preset, peers, custom_min)
        target[j], t_label = _target(panel, j, t_preset, peers, custom_tar)
        if m_preset == "custom" and meta.id not in custom_min:
            m_label += " (no custom value set)"
        if meta.polarity * (target[j] - minimum[j]) < 0:
            # A target that falls short of the minimum (e.g. the UK's pay above the combined authorities'
            # upper quartile, or the 5G mission's 50% under a 73% median) would make a metric green while
            # it is below its minimum: the minimum is then the target too, and the label says so.
            target[j] = minimum[j]
            t_label = f"Minimum ({t_label[0].lower()}{t_label[1:]} falls short of it)"
        min_labels.append(m_label)
        tar_labels.append(t_label)
        ref = panel.reference[j]
        mad[j] = 1.4826 * float(np.median(np.abs(ref - np.median(ref)))) if len(ref) else np.nan
    for arr in (minimum, target, mad):
        arr.setflags(write=False)
    return Benchmarks(minimum, target, tuple(min_labels), tuple(tar_labels), mad)


def preset_names(meta: IndicatorMeta) -> tuple[dict[str, str], dict[str, str]]:
    """Presets that make sense for one indicator (mission target only where the White Paper gives one)."""
    targets = {k: v for k, v in TARGET_PRESETS.items() if k != "mission" or meta.mission_target is not None}
    return dict(MINIMUM_PRESETS), targets
