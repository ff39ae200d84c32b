"""Derived series for the missions ONS Explore Local Statistics does not measure locally.

Registry rows whose ``source_file`` starts with ``DERIVED:`` are built here, not read as ONS CSVs:

* ``DERIVED:crime-csp``: recorded crime per 1,000 residents from Table C2 (police recorded crime by
  Community Safety Partnership, year ending June 2025), with residents from the project's own
  mid-2024 populations. A partnership covering several districts gives each district its rate.
* ``DERIVED:homicide-offences``: the police force area homicide rate, given to every district of
  the force (named in a note).
* ``DERIVED:devolution``: residents covered by a combined (county) authority or the Greater London
  Authority, from the ONS geography metadata (England only).
* ``DERIVED:rd-per-head``: regional R&D spending in pounds per resident (regional value).
* ``DERIVED:iod2025``: English Indices of Deprivation 2025 district summaries.

Every value that is not the area's own gets a row in ``value-sources.csv`` (indicator, area, the
area whose value it is, and a plain-English note), so every page can say whose value it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lupcore.ingest import geography, sources
from lupcore.ingest.crime import crime_units, derive_crime, read_c2
from lupcore.ingest.derived import (
    C2_FILE,
    GLA_START,
    IOD_DOMAINS,
    IOD_FILE,
    LONDON,
    PREFIX,
    RAW_OUT,
    SNAPSHOT_PERIOD,
    VALUE_SOURCE_COLUMNS,
    Context,
    is_derived,
    observation,
    value_source,
)

# ----- police force areas (homicide) ---------------------------------------------------------

def district_forces(ctx: Context) -> dict[str, tuple[str, str]]:
    """Current district → (police force area code, name), from Table C2's partnership rows."""
    units = crime_units(read_c2(ctx.shared_data / C2_FILE), ctx)
    return {m: (u.pfa_code, u.pfa_name) for u in units for m in u.members}


