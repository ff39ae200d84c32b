"""``make data``: rebuild ``data/`` from the raw ONS files in ../shared.

Steps, each a small function so the rules are testable:
1. read the registry, then every source series it names (ONS CSVs and the app's JSON);
2. build the crosswalk from the CSVs' "Obsolete code" notes and recode pure recodes to 2025 codes;
3. drop rows of abolished areas that duplicate their successor in the same period;
4. parse periods, write ``observations.parquet``; then areas, boundaries, neighbours and metadata.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import pandas as pd

from lupcore.ingest import boundaries, geography, missions_extra, sources
from lupcore.periods import parse_period

OBSERVATION_COLUMNS = ["indicator_id", "area_code", "period", "period_start", "period_end",
                       "value", "lci95", "uci95", "status"]
BUILT_FILES = ("observations.parquet", "areas.parquet", "crosswalk.csv", "indicators.json",
               "missions.json", "boundaries-ltla.geojson", "neighbours.parquet", "clusters.parquet",
               "cluster-descriptions.json", "value-sources.csv")
_VALID_CODE = re.compile(r"^[EWSNK]\d{8}$")


def read_registry(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"registry: duplicate ids {dupes}")
    return rows


def read_series(registry: list[dict[str, str]], els: Path, extra: Path) -> pd.DataFrame:
    """Raw rows for every registry indicator, with ``indicator_id`` added."""
    frames = []
    by_file: dict[str, list[dict[str, str]]] = {}
    for row in registry:
        if not missions_extra.is_derived(row):  # built from other files after the areas (missions_extra)
            by_file.setdefault(row["source_file"], []).append(row)
    for source_file, rows in sorted(by_file.items()):
        if source_file.startswith("EXTRA:"):
            rel = source_file.removeprefix("EXTRA:")
            raw = sources.read_extra_json(extra / "ons-els-app-v1" / rel, rows[0]["source_indicator"])
        else:
            raw = sources.read_ons_csv(els / source_file / f"{source_file}.csv")
        for row in rows:
            part = raw[raw["indicator"].str.strip().str.lower() == row["source_indicator"].strip().lower()].copy()
            if part.empty:
                raise ValueError(f"registry {row['id']}: no rows for {row['source_indicator']!r} in {source_file}")
            part.insert(0, "indicator_id", row["id"])
            frames.append(part)
    return pd.concat(frames, ignore_index=True)


def read_all_notes(els: Path) -> pd.DataFrame:
    """``areacd, notes, rows`` from every ONS CSV, for the crosswalk (notes are spread across files)."""
    frames = []
    for path in sorted(els.glob("*/*.csv")):
        if path.parent.name in ("app", "uk-small-area-gross-value-added-estimates"):
            continue
        raw = sources.read_ons_csv(path)
        frames.append(raw.loc[raw["notes"].notna(), ["areacd", "notes"]])
    notes = pd.concat(frames, ignore_index=True)
    return notes.groupby(["areacd", "notes"]).size().rename("rows").reset_index()


def key_on_current_codes(raw: pd.DataFrame, crosswalk: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Recode, keep only the tiers we use, and drop duplicates; returns the frame and counts."""
    stats: dict[str, int] = {"raw_rows": len(raw)}
    frame = raw[raw["areacd"].str.match(_VALID_CODE) & raw["areacd"].str.startswith(geography.KEEP_PREFIXES)]
    frame = frame[~frame["areacd"].str.startswith("E11")].copy()
    stats["rows_outside_tiers"] = len(raw) - len(frame)
    recodes = geography.resolve_recodes(crosswalk)
    frame["recoded"] = frame["areacd"].isin(list(recodes))
    frame["area_code"] = frame["areacd"].map(lambda c: recodes.get(c, c))
    stats["rows_recoded"] = int(frame["recoded"].sum())
    # Prefer the row published on the new code when both codes appear in one period.
    frame = frame.sort_values(["indicator_id", "area_code", "period", "recoded"], kind="stable")
    key = ["indicator_id", "area_code", "period"]
    dup_recoded = frame.duplicated(key, keep="first") & frame["recoded"]
    stats["rows_recode_duplicates_dropped"] = int(dup_recoded.sum())
    frame = frame[~dup_recoded]
    # Abolished areas (merged or split) that duplicate a successor in the same period.
    successors = crosswalk[crosswalk["kind"] != "recode"].groupby("old_code")["new_code"].apply(list).to_dict()
    present = set(zip(frame["indicator_id"], frame["area_code"], frame["period"], strict=True))
    has_successor = [
        any((i, s, p) in present for s in successors.get(c, ()))
        for i, c, p in zip(frame["indicator_id"], frame["area_code"], frame["period"], strict=True)
    ]
    stats["rows_abolished_duplicates_dropped"] = int(sum(has_successor))
    frame = frame[~pd.Series(has_successor, index=frame.index)]
    exact = frame.duplicated(key, keep="first")
    stats["rows_same_key_dropped"] = int(exact.sum())
    frame = frame[~exact]
    return frame, stats


