"""The shared, read-only dataset: loaded once per process, never mutated by callers.

Besides the raw tables it holds two derived tables every page needs:

* ``scoring_periods``: per indicator and tier, the latest period with good coverage (at least
  half of the most areas any period has), so benchmarks compare like with like;
* ``latest``: per indicator and area, the area's own most recent value with its period, and, for
  districts on county-only indicators (healthy life expectancy, absence), the county's value
  marked as such (data-survey §7 trap 5: show the county value and say so, never impute).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from lupcore.data import _files as io
from lupcore.model import Area, IndicatorMeta, Mission, Tier

AREA_KIND = {
    "E06": "Unitary authority",
    "E07": "District council",
    "E08": "Metropolitan borough",
    "E09": "London borough",
    "W06": "Welsh principal council",
    "S12": "Scottish council area",
    "N09": "Northern Ireland district",
    "E10": "County council",
    "E47": "Combined authority",
    "E12": "English region",
}
PICKER_TIERS = ("ltla", "utla", "cauth")
LOCAL_PREFIX = "local_"  # ids of a council's own uploaded metrics
# Counties and combined authorities are scored among their own kind; every other area among the districts.
TIER_OF_PREFIX = {"E10": "utla", "E47": "cauth"}


def tier_for(code: str) -> str:
    """The panel an area is scored in: counties among upper tiers, combined authorities together, else districts."""
    return TIER_OF_PREFIX.get(code[:3], "ltla")
UPPER_TIER_PREFIXES = ("E06", "E08", "E09", "E10", "W06", "S12", "N09")


class UnknownAreaError(LookupError):
    """An area code or name that is not in the data; carries the closest matches."""

    def __init__(self, query: str, suggestions: list[tuple[str, str]]) -> None:
        hint = ", ".join(f"{name} ({code})" for code, name in suggestions) or "none"
        super().__init__(f"Unknown area {query!r}. Closest matches: {hint}")
        self.query = query
        self.suggestions = suggestions


@dataclass(frozen=True)
class Dataset:
    indicators: Mapping[str, IndicatorMeta]
    missions: Mapping[int, Mission]
    areas: pd.DataFrame
    observations: pd.DataFrame
    neighbours: pd.DataFrame
    clusters: pd.DataFrame
    cluster_descriptions: Mapping[str, Mapping[str, str]]
    scoring_periods: pd.DataFrame = field(repr=False)
    latest: pd.DataFrame = field(repr=False)
    data_dir: Path = io.DATA_DIR

    # ----- areas -------------------------------------------------------------------------
    def area(self, code: str) -> Area:
        row = self.areas.loc[code]
        return Area(
            code=row["code"], name=row["name"], tier=Tier(row["tier"]), nation=row["nation"],
            region=row["region"], utla_code=row["utla_code"], utla_name=row["utla_name"],
            cauth_code=row["cauth_code"], cauth_name=row["cauth_name"],
            population=None if pd.isna(row["population"]) else float(row["population"]),
            land_area_ha=None if pd.isna(row["land_area_ha"]) else float(row["land_area_ha"]),
            current=bool(row["current"]),
        )

    def has_area(self, code: str) -> bool:
        return code in self.areas.index

    def is_pickable(self, code: str) -> bool:
        """A current council, county or combined authority: the areas a link or a session file may name."""
        return self.has_area(code) and bool(self.areas.at[code, "current"]) and self.areas.at[code, "tier"] in PICKER_TIERS

    def knows_metric(self, indicator_id: str) -> bool:
        """A metric of the data, or a council's own (``local_…``: whether it exists is the session's to say)."""
        return indicator_id in self.indicators or indicator_id.startswith(LOCAL_PREFIX)

    def pickable(self) -> pd.DataFrame:
        """Current areas a user can choose: lower-tier authorities, counties, combined authorities."""
        frame = self.areas[self.areas["current"] & self.areas["tier"].isin(PICKER_TIERS)]
        return frame.sort_values(["tier", "name"], key=lambda s: s.map({"ltla": 0, "utla": 1, "cauth": 2}) if s.name == "tier" else s)

    def comparison_codes(self, tier: str, nations: tuple[str, ...] | None = None) -> list[str]:
        """Current areas of one tier (ltla, utla or cauth), optionally within nation letters."""
        frame = self.areas[self.areas["current"]]
        if tier == "utla":
            frame = frame[frame["code"].str.startswith(UPPER_TIER_PREFIXES)]
        else:
            frame = frame[frame["tier"].eq(tier)]
        if nations:
            frame = frame[frame["code"].str[0].isin(nations)]
        return frame["code"].tolist()

    def resolve_area(self, query: str) -> str:
        """A code, or an exact name (case-insensitive), to a current area code."""
        text = query.strip()
        if text.upper() in self.areas.index and bool(self.areas.loc[text.upper(), "current"]):
            return text.upper()
        pick = self.pickable()
        exact = pick[pick["name"].str.casefold() == text.casefold()]
        if len(exact):
            return str(exact["code"].iloc[0])  # lower tier first, so "Durham"-style clashes pick the council
        raise UnknownAreaError(query, self.closest_areas(text))

    def closest_areas(self, text: str, n: int = 3) -> list[tuple[str, str]]:
        pick = self.pickable()
        names = dict(zip(pick["name"].str.casefold(), zip(pick["code"], pick["name"], strict=True), strict=False))
        hits = difflib.get_close_matches(text.casefold(), list(names), n=n, cutoff=0.5)
        if not hits:
            hits = [k for k in names if text.casefold() in k][:n]
        return [names[h] for h in hits]

    def area_kind(self, code: str) -> str:
        return AREA_KIND.get(code[:3], "Area")

    def nation_code(self, nation: str) -> str:
        return {"England": "E92000001", "Wales": "W92000004", "Scotland": "S92000003",
                "Northern Ireland": "N92000002"}.get(nation, "K02000001")

    # ----- values ------------------------------------------------------------------------
    @cached_property
    def _series_keys(self) -> np.ndarray:
        """Sorted ``indicator|area`` keys of the observations, for O(log n) series look-ups."""
        obs = self.observations
        return (obs["indicator_id"].astype(str) + "|" + obs["area_code"].astype(str)).to_numpy(dtype=str)

    def series(self, indicator_id: str, area_code: str) -> pd.DataFrame:
        """All published periods of one indicator for one area, oldest first."""
        key = f"{indicator_id}|{area_code}"
        keys = self._series_keys
        lo, hi = np.searchsorted(keys, key, side="left"), np.searchsorted(keys, key, side="right")
        return self.observations.iloc[lo:hi]

    def latest_for(self, area_code: str) -> pd.DataFrame:
        """Every indicator's latest value for one area (rows of ``latest``), in registry order."""
        rows = self.latest[self.latest["area_code"] == area_code]
        order = {iid: i for i, iid in enumerate(self.indicators)}
        return rows.sort_values("indicator_id", key=lambda s: s.map(order))


