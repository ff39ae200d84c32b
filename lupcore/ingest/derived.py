"""The shared pieces of the derived series (registry rows whose source is ``DERIVED:…``): where the files are,
the periods, the build context, and one observation or value-source row each.
"""


from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PREFIX = "DERIVED:"
VALUE_SOURCE_COLUMNS = ["indicator_id", "area_code", "source_code", "source_name", "kind", "note"]
RAW_OUT = ["indicator_id", "area_code", "period", "observation", "lci_95", "uci_95", "status"]

C2_FILE = Path("missions-extra") / "crime" / "ons_pfa_tables_ye_jun2025_tableC2_csp.csv"
IOD_FILE = Path("missions-extra") / "deprivation" / "iod2025_lad_all_domains.csv"
C2_PREAMBLE = 7
CRIME_PERIOD = "2024-07-01/P1Y"  # year ending June 2025
POPULATION_PERIOD = "2024-06-30"  # the latest mid-year estimate in the data
SNAPSHOT_PERIOD = "2025-01-01/P1Y"
LONDON = "E12000007"
GLA_START = 2000  # Greater London Authority Act 1999; the authority began in July 2000

# Offence groups per derived crime indicator (``source_indicator`` in the registry).
CRIME_GROUPS: dict[str, tuple[str, ...]] = {
    "Violence with injury": ("Violence with injury",),
    "Neighbourhood crime": ("Residential burglary", "Robbery", "Theft from the person", "Vehicle offences"),
}

# The 11 partnerships Table C2 shows as "Combined Local Authorities" (membership not in the file;
# inferred per PROVENANCE.md and verified in ``crime_units``: each is exactly the districts of its
# force that have no row of their own, and district counts add back to the force totals).
COMBINED_PARTNERSHIPS: dict[str, tuple[str, ...]] = {
    "E22000362": ("E07000040", "E07000042"),
    "E22000363": ("E07000043", "E07000046"),
    "E22000364": ("E07000044", "E07000045", "E07000047"),
    "E22000374": ("E07000084", "E07000089", "E07000092"),
    "E22000352": ("E07000107", "E07000109"),
    "E22000366": ("E07000172", "E07000173", "E07000176"),
    "W14000023": ("W06000016", "W06000024"),
    "E22000373": ("E07000200", "E07000203", "E07000245"),
    "E22000359": ("E07000221", "E07000222"),
    "E22000368": ("E07000234", "E07000236", "E07000239"),
    "E22000332": ("E07000235", "E07000237", "E07000238"),
}

IOD_DOMAINS = {  # source_indicator → (index_domain in File 10, column)
    "IMD rank": ("Index of Multiple Deprivation", "rank_average_score"),
    "Income rank": ("Income Deprivation", "rank_average_score"),
    "Employment rank": ("Employment Deprivation", "rank_average_score"),
    "Education rank": ("Education, Skills and Training Deprivation", "rank_average_score"),
    "Health rank": ("Health Deprivation and Disability", "rank_average_score"),
    "Crime rank": ("Crime", "rank_average_score"),
    "IMD most deprived decile": ("Index of Multiple Deprivation", "proportion_bottom_decile"),
}


def is_derived(row: dict[str, str]) -> bool:
    return row["source_file"].startswith(PREFIX)


@dataclass(frozen=True)
class Context:
    """What every derivation needs: raw folders, current areas, populations and code changes."""

    shared_data: Path
    areas: pd.DataFrame  # the built areas table
    obs: pd.DataFrame  # observations built so far (for populations)
    crosswalk: pd.DataFrame

    @property
    def ltla(self) -> pd.DataFrame:
        a = self.areas
        return a[a["current"] & a["tier"].eq("ltla")].set_index("code", drop=False)

    def population(self, period: str = POPULATION_PERIOD) -> dict[str, float]:
        pop = self.obs[(self.obs["indicator_id"] == "population") & (self.obs["period"] == period)
                       & self.obs["value"].notna()]
        return dict(zip(pop["area_code"], pop["value"].astype(float), strict=True))

    def name(self, code: str) -> str:
        hit = self.areas.loc[self.areas["code"].eq(code), "name"]
        return str(hit.iloc[0]) if len(hit) else code


def observation(indicator_id: str, area: str, period: str, value: float | None, status: object = None) -> dict:
    """One observation; a missing value keeps the source's status code (``x`` when it gave none)."""
    v = None if value is None or pd.isna(value) else float(value)
    flag = None if v is not None else (str(status) if status is not None and not pd.isna(status) else "x")
    return {"indicator_id": indicator_id, "area_code": area, "period": period, "observation": v,
            "lci_95": None, "uci_95": None, "status": flag}


def value_source(indicator_id: str, area: str, source: str, kind: str, note: str, name: str = "") -> dict:
    return {"indicator_id": indicator_id, "area_code": area, "source_code": source, "source_name": name,
            "kind": kind, "note": note}
