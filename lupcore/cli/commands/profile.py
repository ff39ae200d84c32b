"""``python -m lupcore profile AREA [--json]``: every indicator's latest value for one area."""

from __future__ import annotations

import argparse

from lupcore.cli.commands._common import area_command, emit, number, resolve_or_report
from lupcore.data import Dataset, describe, profile, value_note
from lupcore.format import format_value


def register(sub: argparse._SubParsersAction) -> None:
    parser = area_command(sub, "profile", "latest value of every indicator for one area")
    parser.set_defaults(func=run)


def _name(dataset: Dataset, code: str) -> str:
    return str(dataset.areas.at[code, "name"]) if dataset.has_area(code) else code


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    rows = profile(dataset, code)
    payload = {
        "area": describe(dataset, dataset.area(code)),
        "indicators": [
            {
                "indicator_id": r.meta.id,
                "label": r.meta.label,
                "mission": r.meta.mission,
                "value": number(r.value),
                "period": r.period or None,
                "unit": r.meta.unit,
                "lci95": number(r.lci95),
                "uci95": number(r.uci95),
                "value_of_area": r.source_area or None,
                "note": value_note(dataset, r.meta.id, code, county=_name(dataset, r.source_area) if r.source_area not in ("", code)
                                   else "") or None,  # whose value it is: county, partnership, police force area or region
                "role": r.meta.role.value,
                "source": r.meta.source_org,
            }
            for r in rows
        ],
    }
    lines = [f"{payload['area']['name']} ({code})"]
    for r in rows:
        shown = format_value(r.value, r.meta) if r.value is not None else "no data"
        note = value_note(dataset, r.meta.id, code)
        lines.append(f"  {r.meta.label:<55} {shown:>14}  {r.period_label}" + (f"  ({note})" if note else ""))
    emit(payload, args.json, "\n".join(lines))
    return 0