def to_observations(frame: pd.DataFrame) -> pd.DataFrame:
    periods = {label: parse_period(label) for label in frame["period"].unique()}
    out = pd.DataFrame(
        {
            "indicator_id": frame["indicator_id"].astype("string"),
            "area_code": frame["area_code"].astype("string"),
            "period": frame["period"].astype("string"),
            "period_start": pd.to_datetime(frame["period"].map(lambda p: periods[p].start)).astype("datetime64[ms]"),
            "period_end": pd.to_datetime(frame["period"].map(lambda p: periods[p].end)).astype("datetime64[ms]"),
            "value": frame["observation"].astype("float64"),
            "lci95": frame["lci_95"].astype("float64"),
            "uci95": frame["uci_95"].astype("float64"),
            "status": frame["status"].astype("string"),
        }
    )
    return out.sort_values(["indicator_id", "area_code", "period_start", "period"]).reset_index(drop=True)


def indicator_metadata(registry: list[dict[str, str]], obs: pd.DataFrame, areas: pd.DataFrame, els: Path) -> list[dict]:
    """Registry rows enriched with coverage from the data and the ONS description and caveats."""
    current = set(areas.loc[areas["current"], "code"])
    lower = obs[obs["area_code"].str[:3].isin(["E06", "E07", "E08", "E09", "W06", "S12", "N09"]) & obs["value"].notna()]
    out = []
    for row in registry:
        iid = row["id"]
        rows = lower[lower["indicator_id"] == iid]
        has_districts = rows["area_code"].str.startswith("E07").any() or not rows["area_code"].str.startswith("E").any()
        latest_start = rows["period_start"].max()
        latest = rows[rows["period_start"] == latest_start]
        old = latest[~latest["area_code"].isin(current)]
        if len(latest) and len(old) / len(latest) > 0.02:
            boundary_note = "Published on older boundaries: areas created since then have no value."
        else:
            boundary_note = ""
        slug = row["source_file"].removeprefix("EXTRA:").removeprefix(missions_extra.PREFIX).split("/")[0]
        ons = sources.read_ons_metadata(els / slug / f"{slug}.json", row["source_indicator"])
        all_rows = obs[obs["indicator_id"] == iid]
        meta = {
            "id": iid,
            "label": row["label"],
            "description": row["description"],
            "unit": row["unit"],
            "decimals": int(row["decimals"]),
            "polarity": int(row["polarity"]),
            "mission": int(row["mission"]) if row["mission"] else None,
            "capital": row["capital"] or None,
            "role": row["role"],
            "local_control": row["local_control"],
            "value_type": row["value_type"],
            "source_org": row["source_org"].replace("|", "; "),  # several organisations, one line
            "source_url": row["source_url"],
            "caveats": row["caveats"],
            "mission_target": float(row["mission_target"]) if row["mission_target"] else None,
            "mission_target_note": row["mission_target_note"],
            "people_base": row["people_base"],
            "geography": "ltla" if has_districts else "utla",
            "nations": sorted({c[0] for c in rows["area_code"]}, key="EWSN".index),
            "first_period": str(all_rows.sort_values("period_start")["period"].iloc[0]) if len(all_rows) else "",
            "last_period": str(latest["period"].iloc[0]) if len(latest) else "",
            "boundary_note": boundary_note,
            "source_caveats": str(ons.get("caveats", "")).strip(),
            "source_date": str(ons.get("sourceDate", "")),
            "has_ci": bool(all_rows["lci95"].notna().any()),
            "experimental": ons.get("experimentalStatistic") == "T",
        }
        out.append(meta)
    return out


def read_neighbours(app: Path) -> pd.DataFrame:
    frames = []
    for model in ("global", "economic", "demographic"):
        wide = pd.read_csv(app / "clusters" / f"{model}-neighbours.csv", encoding="utf-8-sig", dtype=str)
        long = wide.melt(id_vars="AREACD", var_name="rank", value_name="neighbour_code").dropna()
        long["model"] = model
        frames.append(long.rename(columns={"AREACD": "area_code"}))
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = out["rank"].astype("int16")
    out = out[["area_code", "model", "rank", "neighbour_code"]].astype({"area_code": "string", "model": "string", "neighbour_code": "string"})
    return out.sort_values(["area_code", "model", "rank"]).reset_index(drop=True)