def _scoring_periods(obs: pd.DataFrame, indicators: Mapping[str, IndicatorMeta], areas: pd.DataFrame) -> pd.DataFrame:
    """One grouped count of areas per (indicator, tier, period) instead of a loop per indicator and tier."""
    current = areas[areas["current"]]
    codes = current["code"]
    members = pd.concat([  # an area may be in two panels: a unitary is both a district and an upper tier
        pd.DataFrame({"area_code": codes[current["tier"].eq("ltla")], "panel": "ltla"}),
        pd.DataFrame({"area_code": codes[codes.str.startswith(UPPER_TIER_PREFIXES)], "panel": "utla"}),
        pd.DataFrame({"area_code": codes[current["tier"].eq("cauth")], "panel": "cauth"}),
    ], ignore_index=True)
    valued = obs.loc[obs["value"].notna(), ["indicator_id", "area_code", "period_start", "period"]]
    counts = (valued.merge(members, on="area_code")
              .groupby(["indicator_id", "panel", "period_start", "period"], observed=True).size()
              .rename("n_areas").reset_index())
    most = counts.groupby(["indicator_id", "panel"])["n_areas"].transform("max")
    good = counts[counts["n_areas"] >= 0.5 * most].sort_values(["period_start", "period"])
    chosen = good.groupby(["indicator_id", "panel"]).tail(1).set_index(["indicator_id", "panel"])
    rows = []
    for iid, meta in indicators.items():
        for tier in ("ltla", "utla", "cauth"):
            # County-only indicators are compared among upper-tier areas, also for the district panel.
            panel = "utla" if tier == "ltla" and meta.geography == "utla" else tier
            if (iid, panel) in chosen.index:
                row = chosen.loc[(iid, panel)]
                rows.append({"indicator_id": iid, "tier": tier, "period": row["period"],
                             "period_start": row["period_start"], "n_areas": int(row["n_areas"])})
    return pd.DataFrame(rows)


