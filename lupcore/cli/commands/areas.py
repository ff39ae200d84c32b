"""``python -m lupcore areas [--json]``: every area with code, name, tier, nation and region."""

from __future__ import annotations

import argparse

from lupcore.cli.commands._common import emit
from lupcore.data import Dataset


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("areas", help="list every area (code, name, tier, nation, region)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--all", action="store_true", help="include abolished areas kept for old series")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    areas = dataset.areas if args.all else dataset.areas[dataset.areas["current"]]
    records = [
        {"code": r.code, "name": r.name, "tier": r.tier, "nation": r.nation, "region": r.region or None}
        for r in areas.itertuples(index=False)
    ]
    text = "\n".join(f"{r['code']}  {r['tier']:<6} {r['name']} ({r['nation']})" for r in records)
    emit(records, args.json, text)
    return 0
