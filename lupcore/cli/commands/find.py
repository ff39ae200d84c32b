"""``python -m lupcore find QUERY [--json]``: councils for a name, postcode, sector, district or place."""

from __future__ import annotations

import argparse
import sys

from lupcore.cli.commands._common import emit
from lupcore.data import DataFileError, Dataset
from lupcore.places import find, load_index


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("find", help="find councils by name, postcode, sector, district, town or ward")
    parser.add_argument("query", help='e.g. "WS1 1TP", "WS3", "Bloxwich", "Allerdale"')
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=run)


def _line(c: dict) -> str:
    share = f" {c['share']:.0%}" if c["share"] is not None and c["share"] >= 0.005 else (" <1%" if c["share"] is not None else "")
    note = f" ({c['note']})" if c["note"] else ""
    return f"{c['code']}  {c['name']}{share}  [{c['kind']}: {c['match']}]{note}"


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    try:
        index = load_index(args.data)
    except DataFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    found = [c.as_dict() for c in find(args.query, index)]
    if not found:
        shown = " ".join(str(args.query).split())[:60]
        print(f"No council found for {shown!r}: try a council name, a town, a ward or a full postcode.",
              file=sys.stderr)
        return 2
    emit(found, args.json, "\n".join(_line(c) for c in found))
    return 0
