"""The scoring panel: one tier's areas × indicators at each indicator's scoring period, as arrays.

Scoring every area at once is then matrix arithmetic (NumPy), fast enough to rerun on every
weight change. Built once per tier (and per set of local metrics) and shared read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lupcore.data._dataset import Dataset
from lupcore.model import BENCHMARK_EXCLUDED, IndicatorMeta

NATIONAL_CODES = ("E92000001", "W92000004", "S92000003", "N92000002", "K02000001", "K03000001", "K04000001")


@dataclass(frozen=True, eq=False)
class Panel:
    """Arrays are read-only; index areas with ``position`` and indicators with ``column``."""

    tier: str
    codes: np.ndarray  # (n_areas,) area codes
    names: np.ndarray  # (n_areas,) area names
    nations: np.ndarray  # (n_areas,) nation letters E/W/S/N
    indicators: tuple[IndicatorMeta, ...]
    periods: tuple[str, ...]
    values: np.ndarray  # (n_areas, n_ind) float, NaN = missing
    lci: np.ndarray
    uci: np.ndarray
    from_upper_tier: np.ndarray  # (n_areas, n_ind) bool: a district showing its county's value
    reference: tuple[np.ndarray, ...]  # per indicator: the comparison set's values (NaN removed)
    national: tuple[dict[str, float], ...]  # per indicator: published national values, by code

    def has_area(self, code: str) -> bool:
        return bool((self.codes == code).any())

    def position(self, code: str) -> int:
        hits = np.flatnonzero(self.codes == code)
        if not len(hits):
            raise KeyError(code)
        return int(hits[0])

    def column(self, indicator_id: str) -> int:
        for i, meta in enumerate(self.indicators):
            if meta.id == indicator_id:
                return i
        raise KeyError(indicator_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.indicators)

    def covers(self) -> np.ndarray:
        """(n_areas, n_ind) bool: the indicator counts for the area.

        Official indicators count for every area of the nations they are published for (so a
        suppressed value is a gap in coverage). A local metric counts only where the user gave a
        value: other councils never collected it, and it must not cost them their mission scores.
        """
        cover = np.zeros(self.values.shape, dtype=bool)
        for j, meta in enumerate(self.indicators):
            if meta.local:
                cover[:, j] = ~np.isnan(self.values[:, j])
            else:
                cover[:, j] = np.isin(self.nations, list(meta.nations)) if meta.nations else True
        return cover


def _tier_codes(dataset: Dataset, tier: str) -> list[str]:
    return sorted(dataset.comparison_codes(tier))


def _at_periods(obs: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    return obs.merge(periods[["indicator_id", "period"]], on=["indicator_id", "period"], how="inner")


def build_panel(
    dataset: Dataset,
    tier: str = "ltla",
    extra_indicators: Sequence[IndicatorMeta] = (),
    extra_observations: pd.DataFrame | None = None,
) -> Panel:
    """Arrays for every indicator with data in ``tier``, plus any local metrics passed in."""
    obs = dataset.observations
    periods = dataset.scoring_periods[dataset.scoring_periods["tier"] == tier]
    metas = [dataset.indicators[i] for i in periods["indicator_id"]]
    if extra_observations is not None and len(extra_observations):
        obs = pd.concat([obs, extra_observations], ignore_index=True)
        local_periods = _local_periods(extra_observations)
        periods = pd.concat([periods, local_periods], ignore_index=True)
        metas += [m for m in extra_indicators if m.id in set(local_periods["indicator_id"])]
    codes = _tier_codes(dataset, tier)
    upper = sorted(set(dataset.comparison_codes("utla")))
    rows = _at_periods(obs, periods)
    ids = [m.id for m in metas]
    wanted = sorted(set(codes) | set(upper) | set(NATIONAL_CODES))
    rows = rows[rows["area_code"].isin(wanted)]
    grid = {col: rows.pivot(index="area_code", columns="indicator_id", values=col).reindex(index=wanted, columns=ids)
            for col in ("value", "lci95", "uci95")}
    areas = dataset.areas
    county_of = areas.loc[codes, "utla_code"].to_numpy()
    is_district = np.array([c.startswith("E07") for c in codes])
    values, lci, uci = (grid[c].loc[codes].to_numpy(dtype=float, copy=True) for c in ("value", "lci95", "uci95"))
    from_upper = np.zeros(values.shape, dtype=bool)
    reference, national = [], []
    for j, meta in enumerate(metas):
        if meta.geography == "utla" and tier == "ltla":
            fill = is_district & np.array([c in grid["value"].index for c in county_of])
            src = county_of[fill]
            for key, target in (("value", values), ("lci95", lci), ("uci95", uci)):
                target[fill, j] = grid[key].loc[src, meta.id].to_numpy(dtype=float)
            from_upper[fill, j] = True
            ref_codes = [c for c in upper if c not in BENCHMARK_EXCLUDED]
        else:
            ref_codes = [c for c in codes if c not in BENCHMARK_EXCLUDED]
        ref = grid["value"].loc[ref_codes, meta.id].to_numpy(dtype=float)
        reference.append(ref[~np.isnan(ref)])
        nat = grid["value"].loc[list(NATIONAL_CODES), meta.id]
        national.append({c: float(v) for c, v in nat.items() if pd.notna(v)})
    for arr in (values, lci, uci, from_upper):
        arr.setflags(write=False)
    for ref in reference:
        ref.setflags(write=False)
    label = dict(zip(periods["indicator_id"], periods["period"], strict=True))
    return Panel(
        tier=tier,
        codes=np.array(codes, dtype=object),
        names=areas.loc[codes, "name"].to_numpy(dtype=object),
        nations=np.array([c[0] for c in codes], dtype=object),
        indicators=tuple(metas),
        periods=tuple(label[i] for i in ids),
        values=values,
        lci=lci,
        uci=uci,
        from_upper_tier=from_upper,
        reference=tuple(reference),
        national=tuple(national),
    )


def _local_periods(extra: pd.DataFrame) -> pd.DataFrame:
    """Latest period of each local metric (the user's own data sets the scoring period)."""
    valued = extra[extra["value"].notna()].sort_values("period_start")
    last = valued.groupby("indicator_id").tail(1)[["indicator_id", "period", "period_start"]]
    counts = valued.merge(last[["indicator_id", "period"]]).groupby("indicator_id").size()
    last = last.assign(tier="ltla", n_areas=last["indicator_id"].map(counts).astype(int))
    return last[["indicator_id", "tier", "period", "period_start", "n_areas"]]


