"""Areas on 2025 codes and the crosswalk from older codes.

The crosswalk comes from the "Obsolete code since YYYY (replaced by …)" notes in the ONS CSVs,
read together with the boundary start/end years of the app's geo-metadata. A code replaced by
exactly one successor that has no other predecessor is a *recode* (Barnsley E08000016 →
E08000038) and its rows are moved to the new code. Every other replacement is a *merge* or
*split*: rates cannot be re-aggregated, so those rows stay on the old code, flagged by the
area's ``current = False``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from lupcore.model import LOWER_TIER_PREFIXES

_CODE = re.compile(r"\b([EWSNK]\d{8})\b")
_OBSOLETE = re.compile(r"Obsolete code since (\d{4}) \(replaced by (.*)")

KEEP_PREFIXES = LOWER_TIER_PREFIXES + ("E10", "E47", "E12", "E92", "W92", "S92", "N92", "K02", "K03", "K04")
NATION_CODES = {"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland"}


def tier_of(code: str) -> str:
    prefix = code[:3]
    if prefix in LOWER_TIER_PREFIXES:
        return "ltla"
    if prefix == "E10":
        return "utla"
    if prefix == "E47":
        return "cauth"
    if prefix == "E12":
        return "region"
    return "nation"


def _nation_of(code: str) -> str:
    """The nation from the code's first letter, for ended areas whose metadata lists no parents."""
    return {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}.get(code[0], "United Kingdom")


def crosswalk_from_notes(notes: pd.DataFrame) -> pd.DataFrame:
    """One row per (old_code, new_code, since) from ``areacd, notes, rows``, with its kind.

    A few notes contradict the rest (energy files say Perth and Kinross became North
    Lanarkshire), so each old code follows its most frequent "Obsolete code" note.
    """
    notes = notes[notes["notes"].str.contains("Obsolete code since", regex=False)]
    notes = notes.sort_values(["areacd", "rows", "notes"], ascending=[True, False, True])
    notes = notes.drop_duplicates("areacd", keep="first")
    pairs: set[tuple[str, str, int]] = set()
    for code, note in notes[["areacd", "notes"]].itertuples(index=False):
        m = _OBSOLETE.search(str(note))
        if not m or not _CODE.fullmatch(str(code)):
            continue
        for new in _CODE.findall(m[2]):
            pairs.add((str(code), new, int(m[1])))
    frame = pd.DataFrame(sorted(pairs), columns=["old_code", "new_code", "since"])
    successors = frame.groupby("old_code")["new_code"].nunique()
    predecessors = frame.groupby("new_code")["old_code"].nunique()
    one_to_one = frame["old_code"].map(successors).eq(1) & frame["new_code"].map(predecessors).eq(1)
    split = frame["old_code"].map(successors).gt(1)
    frame["kind"] = "merge"
    frame.loc[split, "kind"] = "split"
    frame.loc[one_to_one, "kind"] = "recode"
    return frame.sort_values(["old_code", "new_code"]).reset_index(drop=True)


def resolve_recodes(crosswalk: pd.DataFrame) -> dict[str, str]:
    """Old → current code for pure recodes, following chains (A → B → C gives A → C)."""
    direct = dict(crosswalk.loc[crosswalk["kind"] == "recode", ["old_code", "new_code"]].itertuples(index=False))
    resolved = {}
    for old in direct:
        new, seen = direct[old], {old}
        while new in direct and new not in seen:
            seen.add(new)
            new = direct[new]
        resolved[old] = new
    return resolved


