"""Recorded crime per 1,000 residents from Table C2 (police recorded crime by Community Safety Partnership).

A partnership covering several districts gives each district its rate; its inferred membership is checked
against the force totals in the file as the series are built (methodology §3).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lupcore.ingest import geography
from lupcore.ingest.derived import (
    C2_FILE,
    C2_PREAMBLE,
    COMBINED_PARTNERSHIPS,
    CRIME_GROUPS,
    CRIME_PERIOD,
    Context,
    observation,
    value_source,
)


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
                obs.append(observation(reg["id"], m, CRIME_PERIOD, rate))
                if u.note:
                    notes.append(value_source(reg["id"], m, u.source_code or m, "partnership" if u.source_code else "several partnerships",
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
                obs.append(observation(reg["id"], parent, CRIME_PERIOD, count / people * 1000.0))
    return obs, notes


def _complete(parent: str, units: list[CrimeUnit], ltla: pd.DataFrame) -> bool:
    """A county's or combined authority's rate only when every one of its districts has a count."""
    if parent.startswith(("E92", "W92", "K04")):
        return True
    members = ltla.index[(ltla["utla_code"] == parent) | (ltla["cauth_code"] == parent)]
    covered = {m for u in units for m in u.members if all(not pd.isna(v) for v in u.counts.values())}
    return len(members) > 0 and set(members) <= covered


