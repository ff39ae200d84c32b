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

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lupcore.ingest import geography, sources

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


# ----- Table C2 ------------------------------------------------------------------------------

def _count(text: str) -> float | None:
    """``"41,521 "`` → 41521.0; ``[x]`` or blank → None (unavailable, never 0)."""
    t = text.strip().replace(",", "")
    if not t or t.startswith("["):
        return None
    return float(t)


def read_c2(path: Path) -> pd.DataFrame:
    """Table C2 as one row per force total, unassigned row and partnership, counts as floats."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[C2_PREAMBLE:]
    header = [" ".join(h.split()) for h in rows[0]]
    out = []
    for r in rows[1:]:
        if not any(c.strip() for c in r):
            continue
        rec = dict(zip(header, r, strict=False))
        csp, name = rec["Community Safety Partnership code"].strip(), rec["Community Safety Partnership name"].strip()
        # Rows with a name but no partnership code ("Unassigned X", "Manchester Airport") are crimes
        # the force placed in no partnership; the force's total row has neither.
        kind = "partnership" if csp else ("unassigned" if name else "force")
        item = {"kind": kind, "pfa_code": rec["Police Force Area code"].strip(),
                "pfa_name": rec["Police Force Area name"].strip(), "csp_code": csp, "csp_name": name,
                "la_code": rec["Local Authority code"].strip()}
        for groups in CRIME_GROUPS.values():
            for g in groups:
                item[g] = _count(rec[g])
        if all(_count(rec[h]) is None for h in header[6:]):
            item["kind"] = "empty"  # "unassigned Surrey" carries Kent's force code and no counts at all
        out.append(item)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class CrimeUnit:
    """One set of current districts with one published count: a partnership, or several former ones."""

    members: tuple[str, ...]
    pfa_code: str
    pfa_name: str
    counts: dict[str, float | None]
    source_code: str  # the partnership (E22/W14), or "" when the district's own
    note: str  # "" when the district's own partnership
    source_name: str = ""  # the partnership's name, for a combined partnership


def crime_units(c2: pd.DataFrame, ctx: Context) -> list[CrimeUnit]:
    """Partnership rows mapped onto 2025 districts; raises ValueError if membership does not check out.

    Old codes: a pure recode (Barnsley, Sheffield) moves to its new code; Cumbria's six former
    districts are summed into the two unitary authorities that replaced them, and partnerships that
    predate a merger (Buckinghamshire, Northamptonshire, Dorset, East Suffolk) are summed into the
    current council (counts add, rates are worked out afterwards).
    """
    recodes = geography.resolve_recodes(ctx.crosswalk)
    merges = ctx.crosswalk[ctx.crosswalk["kind"].eq("merge")].groupby("old_code")["new_code"].apply(list).to_dict()
    current = set(ctx.ltla.index[ctx.ltla.index.str[0].isin(["E", "W"])])
    groups = sorted({g for gs in CRIME_GROUPS.values() for g in gs})
    parts = c2[c2["kind"].eq("partnership")]
    units: list[CrimeUnit] = []
    merged: dict[str, list[pd.Series]] = {}
    for _, r in parts.iterrows():
        code = r["la_code"]
        counts = {g: r[g] for g in groups}
        if code.startswith("Combined"):
            members = COMBINED_PARTNERSHIPS.get(r["csp_code"])
            if members is None:
                raise ValueError(f"Table C2: combined partnership {r['csp_code']} has no known membership")
            names = " and ".join(", ".join(ctx.name(m) for m in members).rsplit(", ", 1))
            units.append(CrimeUnit(members, r["pfa_code"], r["pfa_name"], counts, r["csp_code"],
                                   f"Value for the {r['csp_name']} partnership ({names} together)", r["csp_name"]))
            continue
        new = recodes.get(code, code)
        if new not in current and len(merges.get(code, ())) == 1:
            new = merges[code][0]  # Cumbria's former districts → Cumberland, Westmorland and Furness
        if new not in current:
            raise ValueError(f"Table C2: local authority code {code} maps to no current district")
        merged.setdefault(new, []).append(r)
    for new, rows in sorted(merged.items()):
        # Several partnerships on one current district (older partnerships, or former districts): counts add.
        counts = {g: (None if any(pd.isna(x[g]) for x in rows) else float(sum(x[g] for x in rows))) for g in groups}
        former = " and ".join(", ".join(x["csp_name"] for x in rows).rsplit(", ", 1))
        note = f"Sum of the {former} partnerships" if len(rows) > 1 else ""
        units.append(CrimeUnit((new,), rows[0]["pfa_code"], rows[0]["pfa_name"], counts, "", note))
    seen = [m for u in units for m in u.members]
    dupes = sorted({m for m in seen if seen.count(m) > 1})
    if dupes or set(seen) != current:
        raise ValueError(f"Table C2: districts counted twice {dupes}, missing {sorted(current - set(seen))[:5]}, "
                         f"unknown {sorted(set(seen) - current)[:5]}")
    # The force totals must equal their partnerships plus the unassigned row.
    for pfa, total in c2[c2["kind"].eq("force")].set_index("pfa_code").iterrows():
        for g in groups:
            parts_sum = sum(u.counts[g] or 0.0 for u in units if u.pfa_code == pfa)
            unassigned = c2.loc[c2["kind"].eq("unassigned") & c2["pfa_code"].eq(pfa), g].fillna(0.0).sum()
            if abs(parts_sum + unassigned - total[g]) > 0.5:
                raise ValueError(f"Table C2: {pfa} {g}: partnerships {parts_sum} + unassigned {unassigned} ≠ {total[g]}")
    return units


def _unit_count(unit: CrimeUnit, indicator: str) -> float | None:
    values = [unit.counts[g] for g in CRIME_GROUPS[indicator]]
    return None if any(v is None or pd.isna(v) for v in values) else float(sum(values))  # type: ignore[arg-type]


def derive_crime(ctx: Context, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    units = crime_units(read_c2(ctx.shared_data / C2_FILE), ctx)
    pop = ctx.population()
    ltla = ctx.ltla
    obs, notes = [], []
    for reg in rows:
        indicator = reg["source_indicator"]
        if indicator not in CRIME_GROUPS:
            raise ValueError(f"registry {reg['id']}: unknown crime group {indicator!r}")
        totals: dict[str, list[float]] = {}  # parent code → [count, population]
        for u in units:
            count = _unit_count(u, indicator)
            people = sum(pop.get(m, float("nan")) for m in u.members)
            rate = None if count is None or not people > 0 else count / people * 1000.0
            for m in u.members:
                obs.append(_row(reg["id"], m, CRIME_PERIOD, rate))
                if u.note:
                    notes.append(_note(reg["id"], m, u.source_code or m, "partnership" if u.source_code else "several partnerships",
                                       u.note, u.source_name))
            if count is None or not people > 0:
                continue
            nation = {"E": "E92000001", "W": "W92000004"}[u.members[0][0]]
            local = {p for m in u.members for p in (ltla.at[m, "utla_code"], ltla.at[m, "cauth_code"]) if p}
            local = {p for p in local if all(p in (ltla.at[m, "utla_code"], ltla.at[m, "cauth_code"]) for m in u.members)}
            for p in (*sorted(local), nation, "K04000001"):
                acc = totals.setdefault(p, [0.0, 0.0])
                acc[0] += count
                acc[1] += people
        for parent, (count, people) in sorted(totals.items()):
            if _complete(parent, units, ltla):
                obs.append(_row(reg["id"], parent, CRIME_PERIOD, count / people * 1000.0))
    return obs, notes


def _complete(parent: str, units: list[CrimeUnit], ltla: pd.DataFrame) -> bool:
    """A county's or combined authority's rate only when every one of its districts has a count."""
    if parent.startswith(("E92", "W92", "K04")):
        return True
    members = ltla.index[(ltla["utla_code"] == parent) | (ltla["cauth_code"] == parent)]
    covered = {m for u in units for m in u.members if all(not pd.isna(v) for v in u.counts.values())}
    return len(members) > 0 and set(members) <= covered


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
        obs += [_row(reg["id"], c, p, v, st) for c, p, v, st in own[["areacd", "period", "observation", "status"]].itertuples(index=False)]
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
            obs += [_row(reg["id"], code, p, v, st) for p, v, st in part[["period", "observation", "status"]].itertuples(index=False)]
            notes.append(_note(reg["id"], code, pfa, "police force area", f"Police force area value: {pfa_name}"))
        # Northern Ireland is one police force area (the Police Service of Northern Ireland).
        ni = raw[raw["areacd"].eq("N92000002")]
        for code in ltla.index[ltla.index.str.startswith("N")]:
            obs += [_row(reg["id"], code, p, v, st) for p, v, st in ni[["period", "observation", "status"]].itertuples(index=False)]
            notes.append(_note(reg["id"], code, "N92000002", "police force area",
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
            obs += [_row(reg["id"], code, p, v) for p, v in series.items()]
        local = areas[areas["tier"].isin(["ltla", "utla", "cauth"])]
        for code, tier_region, letter in zip(local["code"], local["region_code"], local["code"].str[0], strict=True):
            source = tier_region if letter == "E" else NATION_OF_LETTER.get(letter, "")
            if not source or source not in per_head:
                continue
            obs += [_row(reg["id"], code, p, v) for p, v in per_head[source].items()]
            kind = "region" if letter == "E" else "nation"
            word = "Regional value" if letter == "E" else "National value"
            notes.append(_note(reg["id"], code, source, kind, f"{word}: {ctx.name(source)} (not published for local areas)"))
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
            obs.append(_row(reg["id"], code, SNAPSHOT_PERIOD, 100.0 if covered[code] else 0.0))
            if ca:
                start = cauth.at[ca, "start"]
                since = (f"its code dates from {int(start)}" if pd.notna(start)
                         else "listed by ONS since before 2018; the year it began is not in the file")
                notes.append(_note(reg["id"], code, ca, "combined authority",
                                   f"In the {cauth.at[ca, 'name']} combined authority area ({since})"))
            elif region == LONDON:
                notes.append(_note(reg["id"], code, LONDON, "Greater London",
                                   f"In Greater London: covered by the Greater London Authority since {GLA_START}"))
            else:
                notes.append(_note(reg["id"], code, "", "not covered",
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
            obs.append(_row(reg["id"], parent, SNAPSHOT_PERIOD, 100.0 * yes / total))
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
        obs += [_row(reg["id"], c, SNAPSHOT_PERIOD, float(v) * scale)
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


def _row(indicator_id: str, area: str, period: str, value: float | None, status: object = None) -> dict:
    """One observation; a missing value keeps the source's status code (``x`` when it gave none)."""
    v = None if value is None or pd.isna(value) else float(value)
    flag = None if v is not None else (str(status) if status is not None and not pd.isna(status) else "x")
    return {"indicator_id": indicator_id, "area_code": area, "period": period, "observation": v,
            "lci_95": None, "uci_95": None, "status": flag}


def _note(indicator_id: str, area: str, source: str, kind: str, note: str, name: str = "") -> dict:
    return {"indicator_id": indicator_id, "area_code": area, "source_code": source, "source_name": name,
            "kind": kind, "note": note}


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