def build_areas(app_dir: Path, extra_dir: Path, population: pd.Series) -> pd.DataFrame:
    """Areas table: every current and ended area of the kept tiers, with parents and size.

    ``population`` is the latest mid-year population keyed by 2025 code.
    """
    meta = json.loads((app_dir / "geo-metadata.json").read_text(encoding="utf-8"))
    land = _land_area(extra_dir)
    rows = []
    for code, rec in meta.items():
        if not code.startswith(KEEP_PREFIXES) or code.startswith("E11"):
            continue
        parents = rec.get("parents", [])
        nation_code = next((p for p in parents if p in NATION_CODES), code if code in NATION_CODES else "")
        region_code = next((p for p in parents if p.startswith("E12")), "")
        utla = next((p for p in parents if p.startswith("E10")), "")
        cauth = next((p for p in parents if p.startswith("E47")), "")
        rows.append(
            {
                "code": code,
                "name": rec["areanm"],
                "tier": tier_of(code),
                "nation": NATION_CODES.get(nation_code, _nation_of(code)),
                "region_code": region_code,
                "utla_code": utla,
                "cauth_code": cauth,
                "start": rec.get("start"),
                "end": rec.get("end"),
            }
        )
    for code, name in {"K02000001": "United Kingdom", "K03000001": "Great Britain", "K04000001": "England and Wales"}.items():
        if code not in meta:
            rows.append({"code": code, "name": name, "tier": "nation", "nation": "United Kingdom",
                         "region_code": "", "utla_code": "", "cauth_code": "", "start": None, "end": None})
    areas = pd.DataFrame(rows)
    names = dict(zip(areas["code"], areas["name"], strict=True))
    areas["region"] = areas["region_code"].map(names).fillna("")
    # Outside England the nation is the region (NI is labelled both in the ONS metadata).
    no_region = areas["region"].eq("") & areas["tier"].isin(["ltla", "utla", "cauth"])
    areas.loc[no_region, "region"] = areas.loc[no_region, "nation"]
    areas["utla_name"] = areas["utla_code"].map(names).fillna("")
    areas["cauth_name"] = areas["cauth_code"].map(names).fillna("")
    areas["current"] = areas["end"].isna()
    areas["population"] = areas["code"].map(population).astype("float64")
    areas["land_area_ha"] = areas["code"].map(land).astype("float64")
    centroids = _centroids(extra_dir)
    areas["lon"] = areas["code"].map(centroids["LONG"]).astype("float64")
    areas["lat"] = areas["code"].map(centroids["LAT"]).astype("float64")
    lower = areas[areas["current"] & areas["tier"].eq("ltla")]
    for parent_col in ("utla_code", "cauth_code", "region_code"):
        sums = lower.groupby(parent_col)["land_area_ha"].sum(min_count=1)
        fill = areas["land_area_ha"].isna() & areas["code"].isin(sums.index)
        areas.loc[fill, "land_area_ha"] = areas.loc[fill, "code"].map(sums)
    for nation_name, code in {v: k for k, v in NATION_CODES.items()}.items():
        total = lower.loc[lower["nation"].eq(nation_name), "land_area_ha"].sum(min_count=1)
        areas.loc[areas["code"].eq(code) & areas["land_area_ha"].isna(), "land_area_ha"] = total
    areas.loc[areas["code"].eq("K02000001"), "land_area_ha"] = lower["land_area_ha"].sum()
    areas["start"] = areas["start"].astype("Int64")
    areas["end"] = areas["end"].astype("Int64")
    cols = ["code", "name", "tier", "nation", "region", "region_code", "utla_code", "utla_name",
            "cauth_code", "cauth_name", "population", "land_area_ha", "lon", "lat", "current", "start", "end"]
    return areas[cols].sort_values("code").reset_index(drop=True)


def _land_area(extra_dir: Path) -> dict[str, float]:
    path = next((extra_dir / "ons-geography").glob("Standard_Area_Measurements*.csv"))
    sam = pd.read_csv(path, encoding="utf-8-sig")
    land = dict(zip(sam["LAD24CD"], sam["AREALHECT"].astype(float), strict=True))
    # Barnsley and Sheffield are on 2024 codes here; the 2025 change was minor.
    for old, new in (("E08000016", "E08000038"), ("E08000019", "E08000039")):
        if old in land:
            land[new] = land.pop(old)
    return land


def _centroids(extra_dir: Path) -> pd.DataFrame:
    """Population-independent label points (LONG/LAT) of the LAD 2025 boundaries, for map markers."""
    path = next((extra_dir / "ons-geography").glob("Local_Authority_Districts_DEC_2025*.csv"))
    frame = pd.read_csv(path, encoding="utf-8-sig", usecols=["LAD25CD", "LONG", "LAT"])
    return frame.set_index("LAD25CD")


def check_lower_tier(areas: pd.DataFrame) -> None:
    """Fail the build unless the current lower tier is exactly the 361 LAD 2025 areas."""
    current = areas[areas["current"] & areas["tier"].eq("ltla")]
    counts = current["code"].str[0].value_counts().to_dict()
    expected = {"E": 296, "W": 22, "S": 32, "N": 11}
    if counts != expected:
        raise ValueError(f"current lower-tier areas by nation {counts}, expected {expected}")
    missing = current.loc[current["nation"].eq(""), "code"].tolist()
    if missing:
        raise ValueError(f"areas without a nation: {missing}")


def predecessors(crosswalk: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for old, new in crosswalk[["old_code", "new_code"]].itertuples(index=False):
        out[new].append(old)
    return dict(out)