def read_clusters(app: Path) -> pd.DataFrame:
    wide = pd.read_csv(app / "clusters" / "cluster-allocation.csv", encoding="utf-8-sig", dtype=str)
    long = wide.drop(columns=["AREANM"]).melt(id_vars="AREACD", var_name="model", value_name="cluster")
    long["model"] = long["model"].str.lower()
    long["cluster"] = long["cluster"].where(long["cluster"] != "[x]")  # excluded from the model
    long = long.rename(columns={"AREACD": "area_code"}).astype("string")
    return long.sort_values(["area_code", "model"]).reset_index(drop=True)


def read_missions(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{"mission": int(r["mission"]), "short_name": r["short_name"], "ambition": r["ambition"],
                 "local_gap": r["local_gap"], "applies_to": r.get("applies_to", ""),
                 "not_applicable_note": r.get("not_applicable_note", "")} for r in csv.DictReader(fh)]


def write_boundaries(out: Path, text: str) -> None:
    """Boundaries live in ``static/`` (served once to browsers at /app/static/) and ``data/`` links there.

    Streamlit's static route refuses symlinks that leave ``static/``, so the real file is the static one.
    When ``out`` is not the repository's own ``data/`` (e.g. a test rebuild), write a plain file.
    """
    target = out / "boundaries-ltla.geojson"
    static = out.resolve().parent / "static" / "boundaries-ltla.geojson"
    if out.resolve() == (Path(__file__).resolve().parents[2] / "data"):
        static.parent.mkdir(exist_ok=True)
        static.write_text(text, encoding="utf-8")
        if not target.is_symlink():
            target.unlink(missing_ok=True)
            target.symlink_to(Path("..") / "static" / "boundaries-ltla.geojson")
    else:
        target.write_text(text, encoding="utf-8")


def build(shared: Path, registry_dir: Path, out: Path) -> dict[str, int]:
    """Build every file of ``data/`` into ``out``; returns counts for the build report."""
    els, extra = shared / "data" / "ons-els", shared / "data" / "extra"
    if not els.is_dir():
        raise FileNotFoundError(f"raw ONS data not found at {els}")
    out.mkdir(parents=True, exist_ok=True)
    registry = read_registry(registry_dir / "indicators.csv")
    raw = read_series(registry, els, extra)
    crosswalk = geography.crosswalk_from_notes(read_all_notes(els))
    frame, stats = key_on_current_codes(raw, crosswalk)
    obs = to_observations(frame)

    pop = obs[(obs["indicator_id"] == "population") & obs["value"].notna()]
    latest_pop = pop.sort_values("period_start").groupby("area_code")["value"].last()
    areas = geography.build_areas(els / "app", extra, latest_pop)
    geography.check_lower_tier(areas)
    derived, value_sources = missions_extra.derive(registry, shared / "data", areas, obs, crosswalk)
    obs = pd.concat([obs, to_observations(derived)], ignore_index=True)
    obs = obs.sort_values(["indicator_id", "area_code", "period_start", "period"]).reset_index(drop=True)
    unknown = sorted(set(obs["area_code"]) - set(areas["code"]))
    if unknown:
        raise ValueError(f"observations on codes missing from the areas table: {unknown[:10]}")

    features = boundaries.simplified(boundaries.current_ltla(els / "app" / "topo.json"))
    feature_codes = [c for c, _, _ in features]
    expected = areas.loc[areas["current"] & areas["tier"].eq("ltla"), "code"].tolist()
    if sorted(feature_codes) != sorted(expected):
        raise ValueError("boundary codes differ from the current LTLA list")

    obs.to_parquet(out / "observations.parquet", index=False)
    areas.to_parquet(out / "areas.parquet", index=False)
    crosswalk.to_csv(out / "crosswalk.csv", index=False, lineterminator="\n")
    value_sources.to_csv(out / "value-sources.csv", index=False, lineterminator="\n")
    meta = indicator_metadata(registry, obs, areas, els)
    (out / "indicators.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    missions = read_missions(registry_dir / "missions.csv")
    (out / "missions.json").write_text(json.dumps(missions, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_boundaries(out, boundaries.geojson(features))
    read_neighbours(els / "app").to_parquet(out / "neighbours.parquet", index=False)
    read_clusters(els / "app").to_parquet(out / "clusters.parquet", index=False)
    descriptions = json.loads((els / "app" / "clusters" / "cluster-descriptions.json").read_text(encoding="utf-8-sig"))
    (out / "cluster-descriptions.json").write_text(json.dumps(descriptions, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stats.update(observations=len(obs), indicators=len(meta), areas=len(areas), boundaries=len(features),
                 crosswalk=len(crosswalk))
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lupcore.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"), help="folder holding data/ons-els and data/extra")
    parser.add_argument("--registry", type=Path, default=Path("registry"))
    parser.add_argument("--out", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    try:
        stats = build(args.shared, args.registry, args.out)
    except (FileNotFoundError, ValueError) as exc:
        print(f"make data failed: {exc}", file=sys.stderr)
        return 2
    for name, value in stats.items():
        print(f"{name}: {value}")
    return 0