def derive_homicide(ctx: Context, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    forces = district_forces(ctx)
    ltla = ctx.ltla
    obs, notes = [], []
    for reg in rows:
        raw = sources.read_ons_csv(ctx.shared_data / "ons-els" / "homicide-offences" / "homicide-offences.csv")
        raw = raw[raw["indicator"].str.strip().str.lower() == reg["source_indicator"].strip().lower()]
        own = raw[raw["areacd"].str.startswith(("E12", "E92", "W92", "N92", "K04"))]
        obs += [observation(reg["id"], c, p, v, st) for c, p, v, st in own[["areacd", "period", "observation", "status"]].itertuples(index=False)]
        by_force = {code: part for code, part in raw.groupby("areacd")}
        groups: dict[str, list[str]] = {}
        for d in forces:
            groups.setdefault(d, [d])
            for parent in (ltla.at[d, "utla_code"], ltla.at[d, "cauth_code"]):
                if parent:
                    groups.setdefault(parent, []).append(d)
        for code, members in sorted(groups.items()):
            force_set = {forces[m] for m in members}
            if code not in ltla.index:  # a county or combined authority: only when wholly in one force
                whole = ltla.index[(ltla["utla_code"] == code) | (ltla["cauth_code"] == code)]
                if set(whole) - set(forces) or len(force_set) != 1:
                    continue
            if len(force_set) != 1:
                continue
            pfa, pfa_name = force_set.pop()
            if pfa not in by_force:
                continue
            part = by_force[pfa]
            obs += [observation(reg["id"], code, p, v, st) for p, v, st in part[["period", "observation", "status"]].itertuples(index=False)]
            notes.append(value_source(reg["id"], code, pfa, "police force area", f"Police force area value: {pfa_name}"))
        # Northern Ireland is one police force area (the Police Service of Northern Ireland).
        ni = raw[raw["areacd"].eq("N92000002")]
        for code in ltla.index[ltla.index.str.startswith("N")]:
            obs += [observation(reg["id"], code, p, v, st) for p, v, st in ni[["period", "observation", "status"]].itertuples(index=False)]
            notes.append(value_source(reg["id"], code, "N92000002", "police force area",
                               "Police force area value: Police Service of Northern Ireland"))
    return obs, notes


# ----- R&D per head (regional value) ---------------------------------------------------------

RD_FILES = {"Business R&D": "research-and-development-business",
            "Public R&D": "research-and-development-public-funded"}
NATION_OF_LETTER = {"W": "W92000004", "S": "S92000003", "N": "N92000002"}


def derive_rd(ctx: Context, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    areas = ctx.areas[ctx.areas["current"]].set_index("code", drop=False)
    obs, notes = [], []
    for reg in rows:
        slug = RD_FILES.get(reg["source_indicator"])
        if slug is None:
            raise ValueError(f"registry {reg['id']}: unknown R&D series {reg['source_indicator']!r}")
        raw = sources.read_ons_csv(ctx.shared_data / "ons-els" / slug / f"{slug}.csv")
        raw = raw[raw["areacd"].str.startswith(("E12", "E92", "W92", "S92", "N92", "K02")) & raw["observation"].notna()]
        per_head: dict[str, dict[str, float]] = {}
        for code, period, pounds_m in raw[["areacd", "period", "observation"]].itertuples(index=False):
            people = ctx.population(f"{period[:4]}-06-30").get(code)
            if people:
                per_head.setdefault(code, {})[period] = pounds_m * 1e6 / people
        for code, series in per_head.items():
            obs += [observation(reg["id"], code, p, v) for p, v in series.items()]
        local = areas[areas["tier"].isin(["ltla", "utla", "cauth"])]
        for code, tier_region, letter in zip(local["code"], local["region_code"], local["code"].str[0], strict=True):
            source = tier_region if letter == "E" else NATION_OF_LETTER.get(letter, "")
            if not source or source not in per_head:
                continue
            obs += [observation(reg["id"], code, p, v) for p, v in per_head[source].items()]
            kind = "region" if letter == "E" else "nation"
            word = "Regional value" if letter == "E" else "National value"
            notes.append(value_source(reg["id"], code, source, kind, f"{word}: {ctx.name(source)} (not published for local areas)"))
    return obs, notes


# ----- devolution ----------------------------------------------------------------------------

def derive_devolution(ctx: Context, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    """100 when the district is in a combined (county) authority or Greater London, else 0 (England only)."""
    ltla = ctx.ltla[ctx.ltla["code"].str.startswith("E")]
    cauth = ctx.areas[ctx.areas["tier"].eq("cauth")].set_index("code")
    pop = ctx.population()
    obs, notes = [], []
    for reg in rows:
        covered: dict[str, bool] = {}
        for code, ca, region in zip(ltla["code"], ltla["cauth_code"], ltla["region_code"], strict=True):
            covered[code] = bool(ca) or region == LONDON
            obs.append(observation(reg["id"], code, SNAPSHOT_PERIOD, 100.0 if covered[code] else 0.0))
            if ca:
                start = cauth.at[ca, "start"]
                since = (f"its code dates from {int(start)}" if pd.notna(start)
                         else "listed by ONS since before 2018; the year it began is not in the file")
                notes.append(value_source(reg["id"], code, ca, "combined authority",
                                   f"In the {cauth.at[ca, 'name']} combined authority area ({since})"))
            elif region == LONDON:
                notes.append(value_source(reg["id"], code, LONDON, "Greater London",
                                   f"In Greater London: covered by the Greater London Authority since {GLA_START}"))
            else:
                notes.append(value_source(reg["id"], code, "", "not covered",
                                   "Not in a combined authority or Greater London in the ONS 2025 lists"))
        shares: dict[str, list[float]] = {}
        for code in ltla["code"]:
            people = pop.get(code)
            if not people:
                continue
            for parent in (ltla.at[code, "utla_code"], ltla.at[code, "cauth_code"], ltla.at[code, "region_code"], "E92000001"):
                if parent:
                    acc = shares.setdefault(parent, [0.0, 0.0])
                    acc[0] += people * covered[code]
                    acc[1] += people
        for parent, (yes, total) in sorted(shares.items()):
            obs.append(observation(reg["id"], parent, SNAPSHOT_PERIOD, 100.0 * yes / total))
    return obs, notes


# ----- Indices of Deprivation 2025 -----------------------------------------------------------

def derive_iod(ctx: Context, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    frame = pd.read_csv(ctx.shared_data / IOD_FILE, encoding="utf-8-sig", dtype={"area_code": str})
    recodes = geography.resolve_recodes(ctx.crosswalk)
    frame["area_code"] = frame["area_code"].map(lambda c: recodes.get(c, c))
    current = set(ctx.ltla.index[ctx.ltla.index.str.startswith("E")])
    if set(frame["area_code"]) != current:
        raise ValueError("IoD 2025: districts differ from the current English districts "
                         f"{sorted(set(frame['area_code']) ^ current)[:5]}")
    obs = []
    for reg in rows:
        domain, column = IOD_DOMAINS[reg["source_indicator"]]
        part = frame[frame["index_domain"] == domain]
        if len(part) != len(current):
            raise ValueError(f"IoD 2025: {domain!r} has {len(part)} districts, expected {len(current)}")
        scale = 100.0 if column.startswith("proportion") else 1.0
        obs += [observation(reg["id"], c, SNAPSHOT_PERIOD, float(v) * scale)
                for c, v in part[["area_code", column]].itertuples(index=False)]
    return obs, []


# ----- plumbing ------------------------------------------------------------------------------

DERIVATIONS: dict[str, Callable[[Context, list[dict[str, str]]], tuple[list[dict], list[dict]]]] = {
    "crime-csp": derive_crime,
    "homicide-offences": derive_homicide,
    "rd-per-head": derive_rd,
    "devolution": derive_devolution,
    "iod2025": derive_iod,
}


def derive(registry: list[dict[str, str]], shared_data: Path, areas: pd.DataFrame, obs: pd.DataFrame,
           crosswalk: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw rows (``RAW_OUT`` columns, area_code on 2025 codes) and value-source notes for the derived rows."""
    ctx = Context(shared_data, areas, obs, crosswalk)
    by_kind: dict[str, list[dict[str, str]]] = {}
    for row in registry:
        if is_derived(row):
            by_kind.setdefault(row["source_file"].removeprefix(PREFIX), []).append(row)
    out, notes = [], []
    for kind, rows in sorted(by_kind.items()):
        if kind not in DERIVATIONS:
            raise ValueError(f"registry: unknown derived source {PREFIX}{kind}")
        o, n = DERIVATIONS[kind](ctx, rows)
        out += o
        notes += n
    raw = pd.DataFrame(out, columns=RAW_OUT)
    raw = raw.astype({"indicator_id": "string", "area_code": "string", "period": "string", "status": "string"})
    for col in ("observation", "lci_95", "uci_95"):
        raw[col] = raw[col].astype("float64")
    names = dict(zip(areas["code"], areas["name"], strict=True))
    table = pd.DataFrame(notes, columns=VALUE_SOURCE_COLUMNS)
    table["source_name"] = [n or names.get(c, "") for c, n in zip(table["source_code"], table["source_name"], strict=True)]
    # Force names are not areas here; take them from the note.
    force = table["kind"].eq("police force area")
    table.loc[force, "source_name"] = table.loc[force, "note"].str.removeprefix("Police force area value: ")
    table = table.drop_duplicates(["indicator_id", "area_code"]).sort_values(["indicator_id", "area_code"])
    return raw, table.reset_index(drop=True)