def _latest(obs: pd.DataFrame, indicators: Mapping[str, IndicatorMeta], areas: pd.DataFrame) -> pd.DataFrame:
    valued = obs[obs["value"].notna()].sort_values("period_start")
    last = valued.groupby(["indicator_id", "area_code"], sort=False).tail(1).copy()
    last["source_area"] = last["area_code"]
    # Districts take the county value for county-only indicators (flagged by source_area).
    county_only = [iid for iid, m in indicators.items() if m.geography == "utla"]
    districts = areas.loc[areas["current"] & areas["code"].str.startswith("E07") & areas["utla_code"].ne(""),
                          ["code", "utla_code"]].reset_index(drop=True)
    districts["_order"] = np.arange(len(districts))
    county_rows = last[last["indicator_id"].isin(county_only) & last["area_code"].str.startswith("E10")]
    add = county_rows.drop(columns="area_code").merge(
        districts.rename(columns={"code": "area_code"}), left_on="source_area", right_on="utla_code")
    add = (add.assign(_ind=add["indicator_id"].map({iid: i for i, iid in enumerate(county_only)}))
           .sort_values(["_ind", "_order"])[list(last.columns)])
    kept = last[~(last["indicator_id"].isin(county_only) & last["area_code"].str.startswith("E07"))]
    latest = pd.concat([kept, add], ignore_index=True)
    return latest.astype({"source_area": last["area_code"].dtype})


def load_dataset(data_dir: Path = io.DATA_DIR) -> Dataset:
    """Read every data file and derive the shared tables; raises ``io.DataFileError``."""
    indicators = io.load_indicators(data_dir)
    missions = io.load_missions(data_dir)
    areas = io.load_areas(data_dir)
    obs = io.load_observations(data_dir)
    unknown = set(obs["indicator_id"].unique()) - set(indicators)
    if unknown:
        raise io.DataFileError(data_dir / "observations.parquet", f"has indicators missing from indicators.json: {sorted(unknown)[:5]}")
    for col in ("value", "lci95", "uci95"):
        obs[col] = obs[col].astype(np.float64)
    # Series look-ups bisect on the "indicator|area" key, so rows are ordered by exactly that key.
    obs = obs.assign(_key=obs["indicator_id"].astype(str) + "|" + obs["area_code"].astype(str))
    obs = obs.sort_values(["_key", "period_start", "period"], kind="stable", ignore_index=True).drop(columns="_key")
    return Dataset(
        indicators=MappingProxyType(indicators),
        missions=MappingProxyType(missions),
        areas=areas,
        observations=obs,
        neighbours=io.load_neighbours(data_dir),
        clusters=io.load_clusters(data_dir),
        cluster_descriptions=MappingProxyType(io.load_cluster_descriptions(data_dir)),
        scoring_periods=_scoring_periods(obs, indicators, areas),
        latest=_latest(obs, indicators, areas),
        data_dir=data_dir,
    )

