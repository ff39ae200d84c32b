"""An area's profile: who it is and every indicator's latest value with period, unit and source."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lupcore.data._dataset import Dataset
from lupcore.model import Area, IndicatorMeta
from lupcore.periods import display_label


@dataclass(frozen=True, slots=True)
class ProfileRow:
    meta: IndicatorMeta
    value: float | None
    period: str
    lci95: float | None
    uci95: float | None
    status: str | None
    source_area: str  # the area whose value this is (the county for county-only indicators)

    @property
    def period_label(self) -> str:
        return display_label(self.period) if self.period else ""


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def profile(dataset: Dataset, area_code: str) -> list[ProfileRow]:
    """Every indicator published for the area's nation, in registry order; value None where missing."""
    latest = dataset.latest_for(area_code).set_index("indicator_id")
    letter = area_code[0]
    rows = []
    for iid, meta in dataset.indicators.items():
        if meta.nations and letter not in meta.nations:
            continue  # e.g. the Northern Ireland employment series for an English council
        if iid in latest.index:
            r = latest.loc[iid]
            rows.append(ProfileRow(meta, _num(r["value"]), str(r["period"]), _num(r["lci95"]), _num(r["uci95"]),
                                   None if pd.isna(r["status"]) else str(r["status"]), str(r["source_area"])))
        else:
            rows.append(ProfileRow(meta, None, "", None, None, None, ""))
    return rows


def describe(dataset: Dataset, area: Area) -> dict[str, str | float | None]:
    """The facts shown at the top of the overview and in exports."""
    return {
        "code": area.code,
        "name": area.name,
        "kind": dataset.area_kind(area.code),
        "tier": area.tier.value,
        "nation": area.nation,
        "region": area.region,
        "upper_tier": area.utla_name or None,
        "upper_tier_code": area.utla_code or None,
        "combined_authority": area.cauth_name or None,
        "combined_authority_code": area.cauth_code or None,
        "population": area.population,
        "land_area_ha": area.land_area_ha,
    }
